import type { AuditEntry } from '@quantix/lib/audit';
import type { Host, NetworkTestResult } from '@quantix/lib/api';
import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult } from '../../app/screen.ts';
import type { LocalSnapshot } from '../../effects/local-status.ts';
import type { LogTail } from '../../effects/log-reader.ts';
import type { ErrorInfo } from '../../errors.ts';
import { formatBytes } from '../../ui/format.ts';

export const TABS = ['Hardware', 'qx-node log', 'System log', 'Audit'] as const;
/** Lines above the scrolling part: the tab bar and a blank line. */
export const HEADER_LINES = 2;

export interface NetTest {
  phase: 'idle' | 'running' | 'done' | 'failed';
  result: NetworkTestResult | null;
  error: ErrorInfo | null;
}

export interface DiagnosticsState {
  tab: number;
  /** First visible line of each tab's text. */
  top: number[];
  /** How many lines the view shows below the tab bar. */
  page: number;
  host: Host | null;
  hostError: ErrorInfo | null;
  local: LocalSnapshot | null;
  nodeLog: LogTail | null;
  systemLog: LogTail | null;
  audit: AuditEntry[] | null;
  net: NetTest;
  /** Each tab's text, made from the data above by the reducer. */
  lines: string[][];
}

export type DiagnosticsAction =
  | { type: 'tab'; tab: number }
  | { type: 'scroll'; by: number }
  | { type: 'scrollTo'; where: 'start' | 'end' }
  | { type: 'hardware'; host: Host | null; hostError: ErrorInfo | null; local: LocalSnapshot | null }
  | { type: 'logs'; nodeLog: LogTail; systemLog: LogTail; audit: AuditEntry[] }
  | { type: 'testNetwork' }
  | { type: 'netResult'; result: NetworkTestResult }
  | { type: 'netFailed'; error: ErrorInfo };

export function initialDiagnostics(bodyHeight: number): DiagnosticsState {
  const s: DiagnosticsState = {
    tab: 0,
    top: TABS.map(() => 0),
    page: Math.max(1, bodyHeight - HEADER_LINES),
    host: null,
    hostError: null,
    local: null,
    nodeLog: null,
    systemLog: null,
    audit: null,
    net: { phase: 'idle', result: null, error: null },
    lines: [],
  };
  return { ...s, lines: tabLines(s) };
}

function hardwareLines(s: DiagnosticsState, bullet: string): string[] {
  const out: string[] = [];
  const h = s.host;
  const l = s.local;
  if (h) {
    out.push(`CPU        ${h.cpu.model}`);
    out.push(`           ${h.cpu.sockets} socket(s), ${h.cpu.cores} cores, ${h.cpu.threads} threads, ${h.cpu.mhz} MHz, virtualization ${h.cpu.virtualizationFlags ? 'yes' : 'no'}`);
    out.push(`Memory     ${formatBytes(h.memory.totalBytes)} (${formatBytes(h.memory.availableBytes)} available)`);
    out.push(`Hypervisor ${h.hypervisor.accel.toUpperCase()}: ${h.hypervisor.accelReason}`);
    out.push(`           libvirt ${h.hypervisor.libvirtVersion}, QEMU ${h.hypervisor.qemuVersion}, /dev/kvm ${h.hypervisor.kvmDevice ? 'usable' : 'not usable'}`);
    out.push('Disks');
    for (const d of h.disks) out.push(`  ${bullet} ${d.device}  ${formatBytes(d.sizeBytes)}  ${d.type}  ${d.model}${d.removable ? '  (removable)' : ''}`);
    if (h.disks.length === 0) out.push('  none found');
    out.push('NICs');
    for (const n of h.nics) {
      out.push(`  ${bullet} ${n.name}  ${n.mac}  ${n.up ? 'up' : 'down'}${n.speedMbps ? ` ${n.speedMbps} Mb/s` : ''}  ${n.ipv4.join(', ') || 'no IPv4'}${n.virtual ? '  (virtual)' : ''}`);
    }
  } else if (l) {
    out.push(`CPU        ${l.cpu.model}, ${l.cpu.threads} threads`);
    out.push(`Memory     ${formatBytes(l.memory.totalBytes)} (${formatBytes(l.memory.availableBytes)} available)`);
    out.push('NICs');
    for (const n of l.nics) out.push(`  ${bullet} ${n.name}  ${n.ipv4.join(', ') || 'no IPv4'}`);
    out.push('');
    out.push(`(from the host itself: qx-node ${s.hostError?.code === 'NODE_DOWN' ? 'is not running' : `did not answer: ${s.hostError?.message ?? ''}`})`);
  } else {
    out.push('reading...');
  }
  out.push('');
  out.push('Management network test (T)');
  const n = s.net;
  if (n.phase === 'idle') out.push('  not run yet: press T (gateway ping, DNS lookup, vDC when joined)');
  if (n.phase === 'running') out.push('  testing...');
  if (n.phase === 'failed') out.push(`  could not test: ${n.error?.code}: ${n.error?.message}`);
  if (n.phase === 'done' && n.result) {
    out.push(`  ${n.result.ok ? 'all checks passed' : 'FAILED'} at ${n.result.testedAt}`);
    for (const c of n.result.checks) out.push(`  ${bullet} ${c.name.padEnd(8)} ${c.ok ? 'OK  ' : 'FAIL'} ${c.detail}`);
  }
  return out;
}

function logLines(t: LogTail | null): string[] {
  if (t === null) return ['reading...'];
  if (t.missing) return [t.missing];
  return t.lines.length ? t.lines : [`${t.source} is empty`];
}

export function auditLines(entries: AuditEntry[] | null): string[] {
  if (entries === null) return ['reading...'];
  if (entries.length === 0) return ['no audit entries yet'];
  return entries.map((e) => {
    const detail = Object.keys(e.detail).length ? ` ${JSON.stringify(e.detail)}` : '';
    return `${e.time.slice(0, 19).replace('T', ' ')} ${e.actor} ${e.action}${detail}`;
  });
}

export function tabLines(s: DiagnosticsState, bullet = '*'): string[][] {
  return [hardwareLines(s, bullet), logLines(s.nodeLog), logLines(s.systemLog), auditLines(s.audit)];
}

const maxTop = (s: DiagnosticsState, tab: number) => Math.max(0, (s.lines[tab]?.length ?? 0) - s.page);

function withData(s: DiagnosticsState): DiagnosticsState {
  const lines = tabLines(s);
  const next = { ...s, lines };
  return { ...next, top: next.top.map((t, i) => Math.min(t, maxTop(next, i))) };
}

export function reduceDiagnostics(s: DiagnosticsState, a: DiagnosticsAction): DiagnosticsState {
  switch (a.type) {
    case 'tab':
      return { ...s, tab: ((a.tab % TABS.length) + TABS.length) % TABS.length };
    case 'scroll': {
      const top = [...s.top];
      top[s.tab] = Math.min(maxTop(s, s.tab), Math.max(0, (top[s.tab] ?? 0) + a.by));
      return { ...s, top };
    }
    case 'scrollTo': {
      const top = [...s.top];
      top[s.tab] = a.where === 'start' ? 0 : maxTop(s, s.tab);
      return { ...s, top };
    }
    case 'hardware':
      return withData({ ...s, host: a.host, hostError: a.hostError, local: a.local });
    case 'logs': {
      const first = s.nodeLog === null;
      const next = withData({ ...s, nodeLog: a.nodeLog, systemLog: a.systemLog, audit: a.audit });
      // Logs open at their end, where the news is.
      if (!first) return next;
      return { ...next, top: next.top.map((t, i) => (i === 0 ? t : maxTop(next, i))) };
    }
    case 'testNetwork':
      return s.net.phase === 'running' ? s : withData({ ...s, tab: 0, net: { phase: 'running', result: null, error: null } });
    case 'netResult':
      return withData({ ...s, net: { phase: 'done', result: a.result, error: null } });
    case 'netFailed':
      return withData({ ...s, net: { phase: 'failed', result: null, error: a.error } });
  }
}

export function diagnosticsKey(s: DiagnosticsState, key: Key): KeyResult<DiagnosticsAction> {
  switch (key.name) {
    case 'left':
    case 'backtab':
      return { type: 'tab', tab: s.tab - 1 };
    case 'right':
    case 'tab':
      return { type: 'tab', tab: s.tab + 1 };
    case 'up':
      return { type: 'scroll', by: -1 };
    case 'down':
      return { type: 'scroll', by: 1 };
    case 'pageup':
      return { type: 'scroll', by: -Math.max(1, s.page - 1) };
    case 'pagedown':
      return { type: 'scroll', by: Math.max(1, s.page - 1) };
    case 'home':
      return { type: 'scrollTo', where: 'start' };
    case 'end':
      return { type: 'scrollTo', where: 'end' };
    case 'char': {
      const c = key.char ?? '';
      if (c >= '1' && c <= String(TABS.length)) return { type: 'tab', tab: Number(c) - 1 };
      if (c.toLowerCase() === 't') return { type: 'testNetwork' };
      return null;
    }
    default:
      return null;
  }
}
