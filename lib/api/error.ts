import { z } from 'zod';
import { errorCodes } from '../errors/catalog.ts';

export const errorCode = z.enum(errorCodes);

export const errorBody = z.strictObject({
  code: errorCode,
  message: z.string(),
  details: z.unknown().optional(),
});

export const errorEnvelope = z.strictObject({ error: errorBody });
export type ErrorBody = z.infer<typeof errorBody>;
