import { z } from 'zod';

export const IP_ADDR_ARGV = ['ip', '-j', 'addr', 'show'];

/** `ip -j addr` carries many more keys than these, varying with the iproute2 version: only these are read. */
const ipAddrEntry = z.object({
  ifname: z.string(),
  flags: z.array(z.string()).default([]),
  link_type: z.string().optional(),
  address: z.string().optional(),
  operstate: z.string().optional(),
  addr_info: z.array(z.object({ family: z.string(), local: z.string().optional(), prefixlen: z.number().optional() })).default([]),
});
export const ipAddrOutput = z.array(ipAddrEntry);

export interface Nic {
  name: string;
  mac: string;
  /** The link is up and has a carrier (a cable, a switch at the other end). */
  carrier: boolean;
  up: boolean;
  /** A device of its own (PCI, USB, virtio), not a bridge, bond or tunnel. */
  physical: boolean;
  addresses: string[];
}

/** Ethernet interfaces from `ip -j addr`, physical ones first. */
export function parseNics(json: unknown, isPhysical: (name: string) => boolean): Nic[] {
  const nics = ipAddrOutput
    .parse(json)
    .filter((e) => e.link_type === 'ether' && !/^(veth|virbr|vnet|docker|br-|ifb)/.test(e.ifname))
    .map((e) => ({
      name: e.ifname,
      mac: e.address ?? '',
      up: e.flags.includes('UP'),
      carrier: e.flags.includes('UP') && e.flags.includes('LOWER_UP') && !e.flags.includes('NO-CARRIER'),
      physical: isPhysical(e.ifname),
      addresses: e.addr_info.filter((a) => a.family === 'inet' && a.local).map((a) => `${a.local}/${a.prefixlen ?? 32}`),
    }));
  const physical = nics.filter((n) => n.physical);
  return physical.length > 0 ? physical : nics;
}

/** nic "auto": the first NIC with carrier, else the first NIC. */
export function autoNic(nics: Nic[]): string | null {
  return (nics.find((n) => n.carrier) ?? nics[0])?.name ?? null;
}
