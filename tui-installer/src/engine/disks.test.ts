import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeDisks, chooseDisk, deviceMountedAt, formatBytes, isEligible, lsblkOutput } from './disks.ts';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const ctx = { mediumDir: '/run/quantix/medium', mediumDevice: null, includeLoop: false };

describe('analyzeDisks', () => {
  it('lists disks with what keeps them from being a target (ISO in a CD drive)', () => {
    const disks = analyzeDisks(fixture('lsblk-iso.json'), { ...ctx, mediumDevice: '/dev/sr0' });
    expect(disks.map((d) => d.name)).toEqual(['vda', 'vdb', 'nvme0n1']);
    const [vda, vdb, nvme] = disks;
    expect(vda).toMatchObject({ path: '/dev/vda', sizeBytes: 21474836480, serial: 'qx-disk-1', refusals: [] });
    expect(isEligible(vda!)).toBe(true);
    expect(vdb!.refusals).toEqual(['smaller than 8 GiB (4.0 GiB)']);
    expect(nvme!.model).toBe('Samsung SSD 980 PRO 500GB');
    expect(nvme!.refusals).toEqual(['in use by lvm (vg0-root)']);
    expect(nvme!.contents).toEqual(['nvme0n1p1 512 MiB EFI system partition vfat', 'nvme0n1p2 476.4 GiB LVM2_member']);
  });

  it('refuses the USB stick the live system booted from, found through /proc/mounts; swap and read-only disks', () => {
    const mounts = 'proc /proc proc rw 0 0\n/dev/sda1 /run/quantix/medium iso9660 ro 0 0\n';
    const disks = analyzeDisks(fixture('lsblk-usb.json'), { ...ctx, mediumDevice: deviceMountedAt(mounts, '/run/quantix/medium') });
    expect(disks.map((d) => [d.name, d.refusals])).toEqual([
      ['sda', ['holds the installation medium']],
      ['sdb', ['sdb1 is in use as swap']],
      ['sdc', ['read-only']],
    ]);
    expect(disks[0]!.removable).toBe(true);
    expect(disks[1]!.sizeBytes).toBe(480103981056);
  });

  it('refuses a disk with a mounted partition, and the medium by its mount point', () => {
    const json = {
      blockdevices: [
        {
          name: 'vda', path: '/dev/vda', size: 274877906944, model: null, serial: null, type: 'disk', ro: false, rm: false, tran: null,
          mountpoints: ['/run/netns', '/'], fstype: null, label: null, partlabel: null, pkname: null,
        },
        {
          name: 'sdb', path: '/dev/sdb', size: 16008609792, model: null, serial: null, type: 'disk', ro: false, rm: true, tran: 'usb',
          mountpoints: [null], fstype: null, label: null, partlabel: null, pkname: null,
          children: [
            { name: 'sdb1', path: '/dev/sdb1', size: 16007561216, model: null, serial: null, type: 'part', ro: false, rm: true, tran: 'usb', mountpoints: ['/run/quantix/medium'], fstype: 'vfat', label: 'QX', partlabel: null, pkname: 'sdb' },
          ],
        },
      ],
    };
    const disks = analyzeDisks(json, ctx);
    expect(disks[0]!.refusals).toEqual(['vda is mounted at /run/netns', 'vda is mounted at /']);
    expect(disks[1]!.refusals).toEqual(['holds the installation medium']);
  });

  it('offers loop devices only when asked', () => {
    expect(analyzeDisks(fixture('lsblk-iso.json'), { ...ctx, includeLoop: true }).map((d) => d.name)).toContain('loop0');
    const loop = analyzeDisks(fixture('lsblk-iso.json'), { ...ctx, includeLoop: true }).find((d) => d.name === 'loop0')!;
    expect(loop.refusals).toEqual(['loop0 is mounted at /run/quantix/system', 'read-only', 'smaller than 8 GiB (584 MiB)']);
  });

  it('refuses lsblk output it does not understand', () => {
    expect(() => analyzeDisks({ blockdevices: [{ name: 'vda' }] }, ctx)).toThrow();
    expect(lsblkOutput.safeParse({ blockdevices: [], extra: 1 }).success).toBe(false);
  });
});

describe('chooseDisk', () => {
  const disks = analyzeDisks(fixture('lsblk-iso.json'), ctx);
  it('"auto" is the first eligible disk', () => expect(chooseDisk(disks, 'auto').path).toBe('/dev/vda'));
  it('a named disk must exist and be eligible', () => {
    expect(chooseDisk(disks, '/dev/vda').name).toBe('vda');
    expect(() => chooseDisk(disks, '/dev/vdz')).toThrow(expect.objectContaining({ code: 'INSTALL_DISK_NOT_FOUND' }));
    expect(() => chooseDisk(disks, '/dev/vdb')).toThrow(expect.objectContaining({ code: 'INSTALL_DISK_REFUSED', message: expect.stringMatching(/smaller than 8 GiB/) }));
  });
  it('"auto" without an eligible disk says why', () => {
    expect(() => chooseDisk(disks.filter((d) => d.name === 'vdb'), 'auto')).toThrow(expect.objectContaining({ code: 'INSTALL_DISK_NOT_FOUND' }));
  });
});

describe('helpers', () => {
  it('finds the device at a mount point, octal escapes decoded', () => {
    expect(deviceMountedAt('/dev/sr0 /run/quantix/medium iso9660 ro 0 0\n', '/run/quantix/medium')).toBe('/dev/sr0');
    expect(deviceMountedAt('/dev/sdb1 /mnt/my\\040stick vfat rw 0 0\n', '/mnt/my stick')).toBe('/dev/sdb1');
    expect(deviceMountedAt('/dev/vda / ext4 rw 0 0\n', '/run/quantix/medium')).toBeNull();
  });
  it('formats sizes', () => {
    expect(formatBytes(8 * 1024 ** 3)).toBe('8.0 GiB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2.0 TiB');
    expect(formatBytes(256 * 1024 ** 2)).toBe('256 MiB');
  });
});
