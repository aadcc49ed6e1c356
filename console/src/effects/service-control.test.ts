import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessServiceControl, socketAnswers } from './service-control.ts';

/**
 * A stand-in daemon that behaves like qx-node towards a supervisor: pid file, unix socket,
 * SIGTERM removes both and exits. Its path holds "qx-node" like the real one's command line.
 */
const daemon = `
import { createServer } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
const [sock, pidFile] = process.argv.slice(2);
rmSync(sock, { force: true });
const server = createServer((c) => c.end());
server.listen(sock, () => { writeFileSync(pidFile, process.pid + '\\n'); console.log('listening', process.env.QX_MARK); });
process.on('SIGTERM', () => { server.close(); rmSync(pidFile, { force: true }); process.exit(0); });
`;

let dir: string;
let control: ProcessServiceControl;
const pids: number[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-console-svc-'));
  await writeFile(join(dir, 'fake-qx-node.mjs'), daemon);
  control = new ProcessServiceControl({
    pidFile: join(dir, 'qx-node.pid'),
    socketPath: join(dir, 'qx-node.sock'),
    command: [process.execPath, join(dir, 'fake-qx-node.mjs'), join(dir, 'qx-node.sock'), join(dir, 'qx-node.pid')],
    env: { ...process.env, QX_MARK: 'from-console' },
    outputFile: join(dir, 'console/qx-node.out.log'),
    startTimeoutMs: 10_000,
  });
});
afterAll(async () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe('ProcessServiceControl (no systemd)', () => {
  it('starts qx-node when it is down, detached, with the given environment', async () => {
    expect(await control.status()).toEqual({ running: false, pid: null, manager: 'process' });
    const steps: string[] = [];
    const st = await control.restart((s) => steps.push(s));
    expect(steps).toEqual(['starting qx-node', 'waiting for the API socket']);
    expect(st.running).toBe(true);
    expect(st.pid).toBeGreaterThan(1);
    pids.push(st.pid!);
    expect(await readFile(join(dir, 'console/qx-node.out.log'), 'utf8')).toContain('listening from-console');
  });

  it('restarts a running one: SIGTERM to the pid in its pid file, then a new process', async () => {
    const before = (await control.status()).pid!;
    const steps: string[] = [];
    const st = await control.restart((s) => steps.push(s));
    pids.push(st.pid!);
    expect(steps[0]).toBe(`stopping qx-node (pid ${before})`);
    expect(st.running).toBe(true);
    expect(st.pid).not.toBe(before);
    expect(() => process.kill(before, 0)).toThrow();
  });

  it('a stale pid file of another process is not trusted', async () => {
    const current = (await control.status()).pid!;
    process.kill(current, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    // pid 1 and our own pid are alive but are no qx-node.
    await writeFile(join(dir, 'qx-node.pid'), `${process.pid}\n`);
    expect(await control.status()).toMatchObject({ running: false, pid: null });
    const st = await control.restart(() => undefined);
    pids.push(st.pid!);
    expect(st.running).toBe(true);
  });

  it('a daemon that dies at start is reported with SERVICE_START_FAILED', async () => {
    const broken = new ProcessServiceControl({
      pidFile: join(dir, 'none.pid'),
      socketPath: join(dir, 'none.sock'),
      command: [process.execPath, '-e', 'process.exit(4)'],
      env: process.env,
      outputFile: join(dir, 'broken.log'),
      startTimeoutMs: 5000,
    });
    await expect(broken.restart(() => undefined)).rejects.toMatchObject({ code: 'SERVICE_START_FAILED', message: expect.stringMatching(/exit code 4/) });
    expect(existsSync(join(dir, 'none.sock'))).toBe(false);
    expect(await socketAnswers(join(dir, 'none.sock'))).toBe(false);
  });
});
