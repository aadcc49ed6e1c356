import { z } from 'zod';
import { isoTime, uuid } from './common.ts';

export const loginRequest = z.strictObject({
  username: z.literal('admin').default('admin'),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const loginResponse = z.strictObject({ token: z.string(), expiresAt: isoTime });

export const apiTokenCreate = z.strictObject({
  name: z.string().min(1).max(64).regex(/^[\w .-]+$/, 'letters, digits, space, "_", "." and "-"'),
  expiresInDays: z.number().int().min(1).max(3650).default(365),
});
export type ApiTokenCreate = z.infer<typeof apiTokenCreate>;

export const apiToken = z.strictObject({
  id: uuid,
  name: z.string(),
  createdAt: isoTime,
  expiresAt: isoTime,
  lastUsedAt: isoTime.nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;

/** Returned once, at creation: the secret is never shown again. */
export const apiTokenCreated = apiToken.extend({ token: z.string() });
export const apiTokenList = z.strictObject({ items: z.array(apiToken) });
export const tokenIdParam = z.strictObject({ id: uuid });

export const passwordChange = z.strictObject({
  newPassword: z.string().min(1).max(1024),
  /** Required over the network; the local console on the unix socket may reset without it. */
  currentPassword: z.string().max(1024).optional(),
});
export type PasswordChange = z.infer<typeof passwordChange>;
