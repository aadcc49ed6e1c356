import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultEngineConfig } from './config.ts';
import { finishArgv, missingTools, planCommands, STEP_IDS, STEP_TOOLS, type InstallTarget } from './install-steps.ts';
import { MIN_DISK_BYTES } from './partition-plan.ts';

const target: InstallTarget = {
  disk: '/dev/vda',
  network: { nic: 'enp1s0', mode: 'dhcp', address: null, gateway: null, vlan: null, dns: [], hostname: 'node1' },
  adminHash: 'scrypt$32768$8$1$c2FsdA==$aGFzaA==',
  finish: 'reboot',
};

describe('planCommands', () => {
  it('lists every step in order with the exact partitioning and grub command lines', () => {
    const plan = planCommands(defaultEngineConfig, target, MIN_DISK_BYTES);
    expect([...new Set(plan.map((p) => p.step))]).toEqual([...STEP_IDS]);
    const lines = plan.map((p) => p.line);
    expect(lines).toContain('sgdisk --zap-all /dev/vda');
    expect(lines).toContain(
      'sgdisk --new=1:1M:+1M --typecode=1:EF02 --change-name=1:QX_BIOS --new=2:2M:+256M --typecode=2:EF00 --change-name=2:QX_EFI ' +
        '--new=3:258M:+2048M --typecode=3:8300 --change-name=3:QX_SYSTEM_A --new=4:2306M:+2048M --typecode=4:8300 --change-name=4:QX_SYSTEM_B ' +
        '--new=5:4354M:+256M --typecode=5:8300 --change-name=5:QX_CONFIG --new=6:4610M:+3581M --typecode=6:8300 --change-name=6:QX_DATA /dev/vda',
    );
    expect(lines).toContain("mkfs.vfat -F 32 -n QX_EFI -i '<random 8 hex>' '<QX_EFI>'");
    expect(lines).toContain("grub-install --target=i386-pc '--boot-directory=<esp>' '--modules=part_gpt fat search search_fs_uuid' /dev/vda");
    expect(lines).toContain("mkfs.ext4 -q -F -L QX_CONFIG -d '<staging>' '<QX_CONFIG>'");
    expect(lines.at(-1)).toBe('/sbin/reboot');
  });

  it('ends with the configured power-off command when the answer says so', () => {
    const cfg = { ...defaultEngineConfig, poweroffCommand: ['/bin/systemctl', 'poweroff'] };
    expect(finishArgv(cfg, 'poweroff')).toEqual(['/bin/systemctl', 'poweroff']);
    expect(planCommands(cfg, { ...target, finish: 'poweroff' }, MIN_DISK_BYTES).at(-1)!.line).toBe('/bin/systemctl poweroff');
  });

  it('refuses to plan for a disk below 8 GiB', () => {
    expect(() => planCommands(defaultEngineConfig, target, MIN_DISK_BYTES - 1)).toThrow(expect.objectContaining({ code: 'INSTALL_DISK_REFUSED' }));
  });
});

describe('tools check', () => {
  it('names every tool of the chosen steps that is not an executable on PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qx-path-'));
    for (const tool of STEP_TOOLS.partition) {
      writeFileSync(join(dir, tool), '#!/bin/sh\n');
      chmodSync(join(dir, tool), 0o755);
    }
    writeFileSync(join(dir, 'mkfs.vfat'), 'not executable');
    expect(await missingTools(['partition'], dir)).toEqual([]);
    expect(await missingTools(['partition', 'filesystems'], `/nonexistent:${dir}`)).toEqual(['mkfs.vfat', 'mkfs.ext4']);
    expect(await missingTools(STEP_IDS, '')).toEqual([...new Set(STEP_IDS.flatMap((s) => STEP_TOOLS[s]))]);
  });

  it('covers every program the plan runs', () => {
    const target: InstallTarget = { disk: '/dev/vda', network: { nic: 'eth0', mode: 'dhcp', address: null, gateway: null, vlan: null, dns: [], hostname: 'h' }, adminHash: null, finish: 'reboot' };
    const tools = new Set(STEP_IDS.flatMap((s) => STEP_TOOLS[s]));
    const programs = planCommands(defaultEngineConfig, target, 16 * 2 ** 30)
      .map((c) => c.line.split(' ')[0]!)
      .filter((w) => /^[a-z0-9.-]+$/.test(w) && !['wait', 'copy', 'write', 'read', 'reboot', 'poweroff'].includes(w));
    expect(new Set(programs).size).toBeGreaterThanOrEqual(10);
    for (const p of programs) expect(tools, p).toContain(p);
  });
});
