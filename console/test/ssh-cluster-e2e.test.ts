import { connect, createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@quantix/lib/audit';
import type { RegistrationToken, SshState } from '@quantix/lib/api';
import { ADMIN_PASSWORD, NodeProcess, repoRoot, waitFor } from '../../node/test/harness.ts';
import { TmuxTerminal } from './tmux.ts';

/**
 * F3 and F4 of the built console in a real terminal (tmux, 80x24, vt100) against a real qx-node
 * whose sshd listens on a free loopback port: enable SSH for 5 minutes, watch the countdown, disable
 * it; then the registration token on F4 is the one the API gives.
 */

const bundle = join(repoRoot, 'dist/qx-console.mjs');
let node: NodeProcess;
let dir: string;
let sshPort: number;
let t: TmuxTerminal;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The first bytes a server sends on a port, or null when nothing listens. */
async function banner(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (v: string | null) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(3000, () => done(null));
    socket.once('data', (d) => done(d.toString('latin1')));
    socket.once('error', () => done(null));
  });
}

const audit = (): AuditEntry[] =>
  readFileSync(join(node.dataDir, 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);

function expectScreenFits(screen: string): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
  expect(screen).toMatch(/^[\x20-\x7e\n]*$/);
}

/** "04:58 left" on the screen, in seconds. */
function secondsLeft(screen: string): number {
  const m = /\] (\d\d):(\d\d) left/.exec(screen);
  if (!m) throw new Error(`no countdown on the screen:\n${screen}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-console-e2e-ssh-'));
  sshPort = await freePort();
  node = await NodeProcess.create();
  await node.start({ QX_SSH_PORT: String(sshPort), QX_SSH_LISTEN: '127.0.0.1' });
  await node.login();
  t = await TmuxTerminal.start([process.execPath, bundle, '--node-data-dir', node.dataDir, '--state-dir', join(dir, 'state'), '--allow-exit'], {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    TERM: 'vt100',
    LANG: 'C',
  });
  await t.waitFor(/Hostname\s+\S/);
});

afterAll(async () => {
  await t?.kill();
  // A failed run must not leave sshd listening.
  await node?.client.call('PUT', '/api/v1/ssh', { mode: 'disabled' }).catch(() => undefined);
  await node?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe('F3 SSH and F4 Cluster in a real terminal', () => {
  it('F3: enable SSH for 5 minutes, see the countdown, disable it', async () => {
    await t.keys('F3');
    await t.waitFor('To change the SSH service, enter the admin password.');
    await t.type(ADMIN_PASSWORD);
    await t.keys('Enter');
    let screen = await t.waitFor(/SSH\s+Disabled/);
    expect(screen).toMatch(/New logins\s+not accepted \(SSH is disabled\)/);
    expect(screen).toContain('E  Enable SSH for 30 minutes');
    expectScreenFits(screen);
    expect(await banner(sshPort)).toBeNull();

    await t.type('5');
    await t.waitFor('E  Enable SSH for 5 minutes');
    await t.type('e');
    screen = await t.waitFor(/SSH\s+Enabled until \d\d:\d\d {2}\[[#.]{20}\] \d\d:\d\d left/);
    expect(screen).toContain('SSH enabled for 5 minutes.');
    expect(screen).toMatch(/New logins\s+accepted on port \d+ \(127\.0\.0\.1\)/);
    expectScreenFits(screen);
    const first = secondsLeft(screen);
    expect(first).toBeGreaterThan(290);
    expect(first).toBeLessThanOrEqual(300);
    const api = await node.client.get<SshState>('/api/v1/ssh');
    expect(api).toMatchObject({ mode: 'timed', accepting: true });
    expect(Math.abs(api.remainingSeconds! - first)).toBeLessThanOrEqual(3);
    expect(await banner(sshPort)).toMatch(/^SSH-2\.0-/);

    // The countdown moves with the clock.
    const later = await waitFor('the countdown to move', async () => {
      const s = await t.screen();
      return secondsLeft(s) <= first - 2 ? s : undefined;
    }, 10_000);
    expect(secondsLeft(later)).toBeGreaterThanOrEqual(first - 6);

    await t.type('d');
    screen = await t.waitFor(/SSH\s+Disabled/);
    expect(screen).toContain('SSH disabled: no new logins are accepted.');
    expect((await node.client.get<SshState>('/api/v1/ssh')).mode).toBe('disabled');
    await waitFor('sshd to stop listening', async () => (await banner(sshPort)) === null, 10_000);

    const entries = audit();
    const enable = entries.find((e) => e.action === 'ssh.enable' && e.actor.startsWith('console:'));
    expect(enable?.detail).toMatchObject({ mode: 'timed', minutes: 5 });
    expect(entries.find((e) => e.action === 'ssh.disable' && e.actor.startsWith('console:'))).toBeDefined();
    // qx-node's own entries for the same changes.
    expect(entries.filter((e) => e.actor === 'api:local-socket').map((e) => e.action)).toEqual(expect.arrayContaining(['ssh.enable', 'ssh.disable']));
  });

  it('F4: the registration token on the screen is the one the API gives, with the fingerprint', async () => {
    await t.keys('F4');
    const screen = await t.waitFor(/Token\s+QX-/);
    const api = await node.client.get<RegistrationToken>('/api/v1/registration/token');
    expect(screen).toMatch(new RegExp(`Token\\s+${api.token}`));
    expect(screen).toMatch(/Cluster\s+Standalone - this host is not in a vDC yet/);
    expect(screen).toMatch(/Expires in\s+(1:00:00|[1-5]?\d:\d\d) {2}\(at \d\d:\d\d; then a new one is made\)/);
    const bytes = api.fingerprint256!.split(':');
    expect(screen).toContain(`  ${bytes.slice(0, 16).join(':')}`);
    expect(screen).toContain(`  ${bytes.slice(16).join(':')}`);
    expect(screen).toContain('Join a vDC');
    expectScreenFits(screen);
  });
});
