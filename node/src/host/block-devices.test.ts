import { describe, expect, it } from 'vitest';
import { parseLsblk } from './block-devices.ts';

describe('parseLsblk', () => {
  it('keeps real disks and classifies them', () => {
    const json = JSON.stringify({
      blockdevices: [
        { name: 'zram0', type: 'disk', size: 0, model: null, rm: false, rota: false, tran: null },
        { name: 'vda', type: 'disk', size: 274877906944, model: null, rm: false, rota: true, tran: null },
        { name: 'nvme0n1', type: 'disk', size: '512110190592', model: 'Samsung SSD 980 ', rm: '0', rota: '0', tran: 'nvme' },
        { name: 'sdb', type: 'disk', size: 16008609792, model: 'Flash Drive', rm: true, rota: false, tran: 'usb' },
        { name: 'sr0', type: 'rom', size: 1073741312, model: 'QEMU DVD-ROM', rm: true, rota: false, tran: 'sata' },
        { name: 'loop0', type: 'loop', size: 4096, model: null, rm: false, rota: false, tran: null },
      ],
    });
    expect(parseLsblk(json)).toEqual([
      { device: '/dev/vda', model: 'virtio disk', sizeBytes: 274877906944, type: 'HD', removable: false },
      { device: '/dev/nvme0n1', model: 'Samsung SSD 980', sizeBytes: 512110190592, type: 'NVMe', removable: false },
      { device: '/dev/sdb', model: 'Flash Drive', sizeBytes: 16008609792, type: 'SSD', removable: true },
    ]);
  });

  it('refuses output that is not lsblk JSON', () => {
    expect(() => parseLsblk('{"devices":[]}')).toThrow();
  });
});
