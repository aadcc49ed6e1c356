import { z } from 'zod';

/** Any 8-4-4-4-12 hex id; libvirt domain UUIDs are not always RFC 4122 variants. */
export const uuid = z.guid();
export const isoTime = z.iso.datetime({ offset: true });
export const absolutePath = z
  .string()
  .min(2)
  .max(4096)
  .regex(/^\/[^\0]*$/, 'must be an absolute path')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".."');

/** A name that is also a valid DNS label: VM names become hostnames and file names. */
export const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/, 'letters, digits and "-", not starting or ending with "-"');

export const resourceRef = z.strictObject({
  type: z.enum(['vm', 'host', 'disk', 'token']),
  id: z.string(),
});
export type ResourceRef = z.infer<typeof resourceRef>;

export function listOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item) });
}
