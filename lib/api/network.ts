import { isIPv4 } from 'node:net';
import { z } from 'zod';
import { isoTime } from './common.ts';

export const ipv4 = z.string().refine((s) => isIPv4(s), 'an IPv4 address like 192.168.1.10');
export const ipv4Cidr = z.string().refine((s) => {
  const [ip, len, ...rest] = s.split('/');
  return rest.length === 0 && ip !== undefined && isIPv4(ip) && len !== undefined && /^\d{1,2}$/.test(len) && Number(len) >= 1 && Number(len) <= 32;
}, 'an IPv4 address with prefix length, like 192.168.1.10/24');

const ifName = z.string().min(1).max(15).regex(/^[A-Za-z0-9_.-]+$/, 'a Linux interface name');
export const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, 'a host name like node1 or node1.example.com');

/** The fields of a management network, before the rules across them: for schemas that change one field (the answer file's `nic`). */
export const managementNetworkFields = z.strictObject({
  nic: ifName,
  mode: z.enum(['dhcp', 'static']),
  address: ipv4Cidr.nullable().default(null),
  gateway: ipv4.nullable().default(null),
  vlan: z.number().int().min(1).max(4094).nullable().default(null),
  dns: z.array(ipv4).max(3).default([]),
  hostname: hostName,
});

/** The management network of a host: what the console's F2 screen edits. */
export const managementNetwork = managementNetworkFields
  .refine((n) => n.mode === 'dhcp' || n.address !== null, { message: 'a static configuration needs an address', path: ['address'] })
  .refine((n) => n.mode === 'static' || (n.address === null && n.gateway === null), {
    message: 'DHCP brings its own address and gateway; leave them empty',
    path: ['address'],
  });
export type ManagementNetwork = z.infer<typeof managementNetwork>;

export const nicInfo = z.strictObject({
  name: z.string(),
  mac: z.string(),
  up: z.boolean(),
  carrier: z.boolean(),
  speedMbps: z.number().nullable(),
  addresses: z.array(z.string()),
});

export const networkCheck = z.strictObject({
  name: z.enum(['gateway', 'dns', 'vdc']),
  ok: z.boolean(),
  detail: z.string(),
  ms: z.number().nullable(),
});
export const networkTestResult = z.strictObject({ ok: z.boolean(), checks: z.array(networkCheck), testedAt: isoTime });
export type NetworkTestResult = z.infer<typeof networkTestResult>;

export const networkState = z.strictObject({
  config: managementNetwork.nullable(),
  nics: z.array(nicInfo),
  /** A change applied but not yet confirmed: rolled back at rollbackAt unless confirmed. */
  pending: z
    .strictObject({ jobId: z.string(), config: managementNetwork, previous: managementNetwork.nullable(), rollbackAt: isoTime, test: networkTestResult.nullable() })
    .nullable(),
});
export type NetworkState = z.infer<typeof networkState>;

export const networkApply = z.strictObject({
  config: managementNetwork,
  /** How long the operator has to confirm before the previous configuration comes back. */
  rollbackSeconds: z.number().int().min(10).max(600).default(60),
});
export type NetworkApply = z.infer<typeof networkApply>;
