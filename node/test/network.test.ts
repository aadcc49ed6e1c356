import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, ManagementNetwork, NetworkState, NetworkTestResult } from '@quantix/lib/api';
import { NodeProcess, sleep, waitFor } from './harness.ts';

// The management NIC lives in a network namespace of its own (QX_MGMT_NETNS), wired by a veth to a second namespace
// that plays the LAN: the gateway 10.91.0.1, a DNS server on it (a tiny responder in Node) and, for the DHCP case,
// busybox udhcpd. Every packet stays inside these two namespaces; nothing here touches the host's own network.

const run = promisify(execFile);
const rand = randomBytes(3).toString('hex');
const mgmtNs = `qx-itest-mgmt-${rand}`;
const gwNs = `qx-itest-gw-${rand}`;
const nic = `qxm${rand}`;
const peer = `qxg${rand}`;
const API = '/api/v1/host/network';

const good: ManagementNetwork = { nic, mode: 'static', address: '10.91.0.2/24', gateway: '10.91.0.1', vlan: null, dns: ['10.91.0.1'], hostname: 'node1.quantix.test' };
const badGateway: ManagementNetwork = { ...good, address: '10.91.0.3/24', gateway: '10.91.0.9', hostname: 'wrong-gw' };
const other: ManagementNetwork = { ...good, address: '10.91.0.4/24', hostname: 'node4' };

const DNS_RESPONDER = `
import { createSocket } from 'node:dgram';
const [host, knownName, knownIp] = process.argv.slice(2);
const s = createSocket('udp4');
s.on('message', (q, r) => {
  if (q.length < 17) return;
  let i = 12; const labels = [];
  while (i < q.length && q[i] !== 0) { labels.push(q.subarray(i + 1, i + 1 + q[i]).toString('latin1')); i += q[i] + 1; }
  const name = labels.join('.').toLowerCase();
  const question = q.subarray(12, i + 5);
  const known = name === knownName;
  const header = Buffer.from([q[0], q[1], 0x81, known ? 0x80 : 0x83, 0, 1, 0, known ? 1 : 0, 0, 0, 0, 0]);
  const answer = known ? Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...knownIp.split('.').map(Number)]) : Buffer.alloc(0);
  s.send(Buffer.concat([header, question, answer]), r.port, r.address);
  console.log('query ' + name + ' from ' + r.address);
});
s.bind(53, host, () => console.log('dns ready'));
`;

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args, { timeout: 15_000 });
  return stdout;
}

/** What the namespace has: the NIC's IPv4 addresses, up or not, and its IPv4 routes (main table). */
async function liveState() {
  const [addr] = JSON.parse(await ip('-n', mgmtNs, '-j', 'addr', 'show', 'dev', nic)) as { flags: string[]; addr_info: { family: string; local: string; prefixlen: number }[] }[];
  const routes = JSON.parse((await ip('-n', mgmtNs, '-j', '-4', 'route', 'show', 'table', 'main')) || '[]') as { dst: string; gateway?: string; dev: string }[];
  return {
    up: addr!.flags.includes('UP'),
    addresses: addr!.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    routes: routes.map((r) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${r.dev}`).sort(),
  };
}

let node: NodeProcess;
let root: string;
let env: Record<string, string>;
let dns: ChildProcess | null = null;
let dnsLog = '';
let dhcpd: ChildProcess | null = null;
let namespacesMade = false;

const readRoot = (rel: string) => (existsSync(join(root, rel)) ? readFileSync(join(root, rel), 'utf8') : null);
const audit = () => readFileSync(join(node.dataDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string; detail: Record<string, unknown> });
const state = () => node.client.get<NetworkState>(API);

async function waitTested(): Promise<NetworkState> {
  return waitFor('the pending change to be applied and tested', async () => {
    const s = await state();
    return s.pending?.test ? s : undefined;
  }, 60_000);
}

async function filesNow() {
  return {
    live: await liveState(),
    resolv: readRoot('etc/resolv.conf'),
    hostname: readRoot('etc/hostname'),
    saved: existsSync(join(node.dataDir, 'network.json')) ? readFileSync(join(node.dataDir, 'network.json'), 'utf8') : null,
  };
}

beforeAll(async () => {
  await ip('netns', 'add', mgmtNs);
  namespacesMade = true;
  await ip('netns', 'add', gwNs);
  await ip('link', 'add', nic, 'netns', mgmtNs, 'type', 'veth', 'peer', 'name', peer, 'netns', gwNs);
  await ip('-n', mgmtNs, 'link', 'set', 'lo', 'up');
  await ip('-n', gwNs, 'link', 'set', 'lo', 'up');
  await ip('-n', gwNs, 'link', 'set', peer, 'up');
  await ip('-n', gwNs, 'addr', 'add', '10.91.0.1/24', 'dev', peer);

  const scripts = await mkdtemp(join(tmpdir(), 'qx-itest-net-'));
  root = join(scripts, 'root');
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(root, 'etc/resolv.conf'), 'nameserver 10.91.0.250\n');
  await writeFile(join(root, 'etc/hostname'), 'fresh-install\n');
  await writeFile(join(scripts, 'dns.mjs'), DNS_RESPONDER);
  dns = spawn('ip', ['netns', 'exec', gwNs, process.execPath, join(scripts, 'dns.mjs'), '10.91.0.1', 'node1.quantix.test', '10.91.0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  dns.stdout!.on('data', (d) => (dnsLog += d));
  dns.stderr!.on('data', (d) => (dnsLog += d));
  await waitFor('the DNS responder', async () => dnsLog.includes('dns ready'), 10_000);

  node = await NodeProcess.create();
  env = { QX_MGMT_NETNS: mgmtNs, QX_NET_ROOT: root };
  await node.start(env);
  await node.login();
});

afterAll(async () => {
  await node?.destroy();
  dns?.kill('SIGKILL');
  dhcpd?.kill('SIGKILL');
  if (namespacesMade) {
    await ip('netns', 'del', mgmtNs).catch(() => undefined);
    await ip('netns', 'del', gwNs).catch(() => undefined);
  }
  if (root) await rm(join(root, '..'), { recursive: true, force: true });
});

describe('management network', () => {
  it('shows the namespace NIC and no configuration before the first apply', async () => {
    const s = await state();
    expect(s.config).toBeNull();
    expect(s.pending).toBeNull();
    expect(s.nics).toEqual([{ name: nic, mac: expect.stringMatching(/^[0-9a-f:]{17}$/), up: false, carrier: false, speedMbps: null, addresses: [] }]);
    await expect(node.client.post(`${API}/apply`, { config: { ...good, nic: 'nope0' } })).rejects.toMatchObject({ status: 400, code: 'NIC_NOT_FOUND' });
    await expect(node.client.post(`${API}/confirm`)).rejects.toMatchObject({ status: 409, code: 'NO_PENDING_NETWORK_CHANGE' });
  });

  it('applies a good static configuration, tests it, and keeps it once confirmed', async () => {
    const t0 = performance.now();
    const { status, body: job } = await node.client.call<Job>('POST', `${API}/apply`, { config: good, rollbackSeconds: 60 });
    expect(status).toBe(202);
    expect(job.kind).toBe('network.apply');
    const pending = await waitTested();
    const testedMs = performance.now() - t0;
    console.log(`good static: apply -> tested in ${testedMs.toFixed(0)} ms`);
    expect(pending.pending).toMatchObject({ jobId: job.id, config: good, previous: null });
    expect(pending.pending!.test).toMatchObject({ ok: true });
    const checks = Object.fromEntries(pending.pending!.test!.checks.map((c) => [c.name, c]));
    expect(checks.gateway).toMatchObject({ ok: true, detail: expect.stringMatching(/^gateway 10\.91\.0\.1 answered in [\d.]+ ms$/) });
    expect(checks.dns).toMatchObject({ ok: true, detail: expect.stringMatching(/^DNS server 10\.91\.0\.1 answered \(1 answer for node1\.quantix\.test\) in [\d.]+ ms$/) });
    expect(checks.vdc).toBeUndefined();
    expect(dnsLog).toContain('query node1.quantix.test from 10.91.0.2');
    expect((await node.client.get<Job>(`/api/v1/jobs/${job.id}`)).state).toBe('running');

    const confirmed = await node.client.post<NetworkState>(`${API}/confirm`);
    expect(confirmed.config).toEqual(good);
    expect(confirmed.pending).toBeNull();
    expect((await node.client.get<Job>(`/api/v1/jobs/${job.id}`)).state).toBe('succeeded');

    const live = await liveState();
    expect(live.up).toBe(true);
    expect(live.addresses).toEqual(['10.91.0.2/24']);
    expect(live.routes).toContain(`default via 10.91.0.1 dev ${nic}`);
    expect(readRoot('etc/resolv.conf')).toMatch(/^nameserver 10\.91\.0\.1$/m);
    expect(readRoot('etc/resolv.conf')).not.toContain('10.91.0.250');
    expect(readRoot('etc/hostname')).toBe('node1.quantix.test\n');
    expect(JSON.parse(readFileSync(join(node.dataDir, 'network.json'), 'utf8'))).toEqual(good);
    expect((await state()).nics[0]).toMatchObject({ name: nic, up: true, carrier: true, addresses: ['10.91.0.2/24'] });

    const tested = await node.client.post<NetworkTestResult>(`${API}/test`);
    expect(tested.ok).toBe(true);
    const actions = audit().map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['network.apply', 'network.confirm']));
    expect(audit().find((e) => e.action === 'network.confirm')!.actor).toMatch(/^api:session:/);
  });

  it('rolls a configuration with a wrong gateway back exactly when nobody confirms it', async () => {
    const before = await filesNow();
    const job = await node.client.post<Job>(`${API}/apply`, { config: badGateway, rollbackSeconds: 10 });
    const pending = await waitTested();
    expect(pending.config).toEqual(good);
    expect(pending.pending).toMatchObject({ config: badGateway, previous: good });
    const test = pending.pending!.test!;
    expect(test.ok).toBe(false);
    expect(test.checks.find((c) => c.name === 'gateway')).toEqual({ name: 'gateway', ok: false, detail: 'no answer from gateway 10.91.0.9 within 2 s', ms: null });
    expect((await liveState()).addresses).toEqual(['10.91.0.3/24']);
    expect(readRoot('etc/hostname')).toBe('wrong-gw\n');

    const done = await node.waitJob(job, 30_000);
    const late = Date.parse(done.finishedAt!) - Date.parse(pending.pending!.rollbackAt);
    console.log(`bad gateway: rolled back ${late} ms after the deadline`);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('NETWORK_ROLLED_BACK');
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(5000);
    expect(await filesNow()).toEqual(before);
    expect((await state()).pending).toBeNull();
    const rollback = audit().filter((e) => e.action === 'network.rollback').at(-1)!;
    expect(rollback).toMatchObject({ actor: 'qx-node', detail: { jobId: job.id, reason: 'not-confirmed', errors: [] } });
    console.log(`bad gateway: rollback itself took ${String(rollback.detail.ms)} ms`);
    await expect(node.client.post(`${API}/confirm`)).rejects.toMatchObject({ status: 409, code: 'NO_PENDING_NETWORK_CHANGE' });
  });

  it('rolls back a pending change when qx-node is killed and started again', async () => {
    const before = await filesNow();
    const job = await node.client.post<Job>(`${API}/apply`, { config: other, rollbackSeconds: 600 });
    await waitTested();
    expect((await liveState()).addresses).toEqual(['10.91.0.4/24']);
    expect(existsSync(join(node.dataDir, 'network.pending.json'))).toBe(true);

    await node.kill9();
    expect((await liveState()).addresses).toEqual(['10.91.0.4/24']);
    const t0 = performance.now();
    await node.start(env);
    console.log(`kill -9: restart (with rollback) until listening took ${(performance.now() - t0).toFixed(0)} ms`);
    await node.login();
    expect(node.output).toMatch(/still waiting for confirmation when qx-node stopped; rolling back/);
    expect(await filesNow()).toEqual(before);
    const s = await state();
    expect(s.pending).toBeNull();
    expect(s.config).toEqual(good);
    expect(existsSync(join(node.dataDir, 'network.pending.json'))).toBe(false);
    const after = await node.client.get<Job>(`/api/v1/jobs/${job.id}`);
    expect(after).toMatchObject({ state: 'failed', error: { code: 'JOB_INTERRUPTED' } });
    expect(audit().filter((e) => e.action === 'network.rollback').at(-1)).toMatchObject({ actor: 'qx-node', detail: { jobId: job.id, reason: 'restart', errors: [] } });
  });

  it('refuses a second change while one is pending, and cancelling the job rolls back at once', async () => {
    const before = await filesNow();
    const job = await node.client.post<Job>(`${API}/apply`, { config: other, rollbackSeconds: 600 });
    await expect(node.client.post(`${API}/apply`, { config: badGateway })).rejects.toMatchObject({ status: 409, code: 'NETWORK_CHANGE_PENDING' });
    await waitTested();
    await expect(node.client.post(`${API}/apply`, { config: good })).rejects.toMatchObject({ status: 409, code: 'NETWORK_CHANGE_PENDING' });

    const t0 = performance.now();
    await node.client.post(`/api/v1/jobs/${job.id}/cancel`);
    const done = await node.waitJob(job, 30_000);
    console.log(`cancel: rolled back in ${(performance.now() - t0).toFixed(0)} ms (including job polling)`);
    expect(done.state).toBe('cancelled');
    expect(await filesNow()).toEqual(before);
    expect((await state()).pending).toBeNull();
    expect(audit().filter((e) => e.action === 'network.rollback').at(-1)).toMatchObject({ detail: { jobId: job.id, reason: 'cancelled', errors: [] } });
  });

  it('gets an address by DHCP inside the namespace (busybox udhcpd as the server)', async () => {
    const dir = join(root, '..', 'udhcpd');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'leases'), '');
    await writeFile(
      join(dir, 'udhcpd.conf'),
      [`start 10.91.0.100`, `end 10.91.0.150`, `interface ${peer}`, `lease_file ${dir}/leases`, `pidfile ${dir}/udhcpd.pid`, 'option subnet 255.255.255.0', 'option router 10.91.0.1', 'option dns 10.91.0.1', 'option domain quantix.test', 'option lease 600', ''].join('\n'),
    );
    dhcpd = spawn('ip', ['netns', 'exec', gwNs, 'busybox', 'udhcpd', '-f', join(dir, 'udhcpd.conf')], { stdio: 'ignore' });
    await sleep(300);
    const before = await filesNow();
    const t0 = performance.now();
    const job = await node.client.post<Job>(`${API}/apply`, { config: { nic, mode: 'dhcp', dns: [], hostname: 'node-dhcp' }, rollbackSeconds: 60 });
    const s = await waitTested();
    console.log(`dhcp: apply -> tested in ${(performance.now() - t0).toFixed(0)} ms`);
    expect(s.pending!.test).toMatchObject({ ok: true });
    const live = await liveState();
    expect(live.addresses).toHaveLength(1);
    expect(live.addresses[0]).toMatch(/^10\.91\.0\.(1[0-4]\d|150)\/24$/);
    expect(live.routes).toContain(`default via 10.91.0.1 dev ${nic}`);
    expect(readRoot('etc/resolv.conf')).toMatch(/^search quantix\.test\nnameserver 10\.91\.0\.1\n/m);

    await node.client.post(`/api/v1/jobs/${job.id}/cancel`);
    expect((await node.waitJob(job, 30_000)).state).toBe('cancelled');
    expect(await filesNow()).toEqual(before);
    dhcpd.kill('SIGKILL');
    dhcpd = null;
  });

  it('rolls a pending change back when qx-node is stopped', async () => {
    const before = await filesNow();
    await node.client.post<Job>(`${API}/apply`, { config: other, rollbackSeconds: 600 });
    await waitTested();
    await node.stop();
    expect(await filesNow()).toEqual(before);
    expect(existsSync(join(node.dataDir, 'network.pending.json'))).toBe(false);
    expect(audit().filter((e) => e.action === 'network.rollback').at(-1)).toMatchObject({ detail: { reason: 'shutdown', errors: [] } });
  });
});
