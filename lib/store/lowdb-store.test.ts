import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LowdbStore } from './lowdb-store.ts';

describe('LowdbStore', () => {
  it('persists updates and reloads them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-store-'));
    const path = join(dir, 'db.json');
    const store = await LowdbStore.open(path, { items: [] as string[] });
    await store.update((d) => d.items.push('a'));
    await store.update((d) => d.items.push('b'));
    const again = await LowdbStore.open(path, { items: [] as string[] });
    expect(again.read().items).toEqual(['a', 'b']);
    expect(JSON.parse(await readFile(path, 'utf8')).items).toEqual(['a', 'b']);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('serialises concurrent updates and keeps state unchanged when a change throws', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-store-'));
    const store = await LowdbStore.open(join(dir, 'db.json'), { n: 0 });
    await Promise.all(Array.from({ length: 20 }, () => store.update((d) => void (d.n += 1))));
    expect(store.read().n).toBe(20);
    await expect(
      store.update((d) => {
        d.n = 999;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(store.read().n).toBe(20);
  });

  it('adds top-level defaults that an older file lacks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-store-'));
    const path = join(dir, 'db.json');
    const v1 = await LowdbStore.open(path, { a: 1 } as { a: number; b?: number[] });
    await v1.update((d) => void (d.a = 2));
    const v2 = await LowdbStore.open(path, { a: 1, b: [] as number[] });
    expect(v2.read()).toEqual({ a: 2, b: [] });
  });
});
