import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { NodeClient } from '@quantix/lib/client';
import type { Job } from '@quantix/lib/api';

const run = promisify(execFile);
export const repoRoot = resolve(import.meta.dirname, '../..');
export const bundle = join(repoRoot, 'dist/qx-node.mjs');
export const guest = {
  kernel: join(repoRoot, 'var/cache/test-guest/vmlinux'),
  initrd: join(repoRoot, 'var/cache/test-guest/initramfs.gz'),
  marker: 'QX-TEST-GUEST-READY',
};
export const ADMIN_PASSWORD = 'integration-secret-1';

export async function virsh(...args: string[]): Promise<string> {
  const { stdout } = await run('virsh', ['-c', 'qemu:///system', ...args], { timeout: 60_000 });
  return stdout.trim();
}

export async function domstate(name: string): Promise<string> {
  return virsh('domstate', name).catch(() => 'absent');
}

/** A real qx-node process from the built bundle, in its own data directory and libvirt pool. */
export class NodeProcess {
  proc: ChildProcess | null = null;
  url = '';
  output = '';
  client!: NodeClient;
  readonly poolName = `qx-itest-${randomBytes(3).toString('hex')}`;

  private constructor(readonly dataDir: string) {}

  static async create(): Promise<NodeProcess> {
    return new NodeProcess(await mkdtemp(join(tmpdir(), 'qx-itest-')));
  }

  get socketPath(): string {
    return join(this.dataDir, 'qx-node.sock');
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.output = '';
    const proc = spawn(process.execPath, [bundle], {
      env: {
        PATH: process.env.PATH,
        QX_DATA_DIR: this.dataDir,
        QX_PORT: '0',
        QX_POOL_NAME: this.poolName,
        QX_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.url = await untilListening(proc, (text) => (this.output += text), () => this.output);
    const ca = this.url.startsWith('https') ? readFileSync(join(this.dataDir, 'tls/node.crt'), 'utf8') : undefined;
    this.client = new NodeClient({ url: this.url, ca });
  }

  /** kill -9: the daemon gets no chance to clean up. */
  async kill9(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
    await this.client?.close();
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    await this.client?.close();
  }

  /** Removes every domain this node's store knows, its pool and its data directory. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    await removeNodeLeftovers(this.dataDir, this.poolName);
  }

  /** A request with a body exactly as given, for testing how malformed input is answered. */
  async rawRequest(method: string, path: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const ca = readFileSync(join(this.dataDir, 'tls/node.crt'), 'utf8');
    const dispatcher = new Agent({ connect: { ca } });
    try {
      const res = await request(`${this.url}${path}`, {
        method: method as 'POST',
        headers: { authorization: `Bearer ${this.client.token}`, 'content-type': contentType },
        body,
        dispatcher,
      });
      return { status: res.statusCode, body: await res.body.json() };
    } finally {
      await dispatcher.close();
    }
  }

  async login(): Promise<string> {
    return this.client.login(ADMIN_PASSWORD);
  }

  async waitJob(job: Job, timeoutMs = 90_000): Promise<Job> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const current = await this.client.get<Job>(`/api/v1/jobs/${job.id}`);
      if (['succeeded', 'failed', 'cancelled'].includes(current.state)) return current;
      if (Date.now() > until) throw new Error(`job ${job.kind} still ${current.state} after ${timeoutMs} ms`);
      await sleep(200);
    }
  }
}

/** Destroys and undefines every domain a stopped qx-node's store knows, its pool, and its data directory. */
export async function removeNodeLeftovers(dataDir: string, poolName: string): Promise<void> {
  const storePath = join(dataDir, 'node.json');
  if (existsSync(storePath)) {
    const doc = JSON.parse(readFileSync(storePath, 'utf8')) as { vms: { id: string }[] };
    for (const vm of doc.vms) {
      await virsh('destroy', vm.id).catch(() => undefined);
      await virsh('undefine', vm.id, '--nvram').catch(() => undefined);
    }
  }
  await virsh('pool-destroy', poolName).catch(() => undefined);
  await virsh('pool-undefine', poolName).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

/**
 * Collects a qx-node process's output and resolves with the URL from its "listening on" line;
 * rejects when it exits first or says nothing for a minute.
 */
export function untilListening(proc: ChildProcess, append: (text: string) => void, output: () => string): Promise<string> {
  proc.stdout!.on('data', (d) => append(String(d)));
  proc.stderr!.on('data', (d) => append(String(d)));
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qx-node did not start:\n${output()}`)), 60_000);
    const onData = () => {
      const m = /listening on (https?:\/\/\S+)/.exec(output());
      if (!m) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      proc.off('exit', onExit);
      resolve(m[1]!);
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`qx-node exited with ${code}:\n${output()}`));
    };
    proc.stdout!.on('data', onData);
    proc.once('exit', onExit);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

export function countMarkers(logPath: string): number {
  if (!existsSync(logPath)) return 0;
  return readFileSync(logPath, 'utf8').split(guest.marker).length - 1;
}
