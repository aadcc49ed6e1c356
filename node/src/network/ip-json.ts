import { z } from 'zod';
import type { nicInfo } from '@quantix/lib/api';

/** Parsers for iproute2's JSON output (`ip -j -d link`, `ip -j addr`, `ip -j -4 route`). Unknown fields are ignored. */

export const ipLink = z.object({
  ifindex: z.number(),
  ifname: z.string(),
  flags: z.array(z.string()).default([]),
  operstate: z.string().optional(),
  link_type: z.string(),
  address: z.string().optional(),
  /** Parent of a VLAN or the peer of a veth in the same namespace. */
  link: z.string().nullable().optional(),
  linkinfo: z
    .object({
      info_kind: z.string().optional(),
      info_data: z.object({ protocol: z.string().optional(), id: z.number().optional() }).loose().optional(),
    })
    .loose()
    .optional(),
});
export type IpLink = z.infer<typeof ipLink>;

export const ipAddrInfo = z.object({
  family: z.string(),
  local: z.string(),
  prefixlen: z.number(),
  broadcast: z.string().optional(),
  scope: z.string().optional(),
  dynamic: z.boolean().optional(),
  label: z.string().optional(),
});
export type IpAddrInfo = z.infer<typeof ipAddrInfo>;

export const ipAddr = z.object({
  ifname: z.string(),
  addr_info: z.array(ipAddrInfo).default([]),
});
export type IpAddr = z.infer<typeof ipAddr>;

export const ipRoute = z.object({
  dst: z.string(),
  type: z.string().optional(),
  gateway: z.string().optional(),
  dev: z.string().optional(),
  protocol: z.string().optional(),
  scope: z.string().optional(),
  prefsrc: z.string().optional(),
  metric: z.number().optional(),
  flags: z.array(z.string()).default([]),
});
export type IpRoute = z.infer<typeof ipRoute>;

/** `ip -j` prints nothing at all (not "[]") for some empty results. */
export function parseIpJson<T extends z.ZodType>(item: T, text: string): z.infer<T>[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return z.array(item).parse(JSON.parse(trimmed));
}

export const parseLinks = (text: string): IpLink[] => parseIpJson(ipLink, text);
export const parseAddrs = (text: string): IpAddr[] => parseIpJson(ipAddr, text);
export const parseRoutes = (text: string): IpRoute[] => parseIpJson(ipRoute, text);

/** Names libvirt, QEMU, Docker and friends give the virtual interfaces they create. */
const virtualNames = /^(vnet\d|virbr|tap|docker|br-[0-9a-f]{12}$|veth|vxlan|genev|ovs-|macvtap|vif\d|lxc|cni|flannel|cali|wg)/;
/** Link kinds that can carry a management network: a bond or team of NICs, a bridge the admin built over one. */
const aggregateKinds = new Set(['bond', 'team', 'bridge']);

/**
 * Which links are NICs the console may offer for the management network.
 *
 * The rule: only Ethernet links; a link without a kind (`linkinfo.info_kind`, which only virtual devices have) is a
 * physical NIC; bonds, teams and bridges are allowed unless their name is one libvirt, QEMU or Docker uses (virbr0,
 * docker0, …); every other kind (tun/tap, veth, vlan, vxlan, ifb, dummy, macvtap, …) is virtual plumbing. A VLAN
 * sub-interface is part of a NIC's configuration, not a NIC of its own.
 *
 * One exception: inside the namespace that QX_MGMT_NETNS names, a veth IS the management NIC (that namespace exists
 * only to hold it: a test's veth end, or a container's uplink), so veths are allowed there, unless named like
 * libvirt's or QEMU's taps. Nothing else changes: vnet3/tap7/virbr0 are still skipped in a namespace.
 */
export function isManagementCandidate(link: IpLink, inNetns: boolean): boolean {
  if (link.link_type !== 'ether') return false;
  const kind = link.linkinfo?.info_kind;
  if (kind === undefined) return true;
  if (kind === 'veth') return inNetns && !/^(vnet\d|tap|virbr|docker)/.test(link.ifname);
  return aggregateKinds.has(kind) && !virtualNames.test(link.ifname);
}

export type NicInfo = z.infer<typeof nicInfo>;

/** Addresses as CIDR strings: IPv4 and global IPv6 (link-local IPv6 says nothing an operator needs). */
function addressesOf(a: IpAddr | undefined): string[] {
  return (a?.addr_info ?? []).filter((i) => i.family === 'inet' || (i.family === 'inet6' && i.scope !== 'link')).map((i) => `${i.local}/${i.prefixlen}`);
}

/**
 * The NICs, with their addresses. A VLAN sub-interface's addresses (eth0.20) are listed on its parent, since that is
 * where the management network configured on it lives.
 */
export function managementNics(links: IpLink[], addrs: IpAddr[], inNetns: boolean, speeds: Map<string, number | null> = new Map()): NicInfo[] {
  const byName = new Map(addrs.map((a) => [a.ifname, a]));
  return links
    .filter((l) => isManagementCandidate(l, inNetns))
    .map((l) => {
      const vlanChildren = links.filter((c) => c.linkinfo?.info_kind === 'vlan' && c.link === l.ifname);
      return {
        name: l.ifname,
        mac: l.address ?? '',
        up: l.flags.includes('UP'),
        carrier: l.flags.includes('LOWER_UP'),
        speedMbps: speeds.get(l.ifname) ?? null,
        addresses: [...addressesOf(byName.get(l.ifname)), ...vlanChildren.flatMap((c) => addressesOf(byName.get(c.ifname)))],
      };
    });
}

/** /sys/class/net/X/speed: Mb/s, or -1 / unreadable (EINVAL) when the link is down or the driver does not know. */
export function parseSpeed(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text.trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}
