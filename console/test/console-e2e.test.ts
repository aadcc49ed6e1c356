import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@quantix/lib/audit';
import type { Host, Job, Vm } from '@quantix/lib/api';
import { ADMIN_PASSWORD, NodeProcess, countMarkers, domstate, guest, repoRoot, waitFor } from '../../node/test/harness.ts';
import { cleanUpConsoleTest, consoleEnv } from './kit.ts';
import { TmuxTerminal } from './tmux.ts';

/**
 * The built console in a real terminal (tmux, 80x24) against a real qx-node with a running VM:
 * F-keys in every encoding, letters, the password prompt, diagnostics, the emergency shell,
 * restarting a killed qx-node, and a reboot with a harmless command.
 */

const bundle = join(repoRoot, 'dist/qx-console.mjs');
let node: NodeProcess;
let dir: string;
let vm: Vm;
const terminals: TmuxTerminal[] = [];

function consoleArgs(stateDir: string, extra: string[] = []): string[] {
  return [
    process.execPath,
    bundle,
    '--node-data-dir',
    node.dataDir,
    '--state-dir',
    stateDir,
    '--reboot-command',
    `touch ${join(dir, 'rebooted')}`,
    '--poweroff-command',
    `touch ${join(dir, 'poweredoff')}`,
    '--vm-shutdown-seconds',
    '60',
    ...extra,
  ];
}

async function openConsole(term: string, stateDir: string, extra: string[] = []): Promise<TmuxTerminal> {
  const t = await TmuxTerminal.start(consoleArgs(stateDir, extra), consoleEnv(node, term));
  terminals.push(t);
  return t;
}

const audit = (): AuditEntry[] =>
  readFileSync(join(node.dataDir, 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AuditEntry);

function expectScreenFits(screen: string, ascii: boolean): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  // Drawn height is rows-1: the last row stays empty, so nothing scrolls.
  expect(lines[23] ?? '').toBe('');
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
  if (ascii) expect(screen).toMatch(/^[\x20-\x7e\n]*$/);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qx-console-e2e-'));
  node = await NodeProcess.create();
  await node.start();
  await node.login();
  const job = await node.client.post<Job>('/api/v1/vms', {
    name: `qx-itest-console-${process.pid}`,
    memoryMiB: 256,
    boot: { from: 'kernel', kernel: guest.kernel, initrd: guest.initrd, cmdline: 'console=ttyS0 quiet' },
    disks: [{ sizeGiB: 1 }],
  });
  const done = await node.waitJob(job);
  expect(done.state, JSON.stringify(done.error)).toBe('succeeded');
  vm = await node.client.get<Vm>(`/api/v1/vms/${done.resources[0]!.id}`);
  // Booted far enough to handle the ACPI power button.
  await waitFor('the guest marker', async () => countMarkers(join(node.dataDir, 'logs', `${vm.id}.serial.log`)) >= 1, 90_000);
});

afterAll(async () => {
  for (const t of terminals) await t.kill();
  // F6 may have replaced the harness's daemon with one the console started: cleaning up stops that one too.
  await cleanUpConsoleTest(node, dir);
});

describe('qx-console on a serial-like terminal (TERM=vt100, 80x24)', () => {
  let t: TmuxTerminal;
  const stateDir = () => join(dir, 'state-vt100');

  it('shows the status screen with the real values, in ASCII', async () => {
    t = await openConsole('vt100', stateDir(), ['--allow-exit']);
    const host = await node.client.get<Host>('/api/v1/host');
    const screen = await t.waitFor(new RegExp(`VMs\\s+${host.vms.running} running / ${host.vms.total} total`));
    expect(host.vms).toEqual({ running: 1, total: 1 });
    expect(screen).toMatch(new RegExp(`Hostname\\s+${hostname()}`));
    expect(screen).toMatch(/Cluster\s+Standalone/);
    expect(screen).toMatch(/Management\s+https:\/\/[\d.]+:\d+/);
    expect(screen).toMatch(/CPU\s+\[[#.]{24}\]/);
    expect(screen).toMatch(/Memory\s+\[[#.]{24}\]/);
    expect(screen).toMatch(new RegExp(`Storage\\s+${node.poolName}: `));
    expect(screen).toContain('+------');
    expect(screen).toContain('F2/N Network  F3/S SSH  F4/C Cluster  F5/R Refresh  F6/M Restart services');
    expect(screen).toContain('F7/D Diagnostics  F10/P Power  F12/X Shell');
    expectScreenFits(screen, true);
  });

  it('takes F-keys in xterm, Linux VT and vt220 encodings, tmux key names, and letters', async () => {
    const cases: [send: () => Promise<void>, expect: string][] = [
      [() => t.type('\x1bOS'), 'To see the registration token, enter the admin password.'],
      [() => t.type('\x1b[[B'), 'To configure the management network, enter the admin password.'],
      [() => t.type('\x1b[12~'), 'To configure the management network, enter the admin password.'],
      [() => t.type('\x1b[13~'), 'To change the SSH service, enter the admin password.'],
      [() => t.keys('F10'), 'To reboot or shut down the host, enter the admin password.'],
      [() => t.type('m'), 'To restart the management services, enter the admin password.'],
      [() => t.type('X'), 'To open an emergency shell, enter the admin password.'],
    ];
    for (const [send, text] of cases) {
      await send();
      await t.waitFor(text);
      await t.keys('Escape');
      await t.waitFor(/Hostname\s+\S/);
    }
    await t.keys('F7');
    await t.waitFor('1 Hardware  2 qx-node log  3 System log  4 Audit');
    await t.type('q');
    await t.waitFor(/Hostname\s+\S/);
  });

  it('never echoes the password', async () => {
    await t.keys('F12');
    await t.waitFor('To open an emergency shell');
    await t.type(ADMIN_PASSWORD);
    const screen = await t.screen();
    expect(screen).not.toContain(ADMIN_PASSWORD);
    expect(screen).not.toContain(ADMIN_PASSWORD.slice(0, 4));
    expect(screen).not.toMatch(/\*\*\*|•••/);
    expect(screen).toMatch(/Password: +\|/);
  });

  it('opens the emergency shell on this terminal and comes back, audited', async () => {
    await t.keys('Enter');
    await t.waitFor('Type "exit" to return to the console.');
    await t.type('echo qx-shell-$((6*7))');
    await t.keys('Enter');
    await t.waitFor(/^qx-shell-42$/m);
    await t.type('exit 0');
    await t.keys('Enter');
    await t.waitFor('The emergency shell ended: exit code 0');
    const entries = audit();
    const start = entries.find((e) => e.action === 'shell.start');
    const end = entries.find((e) => e.action === 'shell.end');
    expect(start?.actor).toMatch(/^console:(pts\/\d+|tty\w+)$/);
    expect(end).toMatchObject({ actor: start?.actor, detail: { exitCode: 0 } });
    expect((end!.detail as { durationMs: number }).durationMs).toBeGreaterThan(0);
    expect(entries.find((e) => e.action === 'console.auth')).toMatchObject({ detail: { for: 'shell', result: 'ok' } });
    expectScreenFits(await t.screen(), true);
    await t.keys('Escape');
    await t.waitFor(/Hostname\s+\S/);
  });

  it('shows the qx-node log in diagnostics', async () => {
    await t.type('d');
    await t.type('2');
    const screen = await t.waitFor(/qx-node 0\.\d+\.\d+ listening on/);
    expect(screen).toContain('2 qx-node log');
    expectScreenFits(screen, true);
    await t.type('4');
    await t.waitFor(/shell\.end/);
    await t.keys('Escape');
    await t.waitFor(/Hostname\s+\S/);
  });

  it('F6 brings a killed qx-node back; the VM keeps running', async () => {
    await node.kill9();
    // The harness's process is gone; the daemon the console starts is stopped in afterAll.
    node.proc = null;
    await t.keys('F5');
    await t.waitFor('qx-node is not running - press F6/M to start it');
    await t.type('m');
    // Authenticated a moment ago (sudo-like): straight to the screen.
    await t.waitFor('qx-node is not running. Press Enter or Y to start it.');
    expect(await t.screen()).toContain('Running VMs keep running: libvirtd and QEMU are not restarted.');
    await t.keys('Enter');
    await t.waitFor(/qx-node is running \(pid \d+\) after \d+ s/, 90_000);
    expect(await domstate(vm.name)).toBe('running');
    await t.keys('Escape');
    await t.waitFor(/VMs\s+1 running \/ 1 total/, 20_000);
    expect(audit().map((e) => e.action)).toEqual(expect.arrayContaining(['services.start', 'services.start.done']));
  });

  it('F10 reboot: the running VM is shut down through qx-node, then the configured command runs', async () => {
    await t.type('\x1b[21~');
    await t.waitFor(/Running VMs\s+1 of 1/);
    await t.type('r');
    const confirm = await t.waitFor('Reboot this host?');
    expect(confirm).toContain('1 VM is running. It will be shut down gracefully through qx-node');
    expect(existsSync(join(dir, 'rebooted'))).toBe(false);
    await t.type('y');
    await t.waitFor('The reboot command ran: the host is going down.', 90_000);
    expect(existsSync(join(dir, 'rebooted'))).toBe(true);
    expect(await domstate(vm.name)).toBe('shut off');
    expect(audit().find((e) => e.action === 'power.reboot')).toMatchObject({ detail: { runningVms: 1 } });
  });

  it('Ctrl-C leaves with --allow-exit', async () => {
    await t.keys('C-c');
    await waitFor('the console to exit', () => t.paneDead(), 10_000);
  });
});

describe('qx-console on xterm (TERM=xterm-256color, UTF-8, 80x24)', () => {
  const stateDir = () => join(dir, 'state-xterm');

  it('draws with box drawing and block bars; Ctrl-C does nothing without --allow-exit', async () => {
    const t = await openConsole('xterm-256color', stateDir());
    const screen = await t.waitFor(/Memory\s+\[[█░]{24}\]/);
    expect(screen).toContain('┌────');
    expect(screen).toMatch(new RegExp(`Hostname\\s+${hostname()}`));
    expectScreenFits(screen, false);
    await t.keys('C-c');
    await new Promise((r) => setTimeout(r, 300));
    expect(await t.paneDead()).toBe(false);
    await t.kill();
  });

  it('locks out after 5 wrong passwords, and a restarted console is still locked', async () => {
    const t = await openConsole('xterm-256color', stateDir());
    await t.waitFor(/Hostname\s+\S/);
    await t.keys('F3');
    await t.waitFor('To change the SSH service, enter the admin password.');
    for (let i = 4; i >= 1; i--) {
      await t.type('not-the-secret-9');
      await t.keys('Enter');
      await t.waitFor(`Wrong password (${i === 1 ? '1 attempt' : `${i} attempts`} left before a lockout).`);
    }
    await t.type('not-the-secret-9');
    await t.keys('Enter');
    await t.waitFor(/Locked after too many wrong passwords\. Try again in [45]:\d\d\./);
    await t.kill();
    const again = await openConsole('xterm-256color', stateDir());
    await again.waitFor(/Hostname\s+\S/);
    await again.type('n');
    await again.waitFor(/Locked after too many wrong passwords\. Try again in [45]:\d\d\./);
    expect(audit().filter((e) => e.action === 'console.lockout')).toHaveLength(1);
    expect(JSON.stringify(audit())).not.toContain('not-the-secret-9');
    await again.kill();
  });
});
