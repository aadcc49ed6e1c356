/**
 * Shared helpers for the benchmarks in bench/: a real qx-node process from dist/ in its own temp data dir and pool,
 * its event stream, virsh/qemu-img timing, statistics, tables and a cleanup registry that also runs on errors and
 * SIGINT/SIGTERM. Every libvirt object a benchmark creates is named `qx-bench-<tag>-…` (tag: random per process).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Job, QxEvent } from '@quantix/lib/api';
import { NodeClient } from '@quantix/lib/client';
import { removeNodeLeftovers, untilListening } from '../node/test/harness.ts';

export const repoRoot = resolve(import.meta.dirname, '..');
/** The qx-node build under test; BENCH_QX_NODE_BUNDLE points at another build (e.g. to compare a change). */
export const bundle = process.env.BENCH_QX_NODE_BUNDLE ? resolve(process.env.BENCH_QX_NODE_BUNDLE) : join(repoRoot, 'dist/qx-node.mjs');
export const guest = {
  kernel: join(repoRoot, 'var/cache/test-guest/vmlinux'),
  initrd: join(repoRoot, 'var/cache/test-guest/initramfs.gz'),
  marker: 'QX-TEST-GUEST-READY',
};
export const ADMIN_PASSWORD = 'bench-secret-password-1';
export const URI = 'qemu:///system';
/** Random per benchmark process: every domain and pool it makes carries it, so cleanup never touches anyone else's. */
export const tag = randomBytes(3).toString('hex');
export const prefix = `qx-bench-${tag}`;

export const now = () => performance.now();
/** performance.now() → epoch milliseconds (to compare with wall-clock timestamps). */
export const toEpochMs = (perfMs: number) => performance.timeOrigin + perfMs;
export const fromEpochMs = (epochMs: number) => epochMs - performance.timeOrigin;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command (argv, no shell) and measures it; rejects on a non-zero exit with stderr in the message. */
export function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const t0 = now();
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const ms = now() - t0;
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${String(stderr).trim() || err.message}`));
      else resolvePromise({ stdout: String(stdout), stderr: String(stderr), ms });
    });
  });
}

export async function virsh(...args: string[]): Promise<string> {
  return (await run('virsh', ['-c', URI, '-q', ...args], 120_000)).stdout.trim();
}

export async function timedVirsh(...args: string[]): Promise<RunResult> {
  return run('virsh', ['-c', URI, '-q', ...args], 120_000);
}

export async function domstate(name: string): Promise<string> {
  return virsh('domstate', name).catch(() => 'absent');
}

/** Destroys and undefines every domain whose name starts with this process's prefix (a safety net). */
export async function sweepDomains(): Promise<string[]> {
  const names = (await virsh('list', '--all', '--name').catch(() => '')).split('\n').map((s) => s.trim());
  const ours = names.filter((n) => n.startsWith(prefix));
  for (const n of ours) {
    await virsh('destroy', n).catch(() => undefined);
    await virsh('undefine', n, '--nvram').catch(() => undefined);
  }
  return ours;
}

// ---------------------------------------------------------------------------------------------------------------
// Cleanup

const cleanups: { what: string; fn: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | null = null;

/** Registers a cleanup step; steps run last-registered first, once, on success, failure and SIGINT/SIGTERM. */
export function onCleanup(what: string, fn: () => Promise<unknown>): void {
  cleanups.push({ what, fn });
}

export function runCleanups(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop()!;
      try {
        await step.fn();
      } catch (err) {
        console.error(`cleanup (${step.what}) failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const left = await sweepDomains().catch(() => []);
    if (left.length > 0) console.error(`cleanup: swept leftover domains ${left.join(', ')}`);
  })();
  return cleaning;
}

/** Runs a benchmark body, always cleaning up afterwards. */
export async function main(title: string, body: () => Promise<void>): Promise<void> {
  let interrupted = false;
  // `on`, not `once`: Ctrl-C or `timeout` signal the whole process group and tsx relays the signal again, so a
  // second SIGINT arrives while cleaning up; with no handler left it would kill the process half-way.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (interrupted) return void console.error(`${signal}: still cleaning up…`);
      interrupted = true;
      console.error(`\n${signal}: cleaning up…`);
      void runCleanups().finally(() => process.exit(130));
    });
  }
  console.log(`\n=== ${title} ===`);
  let failed = false;
  try {
    await body();
  } catch (err) {
    failed = true;
    if (interrupted) return; // the signal handler cleans up and exits
    console.error(`\n${title} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await runCleanups();
  }
  process.exit(failed ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------------------
// qx-node

export interface StartOptions {
  /** Extra environment for the daemon. */
  env?: Record<string, string>;
  /** Directories put in front of PATH (e.g. the exec-trace shims). */
  pathPrefix?: string[];
  /** node options before the bundle, e.g. ['--enable-source-maps']; BENCH_QX_NODE_FLAGS (space-separated) adds more. */
  nodeArgs?: string[];
}

/** BENCH_QX_NODE_ENV="K=V;K2=V2": extra environment for every daemon (e.g. NODE_OPTIONS=… to compare V8 settings). */
function extraDaemonEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (process.env.BENCH_QX_NODE_ENV ?? '').split(';')) {
    const i = pair.indexOf('=');
    if (i > 0) out[pair.slice(0, i).trim()] = pair.slice(i + 1);
  }
  return out;
}

/** A real qx-node process from dist/qx-node.mjs with its own data dir (temp), port (any) and libvirt pool. */
export class BenchNode {
  proc: ChildProcess | null = null;
  url = '';
  output = '';
  client!: NodeClient;
  ca = '';

  private constructor(
    readonly dataDir: string,
    readonly poolName: string,
  ) {}

  /** Starts a daemon and logs in; its destroy() is registered as a cleanup step. */
  static async start(opts: StartOptions = {}): Promise<BenchNode> {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run node scripts/build.mjs`);
    const dataDir = await mkdtemp(join(tmpdir(), `${prefix}-node-`));
    const node = new BenchNode(dataDir, `${prefix}-pool-${randomBytes(2).toString('hex')}`);
    onCleanup(`qx-node ${dataDir}`, () => node.destroy());
    await node.spawn(opts);
    await node.client.login(ADMIN_PASSWORD);
    return node;
  }

  get pid(): number {
    const pid = this.proc?.pid;
    if (pid === undefined) throw new Error('qx-node is not running');
    return pid;
  }

  get socketPath(): string {
    return join(this.dataDir, 'qx-node.sock');
  }

  serialLog(vmId: string): string {
    return join(this.dataDir, 'logs', `${vmId}.serial.log`);
  }

  private async spawn(opts: StartOptions): Promise<void> {
    const flags = (process.env.BENCH_QX_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), ...flags, bundle], {
      env: {
        PATH: [...(opts.pathPrefix ?? []), process.env.PATH ?? '/usr/bin:/bin'].join(':'),
        QX_DATA_DIR: this.dataDir,
        QX_PORT: '0',
        QX_POOL_NAME: this.poolName,
        QX_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...extraDaemonEnv(),
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.url = await untilListening(proc, (text) => (this.output += text), () => this.output);
    this.ca = this.url.startsWith('https') ? readFileSync(join(this.dataDir, 'tls/node.crt'), 'utf8') : '';
    this.client = new NodeClient({ url: this.url, ca: this.ca || undefined });
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    await this.client?.close().catch(() => undefined);
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the daemon, removes every domain its store knows, its pool and its data dir. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await removeNodeLeftovers(this.dataDir, this.poolName);
  }

  /** Opens /api/v1/events; closed again by cleanup. */
  async events(): Promise<EventLog> {
    const log = new EventLog();
    const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/v1/events`, {
      headers: { authorization: `Bearer ${this.client.token}` },
      ca: this.ca || undefined,
    });
    ws.on('message', (m) => log.push(JSON.parse(String(m)) as QxEvent));
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    log.ws = ws;
    onCleanup('event stream', async () => ws.close());
    return log;
  }

  /** Waits for a job by polling (for when no event log is at hand). */
  async waitJob(job: Job, timeoutMs = 120_000): Promise<Job> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const current = await this.client.get<Job>(`/api/v1/jobs/${job.id}`);
      if (['succeeded', 'failed', 'cancelled'].includes(current.state)) return current;
      if (Date.now() > until) throw new Error(`job ${job.kind} still ${current.state} after ${timeoutMs} ms`);
      await sleep(50);
    }
  }
}

export interface ReceivedEvent {
  event: QxEvent;
  /** performance.now() when the message arrived. */
  at: number;
}

/** Every event received on one WebSocket, with arrival times, and waiting for one. */
export class EventLog {
  ws: WebSocket | null = null;
  readonly all: ReceivedEvent[] = [];
  private waiters = new Set<() => void>();

  push(event: QxEvent): void {
    this.all.push({ event, at: now() });
    for (const w of [...this.waiters]) w();
  }

  /** Index to search from: events that arrive after this call. */
  mark(): number {
    return this.all.length;
  }

  find(from: number, pred: (e: QxEvent) => boolean): ReceivedEvent | undefined {
    for (let i = from; i < this.all.length; i++) if (pred(this.all[i]!.event)) return this.all[i];
    return undefined;
  }

  filter(from: number, pred: (e: QxEvent) => boolean): ReceivedEvent[] {
    return this.all.slice(from).filter((r) => pred(r.event));
  }

  wait(from: number, pred: (e: QxEvent) => boolean, timeoutMs: number, what: string): Promise<ReceivedEvent> {
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const hit = this.find(from, pred);
        if (hit) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolvePromise(hit);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves with the job's terminal job.updated event. */
  waitJob(from: number, jobId: string, timeoutMs = 120_000): Promise<ReceivedEvent> {
    return this.wait(
      from,
      (e) => e.type === 'job.updated' && e.data.id === jobId && ['succeeded', 'failed', 'cancelled'].includes(e.data.state),
      timeoutMs,
      `job ${jobId} to finish`,
    );
  }
}

export function countMarkers(logPath: string): number {
  if (!existsSync(logPath)) return 0;
  return readFileSync(logPath, 'utf8').split(guest.marker).length - 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Exec trace: PATH shims for virsh and qemu-img that log start/end wall times of every call the daemon makes.

export interface TracedExec {
  cmd: string;
  args: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

export async function makeExecTrace(dir: string): Promise<{ binDir: string; read: () => Promise<TracedExec[]> }> {
  const binDir = join(dir, 'bin');
  const traceFile = join(dir, 'exec-trace.log');
  await run('mkdir', ['-p', binDir]);
  await writeFile(traceFile, '');
  for (const cmd of ['virsh', 'qemu-img']) {
    const real = (await run('bash', ['-c', `command -v ${cmd}`])).stdout.trim();
    // The long-lived `virsh event` child is exec'd directly so that SIGTERM reaches it. EPOCHREALTIME: no fork.
    const script = `#!/bin/bash
case "$*" in *"event --all"*) exec ${real} "$@" ;; esac
s=$EPOCHREALTIME
${real} "$@"
rc=$?
e=$EPOCHREALTIME
args="$*"
printf '%s\\t%s\\t%s\\t%s\\n' "$s" "$e" ${cmd} "\${args//$'\\n'/ }" >> ${traceFile}
exit $rc
`;
    const path = join(binDir, cmd);
    await writeFile(path, script);
    await chmod(path, 0o755);
  }
  return {
    binDir,
    read: async () =>
      (await readFile(traceFile, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [s = '0', e = '0', cmd = '', args = ''] = line.split('\t');
          return { cmd, args, start: Number(s) * 1000, end: Number(e) * 1000 };
        }),
  };
}

/** A short label for a traced call: "virsh define", "qemu-img create", "virsh <batch: list; domstats>". */
export function execLabel(t: TracedExec): string {
  const words = t.args.split(' ').filter((w) => w !== '-c' && w !== URI && w !== '-q');
  if (t.cmd === 'virsh' && words.length > 0 && words.join(' ').includes(' ; ')) {
    const cmds = words.join(' ').split(' ; ').map((c) => c.split(' ')[0]).filter((c) => c !== 'echo' && c !== 'cd');
    return `virsh batch(${cmds.join(',')})`;
  }
  const sub = words.find((w) => !w.startsWith('-')) ?? '';
  return `${t.cmd} ${sub}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics and output

export interface Summary {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p90: number;
  p99: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return {
    n,
    min: s[0] ?? NaN,
    max: s[n - 1] ?? NaN,
    mean: n === 0 ? NaN : s.reduce((a, b) => a + b, 0) / n,
    median,
    p90: percentile(s, 90),
    p99: percentile(s, 99),
  };
}

export function fmtMs(ms: number, digits = 1): string {
  return Number.isFinite(ms) ? ms.toFixed(digits) : '—';
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : '—';
}

/** Prints an aligned table; numbers are right-aligned, text left-aligned. */
export function printTable(headers: string[], rows: (string | number)[][], indent = '  '): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmtMs(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number' || /^[-\d.,×%—+ ]*[a-zA-Z×%]*$/.test(String(r[i] ?? ''))));
  const line = (r: string[]) =>
    indent + r.map((c, i) => (numeric[i] && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  console.log(line(headers));
  console.log(indent + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) console.log(line(r));
}

export function printGoal(description: string, met: boolean, detail: string): void {
  console.log(`\nGOAL: ${description}\n  → ${met ? 'MET' : 'NOT MET'} (${detail})`);
}

/** What else is going on on this host: the numbers depend on it. */
export async function printConditions(extra: Record<string, string> = {}): Promise<void> {
  const [version, running] = await Promise.all([
    virsh('version', '--daemon').catch(() => '?'),
    virsh('list', '--name').catch(() => ''),
  ]);
  const others = running.split('\n').filter((n) => n && !n.startsWith(prefix));
  const lib = /Running against daemon:?\s*(.*)/i.exec(version)?.[1] ?? /libvirt\s+([\d.]+)/i.exec(version)?.[1] ?? '?';
  const hyp = /Running hypervisor:\s*(.*)/i.exec(version)?.[1] ?? '?';
  const rows: [string, string][] = [
    ['date', new Date().toISOString()],
    ['node', process.version],
    ['cpus', `${cpus().length}`],
    ['loadavg (1/5/15 min)', loadavg().map((l) => l.toFixed(2)).join(' ')],
    ['libvirtd / hypervisor', `${lib} / ${hyp}`],
    ['other running domains', others.length ? `${others.length} (${others.join(', ')})` : '0'],
    ['bench tag', prefix],
    ...Object.entries(extra),
  ];
  console.log('conditions:');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(24)} ${v}`);
}

// ---------------------------------------------------------------------------------------------------------------
// /proc sampling

export const CLK_TCK = 100;

export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  /** cutime + cstime: CPU of children that exited and were waited for, in clock ticks. */
  childTicks: number;
}

export function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // f[0] = state (field 3); utime = field 14, stime = field 15 → f[11], f[12]; ppid = field 4 → f[1]
    // cutime = field 16, cstime = field 17 → f[13], f[14]
    return { pid, comm, ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** VmRSS (or another field of /proc/<pid>/status) in KiB; null when the process is gone. */
export function readStatusKiB(pid: number, field = 'VmRSS'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Sum of on-CPU time of all live threads (/proc/<pid>/task/<tid>/schedstat, ns): finer than clock ticks. */
export function readSchedNs(pid: number): number | null {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
      total += Number(text.split(' ')[0]);
    }
    return total;
  } catch {
    return null;
  }
}

/** Direct children of a process. */
export function childrenOf(pid: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const st = readStat(Number(entry));
    if (st && st.ppid === pid) out.push(st);
  }
  return out;
}

/** Processes whose comm is exactly this name (read-only look-up, e.g. libvirtd for reference numbers). */
export function processesNamed(comm: string): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const st = readStat(Number(entry));
    if (st && st.comm === comm) out.push(st);
  }
  return out;
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
