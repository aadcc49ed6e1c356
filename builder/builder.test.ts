import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = import.meta.dirname;
const repo = join(dir, '..');
const read = (p: string) => readFileSync(join(repo, p), 'utf8');

describe('builder scripts', () => {
  it('all parse as shell', () => {
    const scripts = ['build', 'build-rootfs', 'build-initramfs', 'build-squashfs', 'build-iso', 'build-ova', 'host-deps', 'lib.sh'];
    for (const s of scripts) execFileSync('bash', ['-n', join(dir, s)]);
    for (const s of ['initramfs/init', 'initramfs/lib.sh', '../overlay/common/usr/lib/quantix/session', '../overlay/common/usr/lib/quantix/firstboot', '../overlay/common/usr/lib/quantix/boot-guard', '../overlay/common/usr/lib/quantix/watchdog', '../overlay/common/usr/lib/quantix/rescue-login'])
      execFileSync('busybox', ['sh', '-n', join(dir, s)]);
  });

  it('enables only units that exist in Debian or in overlay/', () => {
    const ours = readdirSync(join(repo, 'overlay/common/etc/systemd/system'));
    const enabled = /for unit in \$\(conf_get "\$PROFILE_CONF" SERVICES\) (.*?); do/s.exec(read('builder/build-rootfs'))![1]!.split(/\s+/).filter((u) => u && u !== '\\');
    for (const unit of enabled) expect(ours).toContain(unit.replace(/@.*\./, '@.'));
  });

  it('fills every placeholder of the ISO menu, and offers every boot mode the session script knows', () => {
    const iso = read('grub/iso.cfg.in');
    expect(new Set(iso.match(/@[A-Z_]+@/g))).toEqual(new Set(['@BUILD_ID@', '@NAME@', '@VERSION@']));
    for (const p of ['@BUILD_ID@', '@NAME@', '@VERSION@']) expect(read('builder/build-iso')).toContain(`s|${p}|`);
    const modes = [...iso.matchAll(/quantix\.mode=([a-z-]+)/g)].map((m) => m[1]);
    expect(new Set(modes)).toEqual(new Set(['install', 'install-serial', 'rescue']));
    const session = read('overlay/common/usr/lib/quantix/session');
    for (const mode of modes) expect(session).toMatch(new RegExp(`\\b${mode}\\b`));
  });

  it('uses in grub.cfg exactly the grubenv variables of docs/appliance.md', () => {
    const cfg = read('grub/grub.cfg');
    const used = new Set(cfg.match(/\bqx_(active|trial_boots|trial|failed)\b/g));
    expect(used).toEqual(new Set(['qx_active', 'qx_trial', 'qx_trial_boots', 'qx_failed']));
    expect(cfg).toMatch(/load_env -f \$qx_env qx_active qx_trial qx_trial_boots qx_failed/);
    // The slot partitions are numbers 3 and 4 of the GPT layout.
    expect(cfg).toContain('set qx_part_A=($qx_disk,gpt3)');
    expect(cfg).toContain('set qx_part_B=($qx_disk,gpt4)');
    expect(cfg).toMatch(/panic=\d+/);
  });
});

describe('the rescue shell password check', () => {
  it('accepts the admin password whose hash lib/auth/password.ts made, and nothing else', async () => {
    const { hashPassword } = await import('@quantix/lib/auth');
    const file = join(mkdtempSync(join(tmpdir(), 'qx-admin-')), 'admin.json');
    writeFileSync(file, JSON.stringify({ hash: await hashPassword('right horse 1') }));
    const check = (password: string) => {
      try {
        execFileSync(process.execPath, [join(repo, 'overlay/common/usr/lib/quantix/check-admin-password.mjs'), file], { env: { QX_PASSWORD: password } });
        return true;
      } catch {
        return false;
      }
    };
    expect(check('right horse 1')).toBe(true);
    expect(check('right horse 2')).toBe(false);
    expect(check('')).toBe(false);
  });
});

describe('initramfs functions (busybox sh against a fake /sys)', () => {
  const sys = mkdtempSync(join(tmpdir(), 'qx-sysfs-'));
  const dev = (name: string, uevent: string) => {
    mkdirSync(join(sys, 'class/block', name), { recursive: true });
    writeFileSync(join(sys, 'class/block', name, 'uevent'), uevent);
  };
  dev('vda', 'MAJOR=253\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n');
  dev('vda3', 'MAJOR=253\nMINOR=3\nDEVNAME=vda3\nDEVTYPE=partition\nPARTN=3\nPARTNAME=QX_SYSTEM_A\n');
  dev('nvme0n1p4', 'DEVNAME=nvme0n1p4\nDEVTYPE=partition\nPARTN=4\nPARTNAME=QX_SYSTEM_B\n');
  dev('sdb1', 'DEVNAME=sdb1\nDEVTYPE=partition\nPARTN=1\nPARTNAME=QX_SYSTEM_A_OLD\n');
  const sh = (script: string) =>
    execFileSync('busybox', ['sh', '-c', `. ${join(dir, 'initramfs/lib.sh')}; ${script}`], { env: { SYSFS: sys, PATH: process.env.PATH } }).toString().trim();

  it('finds partitions by their GPT name, whatever the device is called', () => {
    expect(sh('partition_named QX_SYSTEM_A')).toBe('/dev/vda3');
    expect(sh('partition_named QX_SYSTEM_B')).toBe('/dev/nvme0n1p4');
    expect(sh('partition_named QX_DATA || echo none')).toBe('none');
  });

  it('reads the slot, live build and mode from the kernel command line', () => {
    expect(sh('parse_cmdline "console=ttyS0 quantix.slot=B panic=10"; echo "$slot/$live/$mode"')).toBe('B//');
    expect(sh('parse_cmdline "quantix.live=2026-abc quantix.mode=install-serial quiet"; echo "$slot/$live/$mode"')).toBe('/2026-abc/install-serial');
  });
});
