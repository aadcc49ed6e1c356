import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PRODUCT_VERSION, type Job, type SystemRebootAccepted, type SystemState } from '@quantix/lib/api';
import {
  GrubEnvError,
  armTrial,
  bootState,
  commit,
  grubDecide,
  needsCommit,
  otherSlot,
  parseGrubEnv,
  serializeGrubEnv,
  type GrubEnv,
  type Slot,
} from '@quantix/lib/appliance/grubenv';
import type { AuditLog } from '@quantix/lib/audit';
import { ApiError } from '@quantix/lib/errors';
import type { JobContext, JobManager } from '@quantix/lib/jobs';
import { overwriteInPlace } from './atomic-file.ts';
import { bootConfig, parseCmdline, parseRelease, readText, slotSize, squashfsSuperblock, type Cmdline, type Release } from './system-files.ts';

const PROCESS_STARTED_AT = new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString();

export interface SystemServiceOptions {
  cmdline: string;
  grubenv: string;
  slots: Record<Slot, string>;
  releaseFile: string;
  bootConfig: string;
  rebootCommand: string;
  jobs: JobManager;
  audit: AuditLog;
  log: (line: string) => void;
  /** /sys/class/block, for the size of a block device. */
  sysBlock?: string;
}

/** The upload: the request's body stream and its announced length. */
export interface UpdateUpload {
  body: Readable;
  contentLength: number | null;
}

type CommitResult = NonNullable<SystemState['commit']>;

const HEADER_BYTES = 4096;
const READ_CHUNK = 4 * 1024 * 1024;
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const mib = (n: number) => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)} MiB`;

/** Reads the rest of a request body into nothing, so that the answer reaches a client still sending. */
function drain(body: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (body.readableEnded || body.destroyed) return resolve();
    body.once('end', resolve);
    body.once('close', resolve);
    body.once('error', () => resolve());
    body.resume();
  });
}

/**
 * The appliance's own system (docs/appliance.md): what runs, the A/B slots and GRUB's boot variables, an update
 * written to the inactive slot and armed for one trial boot, the commit of a healthy trial boot, and reboot.
 */
export class SystemService {
  private updating: string | null = null;
  private commitResult: CommitResult | null = null;

  private constructor(
    private readonly o: SystemServiceOptions,
    readonly cmdline: Cmdline,
    readonly release: Release,
  ) {}

  static async open(o: SystemServiceOptions): Promise<SystemService> {
    const cmdline = parseCmdline((await readText(o.cmdline).catch(() => null)) ?? '');
    const releaseText = await readText(o.releaseFile).catch((err: unknown) => {
      o.log(`system: cannot read ${o.releaseFile}: ${errorText(err)}`);
      return null;
    });
    return new SystemService(o, cmdline, parseRelease(releaseText ?? ''));
  }

  get mode(): SystemState['mode'] {
    return this.cmdline.slot ? 'installed' : this.cmdline.live ? 'live' : 'dev';
  }

  get bootedSlot(): Slot | null {
    return this.cmdline.slot;
  }

  private async readEnv(): Promise<GrubEnv> {
    let block: Buffer;
    try {
      block = await readFile(this.o.grubenv);
    } catch (err) {
      throw new ApiError('BOOT_ENV_INVALID', `Cannot read ${this.o.grubenv}: ${errorText(err)}.`, { path: this.o.grubenv });
    }
    try {
      return parseGrubEnv(block);
    } catch (err) {
      throw new ApiError('BOOT_ENV_INVALID', `${this.o.grubenv} is not a GRUB environment block: ${errorText(err)}.`, { path: this.o.grubenv });
    }
  }

  private async writeEnv(env: GrubEnv): Promise<void> {
    await overwriteInPlace(this.o.grubenv, serializeGrubEnv(env));
    // Read it back: the next boot depends on exactly these bytes.
    const back = await this.readEnv();
    for (const [k, v] of env) if (back.get(k) !== v) throw new GrubEnvError(`${this.o.grubenv} reads back ${k}=${back.get(k)}, not ${v}`);
  }

  private async trialTimeoutSeconds(): Promise<number> {
    const text = await readText(this.o.bootConfig).catch(() => null);
    if (text === null) return bootConfig.parse({}).trialTimeoutSeconds;
    try {
      return bootConfig.parse(JSON.parse(text)).trialTimeoutSeconds;
    } catch {
      return bootConfig.parse({}).trialTimeoutSeconds;
    }
  }

  /** Why an update cannot start now (the error it would answer), or null and the slot it would write. */
  private async updateCheck(): Promise<{ blocker: ApiError | null; env: GrubEnv | null; target: Slot | null }> {
    const booted = this.bootedSlot;
    if (!booted) {
      const why = this.mode === 'live' ? 'This is the live system; install Quantix first.' : undefined;
      return { blocker: new ApiError('UPDATE_NOT_AVAILABLE', why), env: null, target: null };
    }
    let env: GrubEnv;
    try {
      env = await this.readEnv();
    } catch (err) {
      return { blocker: err as ApiError, env: null, target: null };
    }
    const s = bootState(env, booted);
    const target = otherSlot(booted);
    if (this.updating) return { blocker: new ApiError('UPDATE_IN_PROGRESS', undefined, { jobId: this.updating }), env, target };
    if (s.trial !== null) {
      const why =
        s.phase === 'trial'
          ? `This boot is the trial of slot ${s.trial}; it commits once qx-node is healthy.`
          : `Slot ${s.trial} is armed for a trial boot; reboot to try it.`;
      return { blocker: new ApiError('UPDATE_TRIAL_PENDING', `${why} Update again after that.`, { trial: s.trial, trialBoots: s.trialBoots }), env, target };
    }
    if (s.active !== booted) {
      return {
        blocker: new ApiError('UPDATE_NOT_AVAILABLE', `This boot runs slot ${booted} but slot ${s.active} is the committed one; reboot before updating.`, {
          booted,
          active: s.active,
        }),
        env,
        target,
      };
    }
    return { blocker: null, env, target };
  }

  private async slotInfo(slot: Slot): Promise<{ device: string; sizeBytes: number | null }> {
    const device = this.o.slots[slot];
    return { device, sizeBytes: this.mode === 'dev' ? null : await slotSize(device, this.o.sysBlock).catch(() => null) };
  }

  async state(): Promise<SystemState> {
    let env: GrubEnv | null = null;
    let bootEnvError: string | null = null;
    try {
      env = await this.readEnv();
    } catch (err) {
      // Outside an installed system a missing grubenv is normal, not an error worth showing.
      if (this.mode === 'installed') bootEnvError = errorText(err);
    }
    const s = env ? bootState(env, this.bootedSlot) : null;
    const check = await this.updateCheck();
    const [A, B] = await Promise.all([this.slotInfo('A'), this.slotInfo('B')]);
    return {
      mode: this.mode,
      ...this.release,
      nodeVersion: PRODUCT_VERSION,
      nodeStartedAt: PROCESS_STARTED_AT,
      bootedSlot: this.bootedSlot,
      active: s?.active ?? null,
      trial: s?.trial ?? null,
      trialBoots: s?.trialBoots ?? 0,
      failed: s?.failed ?? null,
      phase: s?.phase ?? null,
      bootEnvError,
      nextBootSlot: env ? grubDecide(env).slot : null,
      trialTimeoutSeconds: await this.trialTimeoutSeconds(),
      commit: this.commitResult,
      update: { possible: check.blocker === null, reason: check.blocker?.message ?? null, targetSlot: check.target, jobId: this.updating },
      slots: { A, B },
    };
  }

  // ------------------------------------------------------------------------------------------------ commit

  /**
   * On a trial boot (quantix.slot is qx_trial and GRUB counted the boot), makes the booted slot the committed one.
   * Called once qx-node is healthy: store open, libvirt answering, API listening. Never throws: a failed commit is
   * logged and audited, and the boot guard's reboot lets GRUB fall back.
   */
  async commitIfTrial(): Promise<CommitResult | null> {
    const booted = this.bootedSlot;
    if (!booted) return null;
    let env: GrubEnv;
    try {
      env = await this.readEnv();
    } catch (err) {
      this.o.log(`system: cannot read the boot environment, no commit: ${errorText(err)}`);
      return null;
    }
    if (!needsCommit(env, booted)) return null;
    const previous = bootState(env, booted).active;
    const at = new Date().toISOString();
    try {
      await this.writeEnv(commit(env, booted));
      this.commitResult = { slot: booted, at, ok: true, error: null };
      this.o.log(`system: trial boot of slot ${booted} is healthy; committed (slot ${previous} is now the fallback)`);
      await this.o.audit.write('qx-node', 'system.update.commit', { slot: booted, previous, version: this.release.version, buildId: this.release.buildId });
    } catch (err) {
      this.commitResult = { slot: booted, at, ok: false, error: errorText(err) };
      this.o.log(`system: could not commit the trial boot of slot ${booted}: ${errorText(err)}; the boot guard will reboot into slot ${previous}`);
      await this.o.audit.write('qx-node', 'system.update.commit-failed', { slot: booted, error: errorText(err) }).catch(() => undefined);
    }
    return this.commitResult;
  }

  // ------------------------------------------------------------------------------------------------ update

  /**
   * Checks that an update can start, then starts a job that streams the upload into the inactive slot, verifies it
   * and arms the trial boot. `consumed` settles once the whole body has been read (written, or drained after a
   * failure), so the answer can go out without cutting the client off.
   */
  async update(sha256: string, upload: UpdateUpload, actor: string): Promise<{ job: Job; consumed: Promise<void> }> {
    const { blocker, target } = await this.updateCheck();
    if (blocker) throw blocker;
    const slot = target!;
    const device = this.o.slots[slot];
    const length = upload.contentLength;
    if (length === null) throw new ApiError('UPDATE_LENGTH_REQUIRED');
    let size: number;
    try {
      size = await slotSize(device, this.o.sysBlock);
    } catch (err) {
      throw new ApiError('UPDATE_WRITE_FAILED', `Cannot open slot ${slot} (${device}): ${errorText(err)}.`, { slot, device });
    }
    if (length > size) throw new ApiError('UPDATE_TOO_LARGE', `The image has ${length} bytes; slot ${slot} holds ${size}.`, { bytes: length, slotBytes: size });
    if (length < HEADER_BYTES) throw new ApiError('UPDATE_NOT_SQUASHFS', `The image has ${length} bytes; a squashfs image has at least ${HEADER_BYTES}.`);

    let consumedResolve!: () => void;
    const consumed = new Promise<void>((r) => (consumedResolve = r));
    this.updating = 'starting';
    let job: Job;
    try {
      job = await this.o.jobs.submit(
        'system.update',
        [{ type: 'host', id: `system-slot-${slot}` }],
        async (ctx) => {
          try {
            await this.runUpdate(ctx, { slot, device, size, length, sha256, body: upload.body, actor, bodyDone: () => drain(upload.body).then(consumedResolve) });
          } finally {
            this.updating = null;
            void drain(upload.body).then(consumedResolve);
          }
        },
        `Writing the image to slot ${slot}`,
      );
    } catch (err) {
      this.updating = null;
      throw err;
    }
    if (this.updating === 'starting') this.updating = job.id;
    await this.o.audit.write(actor, 'system.update.start', { jobId: job.id, slot, device, bytes: length, sha256 });
    this.o.log(`system: update ${job.id} by ${actor}: writing ${mib(length)} to slot ${slot} (${device})`);
    return { job, consumed };
  }

  private async runUpdate(
    ctx: JobContext,
    u: { slot: Slot; device: string; size: number; length: number; sha256: string; body: Readable; actor: string; bodyDone: () => Promise<void> },
  ): Promise<void> {
    this.updating = ctx.id;
    const started = performance.now();
    let fh: FileHandle | null = null;
    try {
      try {
        // r+: no O_CREAT, no O_TRUNC: a block device, or in tests a file, keeps its size.
        fh = await open(u.device, 'r+');
      } catch (err) {
        throw new ApiError('UPDATE_WRITE_FAILED', `Cannot open slot ${u.slot} (${u.device}): ${errorText(err)}.`);
      }
      const header = await this.receive(ctx, fh, u);
      await u.bodyDone();
      ctx.progress(0.76, 'Flushing the image to the disk');
      await io(() => fh!.sync());
      // The header last: until it is in place the slot can never pass for a squashfs.
      await io(() => fh!.write(header, 0, header.length, 0));
      await io(() => fh!.sync());
      await this.readBack(ctx, fh, u.length, u.sha256);
      const sb = squashfsSuperblock(header);
      if (!sb.ok) throw new ApiError('UPDATE_NOT_SQUASHFS', `The image is not a squashfs file system: ${sb.reason}.`);
      if (sb.bytesUsed > BigInt(u.length)) {
        throw new ApiError('UPDATE_NOT_SQUASHFS', `The squashfs says it uses ${sb.bytesUsed} bytes but the image has ${u.length}: it is cut short.`);
      }
      await fh.close();
      fh = null;

      ctx.progress(0.98, `Arming slot ${u.slot} for one trial boot`);
      const env = await this.readEnv();
      const s = bootState(env, this.bootedSlot);
      if (s.trial !== null) throw new ApiError('UPDATE_TRIAL_PENDING', `Slot ${s.trial} was armed while this update ran.`);
      try {
        await this.writeEnv(armTrial(env, u.slot));
      } catch (err) {
        throw new ApiError('BOOT_ENV_INVALID', `Cannot arm slot ${u.slot} in ${this.o.grubenv}: ${errorText(err)}.`);
      }
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      await this.o.audit.write(u.actor, 'system.update.arm', { jobId: ctx.id, slot: u.slot, device: u.device, bytes: u.length, sha256: u.sha256, seconds });
      this.o.log(`system: update ${ctx.id}: slot ${u.slot} verified (sha256 ${u.sha256}) and armed in ${seconds} s; the next reboot tries it`);
      ctx.progress(1, `Slot ${u.slot} is armed: reboot to start the new system (it falls back to slot ${otherSlot(u.slot)} if it does not come up)`);
    } catch (err) {
      const apiErr =
        err instanceof ApiError
          ? err
          : ctx.signal.aborted
            ? (ctx.signal.reason as ApiError)
            : new ApiError('UPDATE_WRITE_FAILED', `Writing slot ${u.slot} failed: ${errorText(err)}.`);
      await this.invalidate(fh, u).catch((e: unknown) => this.o.log(`system: could not clear the header of slot ${u.slot}: ${errorText(e)}`));
      this.o.log(`system: update ${ctx.id} failed (${apiErr.code}): ${apiErr.message}; the boot environment is unchanged`);
      await this.o.audit
        .write(u.actor, 'system.update.failed', { jobId: ctx.id, slot: u.slot, code: apiErr.code, message: apiErr.message })
        .catch(() => undefined);
      throw apiErr;
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }

  /** Streams the body into the slot after its first 4 KiB (zeroed first); returns those 4 KiB, to be written last. */
  private async receive(ctx: JobContext, fh: FileHandle, u: { slot: Slot; length: number; sha256: string; body: Readable }): Promise<Buffer> {
    const header = Buffer.alloc(HEADER_BYTES);
    await io(() => fh.write(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0));
    await io(() => fh.sync());
    const hash = createHash('sha256');
    let received = 0;
    let magicChecked = false;
    let lastReport = 0;
    let lastFraction = 0;
    // destroyOnReturn false: on a failure the rest of the body is drained, and the answer still reaches the client.
    for await (const chunk of u.body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      ctx.signal.throwIfAborted();
      if (received + chunk.length > u.length) throw new ApiError('UPDATE_TOO_LARGE', 'The upload is longer than its Content-Length.');
      hash.update(chunk);
      let skip = 0;
      if (received < HEADER_BYTES) {
        skip = Math.min(HEADER_BYTES - received, chunk.length);
        chunk.copy(header, received, 0, skip);
      }
      if (skip < chunk.length) await io(() => fh.write(chunk, skip, chunk.length - skip, received + skip));
      received += chunk.length;
      if (!magicChecked && received >= 4) {
        magicChecked = true;
        if (header.toString('latin1', 0, 4) !== 'hsqs') {
          throw new ApiError('UPDATE_NOT_SQUASHFS', 'The image is not a squashfs file system: it does not start with the squashfs magic "hsqs".');
        }
      }
      const fraction = 0.01 + 0.74 * (received / u.length);
      const now = performance.now();
      if (fraction - lastFraction >= 0.01 || now - lastReport > 500) {
        lastFraction = fraction;
        lastReport = now;
        ctx.progress(fraction, `Writing slot ${u.slot}: ${mib(received)} of ${mib(u.length)}`);
      }
    }
    if (received !== u.length) {
      throw new ApiError('UPDATE_WRITE_FAILED', `The upload ended after ${received} of ${u.length} bytes; nothing was armed.`, { received, expected: u.length });
    }
    const got = hash.digest('hex');
    if (got !== u.sha256) throw new ApiError('UPDATE_CHECKSUM_MISMATCH', undefined, { expected: u.sha256, received: got, stage: 'upload' });
    return header;
  }

  private async readBack(ctx: JobContext, fh: FileHandle, length: number, expected: string): Promise<void> {
    const hash = createHash('sha256');
    const buf = Buffer.alloc(Math.min(READ_CHUNK, length));
    let pos = 0;
    while (pos < length) {
      ctx.signal.throwIfAborted();
      const want = Math.min(buf.length, length - pos);
      const { bytesRead } = await io(() => fh.read(buf, 0, want, pos));
      if (bytesRead === 0) throw new ApiError('UPDATE_WRITE_FAILED', `The slot ends after ${pos} bytes while reading back ${length}.`);
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
      ctx.progress(0.78 + 0.19 * (pos / length), `Verifying: read back ${mib(pos)} of ${mib(length)}`);
    }
    const got = hash.digest('hex');
    if (got !== expected) {
      throw new ApiError('UPDATE_CHECKSUM_MISMATCH', 'The slot reads back different bytes than were written; the disk may be failing.', {
        expected,
        received: got,
        stage: 'read-back',
      });
    }
  }

  /** Zeroes the slot's first 4 KiB, so that a half-written image can never be mistaken for a valid one. */
  private async invalidate(fh: FileHandle | null, u: { device: string; size: number }): Promise<void> {
    const own = fh === null;
    const f = fh ?? (await open(u.device, 'r+'));
    try {
      const n = Math.min(HEADER_BYTES, u.size);
      await f.write(Buffer.alloc(n), 0, n, 0);
      await f.sync();
    } finally {
      if (own) await f.close();
    }
  }

  // ------------------------------------------------------------------------------------------------ reboot

  /** Runs the reboot command shortly after the answer has gone out. */
  async reboot(actor: string): Promise<SystemRebootAccepted> {
    if (this.updating) throw new ApiError('UPDATE_IN_PROGRESS', 'A system update is being written; reboot once its job has finished.', { jobId: this.updating });
    const env = await this.readEnv().catch(() => null);
    const nextBootSlot = env ? grubDecide(env).slot : null;
    const argv = this.o.rebootCommand.split(/\s+/).filter(Boolean);
    await this.o.audit.write(actor, 'system.reboot', { command: argv, nextBootSlot });
    this.o.log(`system: reboot requested by ${actor}${nextBootSlot ? ` (GRUB boots slot ${nextBootSlot} next)` : ''}: running ${argv.join(' ')}`);
    setTimeout(() => {
      execFile(argv[0]!, argv.slice(1), { timeout: 60_000 }, (err, _stdout, stderr) => {
        if (!err) return;
        const why = `${errorText(err)}${stderr ? `: ${stderr.trim()}` : ''}`;
        this.o.log(`system: the reboot command failed: ${why}`);
        void this.o.audit.write('qx-node', 'system.reboot.failed', { command: argv, error: why }).catch(() => undefined);
      });
    }, 500).unref();
    return { rebooting: true, nextBootSlot };
  }
}

/** An I/O step of the update; its failure becomes UPDATE_WRITE_FAILED. */
async function io<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('UPDATE_WRITE_FAILED', `Writing the image failed: ${errorText(err)}.`, { cause: (err as NodeJS.ErrnoException).code ?? null });
  }
}
