import { z } from 'zod';
import { isoTime } from './common.ts';

export const registrationPing = z.strictObject({
  status: z.literal('ok'),
  product: z.literal('Quantix'),
  version: z.string(),
  time: isoTime,
});
export type RegistrationPing = z.infer<typeof registrationPing>;
