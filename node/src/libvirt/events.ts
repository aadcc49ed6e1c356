/**
 * libvirt domain events from a long-running `virsh event --all --loop --timestamp` child. No polling: the child blocks
 * in libvirt's event loop and writes one line per event (flushed at once; measured ~1 ms after the change).
 *
 * virsh exits when the connection to libvirtd drops ("error: Disconnected from … due to end of file"); the stream then
 * emits 'disconnected', restarts the child with exponential backoff and emits 'connected' once the new child is
 * listening, so the caller can resync state it may have missed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { quoteVirshArg } from './virsh.ts';
import type { VmState } from '@quantix/lib/api';

export type LifecycleType =
  | 'Defined'
  | 'Undefined'
  | 'Started'
  | 'Suspended'
  | 'Resumed'
  | 'Stopped'
  | 'Shutdown'
  | 'PMSuspended'
  | 'Crashed';

const LIFECYCLE_TYPES: readonly string[] = [
  'Defined',
  'Undefined',
  'Started',
  'Suspended',
  'Resumed',
  'Stopped',
  'Shutdown',
  'PMSuspended',
  'Crashed',
];

export interface DomainEvent {
  /** When libvirt delivered it (virsh --timestamp, UTC, ms); null if the line had no timestamp. */
  time: Date | null;
  /** virsh's event name: 'lifecycle', 'reboot', 'agent-lifecycle', 'device-added', 'tunable', … */
  event: string;
  /** Domain name. */
  domain: string;
  /** Everything after "for domain 'x': " (continuation lines joined with "\n"); '' when none. */
  detail: string;
  /** For 'lifecycle': "Stopped Destroyed" → { type: 'Stopped', detail: 'Destroyed' }. */
  lifecycle?: { type: LifecycleType; detail: string };
}

// 2026-11-22 00:05:28.027+0000: event 'lifecycle' for domain 'vm1': Resumed Unpaused
const HEADER =
  /^(?:(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2}):?(\d{2}): )?event '([^']+)' for domain '(.*?)'( disk [^:]*)?(?::(?: (.*))?)?$/;

function parseTime(date: string, time: string, tzh: string, tzm: string): Date | null {
  const d = new Date(`${date}T${time}${tzh}:${tzm}`);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Parse one header line of `virsh event` output; null for anything else (continuation lines, "events received"). */
export function parseEventLine(line: string): DomainEvent | null {
  const m = HEADER.exec(line.replace(/\r$/, ''));
  if (!m) return null;
  const [, date, time, tzh, tzm, event = '', domain = '', disk, rest] = m;
  // 'disk-change' and 'tray-change' put "disk <alias>" before the colon: keep it in the detail.
  const detail = disk ? `${disk.trim()}: ${(rest ?? '').trim()}` : (rest ?? '').trim();
  const ev: DomainEvent = {
    time: date && time && tzh && tzm ? parseTime(date, time, tzh, tzm) : null,
    event,
    domain,
    detail,
  };
  if (event === 'lifecycle') {
    const sp = detail.indexOf(' ');
    const type = sp < 0 ? detail : detail.slice(0, sp);
    if (LIFECYCLE_TYPES.includes(type)) {
      ev.lifecycle = { type: type as LifecycleType, detail: sp < 0 ? '' : detail.slice(sp + 1) };
    }
  }
  return ev;
}

/**
 * Incremental parser: feed stdout chunks, get complete events. Continuation lines (tunable, job-completed, graphics
 * identities, memory-failure…) are attached to the event before them. Events are handed out at the end of each chunk
 * (virsh writes each event in one flush), so nothing waits for the next event to arrive.
 */
export class EventLineParser {
  private buf = '';
  private pending: DomainEvent | null = null;
  push(chunk: string): { events: DomainEvent[]; lines: string[] } {
    this.buf += chunk;
    const events: DomainEvent[] = [];
    const lines: string[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const ev = parseEventLine(line);
      if (ev) {
        if (this.pending) events.push(this.pending);
        this.pending = ev;
      } else if (this.pending && line.trim() !== '' && !/^events received: \d+$/.test(line) && !/^event loop /.test(line)) {
        this.pending.detail = this.pending.detail ? `${this.pending.detail}\n${line.trim()}` : line.trim();
      } else if (line.trim() !== '') {
        lines.push(line);
      }
    }
    if (this.pending) {
      events.push(this.pending);
      this.pending = null;
    }
    return { events, lines };
  }

}

/** The power state a lifecycle event leaves the domain in; null when it says nothing about power (Defined…). */
export function lifecycleToVmState(type: LifecycleType): VmState | null {
  switch (type) {
    case 'Started':
    case 'Resumed':
      return 'running';
    case 'Suspended':
      return 'paused';
    case 'Stopped':
      return 'stopped';
    case 'Shutdown':
      return 'shuttingDown';
    case 'Crashed':
      return 'crashed';
    case 'PMSuspended':
      return 'suspended';
    case 'Defined':
    case 'Undefined':
      return null;
  }
}

/** Delay before the n-th restart (n = consecutive failures so far, from 0): min·2ⁿ capped at max. */
export function backoffDelay(failures: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures, 30)));
}

export interface DomainEventStreamOptions {
  uri?: string;
  binary?: string;
  /** First restart delay; doubles per consecutive failure up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that lived at least this long resets the backoff. */
  stableMs?: number;
  /**
   * 'connected' is emitted this long after virsh has connected (virsh registers its callbacks right after our ready
   * marker; there is no output once it listens). Resyncing after 'connected' then cannot miss an event.
   */
  readyDelayMs?: number;
}

export interface DomainEventStreamEvents {
  event: [DomainEvent];
  connected: [];
  disconnected: [{ code: number | null; signal: NodeJS.Signals | null; stderr: string }];
  error: [Error];
}

const MARKER_PREFIX = 'QXEV-READY-';
const WATCHER_CMDLINE = new RegExp(`${MARKER_PREFIX}(\\d+)-\\d+ ; event --all --loop`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Kills event watchers whose qx-node is gone. A qx-node killed outright (a crash, kill -9) cannot stop its virsh
 * child, and systemd (KillMode=process, so that sshd outlives a restart) leaves it running beside the next qx-node.
 * A watcher is recognised by the marker in its command line, which names the pid of the qx-node that started it.
 * Returns the pids it signalled.
 */
export function reapOrphanedWatchers(procDir = '/proc'): number[] {
  const reaped: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync(procDir);
  } catch {
    return reaped;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`${procDir}/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const owner = WATCHER_CMDLINE.exec(cmdline);
    if (!owner) continue;
    const ownerPid = Number(owner[1]);
    if (ownerPid === process.pid || alive(ownerPid)) continue;
    try {
      process.kill(Number(entry), 'SIGTERM');
      reaped.push(Number(entry));
    } catch {
      // Already gone.
    }
  }
  return reaped;
}

/**
 * Emits:
 *  - 'event' (DomainEvent) for each libvirt domain event;
 *  - 'connected' when a virsh child is listening (first start and every restart): resync then;
 *  - 'disconnected' ({code, signal, stderr}) when the child exits unexpectedly (once per outage: failed restarts
 *    while libvirtd stays down are quiet); restarts follow with exponential backoff;
 *  - 'error' only if there is a listener (spawn failures are also reported as 'disconnected').
 */
export class DomainEventStream extends EventEmitter<DomainEventStreamEvents> {
  readonly uri: string;
  readonly binary: string;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableMs: number;
  private readonly readyDelayMs: number;
  private child: ChildProcess | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readyTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = true;
  private isConnected = false;
  /** 'disconnected' was emitted and no 'connected' since: retries while libvirtd stays down stay quiet. */
  private downAnnounced = false;

  constructor(opts: DomainEventStreamOptions = {}) {
    super();
    this.uri = opts.uri ?? 'qemu:///system';
    this.binary = opts.binary ?? 'virsh';
    this.minBackoffMs = opts.minBackoffMs ?? 500;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.stableMs = opts.stableMs ?? 10_000;
    this.readyDelayMs = opts.readyDelayMs ?? 200;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  start(): this {
    if (!this.stopped) return this;
    reapOrphanedWatchers();
    this.stopped = false;
    this.downAnnounced = false;
    this.failures = 0;
    this.spawnChild();
    return this;
  }

  /** Kill the child and stop restarting. Resolves once the child has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.timer = null;
    this.readyTimer = null;
    const child = this.child;
    this.child = null;
    this.isConnected = false;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('close', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private spawnChild(): void {
    const marker = `${MARKER_PREFIX}${process.pid}-${Date.now()}`;
    const script = `echo ${quoteVirshArg(marker)} ; event --all --loop --timestamp`;
    const startedAt = Date.now();
    let child: ChildProcess;
    try {
      child = spawn(this.binary, ['-c', this.uri, '-q', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LC_ALL: 'C', LANG: 'C', LANGUAGE: 'C' },
      });
    } catch (e) {
      this.onExit(null, null, String(e), startedAt);
      return;
    }
    this.child = child;
    const parser = new EventLineParser();
    let ready = false;
    let pre = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (this.child !== child) return;
      let text = chunk;
      if (!ready) {
        // virsh -q echoes the marker without a newline; the first event line may follow in the same chunk.
        pre += chunk;
        const i = pre.indexOf(marker);
        if (i < 0) {
          pre = pre.slice(-2 * marker.length);
          return;
        }
        ready = true;
        text = pre.slice(i + marker.length);
        pre = '';
        this.readyTimer = setTimeout(() => {
          this.readyTimer = null;
          if (this.child !== child || this.stopped) return;
          this.downAnnounced = false;
          this.isConnected = true;
          this.emit('connected');
        }, this.readyDelayMs);
      }
      const { events } = parser.push(text);
      for (const ev of events) this.emit('event', ev);
    });
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('error', (err) => {
      stderr = (stderr + String(err.message)).slice(-4000);
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    child.on('close', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.onExit(code, signal, stderr, startedAt);
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, stderr: string, startedAt: number): void {
    if (this.readyTimer) clearTimeout(this.readyTimer);
    this.readyTimer = null;
    this.isConnected = false;
    if (this.stopped) return;
    if (!this.downAnnounced) {
      this.downAnnounced = true;
      this.emit('disconnected', { code, signal, stderr: stderr.trim() });
    }
    if (Date.now() - startedAt >= this.stableMs) this.failures = 0;
    const delay = backoffDelay(this.failures, this.minBackoffMs, this.maxBackoffMs);
    this.failures++;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.spawnChild();
    }, delay);
  }
}
