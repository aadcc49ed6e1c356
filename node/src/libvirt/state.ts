/**
 * Domain power states: parsing virsh's texts and numbers, mapping them to the API's VmState, and listing every domain
 * with uuid, name and state in one virsh process.
 */
import type { VmState } from '@quantix/lib/api';
import type { Virsh } from './virsh.ts';

/** libvirt's domain states as virsh prints them (virshDomainState, LC_ALL=C), indexed by virDomainState. */
export const LIBVIRT_STATES = [
  'no state',
  'running',
  'idle',
  'paused',
  'in shutdown',
  'shut off',
  'crashed',
  'pmsuspended',
] as const;
export type LibvirtState = (typeof LIBVIRT_STATES)[number];

/** Reason texts per state, indexed by the reason number (virsh's virshDomain*Reason tables, libvirt 9). */
export const LIBVIRT_REASONS: Record<LibvirtState, readonly string[]> = {
  'no state': ['unknown'],
  running: [
    'unknown',
    'booted',
    'migrated',
    'restored',
    'from snapshot',
    'unpaused',
    'migration canceled',
    'save canceled',
    'event wakeup',
    'crashed',
    'post-copy',
    'post-copy failed',
  ],
  idle: ['unknown'],
  paused: [
    'unknown',
    'user',
    'migrating',
    'saving',
    'dumping',
    'I/O error',
    'watchdog',
    'from snapshot',
    'shutting down',
    'creating snapshot',
    'crashed',
    'starting up',
    'post-copy',
    'post-copy failed',
    'api error',
  ],
  'in shutdown': ['unknown', 'user'],
  'shut off': ['unknown', 'shutdown', 'destroyed', 'crashed', 'migrated', 'saved', 'failed', 'from snapshot', 'daemon'],
  crashed: ['unknown', 'panicked'],
  pmsuspended: ['unknown'],
};

export interface DomainState {
  state: LibvirtState;
  /** e.g. 'booted', 'destroyed', 'user'; null when virsh printed none. */
  reason: string | null;
}

function asLibvirtState(s: string): LibvirtState | null {
  const t = s.trim().toLowerCase();
  return (LIBVIRT_STATES as readonly string[]).includes(t) ? (t as LibvirtState) : null;
}

/** Parse `virsh domstate [--reason]`: "running (booted)", "shut off (destroyed)", "in shutdown", "paused (user)". */
export function parseDomstate(output: string): DomainState {
  const line = output.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  const m = /^(.*?)\s*(?:\((.*)\))?$/.exec(line);
  const state = asLibvirtState(m?.[1] ?? '');
  if (!state) throw new Error(`unrecognised domain state: ${JSON.stringify(line)}`);
  return { state, reason: m?.[2]?.trim() || null };
}

/** The API's VmState for a libvirt state. */
export function toVmState(state: LibvirtState | DomainState): VmState {
  const s = typeof state === 'string' ? state : state.state;
  switch (s) {
    case 'running':
    case 'idle': // "blocked": running but waiting on a resource
      return 'running';
    case 'paused':
      return 'paused';
    case 'in shutdown':
      return 'shuttingDown';
    case 'shut off':
      return 'stopped';
    case 'crashed':
      return 'crashed';
    case 'pmsuspended':
      return 'suspended';
    case 'no state':
      return 'unknown';
  }
}

/** State and reason from virDomainState / reason numbers (as `virsh domstats --state` prints them). */
export function stateFromCodes(stateCode: number, reasonCode: number): DomainState {
  const state = LIBVIRT_STATES[stateCode] ?? 'no state';
  return { state, reason: LIBVIRT_REASONS[state][reasonCode] ?? 'unknown' };
}

export interface ListedDomain {
  /** Running domain id, null for '-' (inactive). */
  id: number | null;
  name: string;
  state: LibvirtState;
}

/**
 * Parse the `virsh list --all` table (with or without -q's header). Names may contain spaces, so each row is read as
 * id, then the state anchored at the end of the line, and the name in between.
 */
export function parseListTable(output: string): ListedDomain[] {
  const states = [...LIBVIRT_STATES].sort((a, b) => b.length - a.length).join('|');
  const row = new RegExp(`^\\s*(\\d+|-)\\s+(.+?)\\s+(${states})\\s*$`);
  const out: ListedDomain[] = [];
  for (const line of output.split('\n')) {
    const m = row.exec(line);
    if (!m) continue; // header, ruler, blank
    out.push({ id: m[1] === '-' ? null : Number(m[1]), name: m[2] ?? '', state: m[3] as LibvirtState });
  }
  return out;
}

/** Parse `virsh list --all --uuid --name`: "<uuid> <name>" per line. */
export function parseUuidNameList(output: string): { uuid: string; name: string }[] {
  const out: { uuid: string; name: string }[] = [];
  for (const line of output.split('\n')) {
    const m = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) (.+)$/i.exec(line.trim());
    if (m) out.push({ uuid: (m[1] ?? '').toLowerCase(), name: m[2] ?? '' });
  }
  return out;
}

/** Parse `virsh domstats --state`: blocks of "Domain: 'name'" then "  state.state=N" / "  state.reason=N". */
export function parseDomstatsState(output: string): Map<string, DomainState> {
  const out = new Map<string, DomainState>();
  let name: string | null = null;
  let code: number | null = null;
  let reason = 0;
  const flush = () => {
    if (name !== null && code !== null) out.set(name, stateFromCodes(code, reason));
    name = null;
    code = null;
    reason = 0;
  };
  for (const line of output.split('\n')) {
    const header = /^Domain: '(.*)'\s*$/.exec(line);
    if (header) {
      flush();
      name = header[1] ?? '';
      continue;
    }
    const kv = /^\s+state\.(state|reason)=(\d+)\s*$/.exec(line);
    if (kv && name !== null) {
      if (kv[1] === 'state') code = Number(kv[2]);
      else reason = Number(kv[2]);
    }
  }
  flush();
  return out;
}

export interface DomainSummary {
  uuid: string;
  name: string;
  state: LibvirtState;
  reason: string | null;
  vmState: VmState;
}

/**
 * Every domain with uuid, name and state, in ONE virsh process (two commands over one connection):
 *   list --all --uuid --name   → uuid ↔ name (libvirt allows both flags together: "<uuid> <name>" lines)
 *   domstats --state           → name → numeric state + reason (machine format, locale-proof, no monitor call)
 * joined by name, which is unique per host. A domain defined between the two commands is left out until the next
 * call; one undefined in between is reported with state 'no state' (→ 'unknown').
 * Measured on the TCG build host with 54 domains: 29 ms, against 1.46 s for `list` + 54 sequential `domstate` calls,
 * 0.75 s for them run concurrently, and 75 ms for `list` + one batch of 54 `domstate` (two processes).
 */
export async function listDomains(virsh: Virsh): Promise<DomainSummary[]> {
  const [names = '', stats = ''] = await virsh.runBatch([
    ['list', '--all', '--uuid', '--name'],
    ['domstats', '--state'],
  ]);
  const states = parseDomstatsState(stats);
  return parseUuidNameList(names).map(({ uuid, name }) => {
    const s = states.get(name) ?? { state: 'no state' as const, reason: null };
    return { uuid, name, state: s.state, reason: s.reason, vmState: toVmState(s.state) };
  });
}

/** One domain's state (`domstate --reason`), by name or uuid. */
export async function getDomainState(virsh: Virsh, domain: string): Promise<DomainState> {
  return parseDomstate(await virsh.run(['domstate', '--domain', domain, '--reason']));
}
