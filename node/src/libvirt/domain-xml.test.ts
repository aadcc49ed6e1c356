import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  QX_XMLNS,
  buildDomainXml,
  diskTarget,
  parseDomainXml,
  xmlEscape,
  type DomainDefinition,
} from './domain-xml.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const base: DomainDefinition = {
  uuid: 'a6f0e4a1-2b3c-4d5e-8f90-0123456789ab',
  name: 'vm1',
  description: 'test vm',
  vcpus: 2,
  memoryMiB: 512,
  accel: 'tcg',
  firmware: 'bios',
  boot: { from: 'disk' },
  disks: [
    { path: '/var/lib/quantix/pool/vm1-0.qcow2', target: 'vda' },
    { path: '/var/lib/quantix/pool/vm1-1.qcow2', target: 'vdb' },
  ],
  nics: [
    { type: 'user', source: null, mac: '52:54:00:00:00:01' },
    { type: 'bridge', source: 'br0', mac: '52:54:00:00:00:02' },
    { type: 'network', source: 'default', mac: '52:54:00:00:00:03' },
  ],
  serialLogPath: '/var/log/quantix/vm1.serial.log',
};

/** Parse generated XML into a plain tree (attributes as @_name) to assert on structure, not on formatting. */
const tree = (xml: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    isArray: (name) => ['disk', 'interface', 'controller', 'feature', 'timer'].includes(name),
  }).parse(xml) as { domain: Record<string, any> };

describe('buildDomainXml', () => {
  it('writes a TCG q35 domain with ACPI, the lifecycle actions and the managed marker', () => {
    const d = tree(buildDomainXml(base)).domain;
    expect(d['@_type']).toBe('qemu');
    expect(d.name).toBe('vm1');
    expect(d.uuid).toBe(base.uuid);
    expect(d.description).toBe('test vm');
    expect(d.os.type).toEqual({ '#text': 'hvm', '@_arch': 'x86_64', '@_machine': 'q35' });
    expect(d.os['@_firmware']).toBeUndefined();
    expect(d.features).toEqual({ acpi: '', apic: '' });
    expect(d.cpu['@_mode']).toBe('maximum');
    expect(d.memory).toEqual({ '#text': '512', '@_unit': 'MiB' });
    expect(d.vcpu['#text']).toBe('2');
    expect([d.on_poweroff, d.on_reboot, d.on_crash]).toEqual(['destroy', 'restart', 'destroy']);
    expect(d.metadata['qx:vm']).toEqual({ 'qx:managed': 'true', '@_xmlns:qx': QX_XMLNS });
  });

  it('uses type kvm and host-passthrough for KVM', () => {
    const d = tree(buildDomainXml({ ...base, accel: 'kvm' })).domain;
    expect(d['@_type']).toBe('kvm');
    expect(d.cpu['@_mode']).toBe('host-passthrough');
  });

  it('selects UEFI firmware without Secure Boot', () => {
    const d = tree(buildDomainXml({ ...base, firmware: 'uefi' })).domain;
    expect(d.os['@_firmware']).toBe('efi');
    expect(d.os.firmware.feature).toEqual([
      { '@_enabled': 'no', '@_name': 'secure-boot' },
      { '@_enabled': 'no', '@_name': 'enrolled-keys' },
    ]);
  });

  it('writes virtio qcow2 disks, boot order on the first disk', () => {
    const d = tree(buildDomainXml(base)).domain;
    const disks = d.devices.disk;
    expect(disks).toHaveLength(2);
    expect(disks[0]).toMatchObject({
      '@_type': 'file',
      '@_device': 'disk',
      driver: { '@_name': 'qemu', '@_type': 'qcow2', '@_cache': 'none', '@_discard': 'unmap' },
      source: { '@_file': '/var/lib/quantix/pool/vm1-0.qcow2' },
      target: { '@_dev': 'vda', '@_bus': 'virtio' },
      boot: { '@_order': '1' },
    });
    expect(disks[1].boot).toBeUndefined();
    expect(tree(buildDomainXml({ ...base, diskCache: 'writeback' })).domain.devices.disk[0].driver['@_cache']).toBe(
      'writeback',
    );
  });

  it('boots from a SATA cdrom first, then the disk', () => {
    const d = tree(buildDomainXml({ ...base, boot: { from: 'cdrom', iso: '/isos/debian.iso' } })).domain;
    const [cdrom, disk] = d.devices.disk;
    expect(cdrom).toMatchObject({
      '@_device': 'cdrom',
      driver: { '@_type': 'raw' },
      source: { '@_file': '/isos/debian.iso' },
      target: { '@_dev': 'sda', '@_bus': 'sata' },
      readonly: '',
      boot: { '@_order': '1' },
    });
    expect(disk.boot).toEqual({ '@_order': '2' });
  });

  it('boots a kernel directly, with no boot order on disks', () => {
    const d = tree(
      buildDomainXml({ ...base, boot: { from: 'kernel', kernel: '/k/vmlinux', initrd: '/k/initrd', cmdline: 'console=ttyS0' } }),
    ).domain;
    expect(d.os.kernel).toBe('/k/vmlinux');
    expect(d.os.initrd).toBe('/k/initrd');
    expect(d.os.cmdline).toBe('console=ttyS0');
    expect(d.devices.disk.every((x: Record<string, unknown>) => x.boot === undefined)).toBe(true);
  });

  it('writes user, bridge and network NICs as virtio', () => {
    const nics = tree(buildDomainXml(base)).domain.devices.interface;
    expect(nics).toEqual([
      { '@_type': 'user', mac: { '@_address': '52:54:00:00:00:01' }, model: { '@_type': 'virtio' } },
      {
        '@_type': 'bridge',
        source: { '@_bridge': 'br0' },
        mac: { '@_address': '52:54:00:00:00:02' },
        model: { '@_type': 'virtio' },
      },
      {
        '@_type': 'network',
        source: { '@_network': 'default' },
        mac: { '@_address': '52:54:00:00:00:03' },
        model: { '@_type': 'virtio' },
      },
    ]);
  });

  it('writes serial+console ptys, the agent channel, local-only VNC, video, balloon and rng', () => {
    const dev = tree(buildDomainXml({ ...base, channelDir: '/run/quantix/qga/' })).domain.devices;
    expect(dev.serial).toEqual({
      '@_type': 'pty',
      log: { '@_file': '/var/log/quantix/vm1.serial.log', '@_append': 'on' },
      target: { '@_port': '0' },
    });
    expect(dev.console).toEqual({ '@_type': 'pty', target: { '@_type': 'serial', '@_port': '0' } });
    expect(dev.channel).toEqual({
      '@_type': 'unix',
      source: { '@_mode': 'bind', '@_path': `/run/quantix/qga/${base.uuid}.qga.sock` },
      target: { '@_type': 'virtio', '@_name': 'org.qemu.guest_agent.0' },
    });
    expect(dev.graphics).toEqual({
      '@_type': 'vnc',
      '@_port': '-1',
      '@_autoport': 'yes',
      '@_listen': '127.0.0.1',
      listen: { '@_type': 'address', '@_address': '127.0.0.1' },
    });
    expect(dev.video.model['@_type']).toBe('vga');
    expect(dev.memballoon).toEqual({ '@_model': 'virtio' });
    expect(dev.rng).toEqual({ '@_model': 'virtio', backend: { '@_model': 'random', '#text': '/dev/urandom' } });
  });

  it('declares one root port per PCIe device plus the spare ones', () => {
    const count = (def: DomainDefinition) =>
      (tree(buildDomainXml(def)).domain.devices.controller as Record<string, string>[]).filter(
        (c) => c['@_model'] === 'pcie-root-port',
      ).length;
    // 2 disks + 3 NICs + xHCI, virtio-serial, balloon, rng + 4 spare
    expect(count(base)).toBe(13);
    expect(count({ ...base, spareRootPorts: 0 })).toBe(0);
  });

  it('escapes every value so that hostile names, paths and cmdlines survive a round trip', () => {
    const nasty = `a&b<c>'d"e`;
    const def: DomainDefinition = {
      ...base,
      name: `vm ${nasty}`,
      description: `desc ${nasty}\nline 2 — ünï\u0007`,
      boot: { from: 'kernel', kernel: `/k/${nasty}`, initrd: `/i/${nasty}`, cmdline: `x='${nasty}' y="z"` },
      disks: [{ path: `/p/${nasty}\tdisk.qcow2`, target: 'vda' }],
      nics: [{ type: 'bridge', source: `br${nasty}`, mac: '52:54:00:00:00:01' }],
      serialLogPath: `/log/${nasty}.log`,
    };
    const xml = buildDomainXml(def);
    expect(xml).not.toMatch(/a&b|<c>|\u0007/);
    const parsed = parseDomainXml(xml);
    expect(parsed.name).toBe(def.name);
    expect(parsed.description).toBe(`desc ${nasty}\nline 2 — ünï`); // BEL is not allowed in XML: dropped
    expect(parsed.boot).toEqual(def.boot);
    expect(parsed.disks[0]?.path).toBe(`/p/${nasty}\tdisk.qcow2`);
    expect(parsed.nics[0]?.source).toBe(`br${nasty}`);
    expect(parsed.serialLogPath).toBe(def.serialLogPath);
  });

  it('refuses values XML cannot carry and inconsistent definitions', () => {
    expect(() => buildDomainXml({ ...base, disks: [{ path: '/p/\u0001.qcow2', target: 'vda' }] })).toThrow(/control character/);
    expect(() => buildDomainXml({ ...base, uuid: 'nope' })).toThrow(/uuid/);
    expect(() => buildDomainXml({ ...base, nics: [{ type: 'bridge', source: null, mac: '52:54:00:00:00:01' }] })).toThrow(
      /needs a source/,
    );
    expect(() => buildDomainXml({ ...base, nics: [{ type: 'user', source: null, mac: '52:54:00:00:01' }] })).toThrow(/MAC/);
    expect(() =>
      buildDomainXml({
        ...base,
        disks: [
          { path: '/a.qcow2', target: 'vda' },
          { path: '/b.qcow2', target: 'vda' },
        ],
      }),
    ).toThrow(/used twice/);
    expect(() => buildDomainXml({ ...base, disks: [{ path: 'rel.qcow2', target: 'vda' }] })).toThrow(/absolute/);
  });
});

describe('xmlEscape / diskTarget', () => {
  it('escapes the five XML specials', () => {
    expect(xmlEscape(`&<>'"`)).toBe('&amp;&lt;&gt;&apos;&quot;');
    expect(xmlEscape(42)).toBe('42');
  });

  it('names disks like the Linux virtio-blk driver', () => {
    expect([0, 1, 25, 26, 27, 701, 702].map(diskTarget)).toEqual(['vda', 'vdb', 'vdz', 'vdaa', 'vdab', 'vdzz', 'vdaaa']);
    expect(() => diskTarget(-1)).toThrow();
  });
});

describe('parseDomainXml (recorded virsh dumpxml)', () => {
  it('reads a running kernel-boot domain: id, VNC port, serial pty, disks, NICs, managed marker', async () => {
    const d = parseDomainXml(await fixture('dumpxml-running.xml'));
    expect(d).toMatchObject({
      uuid: 'a6f0e4a1-2b3c-4d5e-8f90-0123456789ab',
      name: 'qx-itest-fx-xml',
      type: 'qemu',
      accel: 'tcg',
      vcpus: 2,
      memoryMiB: 192,
      firmware: 'bios',
      description: `Fixture VM: <b>&"quotes"</b> 'single' — ünïcode\nsecond line`,
      boot: {
        from: 'kernel',
        kernel: '/work/main/var/cache/test-guest/vmlinux',
        initrd: '/work/main/var/cache/test-guest/initramfs.gz',
        cmdline: "console=ttyS0 quiet qx.test='a&b<c>'",
      },
      vnc: { port: 5900, listen: '127.0.0.1' },
      serialPty: '/dev/pts/0',
      serialLogPath: '/tmp/qxlv/rec/serial.log',
      guestAgentSocket: '/tmp/qxlv/rec/a6f0e4a1-2b3c-4d5e-8f90-0123456789ab.qga.sock',
      managed: true,
    });
    expect(d.id).toBeGreaterThan(0);
    expect(d.disks).toEqual([
      { device: 'disk', target: 'vda', bus: 'virtio', path: '/tmp/qxlv/rec/d0.qcow2', format: 'qcow2', readonly: false },
      { device: 'disk', target: 'vdb', bus: 'virtio', path: '/tmp/qxlv/rec/d1.qcow2', format: 'qcow2', readonly: false },
    ]);
    expect(d.nics).toEqual([{ type: 'user', source: null, mac: '52:54:00:12:34:56', model: 'virtio', hostDevice: null }]);
  });

  it('reads the same domain shut off: no id, VNC port -1, no pty', async () => {
    const d = parseDomainXml(await fixture('dumpxml-inactive.xml'));
    expect(d.id).toBeNull();
    expect(d.vnc).toEqual({ port: -1, listen: '127.0.0.1' });
    expect(d.serialPty).toBeNull();
    expect(d.managed).toBe(true);
    expect(d.disks.map((x) => x.target)).toEqual(['vda', 'vdb']);
  });

  it('reads UEFI + cdrom boot when shut off (os firmware=efi) and running (pflash loader)', async () => {
    const off = parseDomainXml(await fixture('dumpxml-uefi-cdrom-inactive.xml'));
    expect(off.firmware).toBe('uefi');
    expect(off.boot).toEqual({ from: 'cdrom', iso: '/tmp/qxlv/rec3/fake.iso' });
    expect(off.disks.map((x) => [x.device, x.target, x.bus, x.readonly])).toEqual([
      ['cdrom', 'sda', 'sata', true],
      ['disk', 'vda', 'virtio', false],
    ]);
    expect(off.nics.map((n) => [n.type, n.source, n.mac])).toEqual([
      ['user', null, '52:54:00:00:00:01'],
      ['network', 'default', '52:54:00:00:00:02'],
      ['bridge', 'qxbr-nonexist', '52:54:00:00:00:03'],
    ]);

    const on = parseDomainXml(await fixture('dumpxml-uefi-cdrom-running.xml'));
    expect(on.firmware).toBe('uefi');
    expect(on.boot).toEqual({ from: 'cdrom', iso: '/tmp/qxlv/rec3/fake.iso' });
    expect(on.vnc?.port).toBeGreaterThanOrEqual(5900);
    expect(on.serialPty).toMatch(/^\/dev\/pts\/\d+$/);
  });

  it('reads a domain Quantix did not create as unmanaged', async () => {
    const d = parseDomainXml(await fixture('dumpxml-foreign-running.xml'));
    expect(d).toMatchObject({ name: 'qx-itest-fx-a', managed: false, vnc: null, serialPty: null, disks: [], nics: [] });
    expect(d.boot).toEqual({ from: 'disk' });
  });

  it('matches the marker by namespace URI, not by prefix', () => {
    const withPrefix = (prefix: string, ns: string) =>
      `<domain type='kvm'><name>x</name><uuid>a6f0e4a1-2b3c-4d5e-8f90-0123456789ab</uuid><memory unit='GiB'>1</memory>` +
      `<vcpu>1</vcpu><os><type>hvm</type></os><metadata><${prefix}:vm xmlns:${prefix}='${ns}'>` +
      `<${prefix}:managed>true</${prefix}:managed></${prefix}:vm></metadata></domain>`;
    expect(parseDomainXml(withPrefix('quantix', QX_XMLNS)).managed).toBe(true);
    expect(parseDomainXml(withPrefix('qx', 'https://example.com/other')).managed).toBe(false);
    const kvm = parseDomainXml(withPrefix('qx', QX_XMLNS));
    expect(kvm.accel).toBe('kvm');
    expect(kvm.memoryMiB).toBe(1024);
  });

  it('rejects documents that are not usable domains', () => {
    expect(() => parseDomainXml('<pool/>')).toThrow(/not a libvirt domain/);
    expect(() => parseDomainXml("<domain><name>x</name><uuid>bad</uuid></domain>")).toThrow();
  });
});
