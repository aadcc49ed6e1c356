import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { passwordHashProblem } from '@quantix/lib/auth';
import { writeFileAtomic } from '../system/atomic-file.ts';

/** The appliance's /quantix/admin.json (docs/appliance.md): written by the installer and by every password change. */
export const adminHashDoc = z.strictObject({
  hash: z.string().superRefine((hash, ctx) => {
    const problem = passwordHashProblem(hash);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a usable password hash: ${problem}` });
  }),
});

/** The hash in the file; null when there is no file. Throws (with the reason) when the file is not usable. */
export async function readAdminHashFile(path: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  const parsed = adminHashDoc.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')}`);
  return parsed.data.hash;
}

export async function writeAdminHashFile(path: string, hash: string): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ hash } satisfies z.infer<typeof adminHashDoc>, null, 2)}\n`, 0o600);
}
