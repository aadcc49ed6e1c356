import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isManagementCandidate, managementNics, parseAddrs, parseLinks, parseRoutes, parseSpeed } from './ip-json.ts';

// Recorded on the development machine (Debian 12, iproute2 6.1): `ip -j -d link show`, `ip -j addr show`,
// `ip -j -4 route show table main`, on the host and in a namespace holding a veth, libvirt/QEMU/Docker-like
// interfaces (virbr0, vnet3, tap7, docker0) and an admin's bridge br0.
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('ip -j parsing', () => {
  it('reads links with their kind, addresses and routes from real output', () => {
    const links = parseLinks(fixture('netns-link.json'));
    expect(links.map((l) => [l.ifname, l.linkinfo?.info_kind ?? null])).toEqual([
      ['lo', null],
      ['vm0', 'veth'],
      ['virbr0', 'bridge'],
      ['vnet3', 'tun'],
      ['tap7', 'tun'],
      ['docker0', 'bridge'],
      ['br0', 'bridge'],
    ]);
    const addrs = parseAddrs(fixture('netns-addr.json'));
    const vm0 = addrs.find((a) => a.ifname === 'vm0')!.addr_info.filter((a) => a.family === 'inet');
    expect(vm0).toEqual([
      expect.objectContaining({ local: '10.77.0.2', prefixlen: 24, scope: 'global' }),
      expect.objectContaining({ local: '10.77.1.5', prefixlen: 24, dynamic: true }),
    ]);
    const routes = parseRoutes(fixture('netns-route.json'));
    expect(routes[0]).toMatchObject({ dst: 'default', gateway: '10.77.0.1', dev: 'vm0' });
    expect(routes.find((r) => r.dst === '10.88.0.0/16')).toMatchObject({ protocol: 'static', metric: 50, gateway: '10.77.0.1' });
    expect(routes.find((r) => r.dst === '10.77.0.0/24')).toMatchObject({ protocol: 'kernel', scope: 'link', prefsrc: '10.77.0.2' });
  });

  it('treats empty output as an empty list and rejects garbage', () => {
    expect(parseRoutes('')).toEqual([]);
    expect(parseRoutes('[]\n')).toEqual([]);
    expect(() => parseLinks('[{"ifname":3}]')).toThrow();
    expect(() => parseLinks('not json')).toThrow();
  });
});

describe('which links are management NICs', () => {
  it('on the host: the physical NIC only (not lo, not ifb)', () => {
    const links = parseLinks(fixture('host-link.json'));
    const nics = managementNics(links, parseAddrs(fixture('host-addr.json')), false, new Map([['eth0', 10000]]));
    expect(nics).toEqual([
      { name: 'eth0', mac: '02:fc:00:00:00:01', up: true, carrier: true, speedMbps: 10000, addresses: ['192.0.2.2/24', 'fd00::2/64'] },
    ]);
  });

  it('in the management namespace: the veth and an admin bridge, never libvirt/QEMU/Docker interfaces', () => {
    const links = parseLinks(fixture('netns-link.json'));
    const nics = managementNics(links, parseAddrs(fixture('netns-addr.json')), true);
    expect(nics.map((n) => n.name)).toEqual(['vm0', 'br0']);
    expect(nics[0]).toMatchObject({ up: true, carrier: true, speedMbps: null, addresses: ['10.77.0.2/24', '10.77.1.5/24'] });
  });

  it('outside a namespace a veth is container plumbing, not a NIC', () => {
    const links = parseLinks(fixture('netns-link.json'));
    expect(links.filter((l) => isManagementCandidate(l, false)).map((l) => l.ifname)).toEqual(['br0']);
  });

  it('lists the addresses of a VLAN sub-interface on its parent and hides the sub-interface', () => {
    const links = parseLinks(
      JSON.stringify([
        { ifindex: 2, ifname: 'eno1', flags: ['UP', 'LOWER_UP'], link_type: 'ether', address: 'aa:bb:cc:dd:ee:01' },
        { ifindex: 9, ifname: 'eno1.20', link: 'eno1', flags: ['UP', 'LOWER_UP'], link_type: 'ether', address: 'aa:bb:cc:dd:ee:01', linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 20 } } },
        { ifindex: 10, ifname: 'bond0', flags: ['UP'], link_type: 'ether', address: 'aa:bb:cc:dd:ee:02', linkinfo: { info_kind: 'bond' } },
        { ifindex: 11, ifname: 'vnet0', flags: ['UP'], link_type: 'ether', address: 'fe:54:00:00:00:01', linkinfo: { info_kind: 'tun' } },
      ]),
    );
    const addrs = parseAddrs(JSON.stringify([{ ifname: 'eno1.20', addr_info: [{ family: 'inet', local: '10.20.0.5', prefixlen: 24 }] }]));
    expect(managementNics(links, addrs, false).map((n) => [n.name, n.addresses, n.carrier])).toEqual([
      ['eno1', ['10.20.0.5/24'], true],
      ['bond0', [], false],
    ]);
  });

  it('reads /sys speeds', () => {
    expect(parseSpeed('1000\n')).toBe(1000);
    expect(parseSpeed('-1\n')).toBeNull();
    expect(parseSpeed(null)).toBeNull();
  });
});
