import { access, constants, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import si from 'systeminformation';
import { PRODUCT_VERSION, type Host } from '@quantix/lib/api';
import type { VmBackend } from '../vms/backend.ts';
import { listBlockDevices } from './block-devices.ts';

export interface HostInfoDeps {
  backend: VmBackend;
  accelReason: string;
  vmCounts: () => { total: number; running: number };
}

const hasVirtFlags = (flags: string) => /\b(vmx|svm)\b/.test(flags);

/** The host's hardware and hypervisor. Hardware that does not change is read once. */
export class HostInfo {
  private hardware: Promise<Pick<Host, 'cpu' | 'disks'>> | null = null;

  constructor(private readonly deps: HostInfoDeps) {}

  private readHardware(): Promise<Pick<Host, 'cpu' | 'disks'>> {
    this.hardware ??= (async () => {
      const [cpu, flags, disks] = await Promise.all([si.cpu(), si.cpuFlags(), listBlockDevices().catch(() => [])]);
      return {
        cpu: {
          model: `${cpu.manufacturer} ${cpu.brand}`.trim(),
          vendor: cpu.vendor,
          sockets: cpu.processors || 1,
          cores: cpu.physicalCores,
          threads: cpu.cores,
          mhz: Math.round(cpu.speed * 1000),
          virtualizationFlags: hasVirtFlags(flags),
        },
        disks,
      };
    })();
    return this.hardware;
  }

  async read(): Promise<Host> {
    const { backend } = this.deps;
    const [hardware, mem, nics, versions, pool, kvmDevice] = await Promise.all([
      this.readHardware(),
      si.mem(),
      si.networkInterfaces(),
      backend.versions(),
      backend.pool(),
      access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false),
    ]);
    const uptimeSeconds = Number((await readFile('/proc/uptime', 'utf8')).split(' ')[0]);
    const list = Array.isArray(nics) ? nics : [nics];
    return {
      hostname: hostname(),
      product: { name: 'Quantix', version: PRODUCT_VERSION },
      ...hardware,
      memory: { totalBytes: mem.total, availableBytes: mem.available, usedBytes: mem.total - mem.available },
      nics: list
        .filter((n) => n.iface !== 'lo')
        .map((n) => ({
          name: n.iface,
          mac: n.mac,
          ipv4: n.ip4 ? [n.ip4] : [],
          ipv6: n.ip6 ? [n.ip6] : [],
          up: n.operstate === 'up',
          speedMbps: n.speed !== null && n.speed > 0 ? n.speed : null,
          virtual: n.virtual,
        })),
      uptimeSeconds,
      bootTime: new Date(Date.now() - uptimeSeconds * 1000).toISOString(),
      hypervisor: {
        libvirtVersion: versions.libvirt,
        qemuVersion: versions.qemu,
        accel: backend.accel,
        accelReason: this.deps.accelReason,
        kvmDevice,
      },
      storagePool: pool,
      vms: this.deps.vmCounts(),
    };
  }
}
