import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { ApiError } from '@quantix/lib/errors';
import { MiB } from './partition-plan.ts';

const CHUNK = MiB;
const SQUASHFS_MAGIC = Buffer.from('hsqs');

/** `<hex>  system.sqfs` (sha256sum's format): the hex. */
export function parseSha256File(text: string, fileName: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '');
  const m = line ? /^([0-9a-fA-F]{64})(?:\s+\*?(\S+))?\s*$/.exec(line.trim()) : null;
  if (!m) throw new ApiError('INSTALL_IMAGE_INVALID', `${fileName}.sha256 does not hold a SHA-256 checksum`);
  if (m[2] !== undefined && m[2] !== fileName) throw new ApiError('INSTALL_IMAGE_INVALID', `${fileName}.sha256 is the checksum of ${m[2]}, not ${fileName}`);
  return m[1]!.toLowerCase();
}

export interface CopyResult {
  bytes: number;
  sha256: string;
}

/**
 * Writes `image` raw to the start of `device`, then reads exactly the image's length back and compares
 * SHA-256s with the expected one. `flush` drops the device's cached pages between the two (blockdev
 * --flushbufs), so the read-back comes from the disk. Progress: 0..0.5 writing, 0.5..1 reading back.
 */
export async function copyAndVerify(opts: {
  image: string;
  sumFile: string;
  device: string;
  deviceBytes: number;
  flush: () => Promise<void>;
  progress: (f: number) => void;
  log: (line: string) => void;
}): Promise<CopyResult> {
  const expected = parseSha256File(await readFile(opts.sumFile, 'utf8').catch(() => {
    throw new ApiError('INSTALL_IMAGE_INVALID', `cannot read ${opts.sumFile}`);
  }), 'system.sqfs');
  const src = await open(opts.image, 'r').catch((err: Error) => {
    throw new ApiError('INSTALL_IMAGE_INVALID', `cannot open ${opts.image}: ${err.message}`);
  });
  let size: number;
  const sourceHash = createHash('sha256');
  try {
    size = (await src.stat()).size;
    const head = Buffer.alloc(4);
    await src.read(head, 0, 4, 0);
    if (!head.equals(SQUASHFS_MAGIC)) throw new ApiError('INSTALL_IMAGE_INVALID', `${opts.image} is not a squashfs image`);
    if (size > opts.deviceBytes) {
      throw new ApiError('INSTALL_IMAGE_INVALID', `${opts.image} has ${size} bytes; the system partition only ${opts.deviceBytes}`);
    }
    opts.log(`writing ${size} bytes of ${opts.image} to ${opts.device}`);
    const dst = await open(opts.device, 'r+');
    try {
      const buf = Buffer.alloc(CHUNK);
      let done = 0;
      while (done < size) {
        const want = Math.min(CHUNK, size - done);
        const { bytesRead } = await src.read(buf, 0, want, done);
        if (bytesRead !== want) throw new ApiError('INSTALL_IMAGE_INVALID', `${opts.image} ended early at ${done + bytesRead} bytes`);
        sourceHash.update(buf.subarray(0, want));
        let written = 0;
        while (written < want) written += (await dst.write(buf, written, want - written, done + written)).bytesWritten;
        done += want;
        opts.progress((done / size) * 0.5);
      }
      await dst.sync();
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
  const sourceSum = sourceHash.digest('hex');
  if (sourceSum !== expected) {
    throw new ApiError('INSTALL_IMAGE_INVALID', `the image on the medium is damaged: its SHA-256 is ${sourceSum}, system.sqfs.sha256 says ${expected}`);
  }
  await opts.flush();
  const back = createHash('sha256');
  const dev = await open(opts.device, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let done = 0;
    while (done < size) {
      const want = Math.min(CHUNK, size - done);
      const { bytesRead } = await dev.read(buf, 0, want, done);
      if (bytesRead !== want) throw new ApiError('INSTALL_VERIFY_FAILED', `${opts.device} ended at ${done + bytesRead} bytes while reading back`);
      back.update(buf.subarray(0, want));
      done += want;
      opts.progress(0.5 + (done / size) * 0.5);
    }
  } finally {
    await dev.close();
  }
  const readBack = back.digest('hex');
  opts.log(`read back ${size} bytes: sha256 ${readBack}`);
  if (readBack !== expected) {
    throw new ApiError('INSTALL_VERIFY_FAILED', `${opts.device} reads back with SHA-256 ${readBack}, the image has ${expected}`, { expected, readBack });
  }
  return { bytes: size, sha256: readBack };
}
