import { describe, expect, it } from 'vitest';
import { MIN_DISK_BYTES, MiB, partitionPlan, sgdiskArgv } from './partition-plan.ts';

describe('partitionPlan', () => {
  it('lays out the smallest disk (8 GiB) as docs/appliance.md says', () => {
    expect(partitionPlan(MIN_DISK_BYTES)).toEqual([
      { number: 1, name: 'QX_BIOS', type: 'EF02', startMiB: 1, sizeMiB: 1 },
      { number: 2, name: 'QX_EFI', type: 'EF00', startMiB: 2, sizeMiB: 256 },
      { number: 3, name: 'QX_SYSTEM_A', type: '8300', startMiB: 258, sizeMiB: 2048 },
      { number: 4, name: 'QX_SYSTEM_B', type: '8300', startMiB: 2306, sizeMiB: 2048 },
      { number: 5, name: 'QX_CONFIG', type: '8300', startMiB: 4354, sizeMiB: 256 },
      { number: 6, name: 'QX_DATA', type: '8300', startMiB: 4610, sizeMiB: 8192 - 4610 - 1 },
    ]);
  });

  it('gives the data partition the rest, leaving the last MiB for the backup GPT', () => {
    const plan = partitionPlan(500 * 1024 ** 3 + 12345);
    const data = plan[5]!;
    expect(data.startMiB + data.sizeMiB).toBe(500 * 1024 - 1);
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.startMiB).toBe(plan[i - 1]!.startMiB + plan[i - 1]!.sizeMiB);
  });

  it('refuses a disk smaller than 8 GiB', () => {
    expect(() => partitionPlan(MIN_DISK_BYTES - MiB)).toThrow(expect.objectContaining({ code: 'INSTALL_DISK_REFUSED' }));
    expect(() => partitionPlan(8e9)).toThrow(/at least 8 GiB/);
  });
});

describe('sgdiskArgv', () => {
  it('writes the whole table in one call', () => {
    expect(sgdiskArgv('/dev/vda', partitionPlan(MIN_DISK_BYTES))).toEqual([
      'sgdisk',
      '--new=1:1M:+1M', '--typecode=1:EF02', '--change-name=1:QX_BIOS',
      '--new=2:2M:+256M', '--typecode=2:EF00', '--change-name=2:QX_EFI',
      '--new=3:258M:+2048M', '--typecode=3:8300', '--change-name=3:QX_SYSTEM_A',
      '--new=4:2306M:+2048M', '--typecode=4:8300', '--change-name=4:QX_SYSTEM_B',
      '--new=5:4354M:+256M', '--typecode=5:8300', '--change-name=5:QX_CONFIG',
      '--new=6:4610M:+3581M', '--typecode=6:8300', '--change-name=6:QX_DATA',
      '/dev/vda',
    ]);
  });
});
