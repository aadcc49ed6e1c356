import type { RegistrationToken } from '@quantix/lib/api';
import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult } from '../../app/screen.ts';
import type { ErrorInfo } from '../../errors.ts';

/** Where a vDC admin reaches this host. */
export interface ManagementAddress {
  nic: string;
  ip: string;
  url: string;
}

export interface ClusterState {
  /** reading: nothing yet; confirm: asking before a new token; regenerating: asking qx-node for it. */
  phase: 'reading' | 'ready' | 'confirm' | 'regenerating';
  token: RegistrationToken | null;
  /** The token ran out and the new one is on its way. */
  renewing: boolean;
  management: ManagementAddress | null;
  /** False until the host's addresses have been read. */
  addressKnown: boolean;
  /** A refused or failed regeneration. */
  error: ErrorInfo | null;
  /** Why the last read failed; cleared by the next good read. */
  readError: ErrorInfo | null;
  notice: string | null;
  /** When the token came: the countdown starts from the later of this and the clock tick drawn. */
  readAt: number | null;
}

export type ClusterAction =
  | { type: 'token'; token: RegistrationToken; at: number }
  | { type: 'tokenFailed'; error: ErrorInfo }
  | { type: 'address'; management: ManagementAddress | null }
  | { type: 'expired' }
  | { type: 'ask' }
  | { type: 'cancel' }
  | { type: 'regenerate' }
  | { type: 'regenerated'; token: RegistrationToken; at: number }
  | { type: 'failed'; error: ErrorInfo };

export function initialCluster(): ClusterState {
  return { phase: 'reading', token: null, renewing: false, management: null, addressKnown: false, error: null, readError: null, notice: null, readAt: null };
}

export function reduceCluster(s: ClusterState, a: ClusterAction): ClusterState {
  switch (a.type) {
    case 'token':
      return { ...s, token: a.token, readAt: a.at, renewing: false, readError: null, phase: s.phase === 'reading' ? 'ready' : s.phase };
    case 'tokenFailed':
      return { ...s, readError: a.error, renewing: false, phase: s.phase === 'reading' ? 'ready' : s.phase };
    case 'address':
      return { ...s, management: a.management, addressKnown: true };
    case 'expired':
      return s.token ? { ...s, renewing: true } : s;
    case 'ask':
      return s.phase === 'ready' ? { ...s, phase: 'confirm', notice: null, error: null } : s;
    case 'cancel':
      return s.phase === 'confirm' ? { ...s, phase: 'ready' } : s;
    case 'regenerate':
      return s.phase === 'confirm' ? { ...s, phase: 'regenerating', error: null, notice: null } : s;
    case 'regenerated':
      if (s.phase !== 'regenerating') return s;
      return { ...s, phase: 'ready', token: a.token, readAt: a.at, renewing: false, readError: null, notice: 'A new token was made: the previous one no longer works.' };
    case 'failed':
      return s.phase === 'regenerating' ? { ...s, phase: 'ready', error: a.error } : s;
  }
}

export function clusterKey(s: ClusterState, key: Key): KeyResult<ClusterAction> {
  const c = key.name === 'char' && !key.alt ? (key.char ?? '').toLowerCase() : '';
  if (s.phase === 'ready' && c === 'g') return { type: 'ask' };
  if (s.phase === 'confirm') {
    if (c === 'y') return { type: 'regenerate' };
    if (c === 'n' || key.name === 'escape') return { type: 'cancel' };
  }
  return null;
}

export function clusterHints(s: ClusterState): { keys: string; label: string }[] {
  if (s.phase === 'ready') return [{ keys: 'G', label: 'New token' }];
  if (s.phase === 'confirm') {
    return [
      { keys: 'Y', label: 'New token' },
      { keys: 'N/Esc', label: 'Keep this one' },
    ];
  }
  return [];
}

/**
 * Where the host is managed from: the NIC qx-node is configured for, else the one with the default
 * route, else the first NIC with an IPv4 address that is not a bridge or tap of VMs.
 */
export function managementAddressOf(
  nics: { name: string; ipv4: string[] }[],
  o: { configuredNic: string | null; defaultRouteNic: string | null; port: number },
): ManagementAddress | null {
  const withIp = nics.filter((n) => n.ipv4.length > 0);
  const pick =
    withIp.find((n) => n.name === o.configuredNic) ??
    withIp.find((n) => n.name === o.defaultRouteNic) ??
    withIp.find((n) => !/^(virbr|vnet|tap|veth|docker|br-)/.test(n.name)) ??
    withIp[0];
  if (!pick) return null;
  const ip = pick.ipv4[0]!.replace(/\/\d+$/, '');
  return { nic: pick.name, ip, url: `https://${ip}:${o.port}` };
}

/**
 * A SHA-256 fingerprint ("AB:CD:…", 95 characters) on lines of at most `width` columns, broken
 * between bytes: two lines of 16 bytes at 76 columns.
 */
export function fingerprintLines(fp: string, width: number): string[] {
  if (fp.length <= width) return [fp];
  const bytes = fp.split(':');
  if (bytes.length < 2) return fp.match(new RegExp(`.{1,${Math.max(1, width)}}`, 'g')) ?? [];
  const perLine = Math.max(1, Math.floor((width + 1) / 3));
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += perLine) lines.push(bytes.slice(i, i + perLine).join(':'));
  // Even halves read better than a full line and a stub.
  if (lines.length === 2 && bytes.length % 2 === 0) {
    const half = bytes.length / 2;
    return [bytes.slice(0, half).join(':'), bytes.slice(half).join(':')];
  }
  return lines;
}
