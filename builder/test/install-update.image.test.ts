import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Api, answerMedium, blankDisk, freePort, isoOf, manifest, scratch, squashfsOf } from './image.ts';
import { plainText, Qemu, type Firmware } from './qemu.ts';

interface SystemState {
  mode: string;
  version: string | null;
  nodeStartedAt: string;
  bootedSlot: string | null;
  active: string | null;
  trial: string | null;
  failed: string | null;
  phase: string | null;
  commit: { slot: string; ok: boolean } | null;
}

// One disk through its life: an unattended install from the ISO, the first boot from disk, an update that breaks
// qx-node (tried once, then the old slot comes back by itself), and a good update that commits.
describe.sequential('unattended install and A/B updates', () => {
  const dir = scratch('install');
  const disk = blankDisk(join(dir, 'disk.qcow2'));
  const password = 'qx-image-test-1';
  const trialTimeoutSeconds = 90;
  const timings: string[] = [];
  let vm: Qemu | null = null;
  let api: Api;

  async function bootDisk(firmware: Firmware): Promise<void> {
    await vm?.stop();
    const port = await freePort();
    vm = new Qemu({ firmware, disk, apiPort: port });
    api = new Api(port);
    await vm.start();
  }

  /** The console's emergency shell on the serial line; the console asks for the admin password unless it just had it. */
  async function openShell(mark: number): Promise<void> {
    const shell = /Type "exit" to return to the console\./;
    vm!.send('X');
    await vm!.waitFor(/To open an emergency shell, enter the admin password\.|Type "exit" to return to the console\./, 60_000, mark);
    if (!shell.test(plainText(vm!.output.slice(mark)))) {
      vm!.send(`${password}\r`);
      await vm!.waitFor(shell, 60_000, mark);
    }
  }

  async function system(): Promise<SystemState> {
    return api.ok<SystemState>('GET', '/api/v1/system');
  }

  afterAll(async () => {
    await vm?.stop();
    console.log(timings.join('\n'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs from the ISO onto a blank disk, driven by an answer medium', async () => {
    const answer = {
      version: 1,
      disk: 'auto',
      network: { nic: 'auto', mode: 'dhcp', hostname: 'qx-image-test' },
      admin: { password },
      boot: { trialTimeoutSeconds },
      finish: 'poweroff',
    };
    vm = new Qemu({ firmware: 'bios', iso: isoOf('host'), extraIsos: [answerMedium(dir, answer)], disk });
    await vm.start();
    const menu = await vm.waitFor(/on the serial console \(ttyS0\)/, 120_000);
    await vm.waitFor(/answer file: /, 300_000);
    const code = await vm.waitExit(1_200_000);
    expect(code).toBe(0);
    expect(vm.text).toMatch(/installation complete/);
    expect(vm.text).toMatch(/read back \d+ bytes: sha256 [0-9a-f]{64}/);
    timings.push(`install: ${(vm.elapsed() - menu).toFixed(0)}s from the GRUB menu to power-off`);
  });

  it('boots the installed disk (UEFI): console on serial, API on the forwarded port, slot A', async () => {
    await bootDisk('uefi');
    const grub = await vm!.waitFor(/Quantix \(slot A\)/, 120_000);
    const consoleAt = await vm!.waitFor(/Cluster\s+Standalone/, 300_000);
    await api.waitUp(300_000);
    timings.push(`first boot from disk (UEFI): GRUB ${grub.toFixed(1)}s, console ${consoleAt.toFixed(1)}s, API ${vm!.elapsed().toFixed(1)}s`);
    await api.login(password);
    const s = await system();
    expect(s).toMatchObject({ mode: 'installed', bootedSlot: 'A', active: 'A', trial: null, version: manifest('host').version });
    const host = await api.ok<{ hostname: string }>('GET', '/api/v1/host');
    expect(host.hostname).toBe('qx-image-test');
  });

  it('systemd brings qx-node back after kill -9 from the emergency shell on the serial console', async () => {
    const before = (await system()).nodeStartedAt;
    const mark = vm!.mark();
    await openShell(mark);
    vm!.send('systemctl kill --kill-whom=main --signal=KILL qx-node.service; echo qx-killed-$((6*7))\r');
    await vm!.waitFor(/qx-killed-42/, 60_000, mark);
    const killedAt = vm!.elapsed();
    // $((…)) is only expanded when the command runs, so the echoed input line cannot match.
    vm!.send('until systemctl -q is-active qx-node.service; do sleep 1; done; echo qx-restarts-$(systemctl show -p NRestarts --value qx-node.service)-$((1+1))\r');
    await vm!.waitFor(/qx-restarts-1-2/, 120_000, mark);
    vm!.send('exit\r');
    await vm!.waitFor(/The emergency shell ended: exit code 0/, 60_000, mark);
    vm!.send('\x1b');

    const deadline = Date.now() + 180_000;
    let after: SystemState | null = null;
    while (Date.now() < deadline) {
      try {
        await api.login(password);
        after = await system();
        if (after.nodeStartedAt !== before) break;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(after?.nodeStartedAt).not.toBe(before);
    expect(Date.parse(after!.nodeStartedAt)).toBeGreaterThan(Date.parse(before));
    timings.push(`qx-node killed: the API answered again ${(vm!.elapsed() - killedAt).toFixed(0)}s later`);
  });

  it('a hung kernel is reset by the hardware watchdog systemd pets, and the host comes back', async () => {
    const mark = vm!.mark();
    await openShell(mark);
    vm!.send('cat /sys/class/watchdog/watchdog0/identity /sys/class/watchdog/watchdog0/timeout /sys/class/watchdog/watchdog0/state; echo qx-wd-$((2+2))\r');
    await vm!.waitFor(/i6300ESB timer\s+30\s+active\s+qx-wd-4/, 60_000, mark);
    // No reboot on panic any more: from here only the watchdog can bring the machine back.
    vm!.send('echo 0 > /proc/sys/kernel/panic; echo c > /proc/sysrq-trigger\r');
    const panicAt = await vm!.waitFor(/Kernel panic - not syncing/, 60_000, mark);
    const grubAt = await vm!.waitFor(/Quantix \(slot A\)/, 300_000, vm!.mark());
    timings.push(`hung kernel: GRUB again ${(grubAt - panicAt).toFixed(0)}s after the panic (watchdog 30 s)`);
    await api.waitUp(300_000);
    await api.login(password);
    expect(await system()).toMatchObject({ bootedSlot: 'A', active: 'A', trial: null });
  });

  it('tries a broken update once, then comes back on slot A by itself', async () => {
    const broken = squashfsOf('host-broken');
    const job = await api.update(broken.path, broken.sha256);
    expect(job.state).toBe('succeeded');
    expect(await system()).toMatchObject({ phase: 'armed', trial: 'B', active: 'A' });
    const mark = vm!.mark();
    const rebootAt = vm!.elapsed();
    await api.ok('POST', '/api/v1/system/reboot', { confirm: true });
    await vm!.waitFor(new RegExp(`starting Quantix-OS ${manifest('host-broken').version.replace(/\./g, '\\.')}`), 300_000, mark);
    const back = await vm!.waitFor(new RegExp(`starting Quantix-OS ${manifest('host').version.replace(/\./g, '\\.')}(?![-\\w.])`), 900_000, mark);
    expect(vm!.text).toMatch(/the update in slot B did not pass its trial boot/);
    await api.waitUp(300_000);
    timings.push(`broken update: from the reboot to slot A again in ${(back - rebootAt).toFixed(0)}s (trial boot, boot guard after ${trialTimeoutSeconds}s, fallback)`);
    await api.login(password);
    expect(await system()).toMatchObject({ bootedSlot: 'A', active: 'A', trial: null, failed: 'B', phase: 'fallback', version: manifest('host').version });
  });

  it('commits a good update after its trial boot, and keeps it across a BIOS boot', async () => {
    const good = squashfsOf('host-update');
    const started = vm!.elapsed();
    const job = await api.update(good.path, good.sha256);
    expect(job.state).toBe('succeeded');
    timings.push(`update upload + write + verify: ${(vm!.elapsed() - started).toFixed(0)}s for ${(good.bytes / 2 ** 20).toFixed(0)} MiB`);
    const mark = vm!.mark();
    await api.ok('POST', '/api/v1/system/reboot', { confirm: true });
    await vm!.waitFor(new RegExp(`starting Quantix-OS ${manifest('host-update').version.replace(/\./g, '\\.')}`), 300_000, mark);
    await api.waitUp(300_000);
    await api.login(password);
    const deadline = Date.now() + 120_000;
    let s = await system();
    while (s.phase !== 'committed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2000));
      s = await system();
    }
    expect(s).toMatchObject({ bootedSlot: 'B', active: 'B', trial: null, phase: 'committed', version: manifest('host-update').version });
    expect(s.commit).toMatchObject({ slot: 'B', ok: true });

    await bootDisk('bios');
    await vm!.waitFor(/Quantix \(slot B\)/, 120_000);
    await api.waitUp(300_000);
    await api.login(password);
    expect(await system()).toMatchObject({ bootedSlot: 'B', active: 'B', version: manifest('host-update').version });
  });
});
