import type { AuditEntry } from '@quantix/lib/audit';
import type { Host, SshState } from '@quantix/lib/api';
import type { Effects } from '../effects/index.ts';
import type { LocalSnapshot } from '../effects/local-status.ts';
import { ConsoleError } from '../errors.ts';

/** Unit-test doubles of the effects: each method answers from plain data and records calls. */

export const sampleHost: Host = {
  hostname: 'node7',
  product: { name: 'Quantix', version: '0.1.0' },
  cpu: { model: 'AMD EPYC 7302', vendor: 'AuthenticAMD', sockets: 1, cores: 16, threads: 32, mhz: 3000, virtualizationFlags: true },
  memory: { totalBytes: 64 * 2 ** 30, availableBytes: 48 * 2 ** 30, usedBytes: 16 * 2 ** 30 },
  disks: [{ device: '/dev/nvme0n1', model: 'Samsung 980', sizeBytes: 1000 * 2 ** 30, type: 'nvme', removable: false }],
  nics: [{ name: 'eno1', mac: '52:54:00:12:34:56', ipv4: ['10.1.2.3'], ipv6: [], up: true, speedMbps: 10000, virtual: false }],
  uptimeSeconds: 3 * 86400 + 4 * 3600 + 12 * 60,
  bootTime: '2026-11-18T08:22:56.000Z',
  hypervisor: { libvirtVersion: '9.0.0', qemuVersion: '7.2.0', accel: 'kvm', accelReason: '/dev/kvm works', kvmDevice: true, capabilities: { machine: 'pc-q35-7.2', maxVcpus: 288, firmware: ['bios', 'uefi'], secureBoot: true, cpuModes: ['host-passthrough', 'host-model'] } },
  storagePool: { name: 'qx-local', path: '/var/lib/quantix/node/pool', capacityBytes: 900 * 2 ** 30, availableBytes: 700 * 2 ** 30 },
  vms: { total: 5, running: 3 },
  api: { listen: '0.0.0.0', port: 8443, tls: true },
};

/** SSH as a fresh host has it: disabled, no idle timeout. */
export const sampleSshDisabled: SshState = {
  mode: 'disabled',
  enabledUntil: null,
  remainingSeconds: null,
  idleTimeoutMinutes: 0,
  accepting: false,
  listen: ['0.0.0.0'],
  port: 22,
  changedAt: null,
  changedBy: null,
};

export const sampleLocal: LocalSnapshot = {
  hostname: 'node7',
  uptimeSeconds: 3 * 86400 + 4 * 3600 + 12 * 60,
  cpu: { usage: 0.37, threads: 32, load1: 2.5, model: 'AMD EPYC 7302' },
  memory: { totalBytes: 64 * 2 ** 30, availableBytes: 48 * 2 ** 30 },
  nics: [
    { name: 'virbr0', ipv4: ['192.168.122.1'] },
    { name: 'eno1', ipv4: ['10.1.2.3'] },
  ],
  defaultRouteNic: 'eno1',
};

const down = () => Promise.reject(new ConsoleError('NODE_DOWN'));

export interface FakeEffects extends Effects {
  calls: string[];
  audited: AuditEntry[];
}

export function fakeEffects(over: { node?: Partial<Effects['node']> } & Partial<Omit<Effects, 'node'>> = {}): FakeEffects {
  const calls: string[] = [];
  const audited: AuditEntry[] = [];
  const node: Effects['node'] = {
    host: down,
    vms: down,
    shutdownVm: down,
    job: down,
    cancelJob: down,
    network: down,
    applyNetwork: down,
    confirmNetwork: down,
    testNetwork: down,
    ssh: down,
    setSsh: down,
    registrationToken: down,
    regenerateRegistrationToken: down,
    setAdminPassword: down,
    close: async () => undefined,
    ...over.node,
  };
  const { node: _node, ...rest } = over;
  return {
    calls,
    audited,
    node,
    local: { snapshot: async () => sampleLocal, bootInfo: async () => ({ slot: null, version: null }) },
    auth: { status: async () => ({ hasPassword: true, lockedUntil: null }), verify: async () => ({ ok: true }) },
    audit: {
      actor: 'console:test',
      record: async (action, detail = {}) => {
        audited.push({ time: new Date().toISOString(), actor: 'console:test', action, detail });
      },
      recent: async (limit) => audited.slice(-limit),
    },
    services: {
      status: async () => ({ running: false, pid: null, manager: 'process' }),
      restart: async (progress) => {
        calls.push('services.restart');
        progress('starting qx-node');
        return { running: true, pid: 4242, manager: 'process' };
      },
    },
    power: {
      run: async (action) => {
        calls.push(`power.${action}`);
        return { code: 0, signal: null, stdout: '', stderr: '' };
      },
    },
    shell: {
      run: async () => {
        calls.push('shell.run');
        return { exitCode: 0, signal: null, durationMs: 1200, command: ['/bin/sh'], error: null };
      },
    },
    logs: {
      tail: async (path) => ({ source: path, lines: [`${path} line 1`, `${path} line 2`], missing: null }),
      systemLog: async () => ({ source: '/var/log/syslog', lines: ['kernel: booted'], missing: null }),
    },
    ...rest,
  };
}

export const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));
