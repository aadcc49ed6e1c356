import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { frameLines } from '@quantix/lib/tui/testing';
import { WizardView } from '../app/view.tsx';
import { initialState, type WizardState } from '../app/wizard.ts';
import type { DiskInfo } from '../engine/disks.ts';
import type { Nic } from '../engine/nics.ts';

/** Helpers for frame tests: the whole installer screen drawn from a state, as text, under a profile (lib/tui/testing.tsx). */

export { expectFits, profiles, text } from '@quantix/lib/tui/testing';

export function drawFrame(state: WizardState, profile: TerminalProfile): string[] {
  return frameLines(<WizardView state={state} profile={profile} />);
}

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
