import { existsSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ApiError } from '@quantix/lib/errors';
import type { Runner } from './exec.ts';
import { PARTITION_NAMES, type PartitionName } from './partition-plan.ts';

export type PartitionDevices = Record<PartitionName, string>;

/** KEY=value lines of a sysfs uevent file. */
export function parseUevent(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** `partx -g -o NR,NAME DISK`: partition number to GPT name. */
export function parsePartxNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\S.*?)\s*$/.exec(line);
    if (m) names.set(Number(m[1]), m[2]!);
  }
  return names;
}

export interface KernelPartition {
  /** Kernel name, e.g. vda3 or nvme0n1p3. */
  devName: string;
  number: number;
  /** GPT name from the uevent (PARTNAME); null where the kernel did not say (partitions added with partx). */
  partName: string | null;
}

/** The partitions the kernel has for a disk: the entries of /sys/class/block/<disk>/ that have a `partition` file. */
export async function kernelPartitions(disk: string, sysBlockDir: string): Promise<KernelPartition[]> {
  const diskName = basename(await realpath(disk));
  const dir = join(sysBlockDir, diskName);
  const out: KernelPartition[] = [];
  for (const entry of await readdir(dir)) {
    const partFile = join(dir, entry, 'partition');
    if (!existsSync(partFile)) continue;
    const uevent = parseUevent(await readFile(join(dir, entry, 'uevent'), 'utf8'));
    const number = Number((await readFile(partFile, 'utf8')).trim());
    out.push({ devName: uevent.DEVNAME ?? entry, number, partName: uevent.PARTNAME ?? null });
  }
  return out.sort((a, b) => a.number - b.number);
}

/**
 * The Quantix partitions of `disk` by GPT name, found the way docs/appliance.md says (PARTNAME in the uevent). Where
 * the kernel gives no PARTNAME the name comes from the table itself (`partx -g -o NR,NAME`), matched by number.
 * Returns null for a name that has no device (yet).
 */
export async function findPartitions(disk: string, runner: Runner, sysBlockDir: string, devDir = '/dev'): Promise<Partial<PartitionDevices>> {
  const parts = await kernelPartitions(disk, sysBlockDir);
  let tableNames: Map<number, string> | null = null;
  const found: Partial<PartitionDevices> = {};
  for (const p of parts) {
    let name = p.partName;
    if (name === null) {
      tableNames ??= parsePartxNames((await runner.run(['partx', '-g', '-o', 'NR,NAME', disk], { allowFail: true })).stdout);
      name = tableNames.get(p.number) ?? null;
    }
    const dev = join(devDir, p.devName);
    if (name !== null && (PARTITION_NAMES as readonly string[]).includes(name) && existsSync(dev)) found[name as PartitionName] = dev;
  }
  return found;
}

/** Waits until all six partitions have devices; the kernel and udev may take a moment after partitioning. */
export async function waitForPartitions(disk: string, runner: Runner, sysBlockDir: string, timeoutMs: number, devDir = '/dev'): Promise<PartitionDevices> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await findPartitions(disk, runner, sysBlockDir, devDir);
    const missing = PARTITION_NAMES.filter((n) => found[n] === undefined);
    if (missing.length === 0) {
      runner.log(`partitions: ${PARTITION_NAMES.map((n) => `${n}=${found[n]}`).join(' ')}`);
      return found as PartitionDevices;
    }
    if (Date.now() > until) {
      throw new ApiError('INSTALL_PARTITIONS_MISSING', `after ${Math.round(timeoutMs / 1000)} s these partitions of ${disk} have no device: ${missing.join(', ')}`, { missing });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Size of a block device in bytes, from sysfs (always in 512-byte units there). */
export async function blockDeviceBytes(dev: string, sysBlockDir: string): Promise<number> {
  const name = basename(await realpath(dev));
  return Number((await readFile(join(sysBlockDir, name, 'size'), 'utf8')).trim()) * 512;
}
