import { readdir, readFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';

/** CPU facts from /proc/cpuinfo: the model, and sockets/cores/threads counted from the topology fields. */
export function parseCpuinfo(text: string) {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.includes('processor'));
  const field = (block: string, name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
  const first = blocks[0] ?? '';
  const sockets = new Set(blocks.map((b) => field(b, 'physical id') || '0'));
  const cores = new Set(blocks.map((b) => `${field(b, 'physical id') || '0'}:${field(b, 'core id') || field(b, 'processor')}`));
  const flags = field(first, 'flags');
  return {
    model: field(first, 'model name') || 'unknown',
    vendor: field(first, 'vendor_id') || 'unknown',
    sockets: sockets.size || 1,
    cores: cores.size || blocks.length,
    threads: blocks.length,
    mhz: Math.round(Number(field(first, 'cpu MHz')) || 0),
    virtualizationFlags: /\b(vmx|svm)\b/.test(flags),
  };
}

/** Total and available memory from /proc/meminfo (kB values). */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number } {
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { totalBytes: kb('MemTotal'), availableBytes: kb('MemAvailable') };
}

async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').then((t) => t.trim(), () => null);
}

/** Network interfaces from /sys/class/net and the kernel's address list; lo is left out. */
export async function readNics() {
  const addresses = networkInterfaces();
  const names = (await readdir('/sys/class/net').catch(() => [] as string[])).filter((n) => n !== 'lo').sort();
  return Promise.all(
    names.map(async (name) => {
      const base = `/sys/class/net/${name}`;
      const [mac, operstate, speed, device] = await Promise.all([
        readText(`${base}/address`),
        readText(`${base}/operstate`),
        readText(`${base}/speed`),
        readdir(`${base}/device`).then(() => true, () => false),
      ]);
      const own = addresses[name] ?? [];
      const speedMbps = Number(speed);
      return {
        name,
        mac: mac ?? '',
        ipv4: own.filter((a) => a.family === 'IPv4').map((a) => a.address),
        ipv6: own.filter((a) => a.family === 'IPv6').map((a) => a.address),
        up: operstate === 'up',
        speedMbps: Number.isFinite(speedMbps) && speedMbps > 0 ? speedMbps : null,
        virtual: !device,
      };
    }),
  );
}
