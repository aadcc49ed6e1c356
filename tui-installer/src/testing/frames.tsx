import { render } from 'ink-testing-library';
import { expect } from 'vitest';
import { terminalProfile, type TerminalProfile } from '@quantix/lib/terminal/profile';
import { WizardView } from '../app/view.tsx';
import { initialState, type WizardState } from '../app/wizard.ts';
import type { DiskInfo } from '../engine/disks.ts';
import type { Nic } from '../engine/nics.ts';

/** Helpers for frame tests: the whole installer screen drawn from a state, as text, under a profile. */

export const profiles: Record<'serial' | 'unicode', TerminalProfile> = {
  serial: terminalProfile({ env: { TERM: 'vt100' }, rows: 24, cols: 80 }),
  unicode: terminalProfile({ env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' }, rows: 24, cols: 80 }),
};

const ANSI = /\x1b\[[0-9;]*m/g;

export function drawFrame(state: WizardState, profile: TerminalProfile): string[] {
  const r = render(<WizardView state={state} profile={profile} />);
  const frame = (r.lastFrame() ?? '').replace(ANSI, '');
  r.unmount();
  return frame.split('\n');
}

/** Nothing wider than the terminal, never more than rows-1 lines, ASCII only on a serial line. */
export function expectFits(lines: string[], profile: TerminalProfile): void {
  expect(lines.length).toBeLessThanOrEqual(profile.rows - 1);
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(profile.cols);
  if (profile.kind === 'serial') for (const line of lines) expect(line, 'serial frames are ASCII').toMatch(/^[\x20-\x7e]*$/);
}

export const text = (lines: string[]) => lines.join('\n');

export const sampleDisks: DiskInfo[] = [
  { name: 'vda', path: '/dev/vda', sizeBytes: 21474836480, model: 'QEMU HARDDISK', serial: 'qx-disk-1', tran: null, removable: false, refusals: [], contents: [] },
  { name: 'vdb', path: '/dev/vdb', sizeBytes: 4294967296, model: null, serial: null, tran: null, removable: false, refusals: ['smaller than 8 GiB (4.0 GiB)'], contents: [] },
  {
    name: 'sda', path: '/dev/sda', sizeBytes: 16008609792, model: 'SanDisk Ultra', serial: '4C530001', tran: 'usb', removable: true,
    refusals: ['holds the installation medium'], contents: ['sda1 700 MiB iso9660 QUANTIX'],
  },
];

export const sampleNics: Nic[] = [
  { name: 'enp1s0', mac: '52:54:00:12:34:56', up: true, carrier: true, physical: true, addresses: ['192.168.1.20/24'] },
  { name: 'enp2s0', mac: '52:54:00:12:34:57', up: true, carrier: false, physical: true, addresses: [] },
];

/** A state part-way through the wizard: disks and NICs read, vda chosen, a static network, a password. */
export function filledState(extra: Partial<WizardState> = {}): WizardState {
  return {
    ...initialState({ product: 'Quantix-OS', version: '0.9.1', dryRun: false }),
    disks: sampleDisks,
    disk: sampleDisks[0]!,
    nics: sampleNics,
    net: { nic: 'enp1s0', mode: 'static', address: '192.168.1.20/24', gateway: '192.168.1.1', dns: '192.168.1.1', vlan: '', hostname: 'node1' },
    password: ['correct horse', 'correct horse'],
    ...extra,
  };
}
