import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { managementNetwork, type ManagementNetwork } from '@quantix/lib/api';
import { parseAddrs, parseLinks, parseRoutes } from './ip-json.ts';
import {
  checkConfig,
  describeLive,
  dhcpArgv,
  dhclientStopArgv,
  dhcpScript,
  ipArgv,
  nsExecArgv,
  parseLease,
  parseResolvConf,
  planAddress,
  planApply,
  planRollback,
  prefixOfMask,
  resolvConfText,
  snapshotDifferences,
  takeSnapshot,
  type NetworkSnapshot,
} from './network-plan.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const netnsLive = () => ({ links: parseLinks(fixture('netns-link.json')), addrs: parseAddrs(fixture('netns-addr.json')), routes: parseRoutes(fixture('netns-route.json')) });
const cfg = (c: Partial<ManagementNetwork>): ManagementNetwork => managementNetwork.parse({ nic: 'eth0', mode: 'static', hostname: 'node1', ...c });
const files = { resolvConf: { kind: 'absent' as const }, hostnameFile: { kind: 'absent' as const }, runningHostname: null, savedConfig: null };

describe('command generation', () => {
  it('wraps ip in -n NETNS and programs in ip netns exec', () => {
    expect(ipArgv(null, 'link', 'show')).toEqual(['ip', 'link', 'show']);
    expect(ipArgv('mgmt', 'link', 'show')).toEqual(['ip', '-n', 'mgmt', 'link', 'show']);
    expect(nsExecArgv('mgmt', ['/usr/bin/busybox', 'ping', '-c', '1'])).toEqual(['ip', 'netns', 'exec', 'mgmt', '/usr/bin/busybox', 'ping', '-c', '1']);
    expect(nsExecArgv(null, ['ping'])).toEqual(['ping']);
  });

  it('static: flush, add the address, link up, replace the default route', () => {
    const c = cfg({ address: '10.1.0.5/24', gateway: '10.1.0.1', dns: ['10.1.0.53'] });
    expect(planApply(c, { netns: null, vlanExists: false, previousIface: null })).toEqual([
      ['ip', 'link', 'set', 'dev', 'eth0', 'up'],
      ['ip', '-4', 'addr', 'flush', 'dev', 'eth0'],
      ['ip', '-4', 'route', 'flush', 'exact', '0.0.0.0/0'],
      ['ip', 'addr', 'add', '10.1.0.5/24', 'broadcast', '+', 'dev', 'eth0'],
      ['ip', '-4', 'route', 'replace', 'default', 'via', '10.1.0.1', 'dev', 'eth0'],
    ]);
  });

  it('static in a namespace, moving off the previous interface, without a gateway', () => {
    const c = cfg({ nic: 'veth-m', address: '10.1.0.5/24' });
    expect(planApply(c, { netns: 'qx-mgmt', vlanExists: false, previousIface: 'eth1' })).toEqual([
      ['ip', '-n', 'qx-mgmt', 'link', 'set', 'dev', 'veth-m', 'up'],
      ['ip', '-n', 'qx-mgmt', '-4', 'addr', 'flush', 'dev', 'eth1'],
      ['ip', '-n', 'qx-mgmt', '-4', 'addr', 'flush', 'dev', 'veth-m'],
      ['ip', '-n', 'qx-mgmt', '-4', 'route', 'flush', 'exact', '0.0.0.0/0'],
      ['ip', '-n', 'qx-mgmt', 'addr', 'add', '10.1.0.5/24', 'broadcast', '+', 'dev', 'veth-m'],
    ]);
  });

  // The kernel on the development machine has no 802.1q support: the VLAN path is checked here only.
  it('VLAN: creates NIC.VLAN on the NIC (unless it exists) and configures the sub-interface', () => {
    const c = cfg({ address: '10.20.0.5/24', gateway: '10.20.0.1', vlan: 20 });
    expect(planApply(c, { netns: null, vlanExists: false, previousIface: 'eth0' })).toEqual([
      ['ip', 'link', 'add', 'link', 'eth0', 'name', 'eth0.20', 'type', 'vlan', 'id', '20'],
      ['ip', 'link', 'set', 'dev', 'eth0', 'up'],
      ['ip', 'link', 'set', 'dev', 'eth0.20', 'up'],
      ['ip', '-4', 'addr', 'flush', 'dev', 'eth0'],
      ['ip', '-4', 'addr', 'flush', 'dev', 'eth0.20'],
      ['ip', '-4', 'route', 'flush', 'exact', '0.0.0.0/0'],
      ['ip', 'addr', 'add', '10.20.0.5/24', 'broadcast', '+', 'dev', 'eth0.20'],
      ['ip', '-4', 'route', 'replace', 'default', 'via', '10.20.0.1', 'dev', 'eth0.20'],
    ]);
    expect(planApply(c, { netns: null, vlanExists: true, previousIface: 'eth0.20' })[0]).toEqual(['ip', 'link', 'set', 'dev', 'eth0', 'up']);
  });

  it('DHCP: the links first, the lease address afterwards, the client once with our script', () => {
    const c = cfg({ mode: 'dhcp', vlan: 7 });
    expect(planApply(c, { netns: null, vlanExists: false, previousIface: null })).toEqual([
      ['ip', 'link', 'add', 'link', 'eth0', 'name', 'eth0.7', 'type', 'vlan', 'id', '7'],
      ['ip', 'link', 'set', 'dev', 'eth0', 'up'],
      ['ip', 'link', 'set', 'dev', 'eth0.7', 'up'],
      ['ip', '-4', 'addr', 'flush', 'dev', 'eth0.7'],
      ['ip', '-4', 'route', 'flush', 'exact', '0.0.0.0/0'],
    ]);
    expect(planAddress('ns', 'eth0.7', '10.7.0.100/24', '10.7.0.1')).toEqual([
      ['ip', '-n', 'ns', 'addr', 'add', '10.7.0.100/24', 'broadcast', '+', 'dev', 'eth0.7'],
      ['ip', '-n', 'ns', '-4', 'route', 'replace', 'default', 'via', '10.7.0.1', 'dev', 'eth0.7'],
    ]);
    expect(dhcpArgv({ kind: 'udhcpc', busybox: '/bin/busybox' }, 'ns', 'eth0', '/d/s', '/d')).toEqual([
      'ip', 'netns', 'exec', 'ns', '/bin/busybox', 'udhcpc', '-n', '-q', '-f', '-i', 'eth0', '-s', '/d/s', '-t', '4', '-T', '2',
    ]);
    const dhclient = { kind: 'dhclient' as const, path: '/sbin/dhclient' };
    expect(dhcpArgv(dhclient, null, 'eth0', '/d/s', '/d')).toEqual(['/sbin/dhclient', '-1', '-v', '-sf', '/d/s', '-lf', '/d/dhclient.leases', '-pf', '/d/dhclient.pid', 'eth0']);
    expect(dhclientStopArgv(dhclient, null, 'eth0', '/d/s', '/d')).toContain('-x');
  });

  it('refuses what ip would only refuse halfway', () => {
    expect(checkConfig(cfg({ address: '10.1.0.5/24', gateway: '10.2.0.1' }))).toMatch(/not in 10.1.0.0\/24/);
    expect(checkConfig(cfg({ address: '10.1.0.5/24', gateway: '10.1.0.5' }))).toMatch(/own address/);
    expect(checkConfig(cfg({ nic: 'enp0s31f6abc', address: '10.1.0.5/24', vlan: 4094 }))).toMatch(/longer than/);
    expect(checkConfig(cfg({ address: '10.1.0.5/24', gateway: '10.1.0.1', vlan: 4094 }))).toBeNull();
  });
});

describe('DHCP lease and files', () => {
  it('reads the lease udhcpc reported (recorded from busybox udhcpc 1.35 with our script)', () => {
    const text = [
      'reason=deconfig', 'ip=', 'mask=', 'subnet=', 'router=', 'dns=', 'domain=',
      'reason=bound', 'ip=10.77.0.132', 'mask=24', 'subnet=255.255.255.0', 'router=10.77.0.1', 'dns=10.77.0.1 10.77.0.2', 'domain=test.example',
    ].join('\n');
    expect(parseLease(text)).toEqual({ address: '10.77.0.132/24', gateway: '10.77.0.1', dns: ['10.77.0.1', '10.77.0.2'], domain: 'test.example' });
  });

  it('reads a dhclient lease (dotted mask) and ignores junk from the wire', () => {
    const text = ['reason=PREINIT', 'ip=', 'reason=BOUND', 'ip=192.0.2.50', 'mask=', 'subnet=255.255.254.0', 'router=bogus 192.0.2.1', 'dns=1.2.3 192.0.2.53', 'domain=$(reboot)'].join('\n');
    expect(parseLease(text)).toEqual({ address: '192.0.2.50/23', gateway: '192.0.2.1', dns: ['192.0.2.53'], domain: null });
    expect(parseLease('reason=deconfig\nip=\n')).toBeNull();
    expect(prefixOfMask('255.255.255.0')).toBe(24);
    expect(prefixOfMask('255.0.255.0')).toBeNull();
  });

  it('writes a script that hands the lease back and quotes its output path', () => {
    const script = dhcpScript("/var/q'x/lease.txt");
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`>>'/var/q'\\''x/lease.txt'`);
  });

  it('writes and reads resolv.conf', () => {
    const text = resolvConfText(['10.1.0.53', '10.1.0.54'], 'example.test');
    expect(text).toMatch(/^# Written by qx-node/);
    expect(text).toContain('search example.test\nnameserver 10.1.0.53\nnameserver 10.1.0.54\n');
    expect(parseResolvConf(text)).toEqual(['10.1.0.53', '10.1.0.54']);
    expect(parseResolvConf('nameserver ::1\n  nameserver 9.9.9.9 # x\n')).toEqual(['9.9.9.9']);
  });
});

describe('rollback planning', () => {
  it('records what an apply touches from real ip output', () => {
    const s = takeSnapshot(cfg({ nic: 'vm0', address: '10.3.0.2/24', gateway: '10.3.0.1' }), 'vm0', netnsLive(), files);
    expect(s.ifaces).toEqual([
      {
        name: 'vm0',
        existed: true,
        up: true,
        addresses: [
          { local: '10.77.0.2', prefixlen: 24, broadcast: undefined, scope: 'global' },
          { local: '10.77.1.5', prefixlen: 24, broadcast: undefined, scope: 'global' },
        ],
      },
    ]);
    // Kernel routes come back with the addresses; br0's own routes are not touched.
    expect(s.routes.map((r) => `${r.dst} ${r.gateway} ${r.dev} ${r.protocol ?? ''} ${r.metric ?? ''}`)).toEqual([
      'default 10.77.0.1 vm0  ',
      '10.88.0.0/16 10.77.0.1 vm0 static 50',
    ]);
  });

  it('restores addresses, link state and routes (specific before default) in the namespace', () => {
    const s = takeSnapshot(cfg({ nic: 'vm0', address: '10.3.0.2/24', gateway: '10.3.0.1' }), null, netnsLive(), files);
    expect(planRollback(s, 'ns')).toEqual([
      ['ip', '-n', 'ns', '-4', 'addr', 'flush', 'dev', 'vm0'],
      ['ip', '-n', 'ns', 'addr', 'add', '10.77.0.2/24', 'scope', 'global', 'dev', 'vm0'],
      ['ip', '-n', 'ns', 'addr', 'add', '10.77.1.5/24', 'scope', 'global', 'dev', 'vm0'],
      ['ip', '-n', 'ns', 'link', 'set', 'dev', 'vm0', 'up'],
      ['ip', '-n', 'ns', '-4', 'route', 'flush', 'exact', '0.0.0.0/0'],
      ['ip', '-n', 'ns', '-4', 'route', 'replace', '10.88.0.0/16', 'via', '10.77.0.1', 'dev', 'vm0', 'proto', 'static', 'metric', '50'],
      ['ip', '-n', 'ns', '-4', 'route', 'replace', 'default', 'via', '10.77.0.1', 'dev', 'vm0'],
    ]);
  });

  it('deletes a VLAN interface the apply created and restores the parent and the old interface', () => {
    const live = {
      links: parseLinks(JSON.stringify([{ ifindex: 2, ifname: 'eth0', flags: ['BROADCAST'], link_type: 'ether' }])),
      addrs: parseAddrs(JSON.stringify([{ ifname: 'eth0', addr_info: [{ family: 'inet', local: '192.168.1.10', prefixlen: 24, broadcast: '192.168.1.255', scope: 'global' }] }])),
      routes: [],
    };
    const s = takeSnapshot(cfg({ address: '10.20.0.5/24', vlan: 20 }), 'eth0', live, files);
    expect(s.ifaces.map((i) => [i.name, i.existed, i.up])).toEqual([
      ['eth0.20', false, false],
      ['eth0', true, false],
    ]);
    expect(planRollback(s, null)).toEqual([
      ['ip', 'link', 'del', 'dev', 'eth0.20'],
      ['ip', '-4', 'addr', 'flush', 'dev', 'eth0'],
      ['ip', 'addr', 'add', '192.168.1.10/24', 'broadcast', '192.168.1.255', 'scope', 'global', 'dev', 'eth0'],
      ['ip', 'link', 'set', 'dev', 'eth0', 'down'],
      ['ip', '-4', 'route', 'flush', 'exact', '0.0.0.0/0'],
    ]);
  });

  it('finds what a rollback failed to restore', () => {
    const live = netnsLive();
    const s: NetworkSnapshot = takeSnapshot(cfg({ nic: 'vm0', address: '10.3.0.2/24', gateway: '10.3.0.1' }), null, live, files);
    expect(snapshotDifferences(s, live)).toEqual([]);
    const after = {
      ...live,
      addrs: live.addrs.map((a) => (a.ifname === 'vm0' ? { ...a, addr_info: [{ family: 'inet', local: '10.3.0.2', prefixlen: 24 }] } : a)),
      routes: [{ dst: 'default', gateway: '10.3.0.1', dev: 'vm0', flags: [] }],
    };
    expect(snapshotDifferences(s, after)).toEqual([
      'vm0 has [10.3.0.2/24] instead of [10.77.0.2/24, 10.77.1.5/24]',
      'default routes are [default via 10.3.0.1 dev vm0 metric 0] instead of [default via 10.77.0.1 dev vm0 metric 0]',
    ]);
  });

  it('describes what is live on the default-route NIC when nothing was configured', () => {
    const host = { links: parseLinks(fixture('host-link.json')), addrs: parseAddrs(fixture('host-addr.json')), routes: parseRoutes(fixture('host-route.json')) };
    expect(describeLive(host, 'nameserver 192.0.2.1\n', 'node1\n')).toEqual({
      nic: 'eth0',
      mode: 'static',
      address: '192.0.2.2/24',
      gateway: '192.0.2.1',
      vlan: null,
      dns: ['192.0.2.1'],
      hostname: 'node1',
    });
    // A dynamic (DHCP) address and a VLAN sub-interface.
    const live = {
      links: parseLinks(
        JSON.stringify([
          { ifindex: 2, ifname: 'eno1', flags: ['UP'], link_type: 'ether' },
          { ifindex: 3, ifname: 'eno1.30', link: 'eno1', flags: ['UP'], link_type: 'ether', linkinfo: { info_kind: 'vlan', info_data: { id: 30 } } },
        ]),
      ),
      addrs: parseAddrs(JSON.stringify([{ ifname: 'eno1.30', addr_info: [{ family: 'inet', local: '10.30.0.9', prefixlen: 24, dynamic: true }] }])),
      routes: parseRoutes(JSON.stringify([{ dst: 'default', gateway: '10.30.0.1', dev: 'eno1.30', protocol: 'dhcp', flags: [] }])),
    };
    expect(describeLive(live, null, 'h')).toMatchObject({ nic: 'eno1', vlan: 30, mode: 'dhcp', address: null, gateway: null });
    expect(describeLive({ ...live, routes: [] }, null, 'h')).toBeNull();
  });
});
