import { randomInt } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Write a temporary file beside `path`, fsync it, rename it over `path`, fsync the directory: a crash leaves the old
 * file or the new one, never half of one (on the ESP's FAT too, where the rename rewrites one directory entry).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomInt(1e9)}.tmp`);
  try {
    const file = await open(tmp, 'wx', mode);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    // FAT has no modes: chmod is refused there, and nothing needs it.
    await chmod(tmp, mode).catch(() => undefined);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync().catch(() => undefined);
  } finally {
    await d.close();
  }
}
