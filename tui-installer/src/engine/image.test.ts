import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyAndVerify, parseSha256File } from './image.ts';

const dir = mkdtempSync(join(tmpdir(), 'qx-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function image(bytes: number): { path: string; sum: string } {
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = (i * 31 + 7) & 0xff;
  data.write('hsqs', 0, 'latin1');
  const path = join(dir, 'system.sqfs');
  writeFileSync(path, data);
  return { path, sum: createHash('sha256').update(data).digest('hex') };
}

describe('parseSha256File', () => {
  it('reads sha256sum output', () => {
    const hex = 'a'.repeat(64);
    expect(parseSha256File(`${hex}  system.sqfs\n`, 'system.sqfs')).toBe(hex);
    expect(parseSha256File(`${hex.toUpperCase()}\n`, 'system.sqfs')).toBe(hex);
    expect(() => parseSha256File(`${hex}  other.img\n`, 'system.sqfs')).toThrow(/checksum of other.img/);
    expect(() => parseSha256File('nonsense', 'system.sqfs')).toThrow(expect.objectContaining({ code: 'INSTALL_IMAGE_INVALID' }));
  });
});

describe('copyAndVerify', () => {
  const base = { flush: async () => undefined, log: () => undefined };

  it('writes the image at the start of the device and verifies it, with progress up to 1', async () => {
    const img = image(3 * 1024 * 1024 + 123);
    writeFileSync(join(dir, 'system.sqfs.sha256'), `${img.sum}  system.sqfs\n`);
    const device = join(dir, 'device');
    writeFileSync(device, Buffer.alloc(8 * 1024 * 1024, 0xee));
    const seen: number[] = [];
    const r = await copyAndVerify({ ...base, image: img.path, sumFile: join(dir, 'system.sqfs.sha256'), device, deviceBytes: 8 * 1024 * 1024, progress: (f) => seen.push(f) });
    expect(r).toEqual({ bytes: 3 * 1024 * 1024 + 123, sha256: img.sum });
    const dev = readFileSync(device);
    expect(dev.subarray(0, r.bytes).equals(readFileSync(img.path))).toBe(true);
    expect(dev[r.bytes]).toBe(0xee);
    expect(seen.at(-1)).toBe(1);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('refuses an image that does not fit, a damaged image and one that is not squashfs', async () => {
    const img = image(2 * 1024 * 1024);
    const sumFile = join(dir, 'system.sqfs.sha256');
    const device = join(dir, 'device2');
    writeFileSync(device, Buffer.alloc(1024 * 1024));
    writeFileSync(sumFile, `${img.sum}  system.sqfs\n`);
    const progress = () => undefined;
    await expect(copyAndVerify({ ...base, image: img.path, sumFile, device, deviceBytes: 1024 * 1024, progress })).rejects.toMatchObject({ code: 'INSTALL_IMAGE_INVALID', message: expect.stringMatching(/only 1048576/) });
    writeFileSync(device, Buffer.alloc(4 * 1024 * 1024));
    writeFileSync(sumFile, `${'0'.repeat(64)}  system.sqfs\n`);
    await expect(copyAndVerify({ ...base, image: img.path, sumFile, device, deviceBytes: 4 * 1024 * 1024, progress })).rejects.toMatchObject({ code: 'INSTALL_IMAGE_INVALID', message: expect.stringMatching(/damaged/) });
    writeFileSync(img.path, 'not a squashfs');
    await expect(copyAndVerify({ ...base, image: img.path, sumFile, device, deviceBytes: 4 * 1024 * 1024, progress })).rejects.toThrow(/not a squashfs/);
  });

  it('fails when the device does not read back what was written', async () => {
    const img = image(1024 * 1024);
    const sumFile = join(dir, 'system.sqfs.sha256');
    writeFileSync(sumFile, `${img.sum}  system.sqfs\n`);
    const device = join(dir, 'device3');
    writeFileSync(device, Buffer.alloc(2 * 1024 * 1024));
    const corrupt = async () => writeFileSync(device, Buffer.alloc(2 * 1024 * 1024, 1));
    await expect(copyAndVerify({ ...base, flush: corrupt, image: img.path, sumFile, device, deviceBytes: 2 * 1024 * 1024, progress: () => undefined })).rejects.toMatchObject({
      code: 'INSTALL_VERIFY_FAILED',
    });
  });
});
