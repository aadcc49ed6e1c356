import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeProcess, bundle } from './harness.ts';

let node: NodeProcess;

beforeAll(async () => {
  node = await NodeProcess.create();
});
afterAll(async () => node?.destroy());

function setPassword(password: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [bundle, 'set-password', '--data-dir', node.dataDir], { timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(Object.assign(err, { stdout, stderr })) : resolve({ stdout, stderr }),
    );
    child.stdin!.end(`${password}\n`);
  });
}

describe('qx-node set-password', () => {
  it('writes a scrypt hash to the store when no daemon runs, never the password', async () => {
    const { stdout } = await setPassword('offline-secret-1');
    expect(stdout).toContain('Admin password set');
    const stored = readFileSync(join(node.dataDir, 'node.json'), 'utf8');
    expect(stored).toMatch(/"passwordHash": "scrypt\$/);
    expect(stored).not.toContain('offline-secret-1');
  });

  it('refuses a weak password', async () => {
    const err = (await setPassword('weak').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('use at least 8 characters');
  });

  it('on a terminal asks twice and never echoes the password', async () => {
    const session = `qx-itest-pw-${process.pid}`;
    const tmux = (...args: string[]) => promisify(execFile)('tmux', args, { timeout: 10_000 });
    // The trailing sleep keeps the pane open after the command ends, so its last screen can be read.
    const command = `'${process.execPath}' '${bundle}' set-password --data-dir '${node.dataDir}'; sleep 30`;
    await tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '10', 'sh', '-c', command);
    try {
      const screen = async () => (await tmux('capture-pane', '-p', '-t', session)).stdout;
      const waitScreen = async (text: string) => {
        for (let i = 0; i < 100 && !(await screen()).includes(text); i++) await new Promise((r) => setTimeout(r, 100));
        return screen();
      };
      await waitScreen('New admin password:');
      await tmux('send-keys', '-t', session, 'tty-secret-9', 'Enter');
      await waitScreen('Repeat it:');
      await tmux('send-keys', '-t', session, 'tty-secret-9', 'Enter');
      const text = await waitScreen('Admin password set');
      expect(text).toContain('Admin password set');
      expect(text).not.toContain('tty-secret-9');
    } finally {
      await tmux('kill-session', '-t', session).catch(() => undefined);
    }
    expect(readFileSync(join(node.dataDir, 'node.json'), 'utf8')).not.toContain('tty-secret-9');
  });

  it('goes through the running daemon, so the daemon uses the new password at once', async () => {
    await node.start({ QX_ADMIN_PASSWORD: '' });
    await node.client.login('tty-secret-9');
    const { stdout } = await setPassword('online-secret-2');
    expect(stdout).toContain('through the running qx-node');
    await expect(node.client.get('/api/v1/vms')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await node.client.login('online-secret-2');
    await expect(node.client.get('/api/v1/vms')).resolves.toEqual({ items: [] });
  });
});
