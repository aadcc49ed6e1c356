import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SshState } from '@quantix/lib/api';
import { NodeProcess, sleep, waitFor } from './harness.ts';

const run = promisify(execFile);

/** QX_SSH_TEST_MINUTE_SECONDS: a "minute" of 3 s makes the shortest window (5 minutes) 15 s. */
const MINUTE_S = 3;

let node: NodeProcess;
let port: number;
let clientDir: string;
let key: string;
const clients = new Set<ChildProcess>();

const nodeEnv = () => ({ QX_SSH_PORT: String(port), QX_SSH_LISTEN: '127.0.0.1', QX_SSH_TEST_MINUTE_SECONDS: String(MINUTE_S) });
const sshDir = () => join(node.dataDir, 'ssh');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: p } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return p;
}

/** Root's, and not group- or world-writable: what sshd's StrictModes wants of every directory above authorized_keys. */
function strictModesSafe(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st || st.uid !== 0 || (st.mode & 0o022) !== 0) return false;
    if (dir === '/') return true;
  }
}

/**
 * The node's data directory holds the authorized_keys that sshd reads (<data-dir>/ssh/
 * authorized_keys); StrictModes refuses it below /tmp (mode 1777), so the node goes under /run
 * unless the temp directory itself is safe.
 */
async function createNode(): Promise<NodeProcess> {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = [tmpdir(), '/run'].find(strictModesSafe) ?? '/run';
  try {
    return await NodeProcess.create();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

function sshArgs(extra: string[] = []): string[] {
  return [
    '-i', key, '-p', String(port),
    '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=5', '-o', 'IdentitiesOnly=yes',
    ...extra, 'root@127.0.0.1',
  ];
}

/** One ssh command to completion; never throws. */
async function ssh(command: string, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('ssh', [...sshArgs(extra), command], { timeout: 30_000 });
    return { code: 0, stdout: stdout.trim(), stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: (e.stdout ?? '').trim(), stderr: e.stderr ?? '' };
  }
}

function spawnClient(args: string[]): ChildProcess {
  const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  clients.add(child);
  child.once('exit', () => clients.delete(child));
  return child;
}

/** An interactive session running `cat` on the host: what we write comes back while it lives. */
class CatSession {
  readonly proc: ChildProcess;
  out = '';
  constructor() {
    this.proc = spawnClient([...sshArgs(), 'cat']);
    this.proc.stdout!.on('data', (d) => (this.out += d));
    this.proc.stderr!.on('data', (d) => (this.out += d));
  }
  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  async echo(text: string): Promise<void> {
    this.proc.stdin!.write(`${text}\n`);
    await waitFor(`"${text}" back over ssh`, async () => this.out.includes(text) || !this.alive, 15_000);
    if (!this.out.includes(text)) throw new Error(`the session ended before echoing "${text}": ${this.out}`);
  }
}

async function getSsh(): Promise<SshState> {
  return node.client.get<SshState>('/api/v1/ssh');
}
async function putSsh(body: unknown): Promise<SshState> {
  return (await node.client.call<SshState>('PUT', '/api/v1/ssh', body)).body;
}

function sshdPid(): number | null {
  try {
    return Number(readFileSync(join(sshDir(), 'sshd.pid'), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** Every process whose command line names this node's sshd_config: the listener and its `timeout` guard. */
function ourSshdProcesses(): number[] {
  const marker = join(sshDir(), 'sshd_config');
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

async function auditActions(): Promise<{ actor: string; action: string; detail: Record<string, unknown> }[]> {
  const text = await readFile(join(node.dataDir, 'audit.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { actor: string; action: string; detail: Record<string, unknown> })
    .filter((e) => e.action.startsWith('ssh.'));
}

/** The harness waits for an exit that already happened when a killed node is stopped again. */
function alreadyDead(): boolean {
  return !node.proc || node.proc.exitCode !== null || node.proc.signalCode !== null;
}

/** kill -9 (unless it is down already), start again, log in again. */
async function restartNode(): Promise<void> {
  if (!alreadyDead()) await node.kill9();
  await node.start(nodeEnv());
  await node.login();
}

async function killClients(): Promise<void> {
  for (const child of [...clients]) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

beforeAll(async () => {
  port = await freePort();
  node = await createNode();
  clientDir = await mkdtemp(join(tmpdir(), 'qx-ssh-client-'));
  key = join(clientDir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'qx-itest', '-f', key]);
  await mkdir(sshDir(), { recursive: true, mode: 0o700 });
  await copyFile(`${key}.pub`, join(sshDir(), 'authorized_keys'));
  await chmod(join(sshDir(), 'authorized_keys'), 0o600);
  await node.start(nodeEnv());
  await node.login();
});

afterEach(async () => {
  await killClients();
});

afterAll(async () => {
  await killClients();
  try {
    // Whatever happened, no sshd of this test outlives it: each one by its pid.
    for (const pid of ourSshdProcesses()) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await waitFor('sshd to stop', async () => ourSshdProcesses().length === 0, 10_000).catch(() => {
      for (const pid of ourSshdProcesses()) process.kill(pid, 'SIGKILL');
    });
  } finally {
    if (node && alreadyDead()) node.proc = null;
    await node?.destroy();
    await rm(clientDir, { recursive: true, force: true });
  }
});

describe('SSH service', () => {
  it('starts disabled and refuses what the schema refuses', async () => {
    expect(await getSsh()).toMatchObject({
      mode: 'disabled',
      enabledUntil: null,
      remainingSeconds: null,
      idleTimeoutMinutes: 0,
      accepting: false,
      listen: ['127.0.0.1'],
      port,
    });
    expect(await ssh('echo ok')).toMatchObject({ code: 255, stderr: expect.stringMatching(/Connection refused/) });
    for (const body of [{ mode: 'timed' }, { mode: 'timed', minutes: 3 }, { mode: 'timed', minutes: 121 }, { mode: 'permanent', minutes: 10 }, { mode: 'on' }, { mode: 'permanent', idleTimeoutMinutes: -1 }]) {
      await expect(putSsh(body), JSON.stringify(body)).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await getSsh()).accepting).toBe(false);
  });

  it('a timed window: logins while it is open; after it, no new logins but open sessions go on', async () => {
    const t0 = performance.now();
    const state = await putSsh({ mode: 'timed', minutes: 5 });
    const enableMs = performance.now() - t0;
    expect(state).toMatchObject({ mode: 'timed', accepting: true });
    expect(state.remainingSeconds).toBeGreaterThan(5 * MINUTE_S - 3);
    expect(state.remainingSeconds).toBeLessThanOrEqual(5 * MINUTE_S);
    const pid = sshdPid()!;
    console.log(`[measure] enable timed (first, host keys possibly still generating): ${enableMs.toFixed(0)} ms; sshd listener RSS ${rssKiB(pid)} KiB`);

    expect(await ssh('echo ok')).toMatchObject({ code: 0, stdout: 'ok' });

    const session = new CatSession();
    await session.echo('before-expiry');
    const control = join(clientDir, 'cm');
    const master = spawnClient(sshArgs(['-M', '-S', control, '-N']));
    const check = () => run('ssh', ['-S', control, '-O', 'check', '-p', String(port), 'root@127.0.0.1'], { timeout: 10_000 }).then(() => true, () => false);
    await waitFor('the control master', async () => (await check()) || master.exitCode !== null, 15_000);
    expect(master.exitCode).toBeNull();

    const ended = await waitFor('the window to end', async () => {
      const s = await getSsh();
      return s.mode === 'disabled' ? s : undefined;
    }, 5 * MINUTE_S * 1000 + 15_000);
    expect(ended).toMatchObject({ mode: 'disabled', accepting: false, enabledUntil: null, changedBy: 'qx-node' });
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(state.enabledUntil!));
    expect(sshdPid()).toBeNull();

    // No new logins: nothing listens any more.
    expect(await ssh('echo ok')).toMatchObject({ code: 255, stderr: expect.stringMatching(/Connection refused/) });
    // The open session goes on, and the open connection still carries new commands.
    await session.echo('after-expiry');
    expect(await ssh('echo via-open-connection', ['-S', control, '-o', 'ControlMaster=no'])).toMatchObject({ code: 0, stdout: 'via-open-connection' });

    const entries = await auditActions();
    expect(entries.map((e) => [e.actor.split(':')[0], e.action])).toEqual([
      ['api', 'ssh.enable'],
      ['qx-node', 'ssh.window.expired'],
    ]);
    expect(entries[0]!.detail).toMatchObject({ mode: 'timed', minutes: 5, enabledUntil: state.enabledUntil, idleTimeoutMinutes: 0 });
  });

  it('permanent survives kill -9 of qx-node and its restart; disable stops new logins at once', async () => {
    const t0 = performance.now();
    expect(await putSsh({ mode: 'permanent' })).toMatchObject({ mode: 'permanent', accepting: true, enabledUntil: null });
    const enableMs = performance.now() - t0;
    const pid = sshdPid()!;
    console.log(`[measure] enable permanent (host keys present): ${enableMs.toFixed(0)} ms; sshd listener RSS ${rssKiB(pid)} KiB`);

    await node.kill9();
    expect(await ssh('echo while-qx-node-is-down')).toMatchObject({ code: 0, stdout: 'while-qx-node-is-down' });
    await restartNode();
    expect(await getSsh()).toMatchObject({ mode: 'permanent', accepting: true });
    expect(sshdPid()).toBe(pid); // the same sshd, found again through its PidFile
    expect(await ssh('echo ok')).toMatchObject({ code: 0, stdout: 'ok' });

    const session = new CatSession();
    await session.echo('before-disable');
    const t1 = performance.now();
    expect(await putSsh({ mode: 'disabled' })).toMatchObject({ mode: 'disabled', accepting: false });
    console.log(`[measure] disable: ${(performance.now() - t1).toFixed(0)} ms`);
    expect(await ssh('echo ok')).toMatchObject({ code: 255, stderr: expect.stringMatching(/Connection refused/) });
    await session.echo('after-disable');
    expect(ourSshdProcesses()).toEqual([]);
  });

  it('a timed window keeps its end across a restart of qx-node', async () => {
    const state = await putSsh({ mode: 'timed', minutes: 5 });
    const pid = sshdPid()!;
    await node.kill9();
    await sleep(1500);
    await restartNode();
    const after = await getSsh();
    expect(after).toMatchObject({ mode: 'timed', accepting: true, enabledUntil: state.enabledUntil });
    expect(after.remainingSeconds!).toBeLessThan(state.remainingSeconds!);
    expect(after.remainingSeconds!).toBeGreaterThan(0);
    expect(sshdPid()).toBe(pid);
    expect(await ssh('echo ok')).toMatchObject({ code: 0, stdout: 'ok' });
    expect(await putSsh({ mode: 'disabled' })).toMatchObject({ mode: 'disabled', accepting: false });
  });

  it('a window that ends while qx-node is down: sshd stops by itself, qx-node records it when back', async () => {
    const before = (await auditActions()).length;
    const state = await putSsh({ mode: 'timed', minutes: 5 });
    const session = new CatSession();
    await session.echo('before');
    await node.kill9();

    await waitFor('sshd to stop at the end of the window', async () => sshdPid() === null && ourSshdProcesses().length === 0, 5 * MINUTE_S * 1000 + 10_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(state.enabledUntil!) - 1000);
    expect(await ssh('echo ok')).toMatchObject({ code: 255, stderr: expect.stringMatching(/Connection refused/) });
    await session.echo('after');

    await restartNode();
    expect(await getSsh()).toMatchObject({ mode: 'disabled', accepting: false, changedBy: 'qx-node' });
    const entries = (await auditActions()).slice(before);
    expect(entries.map((e) => [e.actor.split(':')[0], e.action])).toEqual([
      ['api', 'ssh.enable'],
      ['qx-node', 'ssh.window.expired'],
    ]);
  });

  it('the idle timeout closes sessions without traffic and keeps busy ones', async () => {
    expect(await putSsh({ mode: 'permanent', idleTimeoutMinutes: 1 })).toMatchObject({ mode: 'permanent', idleTimeoutMinutes: 1, accepting: true });
    expect(readFileSync(join(sshDir(), 'sshd_config'), 'utf8')).toContain(`ChannelTimeout session:*=${MINUTE_S}s`);

    const started = performance.now();
    const idle = spawnClient([...sshArgs(), 'sleep 60']);
    const busy = new CatSession();
    const idleEnded = new Promise<number>((r) => idle.once('exit', () => r(performance.now() - started)));
    for (let i = 0; i < 4 * MINUTE_S; i++) {
      await busy.echo(`tick-${i}`);
      await sleep(1000);
    }
    const idleMs = await Promise.race([idleEnded, sleep(10_000).then(() => NaN)]);
    console.log(`[measure] idle session closed after ${idleMs.toFixed(0)} ms (idle timeout ${MINUTE_S} s)`);
    expect(idleMs).toBeGreaterThan(MINUTE_S * 1000 - 1000);
    expect(idleMs).toBeLessThan(MINUTE_S * 1000 * 3);
    expect(busy.alive).toBe(true);

    expect(await putSsh({ mode: 'disabled', idleTimeoutMinutes: 0 })).toMatchObject({ mode: 'disabled', idleTimeoutMinutes: 0, accepting: false });
    expect((await auditActions()).slice(-2).map((e) => e.action)).toEqual(['ssh.enable', 'ssh.disable']);
  });
});
