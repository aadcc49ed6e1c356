import { realpath, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import type { Slot } from '@quantix/lib/appliance/grubenv';

/** What the kernel command line says about how this system booted (docs/appliance.md). */
export interface Cmdline {
  slot: Slot | null;
  live: string | null;
}

export function parseCmdline(text: string): Cmdline {
  let slot: Slot | null = null;
  let live: string | null = null;
  for (const word of text.trim().split(/\s+/)) {
    const [key, ...rest] = word.split('=');
    const value = rest.join('=');
    if (key === 'quantix.slot' && (value === 'A' || value === 'B')) slot = value;
    if (key === 'quantix.live' && value) live = value;
  }
  return { slot, live };
}

export interface Release {
  name: string | null;
  version: string | null;
  buildId: string | null;
  profile: string | null;
}

/** /etc/quantix/release: shell key=value lines (values may be quoted); unknown keys and comments are ignored. */
export function parseRelease(text: string): Release {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const q = /^(["'])(.*)\1$/.exec(value);
    if (q) value = q[1] === '"' ? q[2]!.replace(/\\(["\\$`])/g, '$1') : q[2]!;
    vars.set(m[1]!, value);
  }
  const get = (k: string) => vars.get(k) || null;
  return { name: get('NAME'), version: get('VERSION'), buildId: get('BUILD_ID'), profile: get('PROFILE') };
}

export const bootConfig = z.strictObject({ trialTimeoutSeconds: z.number().int().min(30).max(3600).default(300) });
export type BootConfig = z.infer<typeof bootConfig>;

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Size of a slot: a block device's from sysfs (stat says 0 for those), a regular file's (tests) from stat.
 * `sysBlock` is /sys/class/block.
 */
export async function slotSize(path: string, sysBlock = '/sys/class/block'): Promise<number> {
  const st = await stat(path);
  if (st.isFile()) return st.size;
  if (!st.isBlockDevice()) throw new Error(`${path} is neither a block device nor a file`);
  const dev = basename(await realpath(path));
  const sectors = Number((await readFile(`${sysBlock}/${dev}/size`, 'utf8')).trim());
  if (!Number.isSafeInteger(sectors)) throw new Error(`cannot read the size of ${dev} from ${sysBlock}`);
  return sectors * 512;
}

/** The squashfs superblock facts that matter before booting an image: magic, version, and how much it uses. */
export function squashfsSuperblock(header: Uint8Array): { ok: true; bytesUsed: bigint } | { ok: false; reason: string } {
  const b = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (b.length < 4 || b.toString('latin1', 0, 4) !== 'hsqs') return { ok: false, reason: 'it does not start with the squashfs magic "hsqs"' };
  if (b.length < 48) return { ok: false, reason: 'it is too short for a squashfs superblock' };
  const major = b.readUInt16LE(28);
  if (major !== 4) return { ok: false, reason: `it is squashfs version ${major}, not 4` };
  return { ok: true, bytesUsed: b.readBigUInt64LE(40) };
}
