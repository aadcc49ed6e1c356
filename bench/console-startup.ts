/**
 * The console's cost: cold start to its first frame, and RSS and CPU while it sits on the status screen.
 * Every process runs in a real pty (`script -qfec`), 80x24 by default since script's pty reports no size.
 * Against a real qx-node (BenchNode), so the status screen reads the API every 5 s as it does on a host.
 *   - cold start: spawn → the first frame ("Hostname" drawn) and → the first frame with data (the host name in
 *     it), BENCH_CONSOLE_RUNS rounds (default 10); baselines in the same run: `node -e` that prints one line,
 *     and `top -b -n1` (a C program that draws one screen), timed the same way;
 *   - idle: after 5 s of settling, once a second for BENCH_IDLE_SECONDS (default 60): VmRSS and utime+stime of
 *     the console; the baselines, in a pty over the same window: `node -e "setInterval(()=>{},1e6)"`, and the
 *     smallest Ink app (one <Text>, from node_modules) to show what Ink, React and yoga cost by themselves.
 * Goals: first frame ≤ 400 ms, RSS ≤ 70 MB, idle CPU ≤ 1 % of one core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  BenchNode,
  CLK_TCK,
  childrenOf,
  main,
  now,
  onCleanup,
  printConditions,
  printGoal,
  printTable,
  readSchedNs,
  readStat,
  readStatusKiB,
  repoRoot,
  sleep,
  summarize,
} from './lib.ts';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 10);
const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const SETTLE_MS = 5000;
const GOAL_FIRST_FRAME_MS = 400;
const GOAL_RSS_MB = 70;
const GOAL_CPU_PERCENT = 1;
const consoleBundle = join(repoRoot, 'dist/qx-console.mjs');
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r/g;
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface PtyProcess {
  script: ChildProcess;
  output: () => string;
  /** The program's pid (script's child). */
  pid: () => number | null;
  stop: () => Promise<void>;
}

/** Runs argv in a new pty through script(1); its screen output arrives as a stream. */
function inPty(argv: string[], env: Record<string, string>): PtyProcess {
  const command = `exec ${argv.map(shq).join(' ')}`;
  const script = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', SHELL: '/bin/sh', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  script.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  script.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const stop = async () => {
    if (script.exitCode !== null || script.signalCode !== null) return;
    const exited = new Promise((r) => script.once('exit', r));
    script.kill('SIGTERM');
    const t = setTimeout(() => script.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return {
    script,
    output: () => out,
    pid: () => (script.pid ? (childrenOf(script.pid).find((c) => c.comm !== 'script')?.pid ?? null) : null),
    stop,
  };
}

async function timeUntil(argv: string[], env: Record<string, string>, marks: Record<string, (text: string) => boolean>, timeoutMs = 10_000) {
  const t0 = now();
  const p = inPty(argv, env);
  const seen: Record<string, number> = {};
  try {
    while (Object.keys(seen).length < Object.keys(marks).length) {
      const text = p.output().replace(ANSI, '');
      for (const [name, test] of Object.entries(marks)) if (seen[name] === undefined && test(text)) seen[name] = now() - t0;
      if (now() - t0 > timeoutMs) throw new Error(`${argv.join(' ')}: no ${Object.keys(marks).filter((m) => seen[m] === undefined).join(', ')} within ${timeoutMs} ms:\n${p.output().slice(-2000)}`);
      await sleep(2);
    }
  } finally {
    await p.stop();
  }
  return seen;
}

await main('console: cold start to first frame, idle RSS and CPU (in a pty)', async () => {
  const node = await BenchNode.start();
  const consoleArgv = [process.execPath, consoleBundle, '--node-data-dir', node.dataDir, '--state-dir', join(node.dataDir, 'console-bench')];
  const consoleEnv = { TERM: 'xterm-256color', LANG: 'C.UTF-8' };
  await printConditions({ console: consoleBundle, 'qx-node': node.url, rounds: String(RUNS), 'idle window': `${SECONDS} s` });

  const host = hostname();
  const hostLine = new RegExp(`Hostname\\s+${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const rows: (string | number)[][] = [];
  const frame: number[] = [];
  const data: number[] = [];
  const bare: number[] = [];
  const top: number[] = [];
  // One warm-up of each so the page cache holds the files; every timed run is a new process.
  await timeUntil(consoleArgv, consoleEnv, { frame: (t) => t.includes('Hostname') });
  await timeUntil(['top', '-b', '-n1'], { TERM: 'xterm' }, { shown: (t) => /PID\s+USER/.test(t) });
  for (let i = 0; i < RUNS; i++) {
    const c = await timeUntil(consoleArgv, consoleEnv, { frame: (t) => t.includes('Hostname'), data: (t) => hostLine.test(t) });
    frame.push(c.frame!);
    data.push(c.data!);
    bare.push((await timeUntil([process.execPath, '-e', 'process.stdout.write("ready\\n")'], {}, { ready: (t) => t.includes('ready') })).ready!);
    top.push((await timeUntil(['top', '-b', '-n1'], { TERM: 'xterm' }, { shown: (t) => /PID\s+USER/.test(t) })).shown!);
  }
  for (const [what, values] of [
    ['qx-console: first frame', frame],
    ['qx-console: first frame with data', data],
    ['baseline: node -e (prints a line)', bare],
    ['baseline: top -b -n1 (one screen)', top],
  ] as const) {
    const s = summarize([...values]);
    rows.push([what, s.median, s.min, s.max]);
  }
  console.log(`\ncold start in a pty, ${RUNS} rounds (ms from spawn):`);
  printTable(['what', 'median', 'min', 'max'], rows);
  const frameMedian = summarize([...frame]).median;
  const bareMedian = summarize([...bare]).median;
  console.log(`  the console's own share over bare node: ${(frameMedian - bareMedian).toFixed(1)} ms`);

  // Idle: the console on the status screen and a bare node, sampled over the same window.
  const idleConsole = inPty(consoleArgv, consoleEnv);
  const idleBare = inPty([process.execPath, '-e', 'setInterval(()=>{},1e6)'], {});
  const inkHello = `import { render, Text } from 'ink'; import React from 'react'; render(React.createElement(Text, null, 'ready')); setInterval(() => {}, 1e6);`;
  const idleInk = inPty(['/bin/sh', '-c', `cd ${shq(repoRoot)} && exec ${shq(process.execPath)} --input-type=module -e ${shq(inkHello)}`], { TERM: 'xterm-256color', NODE_ENV: 'production' });
  onCleanup('idle console', () => idleConsole.stop());
  onCleanup('idle baseline', () => idleBare.stop());
  onCleanup('idle ink baseline', () => idleInk.stop());
  await sleep(SETTLE_MS);
  const pids = { console: idleConsole.pid(), baseline: idleBare.pid(), ink: idleInk.pid() };
  if (!pids.console || !pids.baseline || !pids.ink) throw new Error(`no pid for the idle processes: ${JSON.stringify(pids)}`);
  if (!hostLine.test(idleConsole.output().replace(ANSI, ''))) throw new Error('the idle console never drew the status screen');
  const sample = (pid: number) => ({ ticks: readStat(pid)?.cpuTicks ?? NaN, sched: readSchedNs(pid) ?? NaN, rss: readStatusKiB(pid) ?? NaN });
  const start = { console: sample(pids.console), baseline: sample(pids.baseline), ink: sample(pids.ink), t: now() };
  const maxRss = { console: start.console.rss, baseline: start.baseline.rss, ink: start.ink.rss };
  const bytesBefore = idleConsole.output().length;
  for (let i = 0; i < SECONDS; i++) {
    await sleep(1000);
    maxRss.console = Math.max(maxRss.console, readStatusKiB(pids.console) ?? 0);
    maxRss.baseline = Math.max(maxRss.baseline, readStatusKiB(pids.baseline) ?? 0);
    maxRss.ink = Math.max(maxRss.ink, readStatusKiB(pids.ink) ?? 0);
  }
  const end = { console: sample(pids.console), baseline: sample(pids.baseline), ink: sample(pids.ink), t: now() };
  const wallS = (end.t - start.t) / 1000;
  type Who = 'console' | 'baseline' | 'ink';
  const cpu = (k: Who) => ((end[k].ticks - start[k].ticks) / CLK_TCK / wallS) * 100;
  const sched = (k: Who) => ((end[k].sched - start[k].sched) / 1e9 / wallS) * 100;
  const mb = (kib: number) => (kib / 1024).toFixed(1);
  console.log(`\nidle for ${wallS.toFixed(0)} s after ${SETTLE_MS / 1000} s of settling (status screen, clock every second, API every 5 s):`);
  printTable(
    ['process', 'RSS start MB', 'RSS max MB', 'RSS end MB', 'CPU % (ticks)', 'CPU % (schedstat)'],
    (['console', 'baseline', 'ink'] as const).map((k) => [
      { console: 'qx-console', baseline: 'baseline: node -e setInterval', ink: 'baseline: smallest Ink app' }[k],
      mb(start[k].rss),
      mb(maxRss[k]),
      mb(end[k].rss),
      cpu(k).toFixed(2),
      sched(k).toFixed(3),
    ]),
  );
  const written = idleConsole.output().length - bytesBefore;
  console.log(`  terminal output while idle: ${written} bytes (${(written / wallS).toFixed(0)} B/s: changed lines only)`);

  await idleConsole.stop();
  await idleBare.stop();
  await idleInk.stop();
  printGoal(`cold start to first frame ≤ ${GOAL_FIRST_FRAME_MS} ms`, frameMedian <= GOAL_FIRST_FRAME_MS, `median ${frameMedian.toFixed(0)} ms; bare node ${bareMedian.toFixed(0)} ms`);
  printGoal(`RSS ≤ ${GOAL_RSS_MB} MB`, maxRss.console / 1024 <= GOAL_RSS_MB, `max ${mb(maxRss.console)} MB; bare node ${mb(maxRss.baseline)} MB, smallest Ink app ${mb(maxRss.ink)} MB`);
  printGoal(`idle CPU ≤ ${GOAL_CPU_PERCENT} % of one core`, sched('console') <= GOAL_CPU_PERCENT, `${sched('console').toFixed(3)} % (schedstat); bare node ${sched('baseline').toFixed(3)} %`);
});
