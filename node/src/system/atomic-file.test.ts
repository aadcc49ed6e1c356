import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overwriteInPlace, writeFileAtomic } from './atomic-file.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-atomic-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file through a new one and leaves no temporary file', async () => {
    const path = join(dir, 'network.json');
    await writeFile(path, 'old');
    const before = (await stat(path)).ino;
    await writeFileAtomic(path, 'new', 0o600);
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).ino).not.toBe(before);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

describe('overwriteInPlace', () => {
  it('rewrites a file of the same size in place: same inode, new bytes', async () => {
    const path = join(dir, 'grubenv');
    await writeFile(path, Buffer.alloc(1024, '#'));
    const before = (await stat(path)).ino;
    const next = Buffer.alloc(1024, '#');
    next.write('# GRUB Environment Block\nqx_active=B\n');
    await overwriteInPlace(path, next);
    expect((await stat(path)).ino).toBe(before);
    expect(await readFile(path)).toEqual(next);
  });

  it('writes a missing file, or one of another size, as a new file', async () => {
    const missing = join(dir, 'missing');
    await overwriteInPlace(missing, Buffer.from('abc'));
    expect(await readFile(missing, 'utf8')).toBe('abc');
    const short = join(dir, 'short');
    await writeFile(short, 'x');
    const before = (await stat(short)).ino;
    await overwriteInPlace(short, Buffer.from('longer'));
    expect(await readFile(short, 'utf8')).toBe('longer');
    expect((await stat(short)).ino).not.toBe(before);
  });
});
