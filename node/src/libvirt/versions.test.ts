import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseVirshVersion } from './versions.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseVirshVersion (recorded)', () => {
  it('reads libvirt, daemon and QEMU versions from `virsh version --daemon`', async () => {
    expect(parseVirshVersion(await fixture('virsh-version-daemon.txt'))).toEqual({
      libvirtVersion: '9.0.0',
      libvirtDaemonVersion: '9.0.0',
      qemuVersion: '7.2.22',
      hypervisor: 'QEMU',
    });
  });

  it('reads plain `virsh version` (no daemon line)', async () => {
    expect(parseVirshVersion(await fixture('virsh-version.txt'))).toMatchObject({
      libvirtVersion: '9.0.0',
      libvirtDaemonVersion: null,
      qemuVersion: '7.2.22',
    });
  });

  it('copes with no hypervisor line and refuses garbage', () => {
    expect(parseVirshVersion('Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.1.0\n')).toMatchObject({
      libvirtVersion: '9.1.0',
      qemuVersion: null,
    });
    expect(() => parseVirshVersion('error: failed to connect to the hypervisor')).toThrow(/unrecognised/);
  });
});
