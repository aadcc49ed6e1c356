import { z } from 'zod';
import { absolutePath, dnsLabel, isoTime, uuid } from './common.ts';

export const vmPowerAction = z.enum(['start', 'stop', 'shutdown', 'reboot', 'reset', 'pause', 'resume']);
export type VmPowerAction = z.infer<typeof vmPowerAction>;

/** Power states as the API reports them; libvirt's own states are mapped onto these. */
export const vmState = z.enum([
  'creating',
  'stopped',
  'running',
  'paused',
  'shuttingDown',
  'crashed',
  'suspended',
  'deleting',
  'missing',
  'unknown',
]);
export type VmState = z.infer<typeof vmState>;

export const macAddress = z
  .string()
  .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i, 'a MAC address like 52:54:00:12:34:56')
  .refine((mac) => (parseInt(mac.slice(0, 2), 16) & 1) === 0, 'must be a unicast MAC address');

const ifName = z.string().min(1).max(15).regex(/^[A-Za-z0-9_.-]+$/, 'a Linux interface name');

export const vmNicSpec = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('user'), mac: macAddress.optional() }),
  z.strictObject({ type: z.literal('bridge'), bridge: ifName, mac: macAddress.optional() }),
  z.strictObject({ type: z.literal('network'), network: dnsLabel, mac: macAddress.optional() }),
]);
export type VmNicSpec = z.infer<typeof vmNicSpec>;

export const vmDiskSpec = z
  .strictObject({
    sizeGiB: z.number().int().min(1).max(65536).optional(),
    sourceImage: absolutePath.optional(),
  })
  .refine((d) => d.sizeGiB !== undefined || d.sourceImage !== undefined, {
    message: 'give sizeGiB for a blank disk, sourceImage to copy an image, or both',
  });
export type VmDiskSpec = z.infer<typeof vmDiskSpec>;

export const vmBoot = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('disk') }),
  z.strictObject({ from: z.literal('cdrom'), iso: absolutePath }),
  z.strictObject({
    from: z.literal('kernel'),
    kernel: absolutePath,
    initrd: absolutePath.optional(),
    cmdline: z.string().max(4096).optional(),
  }),
]);
export type VmBoot = z.infer<typeof vmBoot>;

const description = z.string().max(1024);
const vcpus = z.number().int().min(1).max(256);
const memoryMiB = z.number().int().min(64).max(4 * 1024 * 1024);
const firmware = z.enum(['bios', 'uefi']);

export const vmCreate = z.strictObject({
  name: dnsLabel,
  description: description.default(''),
  vcpus: vcpus.default(1),
  memoryMiB: memoryMiB.default(512),
  firmware: firmware.default('bios'),
  boot: vmBoot.default({ from: 'disk' }),
  disks: z.array(vmDiskSpec).max(16).default([]),
  nics: z.array(vmNicSpec).max(8).default([{ type: 'user' }]),
  autostart: z.boolean().default(false),
  start: z.boolean().default(true),
});
export type VmCreate = z.infer<typeof vmCreate>;
export type VmCreateInput = z.input<typeof vmCreate>;

/** PUT: the whole editable configuration. Disks and NICs are managed by their own endpoints. */
export const vmReplace = z.strictObject({
  name: dnsLabel,
  description,
  vcpus,
  memoryMiB,
  firmware,
  boot: vmBoot,
  autostart: z.boolean(),
});
export type VmReplace = z.infer<typeof vmReplace>;

export const vmPatch = vmReplace
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'name at least one field to change' });
export type VmPatch = z.infer<typeof vmPatch>;

export const vmDisk = z.strictObject({
  target: z.string(),
  path: z.string(),
  format: z.literal('qcow2'),
  sizeGiB: z.number(),
});

export const vmNic = z.strictObject({
  type: z.enum(['user', 'bridge', 'network']),
  source: z.string().nullable(),
  mac: macAddress,
});

export const vm = z.strictObject({
  id: uuid,
  name: dnsLabel,
  description: z.string(),
  state: vmState,
  vcpus: z.number().int(),
  memoryMiB: z.number().int(),
  firmware,
  boot: vmBoot,
  disks: z.array(vmDisk),
  nics: z.array(vmNic),
  autostart: z.boolean(),
  accel: z.enum(['kvm', 'tcg']),
  /** Configuration saved but not yet seen by the running guest: takes effect at next power-on. */
  pendingRestart: z.boolean(),
  console: z.strictObject({
    vnc: z.strictObject({ host: z.string(), port: z.number().int() }).nullable(),
    serialPty: z.string().nullable(),
  }),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Vm = z.infer<typeof vm>;

export const vmList = z.strictObject({ items: z.array(vm) });
export type VmList = z.infer<typeof vmList>;

export const vmIdParam = z.strictObject({ id: uuid });

export const shutdownOptions = z.strictObject({
  timeoutSeconds: z.number().int().min(1).max(3600).default(120),
  /** Power the VM off hard when the guest has not shut down in time. */
  force: z.boolean().default(false),
});
export type ShutdownOptions = z.infer<typeof shutdownOptions>;

export const vmDeleteQuery = z.strictObject({
  /** Delete a running VM by powering it off first; without it a running VM is refused. */
  force: z.enum(['true', 'false']).default('false'),
});
