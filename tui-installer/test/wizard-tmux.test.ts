import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxTerminal } from './tmux.ts';

/**
 * The built installer in a real terminal (tmux, 80x24, TERM=vt100) with --dry-run: through every
 * question to the typed confirmation and the plan, against a 10 GiB loop device that must stay untouched.
 */

const repoRoot = new URL('../../', import.meta.url).pathname;
const bundle = join(repoRoot, 'dist/qx-installer.mjs');
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)('qx-installer --dry-run in a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qx-wizard-'));
  let disk = '';
  let term: TmuxTerminal | null = null;

  beforeAll(() => {
    if (!existsSync(bundle)) execFileSync(process.execPath, [join(repoRoot, 'scripts/build.mjs')], { cwd: repoRoot, stdio: 'ignore' });
    writeFileSync(join(dir, 'release'), 'NAME=Quantix-OS\nVERSION=0.9.1\nBUILD_ID=e2e\nPROFILE=os\n');
    writeFileSync(join(dir, 'cmdline'), 'BOOT_IMAGE=/boot/vmlinuz quantix.mode=install\n');
    execFileSync('truncate', ['-s', '10G', join(dir, 'disk.img')]);
    disk = execFileSync('losetup', ['-f', '--show', join(dir, 'disk.img')], { encoding: 'utf8' }).trim();
  });

  afterAll(async () => {
    await term?.kill();
    if (disk) execFileSync('losetup', ['-d', disk]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks every question, takes only the typed disk name, shows and prints the plan, writes nothing', async () => {
    const name = basename(disk);
    term = await TmuxTerminal.start(
      [
        process.execPath, bundle, '--dry-run', '--include-loop',
        '--medium', join(dir, 'medium'), '--log', join(dir, 'installer.log'), '--release-file', join(dir, 'release'), '--cmdline-file', join(dir, 'cmdline'),
        '--reboot-command', `touch ${join(dir, 'rebooted')}`,
      ],
      { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', TERM: 'vt100', LANG: 'C' },
    );
    let screen = await term.waitFor('Welcome to the Quantix-OS installer');
    const lines = screen.split('\n');
    expect(lines[0]).toBe(`+${'-'.repeat(78)}+`);
    expect(lines[22]).toBe(`+${'-'.repeat(78)}+`);
    expect(lines[23] ?? '').toBe('');
    expect(screen).toContain('DRY RUN');
    expect(screen).toMatch(/^[\x20-\x7e\n]*$/);

    await term.keys('Enter');
    screen = await term.waitFor(new RegExp(`\\d  ${name} +10\\.0 GiB`));
    const row = screen.split('\n').find((l) => new RegExp(`\\d  ${name} `).test(l))!;
    const number = /(\d)  /.exec(row)![1]!;
    expect(screen).toMatch(/cannot: .*mounted at \//);
    await term.type(number);
    await term.waitFor('The management network');

    await term.keys('Down');
    await term.type('s');
    await term.keys('Down');
    await term.type('10.0.0.5');
    await term.keys('Enter');
    screen = await term.waitFor('FAIL Address: an IPv4 address with prefix length, like 192.168.1.10/24.');
    expect(screen).toMatch(/> Address +\[10\.0\.0\.5_ +\] FAIL like 10\.0\.0\.5\/24/);
    await term.type('/24');
    await term.keys('Tab');
    await term.type('10.0.0.1');
    await term.keys('Tab', 'Tab', 'Tab', 'C-u');
    await term.type('node7');
    await term.keys('Enter');
    await term.waitFor('The admin password');

    await term.type('secret');
    await term.keys('Enter');
    screen = await term.waitFor('FAIL use at least 8 characters');
    expect(screen).not.toContain('secret');
    await term.type('word42');
    await term.keys('Enter');
    await term.type('secretword42');
    await term.keys('Enter');
    screen = await term.waitFor('Ready to install');
    expect(screen).toContain(`/dev/${name}  10.0 GiB`);
    expect(screen).toContain('static 10.0.0.5/24 via 10.0.0.1');
    expect(screen).toContain('Hostname  node7');

    await term.type('c');
    await term.waitFor(`ALL DATA ON /dev/${name} (10.0 GiB) WILL BE ERASED.`);
    await term.type('vda');
    await term.keys('Enter');
    await term.waitFor(`That is not ${name}.`);
    for (let i = 0; i < 3; i++) await term.keys('BSpace');
    await term.type(name);
    await term.keys('Enter');
    screen = await term.waitFor('Dry run: what the install would do');
    expect(screen).toContain(`[partition] sgdisk --zap-all /dev/${name}`);

    await term.type('q');
    const until = Date.now() + 10_000;
    while (!(await term.paneDead())) {
      if (Date.now() > until) throw new Error(`the installer did not end:\n${await term.screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    screen = await term.screen();
    expect(screen).toContain(`[bootloader] grub-install --target=i386-pc '--boot-directory=<esp>'`);
    expect(screen).toContain('[finish] touch');

    const log = readFileSync(join(dir, 'installer.log'), 'utf8');
    expect(log).toContain('$ lsblk -J -b -o');
    expect(log).not.toMatch(/\$ (sgdisk|wipefs|mkfs)/);
    expect(spawnSync('blkid', ['-p', disk]).status).not.toBe(0);
    expect(existsSync(join(dir, 'rebooted'))).toBe(false);
  });
});
