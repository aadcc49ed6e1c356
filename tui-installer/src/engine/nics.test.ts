import { describe, expect, it } from 'vitest';
import { autoNic, parseNics } from './nics.ts';

const ipAddr = [
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], link_type: 'loopback', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
  { ifindex: 2, ifname: 'enp1s0', flags: ['BROADCAST', 'MULTICAST', 'UP'], operstate: 'DOWN', link_type: 'ether', address: '52:54:00:00:00:01', addr_info: [] },
  { ifindex: 3, ifname: 'enp2s0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP', link_type: 'ether', address: '52:54:00:00:00:02', addr_info: [{ family: 'inet', local: '192.168.1.20', prefixlen: 24 }, { family: 'inet6', local: 'fe80::1', prefixlen: 64 }] },
  { ifindex: 4, ifname: 'virbr0', flags: ['BROADCAST', 'UP', 'LOWER_UP'], link_type: 'ether', address: '52:54:00:aa:bb:cc', addr_info: [] },
  { ifindex: 5, ifname: 'bond0', flags: ['BROADCAST', 'MASTER'], link_type: 'ether', address: '52:54:00:00:00:05', addr_info: [] },
];

describe('parseNics', () => {
  const physical = (n: string) => n.startsWith('enp');
  it('lists physical ethernet NICs with carrier and addresses', () => {
    expect(parseNics(ipAddr, physical)).toEqual([
      { name: 'enp1s0', mac: '52:54:00:00:00:01', up: true, carrier: false, physical: true, addresses: [] },
      { name: 'enp2s0', mac: '52:54:00:00:00:02', up: true, carrier: true, physical: true, addresses: ['192.168.1.20/24'] },
    ]);
  });
  it('falls back to every ethernet link when none is physical', () => {
    expect(parseNics(ipAddr, () => false).map((n) => n.name)).toEqual(['enp1s0', 'enp2s0', 'bond0']);
  });
  it('"auto" takes the first NIC with carrier, else the first', () => {
    const nics = parseNics(ipAddr, physical);
    expect(autoNic(nics)).toBe('enp2s0');
    expect(autoNic(nics.map((n) => ({ ...n, carrier: false })))).toBe('enp1s0');
    expect(autoNic([])).toBeNull();
  });
  it('refuses output that is not ip -j', () => {
    expect(() => parseNics({ ifname: 'x' }, physical)).toThrow();
  });
});
