import { z } from 'zod';
import { isoTime } from './common.ts';

export const sshMode = z.enum(['disabled', 'timed', 'permanent']);
export type SshMode = z.infer<typeof sshMode>;

/**
 * The SSH service of a host. "timed" is an availability window: after enabledUntil no new
 * logins are accepted, while sessions already open go on (ESXi-style).
 */
export const sshState = z.strictObject({
  mode: sshMode,
  enabledUntil: isoTime.nullable(),
  remainingSeconds: z.number().int().nonnegative().nullable(),
  /** Sessions idle this long are closed; 0 means never. */
  idleTimeoutMinutes: z.number().int().min(0).max(1440),
  /** Whether sshd is accepting new connections right now. */
  accepting: z.boolean(),
  listen: z.array(z.string()),
  port: z.number().int(),
  changedAt: isoTime.nullable(),
  changedBy: z.string().nullable(),
});
export type SshState = z.infer<typeof sshState>;

export const sshUpdate = z
  .strictObject({
    mode: sshMode,
    /** Length of the availability window; required for "timed". */
    minutes: z.number().int().min(5).max(120).optional(),
    idleTimeoutMinutes: z.number().int().min(0).max(1440).optional(),
  })
  .refine((u) => u.mode !== 'timed' || u.minutes !== undefined, { message: 'give minutes (5–120) for a timed window', path: ['minutes'] })
  .refine((u) => u.mode === 'timed' || u.minutes === undefined, { message: 'minutes only go with mode "timed"', path: ['minutes'] });
export type SshUpdate = z.infer<typeof sshUpdate>;
