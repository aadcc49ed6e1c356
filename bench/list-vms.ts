/**
 * List VMs: GET /api/v1/vms with 50 defined VMs (kernel boot, no disks, start=false) over a keep-alive HTTPS client,
 * against `virsh list --all` run as a process. Measured in interleaved blocks, first with all 50 stopped, then with 5
 * of them running (their guests booted). The unix-socket transport of the API is measured too, for reference.
 * Env: BENCH_LIST_VMS (default 50), BENCH_LIST_REQUESTS (default 500), BENCH_LIST_VIRSH_RUNS (default 50),
 * BENCH_LIST_RUNNING (default 5).
 */
import { performance } from 'node:perf_hooks';
import type { Job, Vm } from '@quantix/lib/api';
import { NodeClient } from '@quantix/lib/client';
import {
  BenchNode,
  CLK_TCK,
  countMarkers,
  fmtMs,
  fmtRatio,
  guest,
  main,
  now,
  onCleanup,
  prefix,
  printConditions,
  printGoal,
  printTable,
  readStat,
  run,
  sleep,
  summarize,
  URI,
  type Summary,
} from './lib.ts';

const VMS = Number(process.env.BENCH_LIST_VMS ?? 50);
const REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 500);
const VIRSH_RUNS = Number(process.env.BENCH_LIST_VIRSH_RUNS ?? 50);
const RUNNING = Number(process.env.BENCH_LIST_RUNNING ?? 5);
const BLOCKS = 10;

/** Runs fn over items with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

interface PhaseResult {
  label: string;
  https: Summary;
  unix: Summary;
  virsh: Summary;
  bytes: number;
  httpsReqPerSec: number;
  /** qx-node CPU per HTTPS request (ms), from /proc/<pid>/stat over the HTTPS loops. */
  cpuPerRequestMs: number;
  states: string;
}

async function measure(node: BenchNode, unixClient: NodeClient, label: string, expectRunning: number): Promise<PhaseResult> {
  // Warm-up and a sanity check of what the API returns.
  let list = await node.client.get<{ items: Vm[] }>('/api/v1/vms');
  for (let i = 0; i < 20; i++) list = await node.client.get<{ items: Vm[] }>('/api/v1/vms');
  for (let i = 0; i < 20; i++) await unixClient.get('/api/v1/vms');
  for (let i = 0; i < 3; i++) await run('virsh', ['-c', URI, 'list', '--all']);
  const counts = new Map<string, number>();
  for (const v of list.items) counts.set(v.state, (counts.get(v.state) ?? 0) + 1);
  const states = [...counts.entries()].map(([s, n]) => `${n} ${s}`).join(', ');
  if (list.items.length !== VMS || (counts.get('running') ?? 0) !== expectRunning) {
    throw new Error(`GET /api/v1/vms returned ${list.items.length} VMs (${states}); expected ${VMS} with ${expectRunning} running`);
  }
  const virshOut = (await run('virsh', ['-c', URI, 'list', '--all'])).stdout;
  const ours = virshOut.split('\n').filter((l) => l.includes(prefix)).length;
  if (ours !== VMS) throw new Error(`virsh list --all shows ${ours} of our ${VMS} domains`);

  const bytes = Buffer.byteLength(JSON.stringify(list));
  const https: number[] = [];
  const unix: number[] = [];
  const virsh: number[] = [];
  let httpsWall = 0;
  let cpuTicks = 0;
  for (let b = 0; b < BLOCKS; b++) {
    const perBlock = Math.ceil(REQUESTS / BLOCKS);
    const cpu0 = readStat(node.pid)!.cpuTicks;
    const w0 = now();
    for (let i = 0; i < perBlock && https.length < REQUESTS; i++) {
      const t0 = now();
      await node.client.get('/api/v1/vms');
      https.push(now() - t0);
    }
    httpsWall += now() - w0;
    cpuTicks += readStat(node.pid)!.cpuTicks - cpu0;
    for (let i = 0; i < perBlock && unix.length < REQUESTS; i++) {
      const t0 = now();
      await unixClient.get('/api/v1/vms');
      unix.push(now() - t0);
    }
    for (let i = 0; i < Math.ceil(VIRSH_RUNS / BLOCKS) && virsh.length < VIRSH_RUNS; i++) {
      virsh.push((await run('virsh', ['-c', URI, 'list', '--all'])).ms);
    }
  }
  return {
    label,
    https: summarize(https),
    unix: summarize(unix),
    virsh: summarize(virsh),
    bytes,
    httpsReqPerSec: (https.length / httpsWall) * 1000,
    cpuPerRequestMs: ((cpuTicks / CLK_TCK) * 1000) / https.length,
    states,
  };
}

await main(`list-vms: GET /api/v1/vms with ${VMS} VMs vs virsh list --all`, async () => {
  await printConditions({
    requests: `${REQUESTS} GETs per transport, ${VIRSH_RUNS} virsh runs, in ${BLOCKS} interleaved blocks per phase`,
  });
  const node = await BenchNode.start();
  const unixClient = new NodeClient({ socketPath: node.socketPath });
  onCleanup('unix client', () => unixClient.close());

  const t0 = performance.now();
  const ids = await pool(
    Array.from({ length: VMS }, (_, i) => i),
    4,
    async (i) => {
      const job = await node.client.post<Job>('/api/v1/vms', {
        name: `${prefix}-list-${String(i).padStart(2, '0')}`,
        memoryMiB: 192,
        boot: { from: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: 'console=ttyS0 quiet' },
        disks: [],
        start: false,
      });
      const done = await node.waitJob(job);
      if (done.state !== 'succeeded') throw new Error(`creating VM ${i} failed: ${JSON.stringify(done.error)}`);
      return done.resources[0]!.id;
    },
  );
  console.log(`defined ${VMS} VMs through the API in ${fmtMs((performance.now() - t0) / 1000, 1)} s (4 at a time)`);

  const phases: PhaseResult[] = [];
  phases.push(await measure(node, unixClient, `${VMS} defined, all stopped`, 0));

  if (RUNNING > 0) {
    const started = ids.slice(0, RUNNING);
    const t1 = performance.now();
    await pool(started, RUNNING, async (id) => {
      const done = await node.waitJob(await node.client.post<Job>(`/api/v1/vms/${id}/start`));
      if (done.state !== 'succeeded') throw new Error(`starting ${id} failed: ${JSON.stringify(done.error)}`);
    });
    // Wait for the guests to finish booting (TCG boot burns a core each), but measure anyway on a busy host.
    const until = Date.now() + 180_000;
    const booted = () => started.filter((id) => countMarkers(node.serialLog(id)) >= 1).length;
    while (booted() < started.length && Date.now() < until) await sleep(250);
    const note = booted() < started.length ? ` — only ${booted()} of ${RUNNING} guests printed their marker within 180 s (busy host?)` : '';
    console.log(`started ${RUNNING} VMs; guests booted in ${fmtMs((performance.now() - t1) / 1000, 1)} s${note}; settling 3 s`);
    await sleep(3000);
    phases.push(await measure(node, unixClient, `${VMS} defined, ${RUNNING} running`, RUNNING));
  }

  for (const p of phases) {
    console.log(`\n${p.label} (API says: ${p.states}; response ${(p.bytes / 1024).toFixed(1)} KiB):`);
    printTable(
      ['measurement', 'n', 'p50 ms', 'p90 ms', 'p99 ms', 'min ms', 'max ms', 'p50 vs virsh'],
      [
        ['GET /api/v1/vms, HTTPS keep-alive (undici)', `${p.https.n}`, p.https.median, p.https.p90, p.https.p99, p.https.min, p.https.max, fmtRatio(p.https.median / p.virsh.median)],
        ['GET /api/v1/vms, unix socket keep-alive', `${p.unix.n}`, p.unix.median, p.unix.p90, p.unix.p99, p.unix.min, p.unix.max, fmtRatio(p.unix.median / p.virsh.median)],
        ['baseline: virsh list --all (process)', `${p.virsh.n}`, p.virsh.median, p.virsh.p90, p.virsh.p99, p.virsh.min, p.virsh.max, fmtRatio(1)],
      ].map((r) => r.map((c) => (typeof c === 'number' ? fmtMs(c, 2) : c))),
    );
    console.log(
      `  HTTPS: ${p.httpsReqPerSec.toFixed(0)} requests/s sequential; qx-node CPU ${p.cpuPerRequestMs.toFixed(2)} ms per request (/proc/<pid>/stat, 10 ms ticks)`,
    );
  }

  const worst = phases.reduce((a, b) => (b.https.p99 > a.https.p99 ? b : a));
  printGoal(
    'no numeric goal given; expectation: listing through the API (served from memory, no virsh call) beats one `virsh list --all`, p99 below its p50',
    phases.every((p) => p.https.p99 < p.virsh.median),
    phases.map((p) => `${p.label}: API p50 ${fmtMs(p.https.median, 2)} / p99 ${fmtMs(p.https.p99, 2)} ms vs virsh p50 ${fmtMs(p.virsh.median, 2)} ms`).join('; ') +
      `; worst API p99 ${fmtMs(worst.https.p99, 2)} ms`,
  );

  // Delete everything through the API (destroy() of the node is the safety net).
  const t2 = performance.now();
  await pool(ids, 4, async (id) => {
    const res = await node.client.call<Job>('DELETE', `/api/v1/vms/${id}?force=true`);
    await node.waitJob(res.body);
  });
  console.log(`\ndeleted ${VMS} VMs through the API in ${fmtMs((performance.now() - t2) / 1000, 1)} s`);
});
