import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@quantix/lib/audit';
import { ApiCallError, NodeClient } from '@quantix/lib/client';
import { NodeProcess, repoRoot, waitFor } from '../../node/test/harness.ts';
import { cleanUpConsoleTest, consoleEnv } from './kit.ts';
import { TmuxTerminal } from './tmux.ts';

/**
 * A fresh appliance: qx-node has no admin password and the operator is at the console. A protected
 * screen offers to set the password there; the console sets it through qx-node's unix socket (starting
 * qx-node first when it is down), and the real qx-node then accepts the new password.
 */

const bundle = join(repoRoot, 'dist/qx-console.mjs');
const NEW_PASSWORD = 'kettle-orbit-7';
let node: NodeProcess;
let dir: string;
let t: TmuxTerminal;

const audit = (): AuditEntry[] =>
  existsSync(join(node.dataDir, 'audit.log'))
    ? readFileSync(join(node.dataDir, 'audit.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as AuditEntry)
    : [];

const storedHash = (): string | null => {
  const file = join(node.dataDir, 'node.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { admin: { passwordHash: string | null } }).admin.passwordHash : null;
};

function expectScreenFits(screen: string): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
  expect(screen).toMatch(/^[\x20-\x7e\n]*$/);
}

const openConsole = () =>
  TmuxTerminal.start([process.execPath, bundle, '--allow-exit', '--node-data-dir', node.dataDir, '--state-dir', join(dir, 'state')], consoleEnv(node, 'vt100'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-console-first-pw-'));
  node = await NodeProcess.create();
});

afterAll(async () => {
  await t?.kill();
  await cleanUpConsoleTest(node, dir);
});

describe('the first admin password, set at the console (TERM=vt100, 80x24)', () => {
  it('qx-node with no password refuses to set one over TCP without auth', async () => {
    await node.start({ QX_ADMIN_PASSWORD: '' });
    expect(storedHash()).toBeNull();
    const err = await node.client.post('/api/v1/auth/password', { newPassword: 'tcp-attacker-1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).code).toBe('UNAUTHENTICATED');
    expect(storedHash()).toBeNull();
    await node.stop();
    node.proc = null;
  });

  it('offers to set the password on a protected screen; qx-node down is said plainly, nothing is written', async () => {
    t = await openConsole();
    await t.waitFor('qx-node is not running');
    await t.keys('F3');
    const offer = await t.waitFor('No admin password is set on this host.');
    expect(offer).toContain('To change the SSH service, set the admin password first.');
    expect(offer).toContain('Enter/S Set password');
    await t.waitFor('M Start qx-node');
    expectScreenFits(await t.screen());
    await t.type('s');
    await t.waitFor(/New password: +\|/);
    await t.type(NEW_PASSWORD);
    await t.keys('Enter');
    await t.waitFor(/Repeat it: +\|/);
    await t.type(NEW_PASSWORD);
    await t.keys('Enter');
    const down = await t.waitFor('qx-node is not running: start it with F6/M, then try again.');
    expect(down).not.toContain(NEW_PASSWORD);
    expect(storedHash()).toBeNull();
  });

  it('M starts qx-node; the rules and the repeat are enforced; then the screen asked for opens', async () => {
    await t.type('m');
    await t.waitFor('qx-node is running. Set the admin password now.', 90_000);
    await t.type('s');
    await t.waitFor('At least 8 characters (at most 1024), at least 4 different ones.');
    await t.type('abcabc');
    await t.keys('Enter');
    await t.waitFor('Too weak: at least 8 characters; at least 4 different characters.');
    await t.type(NEW_PASSWORD);
    await t.keys('Enter');
    await t.type(`${NEW_PASSWORD}x`);
    await t.keys('Enter');
    await t.waitFor('The two passwords differ. Type the new password again.');
    await t.type(NEW_PASSWORD);
    await t.keys('Enter');
    await t.waitFor(/Repeat it: +\|/);
    const typed = await t.screen();
    expect(typed).not.toContain(NEW_PASSWORD.slice(0, 5));
    expect(typed).not.toMatch(/\*\*\*/);
    await t.type(NEW_PASSWORD);
    await t.keys('Enter');
    // Authenticated: the SSH screen itself.
    const ssh = await t.waitFor(/ - SSH /, 20_000);
    expect(ssh).not.toContain('admin password');
    expect(ssh).not.toContain(NEW_PASSWORD);
    expectScreenFits(ssh);
  });

  it('the real qx-node now takes the new password, over its socket; the console audited it', async () => {
    expect(storedHash()).toMatch(/^scrypt\$/);
    const client = new NodeClient({ socketPath: node.socketPath });
    try {
      const wrong = await client.post('/api/v1/auth/login', { password: 'not-it-at-all' }).catch((e: unknown) => e);
      expect((wrong as ApiCallError).code).toBe('LOGIN_FAILED');
      const { token } = await client.post<{ token: string }>('/api/v1/auth/login', { password: NEW_PASSWORD });
      expect(token).toMatch(/^qxs_/);
    } finally {
      await client.close();
    }
    const entries = audit();
    const set = entries.find((e) => e.action === 'auth.password.set');
    expect(set).toMatchObject({ detail: { for: 'ssh', result: 'ok' } });
    expect(set?.actor).toMatch(/^console:(pts\/\d+|tty\w+)$/);
    expect(entries.find((e) => e.action === 'auth.password.set_failed')).toMatchObject({ actor: set?.actor, detail: { for: 'ssh', result: 'node-down' } });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['services.start', 'services.start.done']));
    expect(JSON.stringify(entries)).not.toContain(NEW_PASSWORD);
  });

  it('a console started afresh asks for the password that was set, and takes it', async () => {
    await t.keys('C-c');
    await waitFor('the console to exit', () => t.paneDead(), 10_000);
    await t.kill();
    t = await openConsole();
    await t.waitFor(/Hostname\s+\S/);
    await t.type('s');
    await t.waitFor('To change the SSH service, enter the admin password.');
    await t.type(NEW_PASSWORD);
    await t.keys('Enter');
    await t.waitFor(/ - SSH /);
    expect(audit().filter((e) => e.action === 'console.auth').at(-1)).toMatchObject({ detail: { for: 'ssh', result: 'ok' } });
    await t.keys('C-c');
    await waitFor('the console to exit', () => t.paneDead(), 10_000);
  });
});
