import { ApiError } from '@quantix/lib/errors';

export const MiB = 1024 * 1024;
/** The smallest disk Quantix installs to (docs/appliance.md). */
export const MIN_DISK_BYTES = 8 * 1024 * MiB;
export const MIN_DATA_MIB = 2048;

export type PartitionName = 'QX_BIOS' | 'QX_EFI' | 'QX_SYSTEM_A' | 'QX_SYSTEM_B' | 'QX_CONFIG' | 'QX_DATA';
export const PARTITION_NAMES: readonly PartitionName[] = ['QX_BIOS', 'QX_EFI', 'QX_SYSTEM_A', 'QX_SYSTEM_B', 'QX_CONFIG', 'QX_DATA'];

export interface PlannedPartition {
  number: number;
  name: PartitionName;
  /** sgdisk type code. */
  type: string;
  startMiB: number;
  sizeMiB: number;
}

/** Fixed partitions in order; the data partition takes the rest. */
const FIXED: { name: PartitionName; type: string; sizeMiB: number }[] = [
  { name: 'QX_BIOS', type: 'EF02', sizeMiB: 1 },
  { name: 'QX_EFI', type: 'EF00', sizeMiB: 256 },
  { name: 'QX_SYSTEM_A', type: '8300', sizeMiB: 2048 },
  { name: 'QX_SYSTEM_B', type: '8300', sizeMiB: 2048 },
  { name: 'QX_CONFIG', type: '8300', sizeMiB: 256 },
];

/** The first MiB holds the protective MBR and the GPT; the last MiB is left for the backup GPT. */
const FIRST_MIB = 1;
const TAIL_MIB = 1;

/** The GPT layout of docs/appliance.md for a disk of `diskBytes`, every partition on a MiB boundary. */
export function partitionPlan(diskBytes: number): PlannedPartition[] {
  if (!Number.isSafeInteger(diskBytes) || diskBytes < MIN_DISK_BYTES) {
    throw new ApiError('INSTALL_DISK_REFUSED', `the disk has ${diskBytes} bytes; Quantix needs at least 8 GiB (${MIN_DISK_BYTES} bytes)`);
  }
  const plan: PlannedPartition[] = [];
  let start = FIRST_MIB;
  FIXED.forEach((p, i) => {
    plan.push({ number: i + 1, name: p.name, type: p.type, startMiB: start, sizeMiB: p.sizeMiB });
    start += p.sizeMiB;
  });
  const endMiB = Math.floor(diskBytes / MiB) - TAIL_MIB;
  const dataMiB = endMiB - start;
  if (dataMiB < MIN_DATA_MIB) throw new ApiError('INSTALL_DISK_REFUSED', `the data partition would have ${dataMiB} MiB; it needs at least ${MIN_DATA_MIB}`);
  plan.push({ number: plan.length + 1, name: 'QX_DATA', type: '8300', startMiB: start, sizeMiB: dataMiB });
  return plan;
}

/** One sgdisk call that writes the whole table: new, type and name of every partition. */
export function sgdiskArgv(disk: string, plan: PlannedPartition[]): string[] {
  const argv = ['sgdisk'];
  for (const p of plan) argv.push(`--new=${p.number}:${p.startMiB}M:+${p.sizeMiB}M`, `--typecode=${p.number}:${p.type}`, `--change-name=${p.number}:${p.name}`);
  argv.push(disk);
  return argv;
}
