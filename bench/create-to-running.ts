/**
 * Create-to-running: POST /api/v1/vms (kernel-boot test guest, 256 MiB, one blank 1 GiB disk, start=true) until the
 * VM runs, against the same domain XML started by hand with virsh.
 *
 *   API       POST → job succeeded (job.updated on /api/v1/events); also when the vm.state 'running' event arrives
 *   raw       `virsh create` (transient, disk made beforehand) → `virsh domstate` says running
 *   raw+img   `qemu-img create` + `virsh create` → `virsh domstate` says running (what a script has to do)
 *   raw+def   `qemu-img create` + `virsh define` + `virsh start` → running (reference: a persistent domain, as the API)
 *
 * The raw XML is the API VM's `virsh dumpxml --inactive` with a new name, no uuid, no MAC, its own disk and serial log.
 * Runs are interleaved (the order rotates each round) after one warm-up round that is not counted; every VM is deleted
 * before the next run. Then a few API runs on a second daemon whose virsh/qemu-img calls are traced (PATH shims) show
 * where the API time goes. Env: BENCH_RUNS (default 8), BENCH_TRACE_RUNS (default 3, 0 = skip).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, QxEvent } from '@quantix/lib/api';
import {
  BenchNode,
  CLK_TCK,
  type EventLog,
  execLabel,
  fmtMs,
  fmtRatio,
  guest,
  main,
  makeExecTrace,
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
  timedVirsh,
  toEpochMs,
  virsh,
} from './lib.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 8);
const TRACE_RUNS = Number(process.env.BENCH_TRACE_RUNS ?? 3);
const GOAL_RATIO = 1.1;

interface ApiRun {
  vmId: string;
  /** All offsets in ms from just before the POST was sent. */
  postAnswered: number;
  jobSucceeded: number;
  vmStateRunning: number | null;
  vmUpdatedRunning: number | null;
  /** job.updated messages (progress steps) with their arrival offsets. */
  steps: { message: string; state: string; at: number }[];
  /** vm.state events for this VM (state, offset), in order. */
  stateEvents: string[];
  /** CPU ms of the qx-node process itself, and of its children that exited (virsh, qemu-img), POST → job succeeded. */
  cpuDaemon: number;
  cpuChildren: number;
}

interface RawRun {
  qemuImg: number | null;
  create: number;
  domstate: number;
  domstatePolls: number;
  total: number;
  /** CPU ms of the processes this run spawned (virsh, qemu-img). */
  cpuChildren: number;
}

function createBody(name: string) {
  return {
    name,
    memoryMiB: 256,
    boot: { from: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: 'console=ttyS0 quiet' },
    disks: [{ sizeGiB: 1 }],
    start: true,
  };
}

async function apiCreate(node: BenchNode, events: EventLog, name: string): Promise<ApiRun> {
  const from = events.mark();
  const cpu0 = readStat(node.pid)!;
  const t0 = now();
  const job = await node.client.post<Job>('/api/v1/vms', createBody(name));
  const postAnswered = now() - t0;
  const done = await events.waitJob(from, job.id, 180_000);
  const cpu1 = readStat(node.pid)!;
  const jobEvent = done.event as Extract<QxEvent, { type: 'job.updated' }>;
  if (jobEvent.data.state !== 'succeeded') throw new Error(`vm.create failed: ${JSON.stringify(jobEvent.data.error)}`);
  const vmId = jobEvent.data.resources[0]!.id;
  // The vm.state event may trail the job (or never come): give it a moment.
  const running = await events
    .wait(from, (e) => e.type === 'vm.state' && e.data.id === vmId && e.data.state === 'running', 3000, 'vm.state running')
    .catch(() => null);
  const updated = events.find(from, (e) => e.type === 'vm.updated' && e.data.id === vmId && e.data.state === 'running');
  const steps = events
    .filter(from, (e) => e.type === 'job.updated' && e.data.id === job.id)
    .map((r) => {
      const e = r.event as Extract<QxEvent, { type: 'job.updated' }>;
      return { message: e.data.message, state: e.data.state, at: r.at - t0 };
    });
  const stateEvents = events
    .filter(from, (e) => e.type === 'vm.state' && e.data.id === vmId)
    .map((r) => {
      const e = r.event as Extract<QxEvent, { type: 'vm.state' }>;
      return `${e.data.previous ?? 'null'}→${e.data.state}@${fmtMs(r.at - t0, 0)}`;
    });
  return {
    vmId,
    postAnswered,
    jobSucceeded: done.at - t0,
    vmStateRunning: running ? running.at - t0 : null,
    vmUpdatedRunning: updated ? updated.at - t0 : null,
    steps,
    stateEvents,
    cpuDaemon: ((cpu1.cpuTicks - cpu0.cpuTicks) * 1000) / CLK_TCK,
    cpuChildren: ((cpu1.childTicks - cpu0.childTicks) * 1000) / CLK_TCK,
  };
}

async function apiDelete(node: BenchNode, events: EventLog, vmId: string): Promise<void> {
  const from = events.mark();
  const job = await node.client.call<Job>('DELETE', `/api/v1/vms/${vmId}?force=true`);
  const done = await events.waitJob(from, job.body.id, 120_000);
  if (done.event.type === 'job.updated' && done.event.data.state !== 'succeeded') {
    throw new Error(`vm.delete failed: ${JSON.stringify(done.event.data.error)}`);
  }
}

/** The API VM's inactive XML as a transient domain of its own: new name, no uuid/MAC, own disk and serial log. */
function rawXml(template: string, apiVmId: string, apiDiskPath: string, name: string, disk: string, serialLog: string): string {
  let xml = template
    .replace(/<name>[^<]*<\/name>/, `<name>${name}</name>`)
    .replace(/^\s*<uuid>[^<]*<\/uuid>\n/m, '')
    .replace(/^\s*<mac address='[^']*'\/>\n/gm, '')
    .replace(`<source file='${apiDiskPath}'`, `<source file='${disk}'`)
    .replace(/<log file='[^']*'/g, `<log file='${serialLog}'`)
    .replace(/^\s*<source mode='bind' path='[^']*qga\.sock'\/>\n/m, '');
  if (xml.includes(apiVmId)) throw new Error(`raw XML still refers to the API VM ${apiVmId}:\n${xml}`);
  if (!xml.includes(disk)) throw new Error('could not point the raw XML at its own disk');
  return xml;
}

/**
 * One raw run. 'create': transient `virsh create`; 'define+start': persistent `virsh define` + `virsh start` (what the
 * API has to do to keep the VM), both until `virsh domstate` says running. withQemuImg: the disk is made inside the
 * timed span.
 */
async function rawCreate(dir: string, template: string, name: string, withQemuImg: boolean, mode: 'create' | 'define+start' = 'create'): Promise<RawRun> {
  const disk = join(dir, `${name}.qcow2`);
  const serial = join(dir, `${name}.serial.log`);
  const xmlFile = join(dir, `${name}.xml`);
  await writeFile(xmlFile, template.replace('@@NAME@@', name).replace('@@DISK@@', disk).replace('@@SERIAL@@', serial));
  if (!withQemuImg) await run('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '1G']);
  const cpu0 = readStat(process.pid)!.childTicks;
  const t0 = now();
  if (withQemuImg) await run('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '1G']);
  const t1 = now();
  if (mode === 'create') await timedVirsh('create', xmlFile);
  else {
    await timedVirsh('define', '--file', xmlFile);
    await timedVirsh('start', name);
  }
  const t2 = now();
  let polls = 0;
  for (;;) {
    polls++;
    const state = (await timedVirsh('domstate', name)).stdout.trim();
    if (state === 'running') break;
    if (polls > 1000) throw new Error(`${name} did not reach running (${state})`);
    await sleep(5);
  }
  const t3 = now();
  const cpuChildren = ((readStat(process.pid)!.childTicks - cpu0) * 1000) / CLK_TCK;
  await virsh('destroy', name);
  if (mode === 'define+start') await virsh('undefine', name, '--nvram');
  await rm(disk, { force: true });
  await rm(serial, { force: true });
  await rm(xmlFile, { force: true });
  return { qemuImg: withQemuImg ? t1 - t0 : null, create: t2 - t1, domstate: t3 - t2, domstatePolls: polls, total: t3 - t0, cpuChildren };
}

/** Offsets of the API's milestones, from the job.updated messages the create job publishes. */
function milestones(r: ApiRun) {
  const at = (pred: (s: ApiRun['steps'][number]) => boolean) => r.steps.find(pred)?.at ?? NaN;
  return {
    queued: at((s) => s.state === 'queued'),
    running: at((s) => s.state === 'running' && s.message === 'Running'),
    disk: at((s) => s.message.startsWith('Creating disk')),
    define: at((s) => s.message.startsWith('Defining')),
    power: at((s) => s.message.startsWith('Powering on')),
    done: r.jobSucceeded,
  };
}

await main('create-to-running: POST /api/v1/vms until running vs virsh create', async () => {
  await printConditions({ runs: `${RUNS} measured per variant (+1 warm-up round), BENCH_RUNS` });
  const node = await BenchNode.start();
  const events = await node.events();
  const rawDir = await mkdtemp(join(tmpdir(), `${prefix}-raw-`));
  onCleanup(`raw dir ${rawDir}`, () => rm(rawDir, { recursive: true, force: true }));

  // Warm-up API run: also yields the domain XML for the raw baseline.
  const warmName = `${prefix}-api-warmup`;
  const warm = await apiCreate(node, events, warmName);
  const vm = await node.client.get<{ disks: { path: string }[] }>(`/api/v1/vms/${warm.vmId}`);
  const inactive = await virsh('dumpxml', '--inactive', warmName);
  const template = rawXml(inactive, warm.vmId, vm.disks[0]!.path, '@@NAME@@', '@@DISK@@', '@@SERIAL@@');
  await apiDelete(node, events, warm.vmId);
  await rawCreate(rawDir, template, `${prefix}-raw-warmup`, false);
  await rawCreate(rawDir, template, `${prefix}-rawimg-warmup`, true);
  await rawCreate(rawDir, template, `${prefix}-rawdef-warmup`, true, 'define+start');

  const api: ApiRun[] = [];
  const raw: RawRun[] = [];
  const rawImg: RawRun[] = [];
  const rawDef: RawRun[] = [];
  const variants = ['api', 'raw', 'rawimg', 'rawdef'] as const;
  for (let i = 0; i < RUNS; i++) {
    const k = i % variants.length;
    const order = [...variants.slice(k), ...variants.slice(0, k)];
    for (const v of order) {
      await sleep(300); // let libvirtd and virtlogd settle after the previous delete
      if (v === 'api') {
        const r = await apiCreate(node, events, `${prefix}-api-${i}`);
        api.push(r);
        await apiDelete(node, events, r.vmId);
      } else if (v === 'raw') raw.push(await rawCreate(rawDir, template, `${prefix}-raw-${i}`, false));
      else if (v === 'rawimg') rawImg.push(await rawCreate(rawDir, template, `${prefix}-rawimg-${i}`, true));
      else rawDef.push(await rawCreate(rawDir, template, `${prefix}-rawdef-${i}`, true, 'define+start'));
    }
    process.stdout.write(
      `  round ${i + 1}/${RUNS} (${order.join(',')}): api ${fmtMs(api.at(-1)!.jobSucceeded, 0)} ms, raw ${fmtMs(raw.at(-1)!.total, 0)} ms, ` +
        `raw+img ${fmtMs(rawImg.at(-1)!.total, 0)} ms, raw img+define+start ${fmtMs(rawDef.at(-1)!.total, 0)} ms\n`,
    );
  }

  console.log('\nper run (ms):');
  printTable(
    ['run', 'API POST→202', 'API →vm.state running', 'API →job succeeded', 'raw create', 'raw img+create', 'raw img+define+start'],
    api.map((a, i) => [`${i + 1}`, a.postAnswered, a.vmStateRunning ?? NaN, a.jobSucceeded, raw[i]!.total, rawImg[i]!.total, rawDef[i]!.total]),
  );

  const sJob = summarize(api.map((a) => a.jobSucceeded));
  const stateTimes = api.map((a) => a.vmStateRunning).filter((x): x is number => x !== null);
  const sState = summarize(stateTimes);
  const sUpdated = summarize(api.map((a) => a.vmUpdatedRunning).filter((x): x is number => x !== null));
  const sPost = summarize(api.map((a) => a.postAnswered));
  const sRaw = summarize(raw.map((r) => r.total));
  const sImg = summarize(rawImg.map((r) => r.total));
  const sDef = summarize(rawDef.map((r) => r.total));
  const row = (label: string, s: ReturnType<typeof summarize>, base?: number) =>
    [label, `${s.n}`, s.median, s.min, s.max, base === undefined ? '' : fmtRatio(s.median / base)];
  console.log(`\nsummary (ms; ratio = median / median of baseline "qemu-img + virsh create"):`);
  printTable(
    ['measurement', 'n', 'median', 'min', 'max', 'ratio'],
    [
      row('API: POST → 202 Accepted', sPost),
      row('API: POST → vm.state running event (WS)', sState, sImg.median),
      row('API: POST → vm.updated running event (WS)', sUpdated, sImg.median),
      row('API: POST → job succeeded (WS)', sJob, sImg.median),
      row('baseline: virsh create → domstate running', sRaw, sImg.median),
      row('baseline: qemu-img create + virsh create → running', sImg, sImg.median),
      row('reference: qemu-img + virsh define + virsh start → running', sDef, sImg.median),
    ],
  );
  console.log(`  API job succeeded / baseline "virsh create" alone: ${fmtRatio(sJob.median / sRaw.median)}`);
  // Each round's API run against the same round's baseline runs: less sensitive to load drifting over the run.
  const paired = summarize(api.map((a, i) => a.jobSucceeded / rawImg[i]!.total));
  const pairedRaw = summarize(api.map((a, i) => a.jobSucceeded / raw[i]!.total));
  console.log(
    `  per-round paired ratio, API job succeeded / same round's baseline: vs qemu-img + virsh create median ${fmtRatio(paired.median)} ` +
      `(min ${fmtRatio(paired.min)}, max ${fmtRatio(paired.max)}); vs virsh create alone median ${fmtRatio(pairedRaw.median)}`,
  );
  console.log(`  vm.state 'running' event arrived in ${stateTimes.length} of ${api.length} API runs`);

  // Where the API time goes, from the job's progress messages (arrival offsets on the WebSocket).
  const m = api.map(milestones);
  const seg = (f: (x: (typeof m)[number]) => number) => summarize(m.map(f).filter(Number.isFinite));
  console.log('\nAPI path from the job.updated progress messages (ms, medians over runs):');
  printTable(
    ['segment', 'median', 'min', 'max'],
    [
      ['POST sent → job queued event', seg((x) => x.queued)],
      ['job queued → "Creating disk 1 of 1"', seg((x) => x.disk - x.queued)],
      ['"Creating disk" → "Defining the VM in libvirt" (qemu-img create+info, pool-refresh)', seg((x) => x.define - x.disk)],
      ['"Defining" → "Powering on" (temp XML file, virsh define)', seg((x) => x.power - x.define)],
      ['"Powering on" → job succeeded (virsh start, store write, state refresh)', seg((x) => x.done - x.power)],
      ['total POST → job succeeded', seg((x) => x.done)],
    ].map(([label, s]) => {
      const x = s as ReturnType<typeof summarize>;
      return [label as string, x.median, x.min, x.max];
    }),
  );
  const iRaw = summarize(rawImg.map((r) => r.qemuImg ?? NaN));
  const cRaw = summarize(rawImg.map((r) => r.create));
  const dRaw = summarize(rawImg.map((r) => r.domstate));
  console.log('\nbaseline "qemu-img + virsh create" steps (ms):');
  printTable(
    ['step', 'median', 'min', 'max'],
    [
      ['qemu-img create 1G', iRaw.median, iRaw.min, iRaw.max],
      ['virsh create (returns when running)', cRaw.median, cRaw.min, cRaw.max],
      [`virsh domstate (polls: ${rawImg.map((r) => r.domstatePolls).join(',')})`, dRaw.median, dRaw.min, dRaw.max],
    ],
  );
  const dsDef = summarize(rawDef.map((r) => r.create));
  console.log(`  reference "virsh define + virsh start" (persistent, as the API does): ${fmtMs(dsDef.median)} ms median (min ${fmtMs(dsDef.min)}, max ${fmtMs(dsDef.max)})`);
  const cd = summarize(api.map((a) => a.cpuDaemon));
  const cc = summarize(api.map((a) => a.cpuChildren));
  const cr = summarize(rawImg.map((r) => r.cpuChildren));
  const crd = summarize(rawDef.map((r) => r.cpuChildren));
  console.log('\nCPU spent per run (ms of CPU, /proc/<pid>/stat, 10 ms ticks; the guest\'s QEMU process is not included):');
  printTable(
    ['who', 'median', 'min', 'max'],
    [
      ['API: qx-node process itself (POST → job succeeded)', cd.median, cd.min, cd.max],
      ['API: processes qx-node spawned and reaped (virsh, qemu-img)', cc.median, cc.min, cc.max],
      ['baseline qemu-img + virsh create + domstate processes', cr.median, cr.min, cr.max],
      ['reference qemu-img + virsh define + start + domstate processes', crd.median, crd.min, crd.max],
    ],
  );
  console.log(`  vm.state events per API run: ${api.map((a) => a.stateEvents.join(' ')).join(' | ')}`);

  printGoal(
    `API create-to-running (POST → job succeeded) ≤ ${GOAL_RATIO.toFixed(2)} × baseline (qemu-img create + virsh create → running)`,
    sJob.median / sImg.median <= GOAL_RATIO,
    `median ${fmtMs(sJob.median, 0)} ms vs ${fmtMs(sImg.median, 0)} ms = ${fmtRatio(sJob.median / sImg.median)}, paired per round ${fmtRatio(paired.median)}; ` +
      `vs virsh create alone ${fmtRatio(sJob.median / sRaw.median)}`,
  );

  if (TRACE_RUNS > 0) await traced();
});

/** A second daemon whose virsh/qemu-img calls are logged with wall-clock start/end: where the API's time goes. */
async function traced(): Promise<void> {
  console.log(`\n--- exec trace: ${TRACE_RUNS} API runs on a second qx-node whose virsh/qemu-img go through logging shims ---`);
  console.log('  (the shims add a bash process per call, ~2–4 ms each; offsets are from the POST, durations are the calls themselves)');
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-trace-`));
  onCleanup(`trace dir ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const trace = await makeExecTrace(dir);
  const node = await BenchNode.start({ pathPrefix: [trace.binDir] });
  const events = await node.events();
  const warm = await apiCreate(node, events, `${prefix}-trace-warmup`);
  await apiDelete(node, events, warm.vmId);
  await sleep(300);
  const perLabel = new Map<string, { starts: number[]; durs: number[]; count: number[] }>();
  const totals: number[] = [];
  const inExec: number[] = [];
  const spawned: { virsh: number; qemuImg: number }[] = [];
  for (let i = 0; i < TRACE_RUNS; i++) {
    const before = (await trace.read()).length;
    const t0Epoch = toEpochMs(now());
    const r = await apiCreate(node, events, `${prefix}-trace-${i}`);
    const doneEpoch = t0Epoch + r.jobSucceeded;
    const calls = (await trace.read()).slice(before).filter((c) => c.start >= t0Epoch - 5 && c.start <= doneEpoch);
    totals.push(r.jobSucceeded);
    spawned.push({ virsh: calls.filter((c) => c.cmd === 'virsh').length, qemuImg: calls.filter((c) => c.cmd === 'qemu-img').length });
    // Union of the call intervals: how much of the API time a virsh/qemu-img process was running.
    let busy = 0;
    let edge = t0Epoch;
    for (const c of [...calls].sort((a, b) => a.start - b.start)) {
      const s = Math.max(c.start, edge);
      if (c.end > s) {
        busy += c.end - s;
        edge = c.end;
      }
    }
    inExec.push(busy);
    const seen = new Map<string, number>();
    for (const c of calls) {
      const label = execLabel(c);
      const k = seen.get(label) ?? 0;
      seen.set(label, k + 1);
      const key = k === 0 ? label : `${label} #${k + 1}`;
      const e = perLabel.get(key) ?? { starts: [], durs: [], count: [] };
      e.starts.push(c.start - t0Epoch);
      e.durs.push(c.end - c.start);
      perLabel.set(key, e);
    }
    if (i === 0) {
      console.log(`\n  run 1 timeline (ms from POST; job succeeded at ${fmtMs(r.jobSucceeded, 0)}):`);
      printTable(
        ['start', 'end', 'dur', 'call'],
        calls.map((c) => [c.start - t0Epoch, c.end - t0Epoch, c.end - c.start, `${c.cmd} ${c.args.replace(/-c qemu:\/\/\/system -q /, '')}`.slice(0, 110)]),
        '    ',
      );
      console.log(`    progress messages: ${r.steps.map((s) => `${fmtMs(s.at, 0)} ${s.state}:${s.message}`).join(' | ')}`);
    }
    await apiDelete(node, events, r.vmId);
    await sleep(300);
  }
  console.log(`\n  calls during POST → job succeeded, medians over ${TRACE_RUNS} runs (ms):`);
  printTable(
    ['call', 'runs', 'start offset', 'duration'],
    [...perLabel.entries()]
      .sort((a, b) => summarize(a[1].starts).median - summarize(b[1].starts).median)
      .map(([label, e]) => [label, `${e.durs.length}`, summarize(e.starts).median, summarize(e.durs).median]),
    '    ',
  );
  const t = summarize(totals);
  const b = summarize(inExec);
  console.log(
    `    processes started per create (POST → job succeeded): ${spawned.map((x) => `${x.virsh} virsh + ${x.qemuImg} qemu-img`).join(', ')}` +
      ' (the script baseline: 1 qemu-img + 1 virsh create + 1 virsh domstate)',
  );
  console.log(
    `    POST → job succeeded median ${fmtMs(t.median, 0)} ms, of which a virsh/qemu-img process was running ${fmtMs(b.median, 0)} ms (${fmtMs((100 * b.median) / t.median, 0)}%)`,
  );
}
