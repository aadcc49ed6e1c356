import { describe, expect, it } from 'vitest';
import { parseForm } from '@quantix/lib/tui/network-form';
import { STEP_IDS } from '../engine/install-steps.ts';
import { drawFrame, expectFits, filledState, profiles, text } from '../testing/frames.tsx';
import type { Phase, WizardState } from './wizard.ts';

const failure = {
  step: 'image' as const,
  code: 'INSTALL_VERIFY_FAILED',
  message: '/dev/vda3 reads back with SHA-256 00ff, the image has abcd',
  command: 'blockdev --flushbufs /dev/vda3',
  stderrTail: '',
  logFile: '/run/quantix/installer.log',
  cleanup: 'the partition table of /dev/vda was wiped',
};

const states: Record<Phase, WizardState> = {
  welcome: filledState({ phase: 'welcome' }),
  disks: filledState({ phase: 'disks', diskCursor: 0 }),
  network: filledState({ phase: 'network', netFocus: 'address' }),
  password: filledState({ phase: 'password', password: ['abc', ''], showPwProblems: true }),
  summary: filledState({ phase: 'summary' }),
  confirm: filledState({ phase: 'confirm', confirmText: 'vdb', confirmWrong: true }),
  installing: filledState({
    phase: 'installing',
    steps: { ...filledState().steps, partition: { status: 'done', fraction: 1 }, filesystems: { status: 'done', fraction: 1 }, image: { status: 'running', fraction: 0.42 } },
    logTail: ['2026-11-21T12:00:00.000Z $ mkfs.ext4 -q -F -L QX_DATA /dev/vda6', '2026-11-21T12:00:01.000Z   exit 0', '2026-11-21T12:00:01.100Z writing 612368384 bytes of /run/quantix/medium/live/system.sqfs to /dev/vda3'],
  }),
  done: filledState({ phase: 'done' }),
  failed: filledState({ phase: 'failed', failure, logTail: ['2026-11-21T12:00:09.000Z read back 612368384 bytes: sha256 00ff', '2026-11-21T12:00:09.100Z $ sgdisk --zap-all /dev/vda'] }),
  plan: filledState({ phase: 'plan', dryRun: true, plan: [{ step: 'partition', line: 'sgdisk --zap-all /dev/vda' }, { step: 'finish', line: '/sbin/reboot' }] }),
  fatal: filledState({ phase: 'fatal', fatal: { title: 'The answer file cannot be used', lines: ['INSTALL_ANSWER_INVALID: answer.yaml: disk: a device path like /dev/vda, or "auto"'] } }),
};

describe.each(['serial', 'unicode'] as const)('every screen fits a %s terminal', (name) => {
  const profile = profiles[name];
  it.each(Object.keys(states) as Phase[])('%s', (phase) => {
    const lines = drawFrame(states[phase], profile);
    expect(lines).toHaveLength(23);
    expectFits(lines, profile);
    if (name === 'serial') expect(lines[0]).toBe(`+${'-'.repeat(78)}+`);
    else expect(lines[0]).toBe(`┌${'─'.repeat(78)}┐`);
  });
});

describe('screens', () => {
  const s = profiles.serial;
  it('welcome names product, version and the step', () => {
    const t = text(drawFrame(states.welcome, s));
    expect(t).toContain('Quantix-OS 0.9.1 installer - Welcome');
    expect(t).toContain('Step 1 of 6');
    expect(t).toContain('Enter/N Next');
  });

  it('disks: size, model, serial, and why a disk cannot be chosen', () => {
    const lines = drawFrame(states.disks, s);
    expect(lines.find((l) => l.includes('vda'))).toMatch(/>1  vda\s+20\.0 GiB  QEMU HARDDISK  qx-disk-1/);
    expect(text(lines)).toContain('cannot: smaller than 8 GiB (4.0 GiB)');
    expect(text(lines)).toContain('cannot: holds the installation medium');
    expect(text(lines)).toContain('R Rescan');
  });

  it('network: the static fields, the NIC with its link, the focused field marked', () => {
    const t = text(drawFrame(states.network, s));
    expect(t).toContain('< enp1s0 >  52:54:00:12:34:56  link up');
    expect(t).toMatch(/> Address\s+\[192\.168\.1\.20\/24_/);
    expect(t).toContain('Interfaces: 1 enp1s0 (link)  2 enp2s0');
    expect(t).toMatch(/Gateway .*\n.* VLAN .*\n.* DNS .*\n.* Hostname /);
    const dhcp = text(drawFrame({ ...states.network, net: { ...states.network.net, mode: 'dhcp' }, netFocus: 'mode' }, s));
    expect(dhcp).not.toContain('Address');
    expect(dhcp).toContain('< DHCP >');
  });

  it('network shows problems once the operator tried to go on', () => {
    const net = { ...states.network.net, address: '10.0.0.5', dns: '192.168.1.1, 8.8.8', hostname: '' };
    const bad = { ...states.network, net, showNetProblems: true, netProblems: parseForm(net).problems };
    const lines = drawFrame(bad, s);
    expect(lines.find((l) => l.includes('> Address'))).toMatch(/> Address\s+\[10\.0\.0\.5_\s*\] FAIL like 10\.0\.0\.5\/24/);
    expect(lines.find((l) => l.includes('  DNS '))).toMatch(/\] FAIL server 2 is not IPv4/);
    expect(lines.find((l) => l.includes('  Hostname '))).toMatch(/\] FAIL needed/);
    const t = text(lines);
    expect(t).toContain('FAIL Address: an IPv4 address with prefix length, like 192.168.1.10/24.');
    const dns = lines.findIndex((l) => l.includes('| FAIL DNS server 2: an IPv4 address like 192.168.1.10; servers are separated '));
    expect(lines[dns + 1]).toMatch(/^\| by commas\. +\|$/);
    expect(t).toContain('FAIL Hostname: this host needs a name, like node1 or node1.example.com.');
    expect(text(drawFrame({ ...bad, showNetProblems: false }, s))).not.toContain('FAIL');
  });

  it('password: never echoes, shows the rules and the problems', () => {
    const t = text(drawFrame(states.password, s));
    expect(t).toContain('[***_');
    expect(t).not.toContain('abc');
    expect(t).toContain('FAIL use at least 8 characters');
    expect(t).toContain('FAIL type the same password twice');
  });

  it('summary: disk, network, hostname, layout', () => {
    const t = text(drawFrame(states.summary, s));
    expect(t).toContain('/dev/vda  20.0 GiB  QEMU HARDDISK');
    expect(t).toContain('enp1s0, static 192.168.1.20/24 via 192.168.1.1, DNS 192.168.1.1');
    expect(t).toContain('QX_DATA 15.5 GiB');
    expect(t).not.toContain('correct horse');
  });

  it('confirm: the warning, the name to type, a wrong name', () => {
    const t = text(drawFrame(states.confirm, s));
    expect(t).toContain('ALL DATA ON /dev/vda (20.0 GiB, QEMU HARDDISK) WILL BE ERASED.');
    expect(t).toContain("Type the disk's name, vda, and press Enter to install:");
    expect(t).toContain('> vdb_');
    expect(t).toContain('That is not vda.');
  });

  it('installing: a bar per step and the log tail', () => {
    const lines = drawFrame(states.installing, s);
    expect(lines.filter((l) => /\[[#.]+\]/.test(l))).toHaveLength(STEP_IDS.length);
    expect(lines.find((l) => l.includes('Partition the disk'))).toMatch(/OK .*\[#+\] 100%/);
    expect(lines.find((l) => l.includes('Write and verify'))).toMatch(/>> .*\[#+\.+\]  42%/);
    expect(lines.find((l) => l.includes('Install the boot loader'))).toMatch(/\[\.+\]   0%/);
    expect(text(lines)).toContain('$ mkfs.ext4 -q -F -L QX_DATA /dev/vda6');
    const u = text(drawFrame(states.installing, profiles.unicode));
    expect(u).toContain('✓');
    expect(u).toMatch(/█+░+/);
  });

  it('done: reboot and power-off keys; unattended says what comes', () => {
    const t = text(drawFrame(states.done, s));
    expect(t).toContain('Quantix-OS 0.9.1 is installed on /dev/vda.');
    expect(t).toContain('R Reboot');
    expect(t).toContain('P Power off');
    const un = text(drawFrame({ ...states.done, answerOrigin: '/run/quantix/medium/answer.yaml', finish: 'poweroff' }, s));
    expect(un).toContain('Powering off shortly.');
    expect(un).not.toContain('R Reboot');
  });

  it('failed: step, error, command, cleanup, log path and the log', () => {
    const t = text(drawFrame(states.failed, s));
    expect(t).toContain('Step:    Write and verify the system image');
    expect(t).toContain('Error:   INSTALL_VERIFY_FAILED: /dev/vda3 reads back');
    expect(t).toContain('Command: blockdev --flushbufs /dev/vda3');
    expect(t).toContain('Disk:    the partition table of /dev/vda was wiped');
    expect(t).toContain('Log:     /run/quantix/installer.log');
    expect(t).toContain('$ sgdisk --zap-all /dev/vda');
  });

  it('plan and fatal', () => {
    expect(text(drawFrame(states.plan, s))).toContain('[partition] sgdisk --zap-all /dev/vda');
    expect(text(drawFrame(states.plan, s))).toContain('DRY RUN');
    expect(text(drawFrame(states.fatal, s))).toContain('FAIL The answer file cannot be used');
  });

  it('a 0x0 serial line is drawn as 80x24', async () => {
    const { terminalProfile } = await import('@quantix/lib/terminal/profile');
    const p = terminalProfile({ env: { TERM: 'vt220' }, rows: 0, cols: 0 });
    const lines = drawFrame(states.summary, p);
    expect(lines).toHaveLength(23);
    expectFits(lines, p);
  });
});
