import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ApiError } from '@quantix/lib/errors';

export const release = z.strictObject({
  NAME: z.string().min(1),
  VERSION: z.string().min(1),
  BUILD_ID: z.string().min(1),
  PROFILE: z.string().min(1),
});
export type Release = z.infer<typeof release>;

/** Shell key=value lines (values may be quoted); comments and blank lines skipped. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    if (/^"(.*)"$/.test(value) || /^'(.*)'$/.test(value)) value = value.slice(1, -1);
    out[m[1]!] = value;
  }
  return out;
}

export function parseRelease(text: string): Release {
  const r = release.safeParse(parseKeyValues(text));
  if (!r.success) throw new ApiError('INSTALL_RELEASE_INVALID', `the release file is not valid: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export async function readRelease(file: string): Promise<Release> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ApiError('INSTALL_RELEASE_INVALID', `cannot read ${file}: ${(err as Error).message}`);
  }
  return parseRelease(text);
}
