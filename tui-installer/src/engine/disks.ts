import { z } from 'zod';
import { ApiError } from '@quantix/lib/errors';
import { MIN_DISK_BYTES } from './partition-plan.ts';

export const LSBLK_ARGV = ['lsblk', '-J', '-b', '-o', 'NAME,PATH,SIZE,MODEL,SERIAL,TYPE,RO,RM,TRAN,MOUNTPOINTS,FSTYPE,LABEL,PARTLABEL,PKNAME'];

/** lsblk 2.37+ prints booleans and numbers; older ones print "0"/"1" and strings. */
const flag = z.union([z.boolean(), z.enum(['0', '1']).transform((v) => v === '1')]);
const bytes = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const text = z.string().nullable().optional().transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v.trim()));

export interface LsblkNode {
  name: string;
  path: string;
  size: number;
  model: string | null;
  serial: string | null;
  type: string;
  ro: boolean;
  rm: boolean;
  tran: string | null;
  mountpoints: (string | null)[];
  fstype: string | null;
  label: string | null;
  partlabel: string | null;
  pkname: string | null;
  children?: LsblkNode[] | undefined;
}

const lsblkNode: z.ZodType<LsblkNode, unknown> = z.lazy(() =>
  z.strictObject({
    name: z.string(),
    path: z.string(),
    size: bytes,
    model: text,
    serial: text,
    type: z.string(),
    ro: flag,
    rm: flag,
    tran: text,
    mountpoints: z.array(z.string().nullable()).default([]),
    fstype: text,
    label: text,
    partlabel: text,
    pkname: text,
    children: z.array(lsblkNode).optional(),
  }),
);

export const lsblkOutput = z.strictObject({ blockdevices: z.array(lsblkNode) });

export interface DiskInfo {
  name: string;
  path: string;
  sizeBytes: number;
  model: string | null;
  serial: string | null;
  tran: string | null;
  removable: boolean;
  /** Why it cannot be the target; empty when it can. */
  refusals: string[];
  /** Partitions and what is on them, for the operator to recognise the disk. */
  contents: string[];
}

export const isEligible = (d: DiskInfo) => d.refusals.length === 0;

export interface DiskContext {
  /** Where the live medium is mounted. */
  mediumDir: string;
  /** The device /proc/mounts says is mounted at mediumDir (null when nothing is). */
  mediumDevice: string | null;
  includeLoop: boolean;
}

/** The device mounted at `dir`, from /proc/mounts text (octal escapes decoded). */
export function deviceMountedAt(mounts: string, dir: string): string | null {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  let found: string | null = null;
  for (const line of mounts.split('\n')) {
    const [dev, at] = line.split(' ');
    if (dev !== undefined && at !== undefined && unescape(at) === dir) found = unescape(dev);
  }
  return found;
}

function descendants(node: LsblkNode): LsblkNode[] {
  return (node.children ?? []).flatMap((c) => [c, ...descendants(c)]);
}

const GiB = 1024 ** 3;

export function formatBytes(n: number): string {
  if (n >= 1024 ** 4) return `${(n / 1024 ** 4).toFixed(1)} TiB`;
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MiB`;
  return `${n} B`;
}

function candidate(node: LsblkNode, includeLoop: boolean): boolean {
  if (node.type === 'disk') return !/^(zram|ram)\d/.test(node.name);
  return includeLoop && node.type === 'loop' && node.size > 0;
}

/** Disks lsblk reports, each with the reasons it cannot be installed to. */
export function analyzeDisks(lsblkJson: unknown, ctx: DiskContext): DiskInfo[] {
  const parsed = lsblkOutput.parse(lsblkJson);
  const disks: DiskInfo[] = [];
  for (const node of parsed.blockdevices) {
    if (!candidate(node, ctx.includeLoop)) continue;
    const all = [node, ...descendants(node)];
    const refusals: string[] = [];
    const holdsMedium = all.some((n) => n.mountpoints.includes(ctx.mediumDir) || (ctx.mediumDevice !== null && n.path === ctx.mediumDevice));
    if (holdsMedium) refusals.push('holds the installation medium');
    for (const n of all) {
      for (const m of n.mountpoints) {
        if (m === null || m === ctx.mediumDir) continue;
        refusals.push(m === '[SWAP]' ? `${n.name} is in use as swap` : `${n.name} is mounted at ${m}`);
      }
    }
    const holders = descendants(node).filter((n) => /^(lvm|crypt|raid\d*|md|dm)$/.test(n.type));
    if (holders.length > 0) refusals.push(`in use by ${[...new Set(holders.map((h) => h.type))].join(', ')} (${holders.map((h) => h.name).join(', ')})`);
    if (node.ro) refusals.push('read-only');
    if (node.size < MIN_DISK_BYTES) refusals.push(`smaller than 8 GiB (${formatBytes(node.size)})`);
    const contents = (node.children ?? []).map((c) => {
      const what = [c.partlabel, c.fstype, c.label].filter((x) => x !== null).join(' ');
      return `${c.name} ${formatBytes(c.size)}${what ? ` ${what}` : ''}`;
    });
    disks.push({
      name: node.name,
      path: node.path,
      sizeBytes: node.size,
      model: node.model,
      serial: node.serial,
      tran: node.tran,
      removable: node.rm,
      refusals: [...new Set(refusals)],
      contents,
    });
  }
  return disks;
}

/** The target an answer file names: a device path, or "auto" (the first eligible disk). */
export function chooseDisk(disks: DiskInfo[], wanted: string): DiskInfo {
  if (wanted === 'auto') {
    const first = disks.find(isEligible);
    if (!first) {
      throw new ApiError('INSTALL_DISK_NOT_FOUND', 'no disk can be installed to', {
        disks: disks.map((d) => ({ path: d.path, refusals: d.refusals })),
      });
    }
    return first;
  }
  const disk = disks.find((d) => d.path === wanted || `/dev/${d.name}` === wanted);
  if (!disk) throw new ApiError('INSTALL_DISK_NOT_FOUND', `there is no disk ${wanted}`, { disks: disks.map((d) => d.path) });
  if (!isEligible(disk)) throw new ApiError('INSTALL_DISK_REFUSED', `${wanted} cannot be installed to: ${disk.refusals.join('; ')}`, { refusals: disk.refusals });
  return disk;
}
