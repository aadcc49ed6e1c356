import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DomainEventStream,
  EventLineParser,
  backoffDelay,
  lifecycleToVmState,
  parseEventLine,
  reapOrphanedWatchers,
  type DomainEvent,
} from './events.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseEventLine (recorded `virsh event --all --loop --timestamp`)', () => {
  it('parses every line recorded on this host', async () => {
    for (const file of ['events-host-actions.txt', 'events-guest-cycle.txt']) {
      const lines = (await fixture(file)).split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) {
        const ev = parseEventLine(line);
        expect(ev, line).not.toBeNull();
        expect(ev?.time?.toISOString().startsWith('2026-11-22T00:')).toBe(true);
        expect(ev?.domain).toMatch(/^qx-itest-fx-/);
        if (ev?.event === 'lifecycle') expect(ev.lifecycle, line).toBeDefined();
      }
    }
  });

  it('splits lifecycle events into type and detail, with UTC millisecond times', () => {
    expect(
      parseEventLine("2026-11-22 00:12:41.906+0000: event 'lifecycle' for domain 'qx-itest-fx-guest': Shutdown Finished after guest request"),
    ).toEqual({
      time: new Date('2026-11-22T00:12:41.906Z'),
      event: 'lifecycle',
      domain: 'qx-itest-fx-guest',
      detail: 'Shutdown Finished after guest request',
      lifecycle: { type: 'Shutdown', detail: 'Finished after guest request' },
    });
    expect(parseEventLine("2026-11-22 00:12:38.011+0000: event 'lifecycle' for domain 'vm1': Started Booted")?.lifecycle).toEqual({
      type: 'Started',
      detail: 'Booted',
    });
    expect(parseEventLine("2026-11-22 00:12:43.119+0000: event 'lifecycle' for domain 'vm1': Stopped Shutdown")?.lifecycle).toEqual({
      type: 'Stopped',
      detail: 'Shutdown',
    });
  });

  it('parses events without detail, other event kinds, timezones and untimestamped lines', () => {
    expect(parseEventLine("2026-11-22 00:05:30.365+0000: event 'reboot' for domain 'qx-itest-fx-c'")).toMatchObject({
      event: 'reboot',
      domain: 'qx-itest-fx-c',
      detail: '',
    });
    expect(
      parseEventLine(
        "2026-11-22 00:12:37.665+0000: event 'agent-lifecycle' for domain 'g': state: 'disconnected' reason: 'domain started'",
      ),
    ).toMatchObject({ event: 'agent-lifecycle', detail: "state: 'disconnected' reason: 'domain started'" });
    expect(parseEventLine("2026-11-22 01:00:00.500+0100: event 'rtc-change' for domain 'g': 3600")).toMatchObject({
      time: new Date('2026-11-22T00:00:00.500Z'),
      detail: '3600',
    });
    expect(parseEventLine("event 'tray-change' for domain 'g' disk sata0-0-0: opened")).toMatchObject({
      time: null,
      event: 'tray-change',
      domain: 'g',
      detail: 'disk sata0-0-0: opened',
    });
    expect(parseEventLine("event 'lifecycle' for domain 'g': Crashed Panicked")?.lifecycle).toEqual({
      type: 'Crashed',
      detail: 'Panicked',
    });
  });

  it('returns null for non-event lines', () => {
    expect(parseEventLine('events received: 0')).toBeNull();
    expect(parseEventLine('\tcputune.vcpu_period: 100000')).toBeNull();
    expect(parseEventLine('')).toBeNull();
  });
});

describe('EventLineParser', () => {
  it('reassembles lines split across chunks and hands out events at chunk end', () => {
    const p = new EventLineParser();
    expect(p.push("2026-11-22 00:05:28.027+0000: event 'lifecycle' for dom").events).toEqual([]);
    const { events } = p.push("ain 'a': Resumed Unpaused\n2026-11-22 00:05:28.058+0000: event 'reboot' for domain 'b'\n");
    expect(events.map((e) => [e.event, e.domain, e.detail])).toEqual([
      ['lifecycle', 'a', 'Resumed Unpaused'],
      ['reboot', 'b', ''],
    ]);
  });

  it('attaches continuation lines (tunable, job-completed) to their event', () => {
    const p = new EventLineParser();
    const { events, lines } = p.push(
      "event 'tunable' for domain 'vm1':\n\tcputune.vcpu_period: 100000\n\tcputune.vcpu_quota: 50000\n" +
        "event 'lifecycle' for domain 'vm1': Stopped Destroyed\nevents received: 2\n",
    );
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ event: 'tunable', detail: 'cputune.vcpu_period: 100000\ncputune.vcpu_quota: 50000' });
    expect(events[1]?.lifecycle).toEqual({ type: 'Stopped', detail: 'Destroyed' });
    expect(lines).toEqual(['events received: 2']);
  });

  it('parses the whole recorded guest cycle in order', async () => {
    const { events } = new EventLineParser().push(await fixture('events-guest-cycle.txt'));
    expect(events.filter((e) => e.event === 'lifecycle').map((e) => `${e.lifecycle?.type} ${e.lifecycle?.detail}`)).toEqual([
      'Defined Added',
      'Resumed Unpaused',
      'Started Booted',
      'Shutdown Finished after guest request',
      'Stopped Shutdown',
      'Resumed Unpaused',
      'Started Booted',
      'Suspended Paused',
      'Resumed Unpaused',
      'Shutdown Finished after host request',
      'Stopped Destroyed',
      'Undefined Removed',
    ]);
    expect(events.filter((e) => e.event === 'reboot')).toHaveLength(2);
    expect(events.filter((e) => e.event === 'agent-lifecycle')).toHaveLength(2);
  });
});

describe('lifecycleToVmState / backoffDelay', () => {
  it('maps lifecycle events to the state they leave', () => {
    expect(lifecycleToVmState('Started')).toBe('running');
    expect(lifecycleToVmState('Resumed')).toBe('running');
    expect(lifecycleToVmState('Suspended')).toBe('paused');
    expect(lifecycleToVmState('Stopped')).toBe('stopped');
    expect(lifecycleToVmState('Shutdown')).toBe('shuttingDown');
    expect(lifecycleToVmState('Crashed')).toBe('crashed');
    expect(lifecycleToVmState('PMSuspended')).toBe('suspended');
    expect(lifecycleToVmState('Defined')).toBeNull();
    expect(lifecycleToVmState('Undefined')).toBeNull();
  });

  it('doubles the delay per failure up to the cap', () => {
    expect([0, 1, 2, 3, 10, 100].map((n) => backoffDelay(n, 500, 30_000))).toEqual([500, 1000, 2000, 4000, 30_000, 30_000]);
  });
});

describe('DomainEventStream (fake virsh)', () => {
  let dir: string;
  let fake: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-fake-event-'));
    fake = join(dir, 'virsh');
    // argv: -c URI -q "echo MARKER ; event --all --loop --timestamp"
    // 1st run: marker, an event split over two writes, a second event, then a dropped connection (exit 1).
    // 2nd run: marker, one event, then waits like a real event loop until killed.
    await writeFile(
      fake,
      `#!/bin/sh
marker=$(printf '%s' "$4" | sed -n 's/^echo \\([^ ]*\\) ;.*/\\1/p')
run=$(cat "${dir}/runs" 2>/dev/null || echo 0); run=$((run + 1)); echo $run > "${dir}/runs"
echo $$ > "${dir}/pid"
printf '%s' "$marker"
sleep 0.15
if [ $run -eq 1 ]; then
  printf "2026-11-22 00:12:38.011+0000: event 'lifecycle' for dom"
  sleep 0.05
  printf "ain 'vm1': Started Booted\\n"
  printf "2026-11-22 00:12:46.879+0000: event 'reboot' for domain 'vm1'\\n"
  sleep 0.05
  printf 'events received: 2\\n'
  echo "error: Disconnected from qemu:///system due to end of file" >&2
  exit 1
fi
printf "2026-11-22 00:12:49.064+0000: event 'lifecycle' for domain 'vm1': Stopped Destroyed\\n"
exec sleep 30
`,
    );
    await chmod(fake, 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('emits connected, events, disconnected, restarts with backoff, and stop() kills the child', async () => {
    const seen: string[] = [];
    const events: DomainEvent[] = [];
    const stream = new DomainEventStream({ binary: fake, minBackoffMs: 50, readyDelayMs: 20 });
    stream.on('connected', () => seen.push('connected'));
    stream.on('disconnected', (d) => seen.push(`disconnected:${d.code}:${d.stderr}`));
    stream.on('event', (e) => {
      events.push(e);
      seen.push(`event:${e.event}`);
    });
    stream.start();
    const deadline = Date.now() + 5000;
    while (events.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stream.connected).toBe(true);
    const pid = Number(await readFile(join(dir, 'pid'), 'utf8'));
    await stream.stop();

    expect(seen).toEqual([
      'connected',
      'event:lifecycle',
      'event:reboot',
      'disconnected:1:error: Disconnected from qemu:///system due to end of file',
      'connected',
      'event:lifecycle',
    ]);
    expect(events[0]).toMatchObject({ domain: 'vm1', lifecycle: { type: 'Started', detail: 'Booted' } });
    expect(events[2]?.lifecycle).toEqual({ type: 'Stopped', detail: 'Destroyed' });
    expect(stream.connected).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow(); // the child is gone
    expect(await readFile(join(dir, 'runs'), 'utf8')).toBe('2\n');
  });

  it('announces an outage once while restarts keep failing', async () => {
    const failing = join(dir, 'failing');
    await writeFile(failing, '#!/bin/sh\necho "error: failed to connect to the hypervisor" >&2\nexit 1\n');
    await chmod(failing, 0o755);
    const stream = new DomainEventStream({ binary: failing, minBackoffMs: 10, maxBackoffMs: 20 });
    const down: string[] = [];
    stream.on('disconnected', (d) => down.push(d.stderr));
    stream.on('connected', () => down.push('connected?!'));
    stream.start();
    await new Promise((r) => setTimeout(r, 400));
    await stream.stop();
    expect(down).toEqual(['error: failed to connect to the hypervisor']);
  });
});

describe('reapOrphanedWatchers', () => {
  const watcher = (ownerPid: number): ChildProcess =>
    spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)', `echo QXEV-READY-${ownerPid}-1795324731392 ; event --all --loop --timestamp`], { stdio: 'ignore' });
  const exited = (p: ChildProcess) => new Promise<NodeJS.Signals | null>((r) => (p.exitCode !== null || p.signalCode !== null ? r(p.signalCode) : p.once('exit', (_c, s) => r(s))));

  it('stops the watcher of a qx-node that is gone, and leaves those of live ones alone', async () => {
    // A pid above the kernel's pid_max (4194304 at most) can never be alive.
    const orphan = watcher(9_999_999);
    const ours = watcher(process.pid);
    const otherLive = watcher(process.ppid);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const reaped = reapOrphanedWatchers();
      expect(reaped).toContain(orphan.pid);
      expect(reaped).not.toContain(ours.pid);
      expect(reaped).not.toContain(otherLive.pid);
      expect(await exited(orphan)).toBe('SIGTERM');
      expect(ours.exitCode).toBeNull();
      expect(otherLive.exitCode).toBeNull();
      expect(reapOrphanedWatchers()).not.toContain(orphan.pid);
    } finally {
      for (const p of [orphan, ours, otherLive]) p.kill('SIGKILL');
    }
  });
});
