import { z } from 'zod';
import { isoTime } from './common.ts';

/** A system partition of the appliance (docs/appliance.md): QX_SYSTEM_A or QX_SYSTEM_B. */
export const systemSlot = z.enum(['A', 'B']);
export type SystemSlot = z.infer<typeof systemSlot>;

export const systemSlotInfo = z.strictObject({
  device: z.string(),
  /** null when the device cannot be read (missing, no permission). */
  sizeBytes: z.number().int().nullable(),
});

export const systemState = z.strictObject({
  /** installed: booted from a system slot (quantix.slot= on the kernel command line); live: from the ISO/USB; dev: neither. */
  mode: z.enum(['installed', 'live', 'dev']),
  /** From /etc/quantix/release; null outside an image. */
  name: z.string().nullable(),
  version: z.string().nullable(),
  buildId: z.string().nullable(),
  profile: z.string().nullable(),
  /** qx-node's own version. */
  nodeVersion: z.string(),
  /** When this qx-node process started: a restart by its supervisor shows as a later time. */
  nodeStartedAt: isoTime,
  bootedSlot: systemSlot.nullable(),
  /** The grubenv A/B state; null when there is no readable grubenv (bootEnvError says why on an installed system). */
  active: systemSlot.nullable(),
  trial: systemSlot.nullable(),
  trialBoots: z.number().int().min(0),
  failed: systemSlot.nullable(),
  /** committed; armed: an update waits for the next reboot; trial: this boot is the trial; fallback: the last trial failed. */
  phase: z.enum(['committed', 'armed', 'trial', 'fallback']).nullable(),
  bootEnvError: z.string().nullable(),
  /** What GRUB boots next time, as grub.cfg decides; null when unknown. */
  nextBootSlot: systemSlot.nullable(),
  /** How long a trial boot may take to commit before the boot guard reboots (from /quantix/boot.json). */
  trialTimeoutSeconds: z.number().int().positive(),
  /** The commit qx-node made (or failed to make) at this start, when this boot was a trial. */
  commit: z.strictObject({ slot: systemSlot, at: isoTime, ok: z.boolean(), error: z.string().nullable() }).nullable(),
  /** Whether POST /system/update would start now, and why not. */
  update: z.strictObject({ possible: z.boolean(), reason: z.string().nullable(), targetSlot: systemSlot.nullable(), jobId: z.string().nullable() }),
  slots: z.strictObject({ A: systemSlotInfo, B: systemSlotInfo }),
});
export type SystemState = z.infer<typeof systemState>;

export const sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, '64 hexadecimal digits')
  .transform((s) => s.toLowerCase());

/** POST /system/update?sha256=…: the body is the raw squashfs (application/octet-stream) with a Content-Length. */
export const systemUpdateQuery = z.strictObject({ sha256: sha256Hex });
export type SystemUpdateQuery = z.infer<typeof systemUpdateQuery>;

export const systemReboot = z.strictObject({
  /** Must be true: the host restarts, and its VMs with it. */
  confirm: z.literal(true),
});
export type SystemReboot = z.infer<typeof systemReboot>;

export const systemRebootAccepted = z.strictObject({
  rebooting: z.literal(true),
  /** The slot GRUB will boot, when known. */
  nextBootSlot: systemSlot.nullable(),
});
export type SystemRebootAccepted = z.infer<typeof systemRebootAccepted>;
