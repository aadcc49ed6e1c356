import { randomInt } from 'node:crypto';
import { chmod, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
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

/**
 * Rewrites the bytes of a file of fixed size where they are, as GRUB's save_env does with its environment block on the
 * ESP. On FAT a rename is not atomic: the directory entry of the renamed file is written back seconds later, and a
 * power cut before that leaves an entry that points at freed clusters (GRUB: "invalid cluster 0"). Overwriting touches
 * only the file's data sectors. A missing file, or one of another size, is written with writeFileAtomic instead.
 */
export async function overwriteInPlace(path: string, data: Uint8Array): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return writeFileAtomic(path, data);
    throw err;
  }
  try {
    if ((await file.stat()).size !== data.length) {
      await file.close();
      return await writeFileAtomic(path, data);
    }
    await file.write(data, 0, data.length, 0);
    await file.sync();
  } finally {
    await file.close().catch(() => undefined);
  }
}
