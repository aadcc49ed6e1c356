import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { z } from 'zod';

/** Probes for the management network test: a real DNS query over UDP, a TCP connect, ping output. */

/** A standard recursive query for an A record. */
export function dnsQuery(name: string, id: number): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  const parts: Buffer[] = [Buffer.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'ascii').subarray(0, 63);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

const rcodes = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

/**
 * A well-formed reply to our query: same id, QR bit set, a complete header. Any rcode counts as an answer (NXDOMAIN
 * still proves a DNS server is there); null for anything else.
 */
export function parseDnsReply(reply: Buffer, id: number): { rcode: string; answers: number } | null {
  if (reply.length < 12) return null;
  if (reply.readUInt16BE(0) !== id) return null;
  const flags = reply.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return null;
  const code = flags & 0x0f;
  return { rcode: rcodes[code] ?? `RCODE${code}`, answers: reply.readUInt16BE(6) };
}

export type ProbeResult = { ok: true; ms: number; reply?: string } | { ok: false; ms: number; error: string };
const probeResult = z.union([
  z.object({ ok: z.literal(true), ms: z.number(), reply: z.string().optional() }),
  z.object({ ok: z.literal(false), ms: z.number(), error: z.string() }),
]);

/** Sends one datagram and waits for one reply (hex in `reply`). */
export function udpExchange(host: string, port: number, payload: Buffer, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 100) / 100;
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      socket.close();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, ms: ms(), error: 'timeout' }), timeoutMs);
    socket.on('message', (msg) => done({ ok: true, ms: ms(), reply: msg.toString('hex') }));
    socket.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, ms: ms(), error: err.code ?? err.message }));
    socket.send(payload, port, host);
  });
}

export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const ms = () => Math.round((performance.now() - started) * 100) / 100;
    const socket = connect({ host, port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, ms: ms(), error: 'timeout' }), timeoutMs);
    socket.once('connect', () => done({ ok: true, ms: ms() }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, ms: ms(), error: err.code ?? err.message }));
  });
}

/**
 * The same two probes as a self-contained program for `node -e`, because Node cannot enter a network namespace:
 * qx-node runs `ip netns exec NETNS <node> -e PROBE_SCRIPT udp|tcp HOST PORT TIMEOUT_MS [HEX]` and reads one JSON
 * line. It only moves bytes; building the query and judging the reply stay in this module (dnsQuery, parseDnsReply).
 */
export const PROBE_SCRIPT = `
const [mode, host, port, timeoutMs, hex] = process.argv.slice(1);
const started = performance.now();
const ms = () => Math.round((performance.now() - started) * 100) / 100;
let finished = false;
const finish = (r, close) => { if (finished) return; finished = true; close(); process.stdout.write(JSON.stringify(r) + '\\n'); process.exit(0); };
if (mode === 'udp') {
  const s = require('node:dgram').createSocket('udp4');
  const close = () => { try { s.close(); } catch {} };
  setTimeout(() => finish({ ok: false, ms: ms(), error: 'timeout' }, close), Number(timeoutMs));
  s.on('message', (m) => finish({ ok: true, ms: ms(), reply: m.toString('hex') }, close));
  s.on('error', (e) => finish({ ok: false, ms: ms(), error: e.code || e.message }, close));
  s.send(Buffer.from(hex, 'hex'), Number(port), host);
} else {
  const s = require('node:net').connect({ host, port: Number(port) });
  const close = () => s.destroy();
  setTimeout(() => finish({ ok: false, ms: ms(), error: 'timeout' }, close), Number(timeoutMs));
  s.once('connect', () => finish({ ok: true, ms: ms() }, close));
  s.once('error', (e) => finish({ ok: false, ms: ms(), error: e.code || e.message }, close));
}
`;

export function probeArgs(mode: 'udp' | 'tcp', host: string, port: number, timeoutMs: number, payload?: Buffer): string[] {
  return ['-e', PROBE_SCRIPT, mode, host, String(port), String(timeoutMs), ...(payload ? [payload.toString('hex')] : [])];
}

export function parseProbeOutput(stdout: string): ProbeResult {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return probeResult.parse(JSON.parse(line));
  } catch {
    return { ok: false, ms: 0, error: `unexpected probe output: ${line.slice(0, 200)}` };
  }
}

/** The round trip from iputils ("time=0.045 ms") or busybox ("time=1.128 ms") ping output. */
export function parsePingMs(stdout: string): number | null {
  const m = /time[=<]\s*([\d.]+)\s*ms/.exec(stdout);
  return m ? Number(m[1]) : null;
}

/** host and port of the vDC from its URL (default ports by scheme); null when it is not a URL. */
export function vdcTarget(url: string): { host: string; port: number } | null {
  try {
    const u = new URL(url);
    const port = u.port ? Number(u.port) : u.protocol === 'http:' ? 80 : 443;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
  } catch {
    return null;
  }
}
