import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';

/** A small JSON file of the console's own, parsed with zod and replaced atomically (write + rename). */
export class JsonStateFile<S extends z.ZodType> {
  constructor(
    readonly path: string,
    private readonly schema: S,
    private readonly empty: () => z.infer<S>,
  ) {}

  /** The stored value; the empty one when the file is missing or damaged. */
  async read(): Promise<z.infer<S>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return this.empty();
    }
    try {
      const parsed = this.schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : this.empty();
    } catch {
      return this.empty();
    }
  }

  async write(value: z.infer<S>): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.schema.parse(value))}\n`, { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
