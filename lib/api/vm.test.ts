import { describe, expect, it } from 'vitest';
import { vmCreate, vmPatch, vmReplace } from './vm.ts';

describe('VM schemas', () => {
  it('fills in sensible defaults for a minimal create', () => {
    expect(vmCreate.parse({ name: 'web-1' })).toEqual({
      name: 'web-1',
      description: '',
      vcpus: 1,
      memoryMiB: 512,
      firmware: 'bios',
      boot: { from: 'disk' },
      disks: [],
      nics: [{ type: 'user' }],
      autostart: false,
      start: true,
    });
  });

  it('rejects unknown fields, bad names, multicast MACs and relative paths', () => {
    expect(vmCreate.safeParse({ name: 'a', color: 'red' }).success).toBe(false);
    for (const name of ['', '-a', 'a-', 'a_b', 'x'.repeat(64), 'a b', '../etc']) {
      expect(vmCreate.safeParse({ name }).success, name).toBe(false);
    }
    expect(vmCreate.safeParse({ name: 'a', nics: [{ type: 'user', mac: '01:00:5e:00:00:01' }] }).success).toBe(false);
    expect(vmCreate.safeParse({ name: 'a', boot: { from: 'kernel', kernel: 'vmlinux' } }).success).toBe(false);
    expect(vmCreate.safeParse({ name: 'a', boot: { from: 'cdrom', iso: '/srv/../etc/shadow' } }).success).toBe(false);
    expect(vmCreate.safeParse({ name: 'a', disks: [{}] }).success).toBe(false);
    expect(vmCreate.safeParse({ name: 'a', memoryMiB: 63 }).success).toBe(false);
  });

  it('needs a whole configuration for replace and at least one field for patch', () => {
    expect(vmReplace.safeParse({ name: 'a' }).success).toBe(false);
    expect(vmPatch.safeParse({}).success).toBe(false);
    expect(vmPatch.parse({ vcpus: 2 })).toEqual({ vcpus: 2 });
    expect(vmPatch.safeParse({ id: 'x' }).success).toBe(false);
  });
});
