import { readFile } from 'node:fs/promises';
import { availableParallelism, cpus, hostname, loadavg, networkInterfaces } from 'node:os';
import { join } from 'node:path';

/** What the host itself says, without qx-node: enough for the status screen when the daemon is down. */
export interface LocalSnapshot {
  hostname: string;
  uptimeSeconds: number;
  cpu: { usage: number | null; threads: number; load1: number; model: string };
  memory: { totalBytes: number; availableBytes: number };
  nics: { name: string; ipv4: string[] }[];
  /** The NIC of the default route, when there is one. */
  defaultRouteNic: string | null;
}

export interface BootInfo {
  slot: 'A' | 'B' | null;
  version: string | null;
}

export interface LocalStatus {
  snapshot(): Promise<LocalSnapshot>;
  bootInfo(): Promise<BootInfo>;
}

export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } {
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
  const total = kib('MemTotal');
  const available = kib('MemAvailable') || kib('MemFree') + kib('Buffers') + kib('Cached');
  return { totalBytes: total, availableBytes: Math.min(available, total) };
}

/** Busy and total jiffies of all CPUs from the first line of /proc/stat. */
export function parseCpuTimes(text: string): { busy: number; total: number } | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  if (v.length < 4 || v.some((n) => !Number.isFinite(n))) return null;
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** The interface of the default IPv4 route in /proc/net/route (lowest metric wins). */
export function parseDefaultRoute(text: string): string | null {
  let best: { iface: string; metric: number } | null = null;
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[1] !== '00000000' || f[7] !== '00000000') continue;
    const metric = Number(f[6]);
    if (!best || metric < best.metric) best = { iface: f[0]!, metric };
  }
  return best?.iface ?? null;
}

export function parseSlot(cmdline: string): 'A' | 'B' | null {
  const m = /(?:^|\s)quantix\.slot=([AaBb])(?:\s|$)/.exec(cmdline);
  return m ? (m[1]!.toUpperCase() as 'A' | 'B') : null;
}

/** /etc/quantix/release: either VERSION=x (os-release style) or the version alone. */
export function parseRelease(text: string): string | null {
  const kv = /^(?:QUANTIX_)?VERSION(?:_ID)?=["']?([^"'\n]+)["']?\s*$/m.exec(text);
  if (kv) return kv[1]!.trim() || null;
  const first = text.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#') && !l.includes('='));
  return first ? first.slice(0, 40) : null;
}

const readOr = (path: string, fallback: string) => readFile(path, 'utf8').catch(() => fallback);

/** The real LocalStatus: /proc and node:os. CPU usage is measured between two calls. */
export class ProcLocalStatus implements LocalStatus {
  private lastCpu: { busy: number; total: number } | null = null;
  private cpuModel: string | null = null;

  constructor(private readonly paths: { proc?: string; release?: string } = {}) {}

  private proc(name: string): string {
    return join(this.paths.proc ?? '/proc', name);
  }

  async snapshot(): Promise<LocalSnapshot> {
    const [stat, meminfo, uptime, route] = await Promise.all([
      readOr(this.proc('stat'), ''),
      readOr(this.proc('meminfo'), ''),
      readOr(this.proc('uptime'), '0'),
      readOr(this.proc('net/route'), ''),
    ]);
    const times = parseCpuTimes(stat);
    let usage: number | null = null;
    // The first read gives the average since boot; later ones the usage since the read before.
    const from = this.lastCpu ?? { busy: 0, total: 0 };
    if (times && times.total > from.total) usage = (times.busy - from.busy) / (times.total - from.total);
    if (times) this.lastCpu = times;
    const nics = Object.entries(networkInterfaces())
      .filter(([name]) => name !== 'lo')
      .map(([name, addrs]) => ({ name, ipv4: (addrs ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address) }));
    return {
      hostname: hostname(),
      uptimeSeconds: Number(uptime.split(' ')[0]) || 0,
      cpu: { usage, threads: availableParallelism(), load1: loadavg()[0] ?? 0, model: (this.cpuModel ??= cpus()[0]?.model.trim() ?? 'unknown') },
      memory: parseMeminfo(meminfo),
      nics,
      defaultRouteNic: parseDefaultRoute(route),
    };
  }

  async bootInfo(): Promise<BootInfo> {
    const [cmdline, release] = await Promise.all([readOr(this.proc('cmdline'), ''), readOr(this.paths.release ?? '/etc/quantix/release', '')]);
    return { slot: parseSlot(cmdline), version: parseRelease(release) };
  }
}
