/**
 * Idle cost of qx-node: with two stopped VMs and one running (its guest booted), no API client connected, let it
 * settle 5 s, then sample for BENCH_IDLE_SECONDS (default 60) once a second:
 *   - RSS (VmRSS of /proc/<pid>/status; max and end) of qx-node, of its `virsh event` child, and of a bare
 *     `node -e "setInterval(()=>{},1e6)"` started at the same time (the baseline, sampled over the same window);
 *   - CPU: utime+stime from /proc/<pid>/stat over the window ÷ wall time, as % of one core (10 ms ticks), plus the
 *     finer sum of the threads' /proc/<pid>/task/<tid>/schedstat run time, and cutime+cstime (CPU of children that
 *     exited: any virsh process qx-node spawns while "idle" shows up there).
 * Goal: qx-node ≤ 60 MB RSS and ≤ 0.2 % of a core.
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
  hwmEnd: number | null;
  ticks0: number;
  ticks1: number;
  childTicks0: number;
  childTicks1: number;
  sched0: number | null;
  sched1: number | null;
  alive: boolean;
}

function track(label: string, pid: number): Tracked {
  const st = readStat(pid);
  if (!st) throw new Error(`${label} (pid ${pid}) is not running`);
  return {
    label,
    pid,
    rss: [],
    hwmEnd: null,
    ticks0: st.cpuTicks,
    ticks1: st.cpuTicks,
    childTicks0: st.childTicks,
    childTicks1: st.childTicks,
    sched0: readSchedNs(pid),
    sched1: null,
    alive: true,
  };
}

function sample(t: Tracked): void {
  const rss = readStatusKiB(t.pid);
  if (rss === null) t.alive = false;
  else t.rss.push(rss);
}

function finish(t: Tracked): void {
  const st = readStat(t.pid);
  if (!st) {
    t.alive = false;
    return;
  }
  t.ticks1 = st.cpuTicks;
  t.childTicks1 = st.childTicks;
  t.sched1 = readSchedNs(t.pid);
  t.hwmEnd = readStatusKiB(t.pid, 'VmHWM');
}

const mb = (kib: number) => kib / 1024;

await main(`idle: qx-node RSS and CPU over ${SECONDS} s vs a bare node process`, async () => {
  await printConditions({ window: `${SECONDS} s after ${SETTLE_MS / 1000} s settling, sampled every 1 s (BENCH_IDLE_SECONDS)` });
  const node = await BenchNode.start();
  const boot = { from: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: 'console=ttyS0 quiet' };
  const ids: string[] = [];
  for (const [i, start] of [false, false, true].entries()) {
    const job = await node.client.post<Job>('/api/v1/vms', { name: `${prefix}-idle-${i}`, memoryMiB: 192, boot, disks: [], start });
    const done = await node.waitJob(job);
    if (done.state !== 'succeeded') throw new Error(`creating VM ${i} failed: ${JSON.stringify(done.error)}`);
    ids.push(done.resources[0]!.id);
  }
  const runningId = ids[2]!;
  const until = Date.now() + 120_000;
  while (countMarkers(node.serialLog(runningId)) < 1) {
    if (Date.now() > until) throw new Error('the running guest did not print its marker within 120 s');
    await sleep(250);
  }
  // No API client stays connected: drop the keep-alive connection.
  await node.client.close();
  console.log('3 VMs defined through the API (2 stopped, 1 running with its guest booted); API client disconnected');

  const bare = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e6)'], { stdio: 'ignore' });
  onCleanup('baseline node process', async () => {
    if (bare.exitCode === null && bare.signalCode === null) {
      const exited = new Promise((r) => bare.once('exit', r));
      bare.kill('SIGTERM');
      await exited;
    }
  });

  await sleep(SETTLE_MS);
  const kids = childrenOf(node.pid);
  const eventChild = kids.find((k) => k.comm === 'virsh' && / event /.test(cmdline(k.pid)));
  if (!eventChild) throw new Error(`no 'virsh event' child of qx-node ${node.pid} (children: ${kids.map((k) => `${k.pid} ${k.comm}`).join(', ') || 'none'})`);
  const libvirtd = processesNamed('libvirtd')[0];

  const tracked = [
    track('qx-node', node.pid),
    track('  its child `virsh event --all --loop`', eventChild.pid),
    track('baseline: node -e "setInterval(()=>{},1e6)"', bare.pid!),
  ];
  const shared = libvirtd ? track('libvirtd (shared with the whole host)', libvirtd.pid) : null;
  const t0 = now();
  const childPids = new Set<number>();
  for (let s = 0; s <= SECONDS; s++) {
    for (const t of tracked) sample(t);
    for (const k of childrenOf(node.pid)) if (k.pid !== eventChild.pid) childPids.add(k.pid);
    const next = t0 + (s + 1) * 1000;
    if (s < SECONDS) await sleep(Math.max(0, next - now()));
  }
  for (const t of [...tracked, ...(shared ? [shared] : [])]) finish(t);
  const wallS = (now() - t0) / 1000;
  for (const t of tracked) if (!t.alive) throw new Error(`${t.label} (pid ${t.pid}) exited during the window`);

  const cpuPct = (t: Tracked) => ((t.ticks1 - t.ticks0) / CLK_TCK / wallS) * 100;
  const schedPct = (t: Tracked) => (t.sched0 !== null && t.sched1 !== null ? ((t.sched1 - t.sched0) / 1e9 / wallS) * 100 : NaN);
  const rows = tracked.map((t) => [
    t.label,
    `${t.pid}`,
    mb(t.rss[0]!).toFixed(1),
    mb(Math.max(...t.rss)).toFixed(1),
    mb(t.rss.at(-1)!).toFixed(1),
    t.hwmEnd === null ? '—' : mb(t.hwmEnd).toFixed(1),
    `${t.ticks1 - t.ticks0}`,
    cpuPct(t).toFixed(3),
    schedPct(t).toFixed(3),
  ]);
  const q = tracked[0]!;
  const c = tracked[1]!;
  const combinedMax = Math.max(...q.rss.map((r, i) => r + (c.rss[i] ?? 0)));
  rows.splice(2, 0, [
    '  qx-node + child',
    '',
    mb(q.rss[0]! + c.rss[0]!).toFixed(1),
    mb(combinedMax).toFixed(1),
    mb(q.rss.at(-1)! + c.rss.at(-1)!).toFixed(1),
    '',
    `${q.ticks1 - q.ticks0 + (c.ticks1 - c.ticks0)}`,
    (cpuPct(q) + cpuPct(c)).toFixed(3),
    (schedPct(q) + schedPct(c)).toFixed(3),
  ]);
  console.log(`\nover ${wallS.toFixed(1)} s (${q.rss.length} samples):`);
  printTable(['process', 'pid', 'RSS start MB', 'RSS max MB', 'RSS end MB', 'VmHWM MB', 'CPU ticks', 'CPU % (stat)', 'CPU % (schedstat)'], rows);
  if (shared) {
    console.log(`  for reference, ${shared.label}: ${(shared.ticks1 - shared.ticks0)} ticks = ${cpuPct(shared).toFixed(3)} % of a core`);
  }
  const exitedChildTicks = q.childTicks1 - q.childTicks0;
  console.log(
    `  qx-node children that exited during the window: CPU ${exitedChildTicks} ticks (cutime+cstime); other child pids seen at the 1 s samples: ${childPids.size ? [...childPids].join(',') : 'none'}`,
  );
  console.log(`  qx-node RSS over the window: ${q.rss.map((r) => mb(r).toFixed(1)).join(' ')}`);

  const rssMax = mb(Math.max(...q.rss));
  printGoal(
    `qx-node idle ≤ ${GOAL_RSS_MB} MB RSS and ≤ ${GOAL_CPU_PCT} % of one core (the virsh child is reported separately)`,
    rssMax <= GOAL_RSS_MB && cpuPct(q) <= GOAL_CPU_PCT,
    `RSS max ${rssMax.toFixed(1)} MB (${rssMax <= GOAL_RSS_MB ? 'ok' : 'over'}; bare node ${mb(Math.max(...tracked[2]!.rss)).toFixed(1)} MB), ` +
      `CPU ${cpuPct(q).toFixed(3)} % (${cpuPct(q) <= GOAL_CPU_PCT ? 'ok' : 'over'}; bare node ${cpuPct(tracked[2]!).toFixed(3)} %); ` +
      `with the virsh child: ${mb(combinedMax).toFixed(1)} MB, ${(cpuPct(q) + cpuPct(c)).toFixed(3)} %`,
  );
});
