import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { managementNetwork, type ManagementNetwork } from '@quantix/lib/api';
import type { IpAddr, IpLink, IpRoute } from './ip-json.ts';

/**
 * Pure planning for the management network: every change is an argv array (`[file, ...args]`, run with execFile,
 * never through a shell), so what qx-node will do to a host can be unit-tested without touching one.
 */
export type Argv = string[];

/** `ip …`, or `ip -n NETNS …` when the management NIC lives in a network namespace. */
export function ipArgv(netns: string | null, ...args: string[]): Argv {
  return netns ? ['ip', '-n', netns, ...args] : ['ip', ...args];
}

/** A program that must run inside the namespace (ping, a DHCP client, a probe): `ip netns exec NETNS …`. */
export function nsExecArgv(netns: string | null, argv: Argv): Argv {
  return netns ? ['ip', 'netns', 'exec', netns, ...argv] : [...argv];
}

/** The interface that carries the address: the NIC itself, or its VLAN sub-interface NIC.VLAN. */
export function ifaceOf(c: Pick<ManagementNetwork, 'nic' | 'vlan'>): string {
  return c.vlan === null ? c.nic : `${c.nic}.${c.vlan}`;
}

export interface ApplyContext {
  netns: string | null;
  /** NIC.VLAN exists already (left from an earlier configuration): it is reused, not created. */
  vlanExists: boolean;
  /** The interface the previous configuration used, when it differs and still exists: its IPv4 addresses go. */
  previousIface: string | null;
}

/**
 * Links and clean-up before an address is set: for a VLAN `ip link add link NIC name NIC.VLAN type vlan id VLAN`.
 * (This machine's kernel has no 802.1q module, so the VLAN commands are checked only here, as generated argv.)
 * Flushing the IPv4 addresses also makes the kernel drop every route through that interface; the default route is
 * flushed as well because the management network owns the host's default gateway.
 */
export function planLinks(c: ManagementNetwork, ctx: ApplyContext): Argv[] {
  const iface = ifaceOf(c);
  const cmds: Argv[] = [];
  if (c.vlan !== null && !ctx.vlanExists) cmds.push(ipArgv(ctx.netns, 'link', 'add', 'link', c.nic, 'name', iface, 'type', 'vlan', 'id', String(c.vlan)));
  cmds.push(ipArgv(ctx.netns, 'link', 'set', 'dev', c.nic, 'up'));
  if (c.vlan !== null) cmds.push(ipArgv(ctx.netns, 'link', 'set', 'dev', iface, 'up'));
  if (ctx.previousIface && ctx.previousIface !== iface) cmds.push(ipArgv(ctx.netns, '-4', 'addr', 'flush', 'dev', ctx.previousIface));
  cmds.push(ipArgv(ctx.netns, '-4', 'addr', 'flush', 'dev', iface));
  cmds.push(ipArgv(ctx.netns, '-4', 'route', 'flush', 'exact', '0.0.0.0/0'));
  return cmds;
}

/** The address (with its broadcast computed: `broadcast +`) and the default route via the gateway. */
export function planAddress(netns: string | null, iface: string, address: string, gateway: string | null): Argv[] {
  const cmds: Argv[] = [ipArgv(netns, 'addr', 'add', address, 'broadcast', '+', 'dev', iface)];
  if (gateway) cmds.push(ipArgv(netns, '-4', 'route', 'replace', 'default', 'via', gateway, 'dev', iface));
  return cmds;
}

/** Everything for a static configuration; for DHCP the links only (the address follows the lease: planAddress). */
export function planApply(c: ManagementNetwork, ctx: ApplyContext): Argv[] {
  const cmds = planLinks(c, ctx);
  if (c.mode === 'static' && c.address) cmds.push(...planAddress(ctx.netns, ifaceOf(c), c.address, c.gateway));
  return cmds;
}

/** Problems ip would only report halfway through applying; found before anything changes. */
export function checkConfig(c: ManagementNetwork): string | null {
  const iface = ifaceOf(c);
  if (iface.length > 15) return `the VLAN interface name ${iface} is longer than Linux allows (15 characters)`;
  if (c.mode === 'static' && c.address && c.gateway) {
    const [ip, len] = c.address.split('/') as [string, string];
    if (!sameSubnet(ip, c.gateway, Number(len))) return `the gateway ${c.gateway} is not in ${networkOf(ip, Number(len))}/${len}`;
    if (ip === c.gateway) return 'the gateway cannot be the host\'s own address';
  }
  return null;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
function fromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}
export function networkOf(ip: string, len: number): string {
  return fromInt((toInt(ip) & maskOf(len)) >>> 0);
}
export function sameSubnet(a: string, b: string, len: number): boolean {
  return ((toInt(a) & maskOf(len)) >>> 0) === ((toInt(b) & maskOf(len)) >>> 0);
}
/** 255.255.255.0 → 24; null for a mask that is not contiguous. */
export function prefixOfMask(mask: string): number | null {
  if (!isIPv4(mask)) return null;
  const n = toInt(mask);
  const len = 32 - Math.log2((~n >>> 0) + 1);
  return Number.isInteger(len) ? len : null;
}

// ---------------------------------------------------------------------------------------------------------------
// DHCP: the host's client runs once with a script of ours that hands the lease back as key=value lines; qx-node then
// sets the address, route and DNS itself, exactly as for a static configuration, so that rollback knows what changed.

export type DhcpClient = { kind: 'udhcpc'; busybox: string } | { kind: 'dhclient'; path: string };

/** The lease script. The output path is quoted for sh; it is a directory qx-node made with mkdtemp. */
export function dhcpScript(outFile: string): string {
  const q = `'${outFile.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# Written by qx-node: hands the DHCP lease back instead of configuring the interface (udhcpc and dhclient).',
    '{',
    '  printf "reason=%s\\n" "${reason:-$1}"',
    '  printf "ip=%s\\n" "${ip:-$new_ip_address}"',
    '  printf "mask=%s\\n" "$mask"',
    '  printf "subnet=%s\\n" "${subnet:-$new_subnet_mask}"',
    '  printf "router=%s\\n" "${router:-$new_routers}"',
    '  printf "dns=%s\\n" "${dns:-$new_domain_name_servers}"',
    '  printf "domain=%s\\n" "${domain:-$new_domain_name}"',
    `} >>${q}`,
    'exit 0',
    '',
  ].join('\n');
}

/**
 * One attempt to get a lease, in the namespace when there is one: busybox `udhcpc -n -q` (quits after the lease,
 * fails after 4 discovers 2 s apart) or `dhclient -1` (one try; it stays in the background afterwards and is
 * stopped with dhclientStopArgv, since qx-node applies the lease itself).
 */
export function dhcpArgv(client: DhcpClient, netns: string | null, iface: string, script: string, dir: string): Argv {
  if (client.kind === 'udhcpc') return nsExecArgv(netns, [client.busybox, 'udhcpc', '-n', '-q', '-f', '-i', iface, '-s', script, '-t', '4', '-T', '2']);
  return nsExecArgv(netns, [client.path, '-1', '-v', '-sf', script, '-lf', `${dir}/dhclient.leases`, '-pf', `${dir}/dhclient.pid`, iface]);
}

export function dhclientStopArgv(client: Extract<DhcpClient, { kind: 'dhclient' }>, netns: string | null, iface: string, script: string, dir: string): Argv {
  return nsExecArgv(netns, [client.path, '-x', '-sf', script, '-lf', `${dir}/dhclient.leases`, '-pf', `${dir}/dhclient.pid`, iface]);
}

export interface DhcpLease {
  address: string;
  gateway: string | null;
  dns: string[];
  domain: string | null;
}

const boundReasons = new Set(['bound', 'renew', 'BOUND', 'RENEW', 'REBIND', 'REBOOT']);

/** The last lease the script reported; every value checked, as it comes from whoever answered on the wire. */
export function parseLease(text: string): DhcpLease | null {
  const events: Record<string, string>[] = [];
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'reason') events.push({});
    const last = events.at(-1);
    if (last) last[key] = value;
  }
  for (const e of events.reverse()) {
    if (!boundReasons.has(e.reason ?? '') || !isIPv4(e.ip ?? '')) continue;
    const len = /^\d{1,2}$/.test(e.mask ?? '') ? Number(e.mask) : prefixOfMask(e.subnet ?? '');
    if (len === null || len < 1 || len > 32) continue;
    const ips = (s: string | undefined) => (s ?? '').split(/\s+/).filter((x) => isIPv4(x));
    const domain = (e.domain ?? '').split(/\s+/)[0] ?? '';
    return {
      address: `${e.ip}/${len}`,
      gateway: ips(e.router)[0] ?? null,
      dns: ips(e.dns).slice(0, 3),
      domain: /^[A-Za-z0-9.-]{1,253}$/.test(domain) ? domain : null,
    };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Files under the network root.

export function resolvConfText(dns: string[], search: string | null = null): string {
  const lines = ['# Written by qx-node (management network). Changes here are replaced on the next apply.'];
  if (search) lines.push(`search ${search}`);
  for (const server of dns) lines.push(`nameserver ${server}`);
  return `${lines.join('\n')}\n`;
}

export function parseResolvConf(text: string | null): string[] {
  if (text === null) return [];
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined && isIPv4(s));
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshot and rollback.

export const fileSnapshot = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('absent') }),
  z.object({ kind: z.literal('file'), content: z.string() }),
  z.object({ kind: z.literal('symlink'), target: z.string() }),
]);
export type FileSnapshot = z.infer<typeof fileSnapshot>;

export const addrSnapshot = z.object({ local: z.string(), prefixlen: z.number(), broadcast: z.string().optional(), scope: z.string().optional() });
export const ifaceSnapshot = z.object({ name: z.string(), existed: z.boolean(), up: z.boolean(), addresses: z.array(addrSnapshot) });
export const routeSnapshot = z.object({
  dst: z.string(),
  gateway: z.string().optional(),
  dev: z.string(),
  protocol: z.string().optional(),
  scope: z.string().optional(),
  prefsrc: z.string().optional(),
  metric: z.number().optional(),
  onlink: z.boolean().default(false),
});
export type RouteSnapshot = z.infer<typeof routeSnapshot>;

/** Everything an apply may change, as it was before: what a rollback puts back. */
export const networkSnapshot = z.object({
  ifaces: z.array(ifaceSnapshot),
  routes: z.array(routeSnapshot),
  resolvConf: fileSnapshot,
  hostnameFile: fileSnapshot,
  /** The running host name; only recorded (and restored) when the network root is "/". */
  runningHostname: z.string().nullable(),
  /** The saved configuration file, byte for byte (null: there was none). */
  savedConfig: z.string().nullable(),
});
export type NetworkSnapshot = z.infer<typeof networkSnapshot>;

/**
 * What an apply of `c` touches: the address interface, its NIC, and the interface of the previous configuration; a
 * VLAN interface that does not exist yet is recorded as not existing, so that rollback deletes it. Routes: every
 * default route, and the non-kernel routes through touched interfaces (flushing an interface's addresses drops
 * them; kernel routes come back with the addresses).
 */
export function takeSnapshot(
  c: ManagementNetwork,
  previousIface: string | null,
  live: { links: IpLink[]; addrs: IpAddr[]; routes: IpRoute[] },
  rest: Pick<NetworkSnapshot, 'resolvConf' | 'hostnameFile' | 'runningHostname' | 'savedConfig'>,
): NetworkSnapshot {
  const iface = ifaceOf(c);
  const names = [...new Set([iface, c.nic, previousIface].filter((n): n is string => n !== null))];
  const ifaces = names.flatMap((name) => {
    const link = live.links.find((l) => l.ifname === name);
    if (!link) return name === iface && c.vlan !== null ? [{ name, existed: false, up: false, addresses: [] }] : [];
    const addresses = (live.addrs.find((a) => a.ifname === name)?.addr_info ?? [])
      .filter((a) => a.family === 'inet')
      .map((a) => ({ local: a.local, prefixlen: a.prefixlen, broadcast: a.broadcast, scope: a.scope }));
    return [{ name, existed: true, up: link.flags.includes('UP'), addresses }];
  });
  const routes = live.routes
    .filter((r) => (r.type ?? 'unicast') === 'unicast' && r.protocol !== 'kernel' && r.dev !== undefined)
    .filter((r) => r.dst === 'default' || names.includes(r.dev!))
    .map((r) => ({
      dst: r.dst,
      gateway: r.gateway,
      dev: r.dev!,
      protocol: r.protocol,
      scope: r.scope,
      prefsrc: r.prefsrc,
      metric: r.metric,
      onlink: r.flags.includes('onlink'),
    }));
  return { ifaces, routes, ...rest };
}

export function routeArgv(netns: string | null, r: RouteSnapshot): Argv {
  const args = ['-4', 'route', 'replace', r.dst];
  if (r.gateway) args.push('via', r.gateway);
  args.push('dev', r.dev);
  if (r.protocol) args.push('proto', r.protocol);
  if (r.metric !== undefined) args.push('metric', String(r.metric));
  if (r.scope) args.push('scope', r.scope);
  if (r.prefsrc) args.push('src', r.prefsrc);
  if (r.onlink) args.push('onlink');
  return ipArgv(netns, ...args);
}

/**
 * The commands that put the snapshot back: a VLAN interface the apply created goes; every other touched interface
 * gets exactly its old IPv4 addresses and up/down state; then the default routes are flushed and every saved route
 * is put back, specific ones before defaults (a gateway must be reachable first). Files are restored separately.
 */
export function planRollback(s: NetworkSnapshot, netns: string | null): Argv[] {
  const cmds: Argv[] = [];
  for (const i of s.ifaces.filter((i) => !i.existed)) cmds.push(ipArgv(netns, 'link', 'del', 'dev', i.name));
  // Parents before VLAN sub-interfaces: an interface's state is only complete once its lower link is up.
  const existing = s.ifaces.filter((i) => i.existed).sort((a, b) => Number(a.name.includes('.')) - Number(b.name.includes('.')));
  for (const i of existing) {
    cmds.push(ipArgv(netns, '-4', 'addr', 'flush', 'dev', i.name));
    for (const a of i.addresses) {
      const args = ['addr', 'add', `${a.local}/${a.prefixlen}`];
      if (a.broadcast) args.push('broadcast', a.broadcast);
      if (a.scope) args.push('scope', a.scope);
      cmds.push(ipArgv(netns, ...args, 'dev', i.name));
    }
    cmds.push(ipArgv(netns, 'link', 'set', 'dev', i.name, i.up ? 'up' : 'down'));
  }
  cmds.push(ipArgv(netns, '-4', 'route', 'flush', 'exact', '0.0.0.0/0'));
  const ordered = [...s.routes.filter((r) => r.dst !== 'default'), ...s.routes.filter((r) => r.dst === 'default')];
  for (const r of ordered) cmds.push(routeArgv(netns, r));
  return cmds;
}

/** Where the live state differs from the snapshot after a rollback (empty: restored exactly). */
export function snapshotDifferences(s: NetworkSnapshot, live: { links: IpLink[]; addrs: IpAddr[]; routes: IpRoute[] }): string[] {
  const problems: string[] = [];
  for (const i of s.ifaces) {
    const link = live.links.find((l) => l.ifname === i.name);
    if (!i.existed) {
      if (link) problems.push(`${i.name} still exists`);
      continue;
    }
    if (!link) {
      problems.push(`${i.name} is gone`);
      continue;
    }
    const now = (live.addrs.find((a) => a.ifname === i.name)?.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`).sort();
    const want = i.addresses.map((a) => `${a.local}/${a.prefixlen}`).sort();
    if (now.join(' ') !== want.join(' ')) problems.push(`${i.name} has [${now.join(', ')}] instead of [${want.join(', ')}]`);
    if (link.flags.includes('UP') !== i.up) problems.push(`${i.name} is ${i.up ? 'down' : 'up'}`);
  }
  const key = (r: RouteSnapshot) => `${r.dst} via ${r.gateway ?? '-'} dev ${r.dev} metric ${r.metric ?? 0}`;
  const defaultsNow = live.routes.filter((r) => r.dst === 'default' && r.dev).map((r) => key({ ...r, dev: r.dev!, onlink: false })).sort();
  const defaultsWant = s.routes.filter((r) => r.dst === 'default').map(key).sort();
  if (defaultsNow.join('; ') !== defaultsWant.join('; ')) problems.push(`default routes are [${defaultsNow.join('; ')}] instead of [${defaultsWant.join('; ')}]`);
  return problems;
}

/**
 * A best-effort description of what is live on the NIC that holds the default route, as a configuration (a host
 * never configured through Quantix still has a "previous" configuration to show and to compare with). Null when
 * there is no default route or what is there does not fit a management network.
 */
export function describeLive(
  live: { links: IpLink[]; addrs: IpAddr[]; routes: IpRoute[] },
  resolvConf: string | null,
  hostname: string,
): ManagementNetwork | null {
  const def = live.routes.find((r) => r.dst === 'default' && r.dev !== undefined);
  if (!def?.dev) return null;
  const link = live.links.find((l) => l.ifname === def.dev);
  let nic = def.dev;
  let vlan: number | null = null;
  if (link?.linkinfo?.info_kind === 'vlan' && link.link && link.linkinfo.info_data?.id !== undefined) {
    nic = link.link;
    vlan = link.linkinfo.info_data.id;
  }
  const inet = (live.addrs.find((a) => a.ifname === def.dev)?.addr_info ?? []).find((a) => a.family === 'inet' && a.scope !== 'host');
  const dhcp = inet?.dynamic === true;
  const parsed = managementNetwork.safeParse({
    nic,
    mode: dhcp ? 'dhcp' : 'static',
    address: !dhcp && inet ? `${inet.local}/${inet.prefixlen}` : null,
    gateway: !dhcp ? (def.gateway ?? null) : null,
    vlan,
    dns: parseResolvConf(resolvConf).slice(0, 3),
    hostname: hostname.trim(),
  });
  return parsed.success ? parsed.data : null;
}
