import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, SystemRebootAccepted, SystemState } from '@quantix/lib/api';
import { grubDecide, parseGrubEnv, serializeGrubEnv } from '@quantix/lib/appliance/grubenv';
import { hashPassword, verifyPassword } from '@quantix/lib/auth';
import { ApiCallError, NodeClient } from '@quantix/lib/client';
import { NodeProcess, bundle, waitFor } from './harness.ts';

// An appliance in plain files: the kernel command line, GRUB's grubenv, two 16 MiB file-backed system slots, the
// release file, and a real (small) squashfs image made with mksquashfs.

const run = promisify(execFile);
const SLOT_BYTES = 16 * 1024 * 1024;

let dir: string;
let node: NodeProcess;
let files: { cmdline: string; grubenv: string; slotA: string; slotB: string; release: string; boot: string; rebooted: string; hashFile: string };
let image: { path: string; sha256: string; bytes: number };
let env: Record<string, string>;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const grubVars = () => Object.fromEntries(parseGrubEnv(readFileSync(files.grubenv)));
const audit = (n: NodeProcess) =>
  readFileSync(join(n.dataDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; actor: string; detail: Record<string, unknown> });
const system = () => node.client.get<SystemState>('/api/v1/system');

async function writeGrubenv(vars: Record<string, string>): Promise<void> {
  await writeFile(files.grubenv, serializeGrubEnv(new Map(Object.entries(vars))));
}

/** What GRUB does at power-on, then the kernel command line it passes. */
async function grubBoots(): Promise<string> {
  const g = grubDecide(parseGrubEnv(readFileSync(files.grubenv)));
  if (g.saved) await writeFile(files.grubenv, serializeGrubEnv(g.env));
  await writeFile(files.cmdline, `BOOT_IMAGE=/boot/vmlinuz quantix.slot=${g.slot} panic=10\n`);
  return g.slot;
}

/** POST /system/update over HTTPS with a streamed body. */
async function upload(
  body: Buffer | string,
  hash: string,
  o: { token?: string | null; contentType?: string } = {},
): Promise<{ status: number; body: any }> {
  const ca = readFileSync(join(node.dataDir, 'tls/node.crt'), 'utf8');
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const size = typeof body === 'string' ? statSync(body).size : body.length;
    const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/octet-stream', 'content-length': String(size) };
    const token = o.token === undefined ? node.client.token : o.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await request(`${node.url}/api/v1/system/update?sha256=${hash}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? createReadStream(body) : body,
      dispatcher,
    });
    return { status: res.statusCode, body: await res.body.json() };
  } finally {
    await dispatcher.close();
  }
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...args, '--data-dir', node.dataDir], { timeout: 120_000, env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-itest-system-'));
  files = {
    cmdline: join(dir, 'cmdline'),
    grubenv: join(dir, 'esp/grub/grubenv'),
    slotA: join(dir, 'QX_SYSTEM_A'),
    slotB: join(dir, 'QX_SYSTEM_B'),
    release: join(dir, 'release'),
    boot: join(dir, 'boot.json'),
    rebooted: join(dir, 'rebooted'),
    hashFile: join(dir, 'quantix/admin.json'),
  };
  await mkdir(join(dir, 'esp/grub'), { recursive: true });
  await writeFile(files.cmdline, 'BOOT_IMAGE=/boot/vmlinuz quantix.slot=A panic=10\n');
  await writeGrubenv({ qx_active: 'A', qx_trial: '', qx_trial_boots: '0', qx_failed: '' });
  for (const slot of [files.slotA, files.slotB]) {
    await writeFile(slot, '');
    await truncate(slot, SLOT_BYTES);
  }
  await writeFile(files.release, 'NAME="Quantix-OS"\nVERSION=0.2.0\nBUILD_ID=20261122.1\nPROFILE=os\n');
  await writeFile(files.boot, JSON.stringify({ trialTimeoutSeconds: 120 }));

  // A real squashfs with incompressible content, so it is a few MiB.
  const src = join(dir, 'rootfs');
  await mkdir(join(src, 'etc/quantix'), { recursive: true });
  await writeFile(join(src, 'etc/quantix/release'), 'NAME=Quantix-OS\nVERSION=0.3.0\n');
  await writeFile(join(src, 'blob'), randomBytes(3 * 1024 * 1024));
  const path = join(dir, 'system.sqfs');
  await run('mksquashfs', [src, path, '-noappend', '-quiet', '-no-progress'], { timeout: 60_000 });
  const data = readFileSync(path);
  image = { path, sha256: sha256(data), bytes: data.length };

  env = {
    QX_CMDLINE: files.cmdline,
    QX_GRUBENV: files.grubenv,
    QX_SLOT_A: files.slotA,
    QX_SLOT_B: files.slotB,
    QX_RELEASE_FILE: files.release,
    QX_BOOT_CONFIG: files.boot,
    QX_REBOOT_COMMAND: `touch ${files.rebooted}`,
  };
  node = await NodeProcess.create();
  await node.start(env);
  await node.login();
});

afterAll(async () => {
  await node?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

describe('GET /system', () => {
  it('reports the release, the booted slot, the grubenv state and the slots', async () => {
    const s = await system();
    expect(s).toMatchObject({
      mode: 'installed',
      name: 'Quantix-OS',
      version: '0.2.0',
      buildId: '20261122.1',
      profile: 'os',
      bootedSlot: 'A',
      active: 'A',
      trial: null,
      trialBoots: 0,
      failed: null,
      phase: 'committed',
      bootEnvError: null,
      nextBootSlot: 'A',
      trialTimeoutSeconds: 120,
      commit: null,
      update: { possible: true, reason: null, targetSlot: 'B', jobId: null },
      slots: { A: { device: files.slotA, sizeBytes: SLOT_BYTES }, B: { device: files.slotB, sizeBytes: SLOT_BYTES } },
    });
    // The process start time: in the past, not long ago, and the same on every read until qx-node restarts.
    const startedAt = Date.parse(s.nodeStartedAt);
    expect(startedAt).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - startedAt).toBeLessThan(10 * 60_000);
    expect((await system()).nodeStartedAt).toBe(s.nodeStartedAt);
  });

  it('needs a login', async () => {
    const anonymous = new NodeClient({ url: node.url, insecure: true });
    try {
      await expect(anonymous.get('/api/v1/system')).rejects.toMatchObject({ status: 401 });
    } finally {
      await anonymous.close();
    }
  });

  it('the first start made a registration token for the console', () => {
    const doc = JSON.parse(readFileSync(join(node.dataDir, 'node.json'), 'utf8')) as { registration: { token: string | null } };
    expect(doc.registration.token).toMatch(/^QX-/);
    expect(audit(node).some((e) => e.action === 'registration.token.new' && e.actor === 'qx-node')).toBe(true);
  });
});

describe('POST /system/update', () => {
  it('refuses without a login, without the right content type, without sha256, and an image larger than the slot', async () => {
    expect((await upload(image.path, image.sha256, { token: null })).status).toBe(401);
    const typed = await upload(image.path, image.sha256, { contentType: 'application/json' });
    expect(typed).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    const noHash = await upload(image.path, 'abc');
    expect(noHash).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    const huge = Buffer.alloc(SLOT_BYTES + 4096);
    const tooLarge = await upload(huge, sha256(huge));
    expect(tooLarge).toMatchObject({ status: 413, body: { error: { code: 'UPDATE_TOO_LARGE' } } });
  });

  it('a wrong checksum fails the job, leaves grubenv untouched and the slot without a valid header', async () => {
    const before = readFileSync(files.grubenv);
    const answer = await upload(image.path, '0'.repeat(64));
    expect(answer.status).toBe(202);
    const job = await node.waitJob(answer.body as Job);
    expect(job).toMatchObject({ kind: 'system.update', state: 'failed', error: { code: 'UPDATE_CHECKSUM_MISMATCH', details: { received: image.sha256 } } });
    expect(readFileSync(files.grubenv)).toEqual(before);
    expect(readFileSync(files.slotB).subarray(0, 4096).every((b) => b === 0)).toBe(true);
    expect(statSync(files.slotB).size).toBe(SLOT_BYTES);
    expect(audit(node).some((e) => e.action === 'system.update.failed' && e.detail.code === 'UPDATE_CHECKSUM_MISMATCH')).toBe(true);
  });

  it('an image that is not squashfs fails the job with grubenv untouched', async () => {
    const before = readFileSync(files.grubenv);
    const junk = randomBytes(256 * 1024);
    const answer = await upload(junk, sha256(junk));
    const job = await node.waitJob(answer.body as Job);
    expect(job).toMatchObject({ state: 'failed', error: { code: 'UPDATE_NOT_SQUASHFS' } });
    expect(readFileSync(files.grubenv)).toEqual(before);
    expect(readFileSync(files.slotB).subarray(0, 4096).every((b) => b === 0)).toBe(true);
  });

  it('qx-node update FILE writes the inactive slot through the socket, verifies it and arms the trial', async () => {
    const r = await cli('update', image.path);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`SHA-256 ${image.sha256}`);
    expect(r.stdout).toMatch(/Sending: 100 %/);
    expect(r.stdout).toContain('Slot B is armed');
    // (A digest: toEqual on megabytes of Buffer takes seconds.)
    expect(sha256(readFileSync(files.slotB).subarray(0, image.bytes))).toBe(image.sha256);
    expect(grubVars()).toEqual({ qx_active: 'A', qx_trial: 'B', qx_trial_boots: '0', qx_failed: '' });
    const arm = audit(node).find((e) => e.action === 'system.update.arm');
    expect(arm).toMatchObject({ actor: 'api:local-socket', detail: { slot: 'B', sha256: image.sha256, bytes: image.bytes } });
    const s = await system();
    expect(s).toMatchObject({ phase: 'armed', trial: 'B', nextBootSlot: 'B', update: { possible: false } });
    expect(s.update.reason).toMatch(/armed/);
  });

  it('refuses another update while the trial is pending', async () => {
    const answer = await upload(image.path, image.sha256);
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'UPDATE_TRIAL_PENDING' } } });
    const r = await cli('update', image.path);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/armed for a trial boot/);
  });
});

describe('trial boot', () => {
  it('a healthy trial boot commits: active becomes B', async () => {
    await node.stop();
    expect(await grubBoots()).toBe('B');
    expect(grubVars()).toMatchObject({ qx_trial: 'B', qx_trial_boots: '1' });
    await node.start(env);
    await node.login();
    expect(grubVars()).toEqual({ qx_active: 'B', qx_trial: '', qx_trial_boots: '0', qx_failed: '' });
    const s = await system();
    expect(s).toMatchObject({ bootedSlot: 'B', active: 'B', trial: null, phase: 'committed', commit: { slot: 'B', ok: true, error: null } });
    expect(s.update).toMatchObject({ possible: true, targetSlot: 'A' });
    expect(node.output).toContain('trial boot of slot B is healthy; committed');
    expect(audit(node).some((e) => e.action === 'system.update.commit' && e.detail.slot === 'B' && e.detail.previous === 'A')).toBe(true);
  });

  it('the next update over HTTPS goes to slot A; a trial that never commits falls back to B', async () => {
    const answer = await upload(image.path, image.sha256);
    expect(answer.status).toBe(202);
    const job = await node.waitJob(answer.body as Job);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.resources).toEqual([{ type: 'host', id: 'system-slot-A' }]);
    expect(sha256(readFileSync(files.slotA).subarray(0, image.bytes))).toBe(image.sha256);
    expect(grubVars()).toMatchObject({ qx_active: 'B', qx_trial: 'A', qx_trial_boots: '0' });

    await node.stop();
    expect(await grubBoots()).toBe('A'); // the trial boot hangs and is reset: qx-node never starts
    expect(await grubBoots()).toBe('B');
    await node.start(env);
    await node.login();
    const s = await system();
    expect(s).toMatchObject({ bootedSlot: 'B', active: 'B', trial: null, failed: 'A', phase: 'fallback', commit: null });
    expect(s.update.possible).toBe(true);
  });
});

describe('POST /system/reboot', () => {
  it('needs a login and confirm: true, then runs the reboot command', async () => {
    const anonymous = new NodeClient({ url: node.url, insecure: true });
    try {
      await expect(anonymous.post('/api/v1/system/reboot', { confirm: true })).rejects.toMatchObject({ status: 401 });
    } finally {
      await anonymous.close();
    }
    await expect(node.client.post('/api/v1/system/reboot')).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    await expect(node.client.post('/api/v1/system/reboot', { confirm: false })).rejects.toMatchObject({ status: 400 });
    expect(existsSync(files.rebooted)).toBe(false);
    const answer = await node.client.call<SystemRebootAccepted>('POST', '/api/v1/system/reboot', { confirm: true });
    expect(answer).toEqual({ status: 202, body: { rebooting: true, nextBootSlot: 'B' } });
    await waitFor('the reboot command', async () => existsSync(files.rebooted), 10_000);
    expect(audit(node).some((e) => e.action === 'system.reboot' && e.actor.startsWith('api:session'))).toBe(true);
  });
});

describe('not an appliance', () => {
  it('reports dev mode and refuses updates with a clear error', async () => {
    await node.stop();
    await writeFile(files.cmdline, 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro\n');
    await node.start({ ...env, QX_GRUBENV: join(dir, 'no-such-grubenv') });
    await node.login();
    const s = await system();
    expect(s).toMatchObject({ mode: 'dev', bootedSlot: null, active: null, phase: null, bootEnvError: null, update: { possible: false, targetSlot: null } });
    const answer = await upload(image.path, image.sha256);
    expect(answer).toMatchObject({ status: 409, body: { error: { code: 'UPDATE_NOT_AVAILABLE' } } });
  });
});

describe('admin password hash file', () => {
  let fresh: NodeProcess;
  afterAll(async () => fresh?.destroy());

  it('is imported when the store has no password, and a password change writes it back', async () => {
    await mkdir(join(dir, 'quantix'), { recursive: true });
    await writeFile(files.hashFile, JSON.stringify({ hash: await hashPassword('imported-secret-1') }), { mode: 0o600 });
    fresh = await NodeProcess.create();
    await fresh.start({ QX_ADMIN_PASSWORD: '', QX_ADMIN_HASH_FILE: files.hashFile });
    expect(fresh.output).toContain(`admin password imported from ${files.hashFile}`);
    await fresh.client.login('imported-secret-1');
    await fresh.client.post('/api/v1/auth/password', { currentPassword: 'imported-secret-1', newPassword: 'changed-secret-2' });
    const { hash } = JSON.parse(readFileSync(files.hashFile, 'utf8')) as { hash: string };
    expect(await verifyPassword('changed-secret-2', hash)).toBe(true);
    expect(statSync(files.hashFile).mode & 0o777).toBe(0o600);
  });

  it('is not imported over a password the store has, nor when it is not a usable hash', async () => {
    await fresh.stop();
    await writeFile(files.hashFile, JSON.stringify({ hash: await hashPassword('other-secret-3') }));
    await fresh.start({ QX_ADMIN_PASSWORD: '', QX_ADMIN_HASH_FILE: files.hashFile });
    await fresh.client.login('changed-secret-2');

    const other = await NodeProcess.create();
    try {
      await writeFile(files.hashFile, JSON.stringify({ hash: 'plaintext-password' }));
      await other.start({ QX_ADMIN_PASSWORD: '', QX_ADMIN_HASH_FILE: files.hashFile });
      expect(other.output).toMatch(/admin password not imported: .*scrypt/);
      await expect(other.client.login('plaintext-password')).rejects.toBeInstanceOf(ApiCallError);
      await expect(other.client.login('plaintext-password')).rejects.toMatchObject({ code: 'ADMIN_PASSWORD_NOT_SET' });
    } finally {
      await other.destroy();
    }
  });
});
