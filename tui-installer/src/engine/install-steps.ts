import { randomBytes } from 'node:crypto';
import { access, chmod, constants, copyFile, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagementNetwork } from '@quantix/lib/api/network';
import type { AnswerBoot, FinishAction } from '@quantix/lib/appliance/answer-file';
import { ApiError, isApiError } from '@quantix/lib/errors';
import { imagePath, imageSumPath, type EngineConfig } from './config.ts';
import { analyzeDisks, chooseDisk, deviceMountedAt, LSBLK_ARGV } from './disks.ts';
import { CommandFailed, commandLine, tail, type CommandResult, type RunOptions, type Runner } from './exec.ts';
import { formatVolumeId, grubenvArgvs, grubenvProblems, grubInstallArgv, isPeImage, mkstandaloneArgv, parseEnvList, renderEarlyCfg, volumeIdHex } from './grub.ts';
import { copyAndVerify } from './image.ts';
import { partitionPlan, sgdiskArgv, type PartitionName } from './partition-plan.ts';
import { blockDeviceBytes, waitForPartitions, type PartitionDevices } from './partitions.ts';
import { readRelease } from './release.ts';

export type StepId = 'partition' | 'filesystems' | 'image' | 'bootloader' | 'config' | 'finish';
export const STEP_IDS: readonly StepId[] = ['partition', 'filesystems', 'image', 'bootloader', 'config', 'finish'];
export const STEP_TITLES: Record<StepId, string> = {
  partition: 'Partition the disk',
  filesystems: 'Create file systems',
  image: 'Write and verify the system image',
  bootloader: 'Install the boot loader',
  config: 'Write the configuration',
  finish: 'Save the install log',
};

/** What to install where: the answers of the wizard or of an answer file, resolved. */
export interface InstallTarget {
  disk: string;
  /** null: no network.json; the first boot uses DHCP on the first wired NIC. */
  network: ManagementNetwork | null;
  /** scrypt hash as lib/auth/password.ts makes it; null: none yet (the console asks at the first protected action). */
  adminHash: string | null;
  /** Written to boot.json when given. */
  boot?: AnswerBoot | null;
  finish: FinishAction;
}

export interface InstallState {
  parts: PartitionDevices | null;
  /** "1A2B-3C4D", set when the ESP is made. */
  espVolumeId: string | null;
  /** The disk has been written to: a failure from now on wipes its partition table. */
  touched: boolean;
}

export interface StepEnv {
  cfg: EngineConfig;
  runner: Runner;
  target: InstallTarget;
  state: InstallState;
  progress: (fraction: number) => void;
  now: () => Date;
}

export type InstallEvent =
  | { type: 'start'; step: StepId }
  | { type: 'progress'; step: StepId; fraction: number }
  | { type: 'done'; step: StepId }
  | { type: 'failed'; failure: InstallFailure };

export interface InstallFailure {
  step: StepId;
  code: string;
  message: string;
  /** The command that failed, or the last one the step ran before it failed; null when it ran none. */
  command: string | null;
  stderrTail: string;
  logFile: string;
  /** What was done to the disk after the failure. */
  cleanup: string;
}

export type InstallResult = { ok: true } | { ok: false; failure: InstallFailure };

function parts(env: StepEnv): PartitionDevices {
  if (env.state.parts === null) throw new ApiError('INSTALL_PARTITIONS_MISSING', 'the disk has not been partitioned in this run');
  return env.state.parts;
}

/** Runs fn with `dev` mounted on a scratch directory; unmounts and removes the directory afterwards. */
async function withMount<T>(env: StepEnv, dev: string, fstype: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'qx-mnt-'));
  try {
    await env.runner.run(['mount', '-t', fstype, dev, dir]);
    try {
      return await fn(dir);
    } finally {
      await env.runner.run(['umount', dir], { allowFail: true });
    }
  } finally {
    await rm(dir, { recursive: false, force: true }).catch(() => undefined);
  }
}

async function stepPartition(env: StepEnv): Promise<void> {
  const { runner, target, cfg } = env;
  const mounts = await readFile(cfg.mountsFile, 'utf8').catch(() => '');
  const listing = await runner.run(LSBLK_ARGV, { quietStdout: true });
  const disk = chooseDisk(analyzeDisks(JSON.parse(listing.stdout), { mediumDir: cfg.mediumDir, mediumDevice: deviceMountedAt(mounts, cfg.mediumDir), includeLoop: cfg.includeLoop }), target.disk);
  const plan = partitionPlan(disk.sizeBytes);
  runner.log(`plan for ${target.disk} (${disk.sizeBytes} bytes): ${plan.map((p) => `${p.number}:${p.name}@${p.startMiB}M+${p.sizeMiB}M`).join(' ')}`);
  env.state.touched = true;
  await runner.run(['wipefs', '--all', target.disk]);
  env.progress(0.15);
  await runner.run(['sgdisk', '--zap-all', target.disk]);
  env.progress(0.3);
  await runner.run(sgdiskArgv(target.disk, plan));
  env.progress(0.5);
  await runner.run(['partx', '-u', target.disk], { allowFail: true });
  await runner.run(['udevadm', 'settle'], { allowFail: true });
  env.progress(0.7);
  env.state.parts = await waitForPartitions(target.disk, runner, cfg.sysBlockDir, cfg.partitionWaitMs);
  env.progress(1);
}

async function stepFilesystems(env: StepEnv): Promise<void> {
  const p = parts(env);
  const hex = volumeIdHex(randomBytes(4));
  await env.runner.run(['mkfs.vfat', '-F', '32', '-n', 'QX_EFI', '-i', hex, p.QX_EFI]);
  env.state.espVolumeId = formatVolumeId(hex);
  env.progress(0.3);
  await env.runner.run(['mkfs.ext4', '-q', '-F', '-L', 'QX_DATA', p.QX_DATA]);
  env.progress(1);
}

async function stepImage(env: StepEnv): Promise<void> {
  const p = parts(env);
  const device = p.QX_SYSTEM_A;
  await copyAndVerify({
    image: imagePath(env.cfg),
    sumFile: imageSumPath(env.cfg),
    device,
    deviceBytes: await blockDeviceBytes(device, env.cfg.sysBlockDir),
    flush: async () => void (await env.runner.run(['blockdev', '--flushbufs', device])),
    progress: env.progress,
    log: (l) => env.runner.log(l),
  });
}

async function espVolumeId(env: StepEnv, esp: string): Promise<string> {
  if (env.state.espVolumeId) return env.state.espVolumeId;
  const uuid = (await env.runner.run(['blkid', '-p', '-s', 'UUID', '-o', 'value', esp])).stdout.trim();
  env.state.espVolumeId = formatVolumeId(uuid.replace('-', ''));
  return env.state.espVolumeId;
}

async function stepBootloader(env: StepEnv): Promise<void> {
  const { runner, cfg, target } = env;
  const p = parts(env);
  const uuid = await espVolumeId(env, p.QX_EFI);
  const template = await readFile(join(cfg.grubDir, 'early.cfg.in'), 'utf8');
  const scratch = await mkdtemp(join(tmpdir(), 'qx-grub-'));
  try {
    const earlyCfg = join(scratch, 'early.cfg');
    await writeFile(earlyCfg, renderEarlyCfg(template, uuid));
    runner.log(`early.cfg for ESP ${uuid}:\n${renderEarlyCfg(template, uuid)}`);
    await withMount(env, p.QX_EFI, 'vfat', async (esp) => {
      await runner.run(grubInstallArgv(target.disk, esp));
      env.progress(0.35);
      const efiDir = join(esp, 'EFI', 'BOOT');
      await mkdir(efiDir, { recursive: true });
      const efi = join(efiDir, 'BOOTX64.EFI');
      await runner.run(mkstandaloneArgv(efi, earlyCfg));
      env.progress(0.7);
      await mkdir(join(esp, 'grub'), { recursive: true });
      await copyFile(join(cfg.grubDir, 'grub.cfg'), join(esp, 'grub', 'grub.cfg'));
      const envFile = join(esp, 'grub', 'grubenv');
      for (const argv of grubenvArgvs(envFile)) await runner.run(argv);
      env.progress(0.85);
      await validateEsp(env, esp);
      await runner.run(['sync']);
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  env.progress(1);
}

/** The ESP holds a PE image for UEFI, GRUB's BIOS modules, the config and a grubenv with slot A committed. */
async function validateEsp(env: StepEnv, esp: string): Promise<void> {
  const problems: string[] = [];
  const efi = join(esp, 'EFI', 'BOOT', 'BOOTX64.EFI');
  const head = Buffer.alloc(2);
  try {
    const fh = await open(efi, 'r');
    await fh.read(head, 0, 2, 0);
    await fh.close();
    if (!isPeImage(head)) problems.push('EFI/BOOT/BOOTX64.EFI is not a PE image');
  } catch {
    problems.push('EFI/BOOT/BOOTX64.EFI is missing');
  }
  for (const f of [join('grub', 'i386-pc', 'core.img'), join('grub', 'grub.cfg')]) {
    await readFile(join(esp, f)).catch(() => problems.push(`${f} is missing`));
  }
  const listed = await env.runner.run(['grub-editenv', join(esp, 'grub', 'grubenv'), 'list']);
  problems.push(...grubenvProblems(parseEnvList(listed.stdout)).map((p) => `grubenv: ${p}`));
  if (problems.length > 0) throw new ApiError('INSTALL_BOOTLOADER_INVALID', `the ESP is not right: ${problems.join('; ')}`, { problems });
}

async function stepConfig(env: StepEnv): Promise<void> {
  const { runner, cfg, target } = env;
  const p = parts(env);
  const rel = await readRelease(cfg.releaseFile);
  const staging = await mkdtemp(join(tmpdir(), 'qx-config-'));
  try {
    await chmod(staging, 0o755);
    if (target.network) await writeFile(join(staging, 'network.json'), `${JSON.stringify(target.network, null, 2)}\n`, { mode: 0o644 });
    if (target.adminHash !== null) {
      await writeFile(join(staging, 'admin.json'), `${JSON.stringify({ hash: target.adminHash })}\n`, { mode: 0o600 });
      await chmod(join(staging, 'admin.json'), 0o600);
    }
    if (target.boot) await writeFile(join(staging, 'boot.json'), `${JSON.stringify(target.boot, null, 2)}\n`, { mode: 0o644 });
    const install = { installedAt: env.now().toISOString(), version: rel.VERSION, buildId: rel.BUILD_ID, disk: target.disk };
    await writeFile(join(staging, 'install.json'), `${JSON.stringify(install, null, 2)}\n`, { mode: 0o644 });
    const extras = [target.adminHash !== null ? 'admin.json (mode 0600)' : 'no admin.json', target.boot ? `boot.json ${JSON.stringify(target.boot)}` : null];
    runner.log(`config: ${target.network ? `network.json ${JSON.stringify(target.network)}` : 'no network.json (DHCP at first boot)'}; install.json ${JSON.stringify(install)}; ${extras.filter(Boolean).join('; ')}`);
    env.progress(0.3);
    await runner.run(['mkfs.ext4', '-q', '-F', '-L', 'QX_CONFIG', '-d', staging, p.QX_CONFIG]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  env.progress(1);
}

async function stepFinish(env: StepEnv): Promise<void> {
  const { runner } = env;
  const p = parts(env);
  runner.log('installation complete; copying this log to QX_CONFIG as install.log');
  await withMount(env, p.QX_CONFIG, 'ext4', async (dir) => {
    await copyFile(runner.logFile, join(dir, 'install.log'));
    await chmod(join(dir, 'install.log'), 0o600);
  });
  env.progress(0.7);
  await runner.run(['sync']);
  env.progress(1);
}

const stepFns: Record<StepId, (env: StepEnv) => Promise<void>> = {
  partition: stepPartition,
  filesystems: stepFilesystems,
  image: stepImage,
  bootloader: stepBootloader,
  config: stepConfig,
  finish: stepFinish,
};

/** Remembers the last command, so a failure can name it. */
class TracingRunner implements Runner {
  last: string | null = null;
  constructor(private readonly inner: Runner) {}
  get logFile() {
    return this.inner.logFile;
  }
  log(line: string) {
    this.inner.log(line);
  }
  run(argv: string[], options?: RunOptions): Promise<CommandResult> {
    this.last = commandLine(argv);
    return this.inner.run(argv, options);
  }
}

export interface InstallOptions {
  cfg: EngineConfig;
  runner: Runner;
  target: InstallTarget;
  onEvent?: (e: InstallEvent) => void;
  /** Which steps to run, in order (all by default). */
  steps?: readonly StepId[];
  now?: () => Date;
}

/** Every program the steps run, by step: checked before the first one, so a missing tool never leaves a half-written disk. */
export const STEP_TOOLS: Record<StepId, readonly string[]> = {
  partition: ['lsblk', 'wipefs', 'sgdisk', 'partx', 'udevadm'],
  filesystems: ['mkfs.vfat', 'mkfs.ext4'],
  image: ['blockdev'],
  bootloader: ['mount', 'umount', 'grub-install', 'grub-mkstandalone', 'grub-editenv'],
  config: ['mkfs.ext4'],
  finish: ['mount', 'umount', 'sync'],
};

/** The tools of these steps that are not on PATH. */
export async function missingTools(steps: readonly StepId[], path = process.env.PATH ?? ''): Promise<string[]> {
  const tools = [...new Set(steps.flatMap((s) => STEP_TOOLS[s]))];
  const dirs = path.split(':').filter(Boolean);
  const found = await Promise.all(
    tools.map(async (t) => {
      for (const d of dirs) if (await access(join(d, t), constants.X_OK).then(() => true, () => false)) return true;
      return false;
    }),
  );
  return tools.filter((_, i) => !found[i]);
}

/**
 * Runs the steps in order. The first failure stops the run; if the disk was already written to, its
 * partition table is wiped (sgdisk --zap-all) so it can never boot a half-installed system.
 */
export async function runInstall(o: InstallOptions): Promise<InstallResult> {
  const runner = new TracingRunner(o.runner);
  const state: InstallState = { parts: null, espVolumeId: null, touched: false };
  const emit = o.onEvent ?? (() => undefined);
  runner.log(`install: disk ${o.target.disk}, steps ${(o.steps ?? STEP_IDS).join(', ')}`);
  const missing = await missingTools(o.steps ?? STEP_IDS);
  if (missing.length > 0) {
    const first = (o.steps ?? STEP_IDS)[0] ?? 'partition';
    const failure = await fail(runner, o.target.disk, state, first, new ApiError('INSTALL_TOOLS_MISSING', `this system lacks programs the installer needs: ${missing.join(', ')}`, { missing }));
    emit({ type: 'failed', failure });
    return { ok: false, failure };
  }
  for (const step of o.steps ?? STEP_IDS) {
    emit({ type: 'start', step });
    runner.log(`== ${STEP_TITLES[step]}`);
    runner.last = null;
    const env: StepEnv = {
      cfg: o.cfg,
      runner,
      target: o.target,
      state,
      now: o.now ?? (() => new Date()),
      progress: (fraction) => emit({ type: 'progress', step, fraction: Math.min(1, Math.max(0, fraction)) }),
    };
    try {
      await stepFns[step](env);
    } catch (err) {
      const failure = await fail(runner, o.target.disk, state, step, err);
      emit({ type: 'failed', failure });
      return { ok: false, failure };
    }
    emit({ type: 'done', step });
  }
  return { ok: true };
}

async function fail(runner: TracingRunner, disk: string, state: InstallState, step: StepId, err: unknown): Promise<InstallFailure> {
  const message = err instanceof Error ? err.message : String(err);
  const code = isApiError(err) ? err.code : 'INTERNAL';
  const command = err instanceof CommandFailed ? commandLine(err.argv) : runner.last;
  const stderrTail = err instanceof CommandFailed ? tail(err.stderr) : '';
  runner.log(`FAILED in "${STEP_TITLES[step]}": ${code}: ${message}`);
  if (err instanceof Error && !isApiError(err) && err.stack) runner.log(err.stack);
  let cleanup = 'the disk was not changed';
  if (state.touched) {
    const zap = await runner.run(['sgdisk', '--zap-all', disk], { allowFail: true });
    await runner.run(['partx', '-d', disk], { allowFail: true });
    cleanup = zap.code === 0 ? `the partition table of ${disk} was wiped` : `wiping the partition table of ${disk} failed too (exit ${zap.code})`;
    runner.log(cleanup);
  }
  return { step, code, message, command, stderrTail, logFile: runner.logFile, cleanup };
}

/** What ends the installer once the system is on the disk. */
export function finishArgv(cfg: EngineConfig, action: FinishAction): string[] {
  return action === 'poweroff' ? cfg.poweroffCommand : cfg.rebootCommand;
}

export interface PlannedCommand {
  step: StepId;
  /** A command line, or a sentence for what the installer does itself (copying, writing files). */
  line: string;
}

/** Everything an install would do, for --dry-run: partitions appear as <NAME>, the ESP mount as <esp>. */
export function planCommands(cfg: EngineConfig, target: InstallTarget, diskBytes: number): PlannedCommand[] {
  const plan = partitionPlan(diskBytes);
  const dev = (n: PartitionName) => `<${n}>`;
  const out: PlannedCommand[] = [];
  const add = (step: StepId, argvOrLine: string[] | string) => out.push({ step, line: Array.isArray(argvOrLine) ? commandLine(argvOrLine) : argvOrLine });
  add('partition', LSBLK_ARGV);
  add('partition', ['wipefs', '--all', target.disk]);
  add('partition', ['sgdisk', '--zap-all', target.disk]);
  add('partition', sgdiskArgv(target.disk, plan));
  add('partition', `${commandLine(['partx', '-u', target.disk])} || true`);
  add('partition', `${commandLine(['udevadm', 'settle'])} || true`);
  add('partition', `wait for ${plan.map((p) => p.name).join(', ')} by PARTNAME under ${cfg.sysBlockDir}/${target.disk.replace(/^.*\//, '')}/`);
  add('filesystems', ['mkfs.vfat', '-F', '32', '-n', 'QX_EFI', '-i', '<random 8 hex>', dev('QX_EFI')]);
  add('filesystems', ['mkfs.ext4', '-q', '-F', '-L', 'QX_DATA', dev('QX_DATA')]);
  add('image', `copy ${imagePath(cfg)} raw to ${dev('QX_SYSTEM_A')}, fsync`);
  add('image', ['blockdev', '--flushbufs', dev('QX_SYSTEM_A')]);
  add('image', `read back the image length from ${dev('QX_SYSTEM_A')}; its SHA-256 must equal ${imageSumPath(cfg)}`);
  add('bootloader', ['mount', '-t', 'vfat', dev('QX_EFI'), '<esp>']);
  add('bootloader', grubInstallArgv(target.disk, '<esp>'));
  add('bootloader', mkstandaloneArgv('<esp>/EFI/BOOT/BOOTX64.EFI', '<early.cfg>'));
  add('bootloader', `copy ${join(cfg.grubDir, 'grub.cfg')} to <esp>/grub/grub.cfg`);
  for (const argv of grubenvArgvs('<esp>/grub/grubenv')) add('bootloader', argv);
  add('bootloader', ['umount', '<esp>']);
  add('config', `write network.json, admin.json (0600), install.json to <staging>`);
  add('config', ['mkfs.ext4', '-q', '-F', '-L', 'QX_CONFIG', '-d', '<staging>', dev('QX_CONFIG')]);
  add('finish', `copy ${cfg.logFile} to install.log on ${dev('QX_CONFIG')}; sync`);
  add('finish', finishArgv(cfg, target.finish));
  return out;
}
