/**
 * Idle cost of qx-node. Two daemons, each with two stopped VMs and one running (its guest booted) and no API client
 * connected, are sampled over the same window together with a bare `node -e "setInterval(()=>{},1e6)"` (the
 * baseline):
 *   - "plain": `node dist/qx-node.mjs`, as scripts/start.sh and the integration tests start it;
 *   - "source maps": `node --enable-source-maps dist/qx-node.mjs`, what readable stack traces would cost.
 * After 5 s of settling, once a second for BENCH_IDLE_SECONDS (default 60):
 *   - RSS: VmRSS of /proc/<pid>/status (start, max, end; VmHWM at the end) of each daemon, of its `virsh event` child
 *     (found as a child of the daemon) and of the baseline;
 *   - CPU: utime+stime from /proc/<pid>/stat over the window ÷ wall time, as % of one core (10 ms ticks); also the
 *     finer sum of the threads' schedstat run time, and cutime+cstime (CPU of children that exited: a virsh process
 *     spawned while "idle" would show there).
 * Goal: qx-node ≤ 60 MB RSS and ≤ 0.2 % of one core.
 */
import { spawn } from 'node:child_process';
import type { Job } from '@quantix/lib/api';
import {
  BenchNode,
  CLK_TCK,
  childrenOf,
  cmdline,
  countMarkers,
  guest,
  main,
  now,
  onCleanup,
  prefix,
  printConditions,
  printGoal,
  printTable,
  processesNamed,
  readSchedNs,
  readStat,
  readStatusKiB,
  sleep,
} from './lib.ts';

const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const SETTLE_MS = 5000;
const GOAL_RSS_MB = 60;
const GOAL_CPU_PCT = 0.2;

interface Tracked {
  label: string;
  pid: number;
  rss: number[];
  /** CPU ticks at each sample. */
  ticks: number[];
  hwmEnd: number | null;
  childTicks0: number;
  childTicks1: number;
  sched0: number | null;
  sched1: number | null;
  alive: boolean;
}

function track(label: string, pid: number): Tracked {
  const st = readStat(pid);
  if (!st) throw new Error(`${label} (pid ${pid}) is not running`);
  return { label, pid, rss: [], ticks: [], hwmEnd: null, childTicks0: st.childTicks, childTicks1: st.childTicks, sched0: readSchedNs(pid), sched1: null, alive: true };
}

function sample(t: Tracked): void {
  const rss = readStatusKiB(t.pid);
  const st = readStat(t.pid);
  if (rss === null || st === null) t.alive = false;
  else {
    t.rss.push(rss);
    t.ticks.push(st.cpuTicks);
  }
}

function finish(t: Tracked): void {
  const st = readStat(t.pid);
  if (!st) return void (t.alive = false);
  t.childTicks1 = st.childTicks;
  t.sched1 = readSchedNs(t.pid);
  t.hwmEnd = readStatusKiB(t.pid, 'VmHWM');
}

const mb = (kib: number) => kib / 1024;
const ticksOf = (t: Tracked) => t.ticks.at(-1)! - t.ticks[0]!;

interface Daemon {
  name: string;
  node: BenchNode;
  main: Tracked;
  child: Tracked;
}

async function startDaemon(name: string, nodeArgs: string[]): Promise<{ name: string; node: BenchNode }> {
  const node = await BenchNode.start({ nodeArgs });
  const boot = { from: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: 'console=ttyS0 quiet' };
  let runningId = '';
  for (const [i, start] of [false, false, true].entries()) {
    const body = { name: `${prefix}-idle-${name.replace(/\W+/g, '')}-${i}`, memoryMiB: 192, boot, disks: [], start };
    const done = await node.waitJob(await node.client.post<Job>('/api/v1/vms', body));
    if (done.state !== 'succeeded') throw new Error(`creating VM ${i} failed: ${JSON.stringify(done.error)}`);
    if (start) runningId = done.resources[0]!.id;
  }
  const until = Date.now() + 120_000;
  while (countMarkers(node.serialLog(runningId)) < 1) {
    if (Date.now() > until) throw new Error('the running guest did not print its marker within 120 s');
    await sleep(250);
  }
  await node.client.close(); // no API client stays connected
  return { name, node };
}

await main(`idle: qx-node RSS and CPU over ${SECONDS} s vs a bare node process`, async () => {
  await printConditions({ window: `${SECONDS} s after ${SETTLE_MS / 1000} s settling, sampled every 1 s (BENCH_IDLE_SECONDS)` });
  const started = [
    await startDaemon('plain', []),
    await startDaemon('source maps', ['--enable-source-maps']),
  ];
  console.log('2 daemons, each with 3 VMs defined through the API (2 stopped, 1 running, guest booted); API clients disconnected');

  const bare = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e6)'], { stdio: 'ignore' });
  onCleanup('baseline node process', async () => {
    if (bare.exitCode === null && bare.signalCode === null) {
      const exited = new Promise((r) => bare.once('exit', r));
      bare.kill('SIGTERM');
      await exited;
    }
  });

  await sleep(SETTLE_MS);
  const daemons: Daemon[] = started.map(({ name, node }) => {
    const kids = childrenOf(node.pid);
    const ev = kids.find((k) => k.comm === 'virsh' && / event /.test(cmdline(k.pid)));
    if (!ev) throw new Error(`no 'virsh event' child of qx-node ${node.pid} (children: ${kids.map((k) => `${k.pid} ${k.comm}`).join(', ') || 'none'})`);
    return { name, node, main: track(`qx-node, ${name}`, node.pid), child: track('  its `virsh event --all --loop`', ev.pid) };
  });
  const baseline = track('baseline: node -e "setInterval(()=>{},1e6)"', bare.pid!);
  const libvirtdPid = processesNamed('libvirtd')[0]?.pid;
  const libvirtd = libvirtdPid === undefined ? null : track('libvirtd', libvirtdPid);
  const all = [...daemons.flatMap((d) => [d.main, d.child]), baseline, ...(libvirtd ? [libvirtd] : [])];

  const t0 = now();
  const otherChildren = new Set<string>();
  for (let s = 0; s <= SECONDS; s++) {
    for (const t of all) sample(t);
    for (const d of daemons) for (const k of childrenOf(d.node.pid)) if (k.pid !== d.child.pid) otherChildren.add(`${k.pid} ${k.comm}`);
    if (s < SECONDS) await sleep(Math.max(0, t0 + (s + 1) * 1000 - now()));
  }
  const wallS = (now() - t0) / 1000;
  for (const t of all) finish(t);
  for (const t of all) if (!t.alive && t !== libvirtd) throw new Error(`${t.label} (pid ${t.pid}) exited during the window`);

  const cpuPct = (t: Tracked) => (ticksOf(t) / CLK_TCK / wallS) * 100;
  const schedPct = (t: Tracked) => (t.sched0 !== null && t.sched1 !== null ? ((t.sched1 - t.sched0) / 1e9 / wallS) * 100 : NaN);
  const row = (t: Tracked) => [
    t.label,
    `${t.pid}`,
    mb(t.rss[0]!).toFixed(1),
    mb(Math.max(...t.rss)).toFixed(1),
    mb(t.rss.at(-1)!).toFixed(1),
    t.hwmEnd === null ? '—' : mb(t.hwmEnd).toFixed(1),
    `${ticksOf(t)}`,
    cpuPct(t).toFixed(3),
    schedPct(t).toFixed(3),
  ];
  const rows = daemons.flatMap((d) => {
    const sum = d.main.rss.map((r, i) => r + (d.child.rss[i] ?? 0));
    return [
      row(d.main),
      row(d.child),
      ['  qx-node + child', '', mb(sum[0]!).toFixed(1), mb(Math.max(...sum)).toFixed(1), mb(sum.at(-1)!).toFixed(1), '', `${ticksOf(d.main) + ticksOf(d.child)}`, (cpuPct(d.main) + cpuPct(d.child)).toFixed(3), (schedPct(d.main) + schedPct(d.child)).toFixed(3)],
    ];
  });
  rows.push(row(baseline));
  console.log(`\nover ${wallS.toFixed(1)} s (${baseline.rss.length} samples; MB = MiB):`);
  printTable(['process', 'pid', 'RSS start MB', 'RSS max MB', 'RSS end MB', 'VmHWM MB', 'CPU ticks', 'CPU % (stat)', 'CPU % (schedstat)'], rows);
  if (libvirtd) console.log(`  for reference, libvirtd (shared by the whole host): ${ticksOf(libvirtd)} ticks = ${cpuPct(libvirtd).toFixed(3)} % of a core`);
  for (const d of daemons) {
    const perSecond = d.main.ticks.slice(1).map((x, i) => x - d.main.ticks[i]!);
    const half = Math.floor(perSecond.length / 2);
    const lateTicks = perSecond.slice(half).reduce((a, b) => a + b, 0);
    console.log(
      `  ${d.main.label}: CPU ticks per second ${perSecond.join(' ')} ` +
        `(second half of the window: ${lateTicks} ticks = ${((lateTicks / CLK_TCK / (perSecond.length - half)) * 100).toFixed(3)} %)`,
    );
    console.log(`  ${d.main.label}: RSS MB per second ${d.main.rss.map((r) => mb(r).toFixed(1)).join(' ')}`);
    console.log(`  ${d.main.label}: CPU of children that exited in the window ${d.main.childTicks1 - d.main.childTicks0} ticks (cutime+cstime)`);
  }
  console.log(`  other children of the daemons seen at the 1 s samples: ${otherChildren.size ? [...otherChildren].join(', ') : 'none'}`);

  for (const d of daemons) {
    const rssMax = mb(Math.max(...d.main.rss));
    const rssEnd = mb(d.main.rss.at(-1)!);
    const cpu = cpuPct(d.main);
    printGoal(
      `${d.main.label}: idle ≤ ${GOAL_RSS_MB} MB RSS and ≤ ${GOAL_CPU_PCT} % of one core (virsh child reported separately)`,
      rssMax <= GOAL_RSS_MB && cpu <= GOAL_CPU_PCT,
      `RSS max ${rssMax.toFixed(1)} MB, end ${rssEnd.toFixed(1)} MB (${rssMax <= GOAL_RSS_MB ? 'ok' : 'over'}; bare node ${mb(Math.max(...baseline.rss)).toFixed(1)} MB); ` +
        `CPU ${cpu.toFixed(3)} % (${cpu <= GOAL_CPU_PCT ? 'ok' : 'over'}; bare node ${cpuPct(baseline).toFixed(3)} %); ` +
        `with the virsh child ${mb(Math.max(...d.main.rss.map((r, i) => r + (d.child.rss[i] ?? 0)))).toFixed(1)} MB, ${(cpu + cpuPct(d.child)).toFixed(3)} %`,
    );
  }
});
