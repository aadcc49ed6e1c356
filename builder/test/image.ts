import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';

export const repo = resolve(import.meta.dirname, '../..');
export const imageDir = (name: string) => join(repo, 'var/image', name);

export interface Manifest {
  profile: string;
  version: string;
  buildId: string;
  artifacts: { file: string; bytes: number; sha256: string }[];
  steps: { name: string; seconds: number }[];
  buildSeconds: number;
}

export function manifest(name: string): Manifest {
  const file = join(imageDir(name), 'manifest.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the images first (npm run test:image does)`);
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

export function isoOf(name: string): string {
  const m = manifest(name);
  const iso = m.artifacts.find((a) => a.file.endsWith('.iso'));
  if (!iso) throw new Error(`${name} has no ISO`);
  return join(imageDir(name), iso.file);
}

export function squashfsOf(name: string): { path: string; sha256: string; bytes: number } {
  const a = manifest(name).artifacts.find((x) => x.file === 'system.sqfs')!;
  return { path: join(imageDir(name), a.file), sha256: a.sha256, bytes: a.bytes };
}

export function scratch(prefix: string): string {
  mkdirSync(join(repo, 'var/tmp'), { recursive: true });
  return mkdtempSync(join(repo, 'var/tmp', `${prefix}-`));
}

/** An ISO 9660 medium labelled QX_ANSWER holding answer.json: what an operator attaches for an unattended install. */
export function answerMedium(dir: string, answer: unknown): string {
  const src = join(dir, 'answer');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'answer.json'), `${JSON.stringify(answer, null, 2)}\n`);
  const iso = join(dir, 'answer.iso');
  execFileSync('genisoimage', ['-quiet', '-o', iso, '-V', 'QX_ANSWER', '-J', '-r', src]);
  return iso;
}

export function blankDisk(path: string, size = '10G'): string {
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, size]);
  return path;
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

const insecure = new Agent({ connect: { rejectUnauthorized: false }, bodyTimeout: 0, headersTimeout: 120_000 });

/** qx-node's API through the forwarded port. The certificate is the node's own self-signed one. */
export class Api {
  token = '';
  constructor(readonly port: number) {}

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await request(`https://127.0.0.1:${this.port}${path}`, {
      method,
      dispatcher: insecure,
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async ok<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const r = await this.call<T>(method, path, body);
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** Until the API answers (the guest may still be booting). */
  async waitUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const r = await this.call('GET', '/api/v1/registration/ping');
        if (r.status === 200) return;
        last = r.status;
      } catch (err) {
        last = err;
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    throw new Error(`qx-node did not answer on 127.0.0.1:${this.port} within ${timeoutMs / 1000}s: ${String(last)}`);
  }

  async login(password: string): Promise<void> {
    this.token = (await this.ok<{ token: string }>('POST', '/api/v1/auth/login', { password })).token;
  }

  /** POST /system/update with the squashfs streamed as the body; returns the job once it has ended. */
  async update(file: string, sha256: string): Promise<{ id: string; state: string; error?: unknown }> {
    const res = await request(`https://127.0.0.1:${this.port}/api/v1/system/update?sha256=${sha256}`, {
      method: 'POST',
      dispatcher: insecure,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) },
      body: createReadStream(file),
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) throw new Error(`update: ${res.statusCode} ${text}`);
    const job = JSON.parse(text) as { id: string };
    return this.waitJob(job.id, 900_000);
  }

  async waitJob(id: string, timeoutMs: number): Promise<{ id: string; state: string; error?: unknown }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.ok<{ id: string; state: string; error?: unknown }>('GET', `/api/v1/jobs/${id}`);
      if (!['queued', 'running'].includes(job.state)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export const tmp = tmpdir;
