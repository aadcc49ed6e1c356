import { z } from 'zod';
import { isoTime } from './common.ts';

export const hostAccel = z.enum(['kvm', 'tcg']);

export const host = z.strictObject({
  hostname: z.string(),
  product: z.strictObject({ name: z.literal('Quantix'), version: z.string() }),
  cpu: z.strictObject({
    model: z.string(),
    vendor: z.string(),
    sockets: z.number().int(),
    cores: z.number().int(),
    threads: z.number().int(),
    mhz: z.number(),
    virtualizationFlags: z.boolean(),
  }),
  memory: z.strictObject({ totalBytes: z.number(), availableBytes: z.number(), usedBytes: z.number() }),
  disks: z.array(
    z.strictObject({ device: z.string(), model: z.string(), sizeBytes: z.number(), type: z.string(), removable: z.boolean() }),
  ),
  nics: z.array(
    z.strictObject({
      name: z.string(),
      mac: z.string(),
      ipv4: z.array(z.string()),
      ipv6: z.array(z.string()),
      up: z.boolean(),
      speedMbps: z.number().nullable(),
      virtual: z.boolean(),
    }),
  ),
  uptimeSeconds: z.number(),
  bootTime: isoTime,
  hypervisor: z.strictObject({
    libvirtVersion: z.string(),
    qemuVersion: z.string(),
    accel: hostAccel,
    accelReason: z.string(),
    kvmDevice: z.boolean(),
    /** What a q35 guest can have here, from libvirt's domain capabilities. */
    capabilities: z.strictObject({
      machine: z.string(),
      maxVcpus: z.number().int(),
      firmware: z.array(z.enum(['bios', 'uefi'])),
      secureBoot: z.boolean(),
      cpuModes: z.array(z.string()),
    }),
  }),
  storagePool: z.strictObject({
    name: z.string(),
    path: z.string(),
    capacityBytes: z.number(),
    availableBytes: z.number(),
  }),
  vms: z.strictObject({ total: z.number().int(), running: z.number().int() }),
  /** Where this API listens: a loopback address means it is reachable from this host only. */
  api: z.strictObject({ listen: z.string(), port: z.number().int(), tls: z.boolean() }),
});
export type Host = z.infer<typeof host>;
