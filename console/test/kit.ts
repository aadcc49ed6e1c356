import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor, type NodeProcess } from '../../node/test/harness.ts';

/** What the console's end-to-end tests share: the console's environment, and the clean-up after them. */

/**
 * The environment of a console under test: a terminal type, and what a qx-node the console starts
 * itself (F6/M) needs to find the harness's pool, on any port. No QX_ADMIN_PASSWORD.
 */
export function consoleEnv(node: NodeProcess, term: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    TERM: term,
    LANG: term === 'vt100' ? 'C' : 'C.UTF-8',
    QX_PORT: '0',
    QX_POOL_NAME: node.poolName,
  };
}

/**
 * After the tests: the qx-node the console may have started (F6/M) is not the harness's, so it is
 * stopped by its pid file; then the harness's node, then the test's directory.
 */
export async function cleanUpConsoleTest(node: NodeProcess | undefined, dir: string | undefined): Promise<void> {
  const pidFile = node ? join(node.dataDir, 'qx-node.pid') : null;
  if (pidFile && existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      process.kill(pid, 'SIGTERM');
      await waitFor('qx-node to stop', async () => !existsSync(pidFile), 20_000).catch(() => process.kill(pid, 'SIGKILL'));
    } catch {
      // already gone
    }
  }
  await node?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
