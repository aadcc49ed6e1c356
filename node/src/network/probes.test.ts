import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { dnsQuery, parseDnsReply, parsePingMs, parseProbeOutput, probeArgs, tcpConnect, udpExchange, vdcTarget } from './probes.ts';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A DNS server on loopback that answers NXDOMAIN to everything. */
async function fakeDns(): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const reply = Buffer.from(msg);
    reply[2] = 0x81;
    reply[3] = 0x83; // QR, RD, RA, NXDOMAIN
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  cleanups.push(async () => void socket.close());
  return { port: socket.address().port, socket };
}

describe('DNS query and reply', () => {
  it('builds a recursive A query', () => {
    const q = dnsQuery('node1.example.test', 0x1234);
    expect(q.subarray(0, 12)).toEqual(Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
    expect(q.subarray(12).toString('latin1')).toBe('\x05node1\x07example\x04test\x00\x00\x01\x00\x01');
  });

  it('accepts any well-formed reply to our id, NXDOMAIN included', () => {
    const reply = Buffer.from([0x12, 0x34, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(parseDnsReply(reply, 0x1234)).toEqual({ rcode: 'NXDOMAIN', answers: 0 });
    expect(parseDnsReply(reply, 0x4321)).toBeNull();
    expect(parseDnsReply(dnsQuery('x', 0x1234), 0x1234)).toBeNull(); // a query, not a reply
    expect(parseDnsReply(Buffer.from([0x12, 0x34]), 0x1234)).toBeNull();
  });

  it('exchanges a real query with a server on loopback, in process and through the node -e probe', async () => {
    const { port } = await fakeDns();
    const inProcess = await udpExchange('127.0.0.1', port, dnsQuery('quantix.test', 7), 2000);
    expect(inProcess.ok).toBe(true);
    expect(parseDnsReply(Buffer.from((inProcess as { reply: string }).reply, 'hex'), 7)).toEqual({ rcode: 'NXDOMAIN', answers: 0 });

    // What runs under `ip netns exec`: the same bytes through a child node.
    const { stdout } = await run(process.execPath, probeArgs('udp', '127.0.0.1', port, 2000, dnsQuery('quantix.test', 9)));
    const child = parseProbeOutput(stdout);
    expect(child.ok).toBe(true);
    expect(parseDnsReply(Buffer.from((child as { reply: string }).reply, 'hex'), 9)?.rcode).toBe('NXDOMAIN');
  });

  it('times out when nobody answers', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    cleanups.push(async () => void silent.close());
    const r = await udpExchange('127.0.0.1', silent.address().port, dnsQuery('x', 1), 300);
    expect(r).toMatchObject({ ok: false, error: 'timeout' });
    const { stdout } = await run(process.execPath, probeArgs('udp', '127.0.0.1', silent.address().port, 300, dnsQuery('x', 1)));
    expect(parseProbeOutput(stdout)).toMatchObject({ ok: false, error: 'timeout' });
  });
});

describe('TCP probe', () => {
  it('connects, and reports refusals', async () => {
    const server: Server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    expect(await tcpConnect('127.0.0.1', port, 2000)).toMatchObject({ ok: true });
    const { stdout } = await run(process.execPath, probeArgs('tcp', '127.0.0.1', port, 2000));
    expect(parseProbeOutput(stdout)).toMatchObject({ ok: true });
    await new Promise<void>((r) => server.close(() => r()));
    expect(await tcpConnect('127.0.0.1', port, 2000)).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });
});

describe('parsing', () => {
  it('reads ping round trips from iputils and busybox', () => {
    expect(parsePingMs('64 bytes from 10.1.0.1: icmp_seq=1 ttl=64 time=0.045 ms')).toBe(0.045);
    expect(parsePingMs('64 bytes from 10.77.0.1: seq=0 ttl=64 time=1.128 ms')).toBe(1.128);
    expect(parsePingMs('1 packets transmitted, 0 packets received, 100% packet loss')).toBeNull();
  });

  it('finds the vDC host and port', () => {
    expect(vdcTarget('https://vdc.example.test')).toEqual({ host: 'vdc.example.test', port: 443 });
    expect(vdcTarget('http://10.0.0.5:8080/api')).toEqual({ host: '10.0.0.5', port: 8080 });
    expect(vdcTarget('https://[fd00::5]:9443')).toEqual({ host: 'fd00::5', port: 9443 });
    expect(vdcTarget('not a url')).toBeNull();
    expect(parseProbeOutput('garbage')).toMatchObject({ ok: false });
  });
});
