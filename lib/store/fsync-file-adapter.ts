import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter that survives power loss: write a temp file, fsync it, rename it over the
 * old one, fsync the directory. A crash leaves either the old or the new document, never half.
 */
export class FsyncJsonFileAdapter<T> implements Adapter<T> {
  constructor(
    private readonly path: string,
    private readonly mode = 0o600,
  ) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(data: T): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${basename(this.path)}.${process.pid}.tmp`);
    const file = await open(tmp, 'w', this.mode);
    try {
      await file.writeFile(`${JSON.stringify(data, null, 1)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, this.path);
    const dirHandle = await open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}
