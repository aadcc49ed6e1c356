import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '@quantix/lib/audit';
import { ApiError } from '@quantix/lib/errors';
import type { SshdControl } from './sshd-process.ts';
import { SshService } from './ssh-service.ts';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const MIN = 60_000;

/** Stands in for sshd: records what the service asks of it. */
class FakeSshd implements SshdControl {
  pid: number | null = null;
  ensured: { config: string; deadline: number | null }[] = [];
  stops = 0;
  failEnsure: Error | null = null;

  running() {
    return this.pid;
  }
  async ensureHostKeys() {}
  async cancelHostKeys() {}
  async ensure(config: string, deadline: number | null) {
    if (this.failEnsure) throw this.failEnsure;
    const last = this.ensured.at(-1);
    const restarted = this.pid !== null && (last?.config !== config || last?.deadline !== deadline);
    this.ensured.push({ config, deadline });
    this.pid ??= 4242;
    return { pid: this.pid, restarted };
  }
  async stop() {
    this.stops++;
    const was = this.pid !== null;
    this.pid = null;
    return was;
  }
}

let dir: string;
let clock: { t: number };
let audit: AuditLog;
let lines: string[];

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  dir = await mkdtemp(join(tmpdir(), 'qx-ssh-'));
  clock = { t: T0 };
  audit = new AuditLog(join(dir, 'audit.log'));
  lines = [];
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

function open(sshd: FakeSshd) {
  return SshService.openWith(
    { dir: join(dir, 'ssh'), port: 2222, listen: '127.0.0.1', sshdPath: '/usr/sbin/sshd', audit, log: (l) => lines.push(l), now: () => clock.t },
    { control: sshd, minuteMs: MIN },
  );
}

const saved = async () => JSON.parse(await readFile(join(dir, 'ssh/state.json'), 'utf8'));
const actions = async () => (await audit.tail()).map((e) => e.action);

/** Moves the clock and the timers together. */
async function advance(ms: number) {
  clock.t += ms;
  await vi.advanceTimersByTimeAsync(ms);
}

/** What the window timer began (file writes, the audit entry) has finished. */
const expired = () => vi.waitFor(async () => expect(await actions()).toContain('ssh.window.expired'));

describe('SshService', () => {
  it('starts disabled, and makes sure no sshd of ours is left running', async () => {
    const sshd = new FakeSshd();
    sshd.pid = 777; // left over from before
    const ssh = await open(sshd);
    expect(sshd.stops).toBe(1);
    expect(ssh.state()).toMatchObject({ mode: 'disabled', accepting: false, enabledUntil: null, remainingSeconds: null, port: 2222, listen: ['127.0.0.1'] });
    await ssh.close();
  });

  it('opens a window, closes it with one timer, and audits both', async () => {
    const sshd = new FakeSshd();
    const ssh = await open(sshd);
    const state = await ssh.update({ mode: 'timed', minutes: 5, idleTimeoutMinutes: 10 }, 'api:session:abc');
    expect(state).toMatchObject({ mode: 'timed', accepting: true, remainingSeconds: 300, idleTimeoutMinutes: 10, changedBy: 'api:session:abc' });
    expect(sshd.ensured).toHaveLength(1);
    expect(sshd.ensured[0]!.deadline).toBe(T0 + 5 * MIN);
    expect(sshd.ensured[0]!.config).toContain('ChannelTimeout session:*=600s');
    expect(await saved()).toMatchObject({ mode: 'timed', enabledUntil: '2026-11-21T10:05:00.000Z', minutes: 5 });
    expect(vi.getTimerCount()).toBe(1);

    await advance(4 * MIN);
    expect(ssh.state()).toMatchObject({ mode: 'timed', accepting: true, remainingSeconds: 60 });
    await advance(MIN);
    await expired();
    expect(ssh.state()).toMatchObject({ mode: 'disabled', accepting: false, changedBy: 'qx-node' });
    expect(sshd.stops).toBe(2);
    expect(await saved()).toMatchObject({ mode: 'disabled', enabledUntil: null });
    expect(vi.getTimerCount()).toBe(0);
    const entries = await audit.tail();
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['api:session:abc', 'ssh.enable'],
      ['qx-node', 'ssh.window.expired'],
    ]);
    expect(entries[0]!.detail).toEqual({ mode: 'timed', minutes: 5, enabledUntil: '2026-11-21T10:05:00.000Z', idleTimeoutMinutes: 10, previousMode: 'disabled' });
    expect(entries[1]!.detail).toEqual({ mode: 'disabled', minutes: 5, enabledUntil: '2026-11-21T10:05:00.000Z', idleTimeoutMinutes: 10 });
    await ssh.close();
  });

  it('after a restart inside the window keeps sshd and re-arms the timer for the rest', async () => {
    const first = new FakeSshd();
    const before = await open(first);
    await before.update({ mode: 'timed', minutes: 10 }, 'a');
    await before.close();

    clock.t += 4 * MIN;
    const sshd = new FakeSshd();
    sshd.pid = first.pid; // sshd outlived qx-node
    const ssh = await open(sshd);
    expect(ssh.state()).toMatchObject({ mode: 'timed', accepting: true, remainingSeconds: 360 });
    expect(sshd.ensured[0]!.deadline).toBe(T0 + 10 * MIN);
    expect(sshd.stops).toBe(0);
    await advance(6 * MIN);
    await expired();
    expect(ssh.state()).toMatchObject({ mode: 'disabled', accepting: false });
    expect(await actions()).toEqual(['ssh.enable', 'ssh.window.expired']);
    await ssh.close();
  });

  it('after a restart past the window stops sshd and records the expiry', async () => {
    const first = new FakeSshd();
    const before = await open(first);
    await before.update({ mode: 'timed', minutes: 5 }, 'a');
    await before.close();

    clock.t += 60 * MIN;
    const sshd = new FakeSshd();
    sshd.pid = 4242;
    const ssh = await open(sshd);
    expect(sshd.stops).toBe(1);
    expect(sshd.ensured).toHaveLength(0);
    expect(ssh.state()).toMatchObject({ mode: 'disabled', accepting: false, changedBy: 'qx-node' });
    expect(await actions()).toEqual(['ssh.enable', 'ssh.window.expired']);
    expect(vi.getTimerCount()).toBe(0);
    await ssh.close();
  });

  it('keeps permanent across restarts and disables on request', async () => {
    const sshd = new FakeSshd();
    const ssh = await open(sshd);
    await ssh.update({ mode: 'permanent' }, 'a');
    expect(sshd.ensured[0]!.deadline).toBeNull();
    expect(sshd.ensured[0]!.config).not.toContain('ChannelTimeout');
    await ssh.close();

    const again = await open(sshd);
    expect(again.state()).toMatchObject({ mode: 'permanent', accepting: true, remainingSeconds: null });
    expect(sshd.ensured).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);

    expect(await again.update({ mode: 'permanent', idleTimeoutMinutes: 3 }, 'b')).toMatchObject({ idleTimeoutMinutes: 3, accepting: true });
    expect(sshd.ensured.at(-1)!.config).toContain('ChannelTimeout session:*=180s');
    expect(await again.update({ mode: 'permanent' }, 'b')).toMatchObject({ mode: 'permanent' }); // no change: no entry
    expect(await again.update({ mode: 'disabled' }, 'c')).toMatchObject({ mode: 'disabled', accepting: false, changedBy: 'c' });
    expect(await actions()).toEqual(['ssh.enable', 'ssh.idle-timeout.change', 'ssh.disable']);
    await again.close();
  });

  it('leaves the state as it was when sshd cannot start', async () => {
    const sshd = new FakeSshd();
    const ssh = await open(sshd);
    sshd.failEnsure = new ApiError('SSHD_FAILED', 'sshd could not listen on 127.0.0.1 port 2222: the port is in use');
    await expect(ssh.update({ mode: 'permanent' }, 'a')).rejects.toMatchObject({ code: 'SSHD_FAILED', status: 500 });
    expect(ssh.state()).toMatchObject({ mode: 'disabled', accepting: false });
    expect(await actions()).toEqual([]);
    await ssh.close();
  });

  it('does not fail to open when sshd cannot start; it says why in the log', async () => {
    const first = new FakeSshd();
    const before = await open(first);
    await before.update({ mode: 'permanent' }, 'a');
    await before.close();

    const sshd = new FakeSshd();
    sshd.failEnsure = new Error('sshd was not found at /usr/sbin/sshd');
    const ssh = await open(sshd);
    expect(ssh.state()).toMatchObject({ mode: 'permanent', accepting: false });
    expect(lines.join('\n')).toMatch(/could not bring sshd in line with "permanent": sshd was not found/);
    await ssh.close();
  });

  it('treats a damaged state file as disabled', async () => {
    const sshd = new FakeSshd();
    await (await open(sshd)).close();
    await writeFile(join(dir, 'ssh/state.json'), '{"mode":');
    sshd.pid = 99;
    const ssh = await open(sshd);
    expect(ssh.state()).toMatchObject({ mode: 'disabled', accepting: false });
    expect(lines.join('\n')).toMatch(/damaged/);
    await ssh.close();
  });

  it('runs one change at a time', async () => {
    const sshd = new FakeSshd();
    const ssh = await open(sshd);
    const results = await Promise.all([
      ssh.update({ mode: 'permanent' }, 'a'),
      ssh.update({ mode: 'disabled' }, 'b'),
      ssh.update({ mode: 'timed', minutes: 5 }, 'c'),
    ]);
    expect(results.map((r) => r.mode)).toEqual(['permanent', 'disabled', 'timed']);
    expect(await actions()).toEqual(['ssh.enable', 'ssh.disable', 'ssh.enable']);
    await ssh.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
