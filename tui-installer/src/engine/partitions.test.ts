import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoggingRunner } from './exec.ts';
import { findPartitions, kernelPartitions, parsePartxNames, parseUevent } from './partitions.ts';

describe('parsers', () => {
  it('reads a uevent', () => {
    expect(parseUevent('MAJOR=259\nMINOR=3\nDEVNAME=nvme0n1p3\nDEVTYPE=partition\nPARTN=3\nPARTNAME=QX_SYSTEM_A\n')).toEqual({
      MAJOR: '259', MINOR: '3', DEVNAME: 'nvme0n1p3', DEVTYPE: 'partition', PARTN: '3', PARTNAME: 'QX_SYSTEM_A',
    });
  });
  it('reads partx -g -o NR,NAME', () => {
    expect([...parsePartxNames(' 1 QX_BIOS\n 2 QX_EFI\n10 QX_DATA\n')]).toEqual([[1, 'QX_BIOS'], [2, 'QX_EFI'], [10, 'QX_DATA']]);
  });
});

describe('findPartitions in a sysfs tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'qx-sys-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const sys = join(root, 'class', 'block');
  const dev = join(root, 'dev');
  mkdirSync(dev, { recursive: true });
  const names = ['QX_BIOS', 'QX_EFI', 'QX_SYSTEM_A', 'QX_SYSTEM_B', 'QX_CONFIG', 'QX_DATA'];
  writeFileSync(join(dev, 'nvme0n1'), '');
  mkdirSync(join(sys, 'nvme0n1', 'queue'), { recursive: true });
  names.forEach((name, i) => {
    const part = `nvme0n1p${i + 1}`;
    mkdirSync(join(sys, 'nvme0n1', part), { recursive: true });
    writeFileSync(join(sys, 'nvme0n1', part, 'partition'), `${i + 1}\n`);
    writeFileSync(join(sys, 'nvme0n1', part, 'uevent'), `DEVNAME=${part}\nDEVTYPE=partition\nPARTN=${i + 1}\nPARTNAME=${name}\n`);
    if (i !== 5) writeFileSync(join(dev, part), '');
  });

  it('finds partitions by PARTNAME, only those with a device node', async () => {
    const parts = await kernelPartitions(join(dev, 'nvme0n1'), sys);
    expect(parts.map((p) => p.devName)).toEqual(['nvme0n1p1', 'nvme0n1p2', 'nvme0n1p3', 'nvme0n1p4', 'nvme0n1p5', 'nvme0n1p6']);
    const found = await findPartitions(join(dev, 'nvme0n1'), new LoggingRunner(join(root, 'log')), sys, dev);
    expect(found).toEqual({
      QX_BIOS: join(dev, 'nvme0n1p1'),
      QX_EFI: join(dev, 'nvme0n1p2'),
      QX_SYSTEM_A: join(dev, 'nvme0n1p3'),
      QX_SYSTEM_B: join(dev, 'nvme0n1p4'),
      QX_CONFIG: join(dev, 'nvme0n1p5'),
    });
  });
});
