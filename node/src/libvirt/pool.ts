/**
 * A local directory storage pool: libvirt knows it (so `vol-*` and pool capacity work), qemu-img makes the images.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, statfs, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ApiError } from '@quantix/lib/errors';
import { isVirshError, type Virsh } from './virsh.ts';

const GiB = 1024 ** 3;

export interface PoolSpec {
  name: string;
  /** Absolute directory; created if missing. */
  path: string;
}

export interface PoolInfo {
  name: string;
  uuid: string | null;
  state: string;
  persistent: boolean;
  autostart: boolean;
  /** Present while the pool is running. */
  capacityBytes: number | null;
  allocationBytes: number | null;
  availableBytes: number | null;
}

/** Parse `virsh pool-info --bytes` ("Key:   value" lines). */
export function parsePoolInfo(output: string): PoolInfo {
  const kv = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^([A-Za-z ]+):\s*(.*?)\s*$/.exec(line);
    if (m) kv.set((m[1] ?? '').trim().toLowerCase(), m[2] ?? '');
  }
  const num = (k: string): number | null => {
    const v = kv.get(k);
    if (v === undefined || !/^\d+$/.test(v)) return null;
    return Number(v);
  };
  const name = kv.get('name');
  const state = kv.get('state');
  if (!name || !state) throw new Error(`unrecognised pool-info output: ${JSON.stringify(output.slice(0, 200))}`);
  return {
    name,
    uuid: kv.get('uuid') ?? null,
    state,
    persistent: kv.get('persistent') === 'yes',
    autostart: kv.get('autostart') === 'yes',
    capacityBytes: num('capacity'),
    allocationBytes: num('allocation'),
    availableBytes: num('available'),
  };
}

/** The <target><path> of `virsh pool-dumpxml`. */
export function poolTargetPath(xml: string): string | null {
  const m = /<target>[\s\S]*?<path>([^<]*)<\/path>/.exec(xml);
  if (!m) return null;
  return (m[1] ?? '')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export const qemuImgInfo = z
  .object({
    'virtual-size': z.number().int().nonnegative(),
    filename: z.string(),
    format: z.string(),
    'actual-size': z.number().int().nonnegative().optional(),
    'backing-filename': z.string().optional(),
    'full-backing-filename': z.string().optional(),
    'dirty-flag': z.boolean().optional(),
  })
  .loose();
export type QemuImgInfo = z.infer<typeof qemuImgInfo>;

export function parseQemuImgInfo(json: string): QemuImgInfo {
  return qemuImgInfo.parse(JSON.parse(json));
}

/**
 * Progress percentages in a chunk of `qemu-img convert -p` output ("    (12.50/100%)\r" repeated). Returns every value
 * found, in order.
 */
export function parseConvertProgress(chunk: string): number[] {
  const out: number[] = [];
  for (const m of chunk.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)) out.push(Math.min(100, Number(m[1])));
  return out;
}

const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/** "<name>.qcow2" for a volume name; refuses anything that is not a plain file name. */
export function volumeFileName(name: string): string {
  if (!VOLUME_NAME.test(name) || name.includes('..')) {
    throw new ApiError('DISK_OPERATION_FAILED', `not a valid volume name: ${JSON.stringify(name)}`);
  }
  return name.endsWith('.qcow2') ? name : `${name}.qcow2`;
}

/** Whether files in dir can be opened with O_DIRECT (disk cache='none' needs it; tmpfs before 6.6, some FUSE don't). */
export async function supportsDirectIo(dir: string): Promise<boolean> {
  const probe = join(dir, `.qx-odirect-${randomBytes(6).toString('hex')}`);
  try {
    const fh = await open(probe, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_DIRECT, 0o600);
    await fh.close();
    return true;
  } catch {
    return false;
  } finally {
    await unlink(probe).catch(() => {});
  }
}

interface RunResult {
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' }, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err) reject(diskError(cmd, args, stderr || err.message));
        else resolvePromise({ stdout, stderr });
      },
    );
  });
}

function diskError(cmd: string, args: string[], stderr: string, message?: string): ApiError {
  const text = stderr.trim().split('\n').filter(Boolean).pop() ?? '';
  return new ApiError('DISK_OPERATION_FAILED', message ?? `${basename(cmd)}: ${text}`.slice(0, 500), {
    command: [basename(cmd), ...args].join(' '),
    stderr: stderr.trim().slice(0, 4000),
  });
}

/** qemu-img info of an image; --force-share so it also works on the disk of a running VM. */
export async function imageInfo(path: string): Promise<QemuImgInfo> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', '--force-share', path], 60_000);
  return parseQemuImgInfo(stdout);
}

/** Virtual size of an image in GiB (may be fractional). */
export async function volumeSizeGiB(path: string): Promise<number> {
  return (await imageInfo(path))['virtual-size'] / GiB;
}

export interface CreateVolumeSpec {
  /** File name in the pool dir, ".qcow2" appended when missing. */
  name: string;
  /** Blank size, or the size to grow a copied image to (never shrinks). */
  sizeGiB?: number;
  /** Image to copy (any format qemu-img reads; images with a backing file are refused). */
  sourceImage?: string;
}

export interface CreateVolumeOptions {
  /** 0…100 while copying a source image. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

export interface CreatedVolume {
  path: string;
  sizeGiB: number;
}

export class StoragePool {
  readonly name: string;
  readonly path: string;

  constructor(
    private readonly virsh: Virsh,
    spec: PoolSpec,
  ) {
    if (!spec.path.startsWith('/')) throw new Error('pool path must be absolute');
    this.name = spec.name;
    this.path = resolve(spec.path);
  }

  /**
   * Define (dir, --target path), build, start and autostart the pool as needed; idempotent. Refuses a pool of that
   * name that points to another directory.
   */
  async ensure(): Promise<PoolInfo> {
    await mkdir(this.path, { recursive: true, mode: 0o711 });
    let info = await this.infoOrNull();
    if (!info) {
      try {
        await this.virsh.run(['pool-define-as', '--name', this.name, '--type', 'dir', '--target', this.path]);
      } catch (e) {
        // Someone else defined it meanwhile: fine, as long as it is ours (checked below).
        if (!(isVirshError(e) && /already exists/i.test(e.stderr))) throw e;
      }
      info = await this.info();
    }
    const target = poolTargetPath(await this.virsh.run(['pool-dumpxml', '--pool', this.name]));
    if (target === null || resolve(target) !== this.path) {
      throw new ApiError(
        'HYPERVISOR_ERROR',
        `storage pool ${this.name} already exists for another directory (${target ?? 'none'}), not ${this.path}`,
      );
    }
    if (info.state !== 'running') {
      await this.virsh.run(['pool-build', '--pool', this.name]).catch((e: unknown) => {
        if (!(isVirshError(e) && e.kind === 'invalid-operation')) throw e;
      });
      await this.virsh.run(['pool-start', '--pool', this.name]).catch((e: unknown) => {
        if (!(isVirshError(e) && /already active/i.test(e.stderr))) throw e;
      });
    }
    if (!info.autostart) await this.virsh.run(['pool-autostart', '--pool', this.name]);
    return this.info();
  }

  async info(): Promise<PoolInfo> {
    return parsePoolInfo(await this.virsh.run(['pool-info', '--pool', this.name, '--bytes']));
  }

  private async infoOrNull(): Promise<PoolInfo | null> {
    try {
      return await this.info();
    } catch (e) {
      if (isVirshError(e) && e.kind === 'not-found') return null;
      throw e;
    }
  }

  async refresh(): Promise<void> {
    await this.virsh.run(['pool-refresh', '--pool', this.name]);
  }

  /** Absolute path of a volume of this pool, or an error when `path` is not a plain file directly in the pool dir. */
  private ownPath(path: string): string {
    const abs = resolve(path);
    if (dirname(abs) !== this.path) {
      throw new ApiError('DISK_OPERATION_FAILED', `${path} is not a volume of storage pool ${this.name}`);
    }
    return abs;
  }

  /**
   * A new qcow2 in the pool dir: blank (qemu-img create) or copied from sourceImage (qemu-img convert -p, progress
   * reported), grown to sizeGiB when that is larger. Never overwrites: the file is created exclusively first.
   */
  async createVolume(spec: CreateVolumeSpec, opts: CreateVolumeOptions = {}): Promise<CreatedVolume> {
    const file = join(this.path, volumeFileName(spec.name));
    if (spec.sizeGiB === undefined && spec.sourceImage === undefined) {
      throw new ApiError('DISK_OPERATION_FAILED', 'give sizeGiB for a blank disk, sourceImage to copy an image, or both');
    }
    if (spec.sizeGiB !== undefined && !(Number.isInteger(spec.sizeGiB) && spec.sizeGiB > 0)) {
      throw new ApiError('DISK_OPERATION_FAILED', 'sizeGiB must be a positive integer');
    }

    let source: QemuImgInfo | undefined;
    if (spec.sourceImage !== undefined) {
      const st = await lstat(spec.sourceImage).catch(() => null);
      if (!st || !st.isFile()) throw new ApiError('PATH_NOT_FOUND', `no such image file: ${spec.sourceImage}`);
      source = await imageInfo(spec.sourceImage);
      if (source['backing-filename'] !== undefined) {
        // Flattening would copy whatever host file the backing reference names into the new disk.
        throw new ApiError('DISK_OPERATION_FAILED', `${spec.sourceImage} has a backing file; give a standalone image`);
      }
      const need = source['actual-size'] ?? source['virtual-size'];
      const fs = await statfs(this.path);
      if (need > fs.bavail * fs.bsize) throw new ApiError('INSUFFICIENT_STORAGE');
    }

    // Exclusive create: refuses an existing file (even a concurrent creator) before qemu-img touches anything.
    try {
      await (await open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)).close();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new ApiError('DISK_OPERATION_FAILED', `a disk image already exists at ${file}`);
      }
      throw e;
    }
    try {
      if (source && spec.sourceImage !== undefined) {
        await convert(spec.sourceImage, source.format, file, opts);
        const wanted = (spec.sizeGiB ?? 0) * GiB;
        if (wanted > source['virtual-size']) await run('qemu-img', ['resize', '-f', 'qcow2', file, `${spec.sizeGiB}G`]);
      } else {
        await run('qemu-img', ['create', '-q', '-f', 'qcow2', file, `${spec.sizeGiB}G`]);
      }
      // A blank image has exactly the size asked for; only a copied one needs qemu-img to tell.
      const sizeGiB = source ? await volumeSizeGiB(file) : spec.sizeGiB!;
      // Not awaited: the image is there; the refresh only brings libvirt's volume list up to date.
      void this.refresh().catch(() => {});
      return { path: file, sizeGiB };
    } catch (e) {
      await unlink(file).catch(() => {});
      throw e;
    }
  }

  /** Delete a volume file of this pool (no error when it is already gone). Returns whether a file was removed. */
  async deleteVolume(path: string): Promise<boolean> {
    const abs = this.ownPath(path);
    const real = await realpath(abs).catch(() => null);
    if (real === null) return false;
    if (dirname(real) !== (await realpath(this.path))) {
      throw new ApiError('DISK_OPERATION_FAILED', `${path} is not a volume of storage pool ${this.name}`);
    }
    const st = await lstat(abs);
    if (!st.isFile()) throw new ApiError('DISK_OPERATION_FAILED', `${path} is not a regular file`);
    await unlink(abs);
    void this.refresh().catch(() => {});
    return true;
  }

  async volumeSizeGiB(path: string): Promise<number> {
    return volumeSizeGiB(path);
  }
}

function convert(src: string, format: string, dst: string, opts: CreateVolumeOptions): Promise<void> {
  const args = ['convert', '-p', '-f', format, '-O', 'qcow2', src, dst];
  return new Promise((resolvePromise, reject) => {
    if (opts.signal?.aborted) {
      reject(new ApiError('JOB_CANCELLED'));
      return;
    }
    const child = spawn('qemu-img', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stderr = '';
    let last = -1;
    const onAbort = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const p of parseConvertProgress(chunk)) {
        if (p !== last) {
          last = p;
          opts.onProgress?.(p);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      stderr = (stderr + c).slice(-8000);
    });
    child.on('error', (e) => reject(diskError('qemu-img', args, e.message)));
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) reject(new ApiError('JOB_CANCELLED'));
      else if (code === 0) resolvePromise();
      else reject(diskError('qemu-img', args, stderr || `exit ${code}`));
    });
  });
}

/** ensure() a pool and return it. */
export async function ensurePool(virsh: Virsh, spec: PoolSpec): Promise<StoragePool> {
  const pool = new StoragePool(virsh, spec);
  await pool.ensure();
  return pool;
}

/** Capacity of a pool by name (GET /host). */
export async function poolInfo(virsh: Virsh, name: string): Promise<PoolInfo> {
  return parsePoolInfo(await virsh.run(['pool-info', '--pool', name, '--bytes']));
}
