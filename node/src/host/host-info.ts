import { access, constants, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { PRODUCT_VERSION, type Host } from '@quantix/lib/api';
import type { VmBackend } from '../vms/backend.ts';
import { listBlockDevices } from './block-devices.ts';
import { parseCpuinfo, parseMeminfo, readNics } from './proc-readers.ts';

export interface HostInfoDeps {
  backend: VmBackend;
  accelReason: string;
  vmCounts: () => { total: number; running: number };
  api: () => { listen: string; port: number; tls: boolean };
}

/** Remembers a slow answer for a while, so frequent readers (the console) cost no process spawns. */
function cached<T>(ttlMs: number, read: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  let at = 0;
  return () => {
    if (!value || Date.now() - at > ttlMs) {
      at = Date.now();
      value = read();
      value.catch(() => (value = null));
    }
    return value;
  };
}

/** The host's hardware and hypervisor. Hardware that does not change is read once. */
export class HostInfo {
  private hardware: Promise<Pick<Host, 'cpu' | 'disks'>> | null = null;
  private readonly versions = cached(10 * 60_000, () => this.deps.backend.versions());
  private readonly pool = cached(15_000, () => this.deps.backend.pool());
  private readonly capabilities = cached(10 * 60_000, () => this.deps.backend.capabilities());

  constructor(private readonly deps: HostInfoDeps) {}

  private readHardware(): Promise<Pick<Host, 'cpu' | 'disks'>> {
    this.hardware ??= (async () => {
      const [cpuinfo, disks] = await Promise.all([readFile('/proc/cpuinfo', 'utf8'), listBlockDevices().catch(() => [])]);
      return {
        cpu: parseCpuinfo(cpuinfo),
        disks,
      };
    })();
    return this.hardware;
  }

  async read(): Promise<Host> {
    const { backend } = this.deps;
    const [hardware, meminfo, nics, versions, pool, kvmDevice, capabilities] = await Promise.all([
      this.readHardware(),
      readFile('/proc/meminfo', 'utf8'),
      readNics(),
      this.versions(),
      this.pool(),
      access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false),
      this.capabilities(),
    ]);
    const uptimeSeconds = Number((await readFile('/proc/uptime', 'utf8')).split(' ')[0]);
    const mem = parseMeminfo(meminfo);
    return {
      hostname: hostname(),
      product: { name: 'Quantix', version: PRODUCT_VERSION },
      ...hardware,
      memory: { totalBytes: mem.totalBytes, availableBytes: mem.availableBytes, usedBytes: mem.totalBytes - mem.availableBytes },
      nics,
      uptimeSeconds,
      bootTime: new Date(Date.now() - uptimeSeconds * 1000).toISOString(),
      hypervisor: {
        libvirtVersion: versions.libvirt,
        qemuVersion: versions.qemu,
        accel: backend.accel,
        accelReason: this.deps.accelReason,
        kvmDevice,
        capabilities,
      },
      storagePool: pool,
      vms: this.deps.vmCounts(),
      api: this.deps.api(),
    };
  }
}
