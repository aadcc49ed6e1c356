import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@quantix/lib/errors';
import {
  StoragePool,
  parseConvertProgress,
  parsePoolInfo,
  parseQemuImgInfo,
  poolTargetPath,
  supportsDirectIo,
  volumeFileName,
} from './pool.ts';
import { Virsh } from './virsh.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parsePoolInfo (recorded `virsh pool-info --bytes`)', () => {
  it('reads a running pool', async () => {
    expect(parsePoolInfo(await fixture('pool-info-bytes.txt'))).toEqual({
      name: 'qx-itest-fx-pool',
      uuid: '807c28ce-1679-4315-8dec-c1100faf8deb',
      state: 'running',
      persistent: true,
      autostart: true,
      capacityBytes: 270553174016,
      allocationBytes: 23621500928,
      availableBytes: 246931673088,
    });
  });

  it('reads an inactive pool (no sizes)', async () => {
    expect(parsePoolInfo(await fixture('pool-info-bytes-inactive.txt'))).toMatchObject({
      state: 'inactive',
      autostart: false,
      capacityBytes: null,
      availableBytes: null,
    });
  });

  it('refuses other output', () => {
    expect(() => parsePoolInfo('error: failed to get pool')).toThrow(/unrecognised/);
  });

  it('reads the target path from pool-dumpxml', async () => {
    expect(poolTargetPath(await fixture('pool-dumpxml.xml'))).toBe('/tmp/qxlv/pool');
    expect(poolTargetPath('<pool><target><path>/a&amp;b</path></target></pool>')).toBe('/a&b');
    expect(poolTargetPath('<pool/>')).toBeNull();
  });
});

describe('qemu-img output (recorded, qemu-img 7.2)', () => {
  it('parses info --output=json for qcow2, raw and images with a backing file', async () => {
    const blank = parseQemuImgInfo(await fixture('qemu-img-info-blank.json'));
    expect(blank).toMatchObject({ format: 'qcow2', 'virtual-size': 3 * 1024 ** 3, 'actual-size': 200704 });
    expect(blank['backing-filename']).toBeUndefined();
    const raw = parseQemuImgInfo(await fixture('qemu-img-info-raw.json'));
    expect(raw).toMatchObject({ format: 'raw', 'virtual-size': 1024 ** 3 });
    const overlay = parseQemuImgInfo(await fixture('qemu-img-info-backing.json'));
    expect(overlay['backing-filename']).toBe('/tmp/qxlv/pool/blank.qcow2');
    expect(() => parseQemuImgInfo('{"format":"qcow2"}')).toThrow();
  });

  it('parses convert -p progress, split anywhere', async () => {
    const out = await fixture('qemu-img-convert-progress.txt');
    const all = parseConvertProgress(out);
    expect(all[0]).toBe(0);
    expect(all.at(-1)).toBe(100);
    expect(all).toContain(3.12);
    expect([...all].sort((a, b) => a - b)).toEqual(all); // monotonic
    expect(parseConvertProgress('    (12.50/100%)\r    (25.00/1')).toEqual([12.5]);
    expect(parseConvertProgress('')).toEqual([]);
  });
});

describe('volume names', () => {
  it('appends .qcow2 and refuses paths', () => {
    expect(volumeFileName('vm1-disk0')).toBe('vm1-disk0.qcow2');
    expect(volumeFileName('vm1-disk0.qcow2')).toBe('vm1-disk0.qcow2');
    for (const bad of ['', '../x', 'a/b', '.hidden', 'a b', 'x..y']) {
      expect(() => volumeFileName(bad), bad).toThrow(ApiError);
    }
  });
});

describe('StoragePool guards (no qemu-img or libvirt involved)', () => {
  let dir: string;
  let pool: StoragePool;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-pool-'));
    // A Virsh whose binary does not exist: any libvirt call would fail loudly.
    pool = new StoragePool(new Virsh({ binary: join(dir, 'no-virsh') }), { name: 'p', path: dir });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('refuses to create over an existing file and leaves it untouched', async () => {
    await writeFile(join(dir, 'taken.qcow2'), 'precious');
    const err = await pool.createVolume({ name: 'taken', sizeGiB: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toMatch(/already exists/);
    expect(await readFile(join(dir, 'taken.qcow2'), 'utf8')).toBe('precious');
  });

  it('refuses a missing source image and a bad size before touching the pool', async () => {
    const missing = await pool.createVolume({ name: 'x', sourceImage: join(dir, 'nope.img') }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'PATH_NOT_FOUND' });
    const size = await pool.createVolume({ name: 'y', sizeGiB: 1.5 }).catch((e: unknown) => e);
    expect(size).toMatchObject({ code: 'DISK_OPERATION_FAILED' });
    expect((await readdir(dir)).sort()).toEqual(['taken.qcow2']);
  });

  it('deletes only files directly inside the pool directory', async () => {
    await expect(pool.deleteVolume('/etc/passwd')).rejects.toThrow(/not a volume of storage pool p/);
    await expect(pool.deleteVolume(join(dir, '..', 'x.qcow2'))).rejects.toThrow(/not a volume/);
    expect(await pool.deleteVolume(join(dir, 'gone.qcow2'))).toBe(false);
  });
});

describe('supportsDirectIo', () => {
  it('answers without leaving its probe file behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-odirect-'));
    try {
      expect(typeof (await supportsDirectIo(dir))).toBe('boolean');
      expect(await readdir(dir)).toEqual([]);
      expect(await supportsDirectIo(join(dir, 'missing'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
