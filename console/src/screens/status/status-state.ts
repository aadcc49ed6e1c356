import type { Host } from '@quantix/lib/api';
import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult } from '../../app/screen.ts';
import type { ErrorInfo } from '../../errors.ts';
import type { BootInfo, LocalSnapshot } from '../../effects/local-status.ts';

export interface StatusState {
  /** unknown until the first answer (or its absence). */
  node: 'unknown' | 'up' | 'down';
  /** What went wrong with qx-node other than it being down (timeouts, bad answers). */
  nodeError: ErrorInfo | null;
  host: Host | null;
  local: LocalSnapshot | null;
  boot: BootInfo | null;
  /** The management NIC qx-node is configured for, when it says. */
  configuredNic: string | null;
  apiPort: number;
  updatedAt: number | null;
}

export type StatusAction = {
  type: 'loaded';
  at: number;
  host: Host | null;
  nodeError: ErrorInfo | null;
  local: LocalSnapshot | null;
  boot: BootInfo | null;
  configuredNic: string | null;
};

export function initialStatus(apiPort: number): StatusState {
  return { node: 'unknown', nodeError: null, host: null, local: null, boot: null, configuredNic: null, apiPort, updatedAt: null };
}

export function reduceStatus(s: StatusState, a: StatusAction): StatusState {
  switch (a.type) {
    case 'loaded': {
      const down = a.host === null && a.nodeError?.code === 'NODE_DOWN';
      return {
        ...s,
        updatedAt: a.at,
        node: a.host ? 'up' : down ? 'down' : a.nodeError ? 'up' : s.node,
        nodeError: down ? null : a.nodeError,
        // A slow or odd answer keeps what was last known rather than blanking the screen.
        host: a.host ?? (down ? null : s.host),
        local: a.local ?? s.local,
        boot: a.boot ?? s.boot,
        configuredNic: a.configuredNic ?? (down ? s.configuredNic : null),
      };
    }
  }
}

/** The status screen has no keys of its own: letters and F-keys open the other screens. */
export function statusKey(_s: StatusState, _key: Key): KeyResult<StatusAction> {
  return null;
}

export interface ManagementAddress {
  nic: string;
  ip: string;
  url: string;
}

/**
 * Where this host is managed from: the NIC qx-node is configured for, else the one with the default
 * route, else the first NIC with an IPv4 address.
 */
export function managementAddress(s: StatusState): ManagementAddress | null {
  const nics = s.local?.nics ?? s.host?.nics.map((n) => ({ name: n.name, ipv4: n.ipv4 })) ?? [];
  const withIp = nics.filter((n) => n.ipv4.length > 0);
  const pick =
    withIp.find((n) => n.name === s.configuredNic) ??
    withIp.find((n) => n.name === s.local?.defaultRouteNic) ??
    withIp.find((n) => !/^(virbr|vnet|tap|veth|docker|br-)/.test(n.name)) ??
    withIp[0];
  if (!pick) return null;
  const ip = pick.ipv4[0]!;
  return { nic: pick.name, ip, url: apiUrl(s, ip) };
}

/**
 * The URL the API really answers on: qx-node says where it listens. When it listens on one
 * address that is the URL; on all addresses, the management IP; unknown (qx-node down), the
 * management IP with the configured port.
 */
export function apiUrl(s: StatusState, managementIp: string): string {
  const api = s.host?.api;
  if (!api) return `https://${managementIp}:${s.apiPort}`;
  const scheme = api.tls ? 'https' : 'http';
  const wildcard = api.listen === '0.0.0.0' || api.listen === '::';
  const address = wildcard ? managementIp : api.listen.includes(':') ? `[${api.listen}]` : api.listen;
  return `${scheme}://${address}:${api.port}`;
}

export function hostnameOf(s: StatusState): string {
  return s.local?.hostname ?? s.host?.hostname ?? '';
}

export function memoryOf(s: StatusState): { used: number; total: number } | null {
  const m = s.local?.memory ?? (s.host ? { totalBytes: s.host.memory.totalBytes, availableBytes: s.host.memory.availableBytes } : null);
  if (!m || m.totalBytes <= 0) return null;
  return { used: m.totalBytes - m.availableBytes, total: m.totalBytes };
}
