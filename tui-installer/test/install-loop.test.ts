import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEngineConfig, type EngineConfig } from '../src/engine/config.ts';
import { LoggingRunner } from '../src/engine/exec.ts';
import { formatVolumeId, grubenvArgvs, grubenvProblems, isPeImage, mkstandaloneArgv, parseEnvList, renderEarlyCfg } from '../src/engine/grub.ts';
import { runInstall, type InstallEvent, type InstallTarget } from '../src/engine/install-steps.ts';

/**
 * The real steps against an 8 GiB sparse file on a loop device of this host: partitioning, file systems,
 * the image written and read back, the config partition, the log copied onto it. (Mounting the ESP needs
 * vfat, which this host's kernel lacks: the boot loader step runs in the QEMU image test.)
 */

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('install onto a loop device', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-install-'));
  let disk = '';
  let cfg: EngineConfig;
  let imageSum = '';
  let imageBytes = 0;

  const target = (): InstallTarget => ({
    disk,
    network: { nic: 'enp1s0', mode: 'static', address: '192.168.7.10/24', gateway: '192.168.7.1', vlan: null, dns: ['192.168.7.1'], hostname: 'node7' },
    adminHash: 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=',
    boot: { trialTimeoutSeconds: 120 },
    finish: 'reboot',
  });

  beforeAll(() => {
    const medium = join(dir, 'medium');
    mkdirSync(join(medium, 'live'), { recursive: true });
    const root = join(dir, 'rootfs');
    mkdirSync(join(root, 'etc', 'quantix'), { recursive: true });
    writeFileSync(join(root, 'etc', 'quantix', 'release'), 'NAME=Quantix-OS\nVERSION=0.9.1\nBUILD_ID=test-build\nPROFILE=os\n');
    writeFileSync(join(root, 'payload.bin'), randomBytes(6 * 1024 * 1024 + 5));
    const image = join(medium, 'live', 'system.sqfs');
    sh('mksquashfs', [root, image, '-quiet', '-noappend', '-comp', 'gzip']);
    imageSum = createHash('sha256').update(readFileSync(image)).digest('hex');
    imageBytes = statSync(image).size;
    writeFileSync(`${image}.sha256`, `${imageSum}  system.sqfs\n`);
    writeFileSync(join(dir, 'release'), 'NAME=Quantix-OS\nVERSION=0.9.1\nBUILD_ID=test-build\nPROFILE=os\n');
    const file = join(dir, 'disk.img');
    sh('truncate', ['-s', '8G', file]);
    disk = sh('losetup', ['-f', '--show', file]).trim();
    cfg = {
      ...defaultEngineConfig,
      mediumDir: medium,
      releaseFile: join(dir, 'release'),
      logFile: join(dir, 'installer.log'),
      includeLoop: true,
      partitionWaitMs: 15_000,
    };
  });

  afterAll(() => {
    if (disk) {
      try {
        execFileSync('partx', ['-d', disk], { stdio: 'ignore' });
      } catch {
        // no partitions left to remove
      }
      execFileSync('losetup', ['-d', disk], { stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('partitions, formats, writes and verifies the image, writes the config and keeps the log', async () => {
    const events: InstallEvent[] = [];
    const result = await runInstall({
      cfg,
      runner: new LoggingRunner(cfg.logFile),
      target: target(),
      steps: ['partition', 'filesystems', 'image', 'config', 'finish'],
      onEvent: (e) => events.push(e),
      now: () => new Date('2026-11-21T12:00:00Z'),
    });
    expect(result).toEqual({ ok: true });
    expect(events.filter((e) => e.type === 'done').map((e) => (e as { step: string }).step)).toEqual(['partition', 'filesystems', 'image', 'config', 'finish']);
    const imageProgress = events.filter((e) => e.type === 'progress' && e.step === 'image').map((e) => (e as { fraction: number }).fraction);
    expect(imageProgress.length).toBeGreaterThanOrEqual(8);
    expect(imageProgress.at(-1)).toBe(1);

    const table = sh('sgdisk', ['-p', disk]);
    const rows = table.split('\n').filter((l) => /^\s+\d+\s/.test(l)).map((l) => l.trim().split(/\s+/));
    expect(rows.map((r) => [r[0], r[1], r[5], r[6]])).toEqual([
      ['1', '2048', 'EF02', 'QX_BIOS'],
      ['2', '4096', 'EF00', 'QX_EFI'],
      ['3', '528384', '8300', 'QX_SYSTEM_A'],
      ['4', '4722688', '8300', 'QX_SYSTEM_B'],
      ['5', '8916992', '8300', 'QX_CONFIG'],
      ['6', '9441280', '8300', 'QX_DATA'],
    ]);
    const byName = new Map(sh('partx', ['-g', '-o', 'NR,NAME', disk]).trim().split('\n').map((l) => {
      const [nr, name] = l.trim().split(/\s+/);
      return [name!, `${disk}p${nr}`];
    }));

    const probe = (dev: string) => Object.fromEntries(sh('blkid', ['-p', '-o', 'export', dev]).trim().split('\n').map((l) => l.split('=') as [string, string]));
    const esp = probe(byName.get('QX_EFI')!);
    expect(esp).toMatchObject({ TYPE: 'vfat', LABEL: 'QX_EFI', VERSION: 'FAT32' });
    expect(esp.UUID).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(probe(byName.get('QX_DATA')!)).toMatchObject({ TYPE: 'ext4', LABEL: 'QX_DATA' });
    expect(probe(byName.get('QX_SYSTEM_A')!)).toMatchObject({ TYPE: 'squashfs' });

    const written = execFileSync('head', ['-c', String(imageBytes), byName.get('QX_SYSTEM_A')!], { maxBuffer: 64 * 1024 * 1024 });
    expect(createHash('sha256').update(written).digest('hex')).toBe(imageSum);

    expect(probe(byName.get('QX_CONFIG')!)).toMatchObject({ TYPE: 'ext4', LABEL: 'QX_CONFIG' });
    const mnt = join(dir, 'config');
    mkdirSync(mnt);
    sh('mount', ['-o', 'ro', byName.get('QX_CONFIG')!, mnt]);
    try {
      expect(JSON.parse(readFileSync(join(mnt, 'network.json'), 'utf8'))).toEqual(target().network);
      expect(JSON.parse(readFileSync(join(mnt, 'admin.json'), 'utf8'))).toEqual({ hash: target().adminHash });
      expect(statSync(join(mnt, 'admin.json')).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(join(mnt, 'boot.json'), 'utf8'))).toEqual({ trialTimeoutSeconds: 120 });
      expect(JSON.parse(readFileSync(join(mnt, 'install.json'), 'utf8'))).toEqual({ installedAt: '2026-11-21T12:00:00.000Z', version: '0.9.1', buildId: 'test-build', disk });
      const log = readFileSync(join(mnt, 'install.log'), 'utf8');
      expect(log).toContain(`$ sgdisk --zap-all ${disk}`);
      expect(log).toContain('--change-name=6:QX_DATA');
      expect(log).toContain(`read back ${imageBytes} bytes: sha256 ${imageSum}`);
      expect(log).toContain('installation complete');
    } finally {
      sh('umount', [mnt]);
    }
  });

  it('refuses a disk that is in use, without touching it', async () => {
    const mnt = join(dir, 'busy');
    mkdirSync(mnt, { recursive: true });
    const data = sh('partx', ['-g', '-o', 'NR,NAME', disk]).split('\n').find((l) => l.includes('QX_DATA'))!.trim().split(/\s+/)[0];
    sh('mount', [`${disk}p${data}`, mnt]);
    try {
      const result = await runInstall({ cfg, runner: new LoggingRunner(cfg.logFile), target: target() });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.failure).toMatchObject({ step: 'partition', code: 'INSTALL_DISK_REFUSED', cleanup: 'the disk was not changed', logFile: cfg.logFile });
        expect(result.failure.message).toContain(`is mounted at ${mnt}`);
      }
      expect(sh('partx', ['-g', '-o', 'NAME', disk])).toContain('QX_DATA');
    } finally {
      sh('umount', [mnt]);
    }
  });

  it('fails loudly on a damaged image and leaves the disk without a partition table', async () => {
    const sumFile = join(cfg.mediumDir, 'live', 'system.sqfs.sha256');
    writeFileSync(sumFile, `${'0'.repeat(64)}  system.sqfs\n`);
    const result = await runInstall({ cfg, runner: new LoggingRunner(cfg.logFile), target: target() });
    writeFileSync(sumFile, `${imageSum}  system.sqfs\n`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failure).toMatchObject({ step: 'image', code: 'INSTALL_IMAGE_INVALID', cleanup: `the partition table of ${disk} was wiped` });
      expect(result.failure.message).toMatch(/damaged/);
    }
    const probe = spawnSync('blkid', ['-p', '-o', 'export', disk], { encoding: 'utf8' });
    expect(probe.stdout).not.toContain('PTTYPE');
    expect(spawnSync('sgdisk', ['-v', disk], { encoding: 'utf8' }).stdout).not.toContain('QX_');
    expect(spawnSync('partx', ['-g', disk], { encoding: 'utf8' }).stdout.trim()).toBe('');
    const log = readFileSync(cfg.logFile, 'utf8');
    expect(log).toMatch(/FAILED in "Write and verify the system image": INSTALL_IMAGE_INVALID/);
  });
});

describe('boot loader files without mounting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-grub-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('grub-editenv makes the grubenv the install checks for', () => {
    const file = join(dir, 'grubenv');
    for (const argv of grubenvArgvs(file)) execFileSync(argv[0]!, argv.slice(1));
    expect(statSync(file).size).toBe(1024);
    expect(grubenvProblems(parseEnvList(sh('grub-editenv', [file, 'list'])))).toEqual([]);
  });

  it('grub-mkstandalone builds a PE image around the rendered early config', () => {
    const early = join(dir, 'early.cfg');
    writeFileSync(early, renderEarlyCfg('search --no-floppy --fs-uuid --set=root @ESP_UUID@\nconfigfile ($root)/grub/grub.cfg\n', formatVolumeId('1a2b3c4d')));
    const out = join(dir, 'BOOTX64.EFI');
    const argv = mkstandaloneArgv(out, early);
    execFileSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    expect(isPeImage(readFileSync(out).subarray(0, 2))).toBe(true);
  });
});
