import { z } from 'zod';
import { isoTime } from './common.ts';

export const registrationPing = z.strictObject({
  status: z.literal('ok'),
  product: z.literal('Quantix'),
  version: z.string(),
  time: isoTime,
});
export type RegistrationPing = z.infer<typeof registrationPing>;

/** What a vDC admin needs to add this host: shown on the console, valid for one hour. */
export const registrationToken = z.strictObject({
  token: z.string(),
  expiresAt: isoTime,
  remainingSeconds: z.number().int().nonnegative(),
  hostname: z.string(),
  /** SHA-256 of the host's TLS certificate, to compare before trusting it. */
  fingerprint256: z.string().nullable(),
});
export type RegistrationToken = z.infer<typeof registrationToken>;

/** GET /registration/discovery with "Authorization: Registration <token>": who this host is. */
export const registrationDiscovery = z.strictObject({
  hostId: z.string(),
  hostname: z.string(),
  product: z.literal('Quantix'),
  version: z.string(),
  fingerprint256: z.string().nullable(),
  cpuThreads: z.number().int(),
  memoryBytes: z.number(),
  accel: z.enum(['kvm', 'tcg']),
  tokenExpiresAt: isoTime,
});
export type RegistrationDiscovery = z.infer<typeof registrationDiscovery>;
