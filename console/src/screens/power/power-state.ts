import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult } from '../../app/screen.ts';
import type { PowerAction } from '../../effects/power-control.ts';
import type { ErrorInfo } from '../../errors.ts';

export interface PowerState {
  phase: 'reading' | 'choose' | 'confirm' | 'stopping-vms' | 'running-command' | 'done' | 'failed';
  choice: PowerAction;
  /** Running VMs; null when qx-node is down and nobody can tell. */
  running: number | null;
  total: number | null;
  /** Seconds each VM gets before it is powered off. */
  vmTimeoutSeconds: number;
  progress: { stopped: number; of: number; failed: string[] };
  error: ErrorInfo | null;
}

export type PowerStateAction =
  | { type: 'vms'; running: number | null; total: number | null }
  | { type: 'select'; choice: PowerAction }
  | { type: 'move' }
  | { type: 'ask' }
  | { type: 'cancel' }
  | { type: 'go' }
  | { type: 'vmProgress'; stopped: number; of: number; failed: string[] }
  | { type: 'commandStarted' }
  | { type: 'commandDone' }
  | { type: 'failed'; error: ErrorInfo }
  /** A key swallowed while the host goes down (Esc and Q do not leave then). */
  | { type: 'hold' };

export function initialPower(vmTimeoutSeconds: number): PowerState {
  return { phase: 'reading', choice: 'reboot', running: null, total: null, vmTimeoutSeconds, progress: { stopped: 0, of: 0, failed: [] }, error: null };
}

export const actionWord: Record<PowerAction, { verb: string; noun: string; progressive: string }> = {
  reboot: { verb: 'Reboot', noun: 'reboot', progressive: 'rebooting' },
  poweroff: { verb: 'Shut down', noun: 'shutdown', progressive: 'shutting down' },
};

export function reducePower(s: PowerState, a: PowerStateAction): PowerState {
  switch (a.type) {
    case 'vms':
      return { ...s, running: a.running, total: a.total, phase: s.phase === 'reading' ? 'choose' : s.phase };
    case 'select':
      return s.phase === 'choose' || s.phase === 'reading' ? { ...s, choice: a.choice, phase: 'confirm' } : s;
    case 'move':
      return s.phase === 'choose' ? { ...s, choice: s.choice === 'reboot' ? 'poweroff' : 'reboot' } : s;
    case 'ask':
      return s.phase === 'choose' ? { ...s, phase: 'confirm' } : s;
    case 'cancel':
      return s.phase === 'confirm' || s.phase === 'failed' ? { ...s, phase: 'choose', error: null } : s;
    case 'go':
      return s.phase === 'confirm' ? { ...s, phase: 'stopping-vms', progress: { stopped: 0, of: s.running ?? 0, failed: [] }, error: null } : s;
    case 'vmProgress':
      return s.phase === 'stopping-vms' ? { ...s, progress: { stopped: a.stopped, of: a.of, failed: a.failed } } : s;
    case 'commandStarted':
      return s.phase === 'stopping-vms' ? { ...s, phase: 'running-command' } : s;
    case 'commandDone':
      return s.phase === 'running-command' ? { ...s, phase: 'done' } : s;
    case 'failed':
      return { ...s, phase: 'failed', error: a.error };
    case 'hold':
      return s;
  }
}

export function powerKey(s: PowerState, key: Key): KeyResult<PowerStateAction> {
  const c = key.name === 'char' ? (key.char ?? '').toLowerCase() : '';
  if (s.phase === 'choose' || s.phase === 'reading') {
    if (c === 'r') return { type: 'select', choice: 'reboot' };
    if (c === 's') return { type: 'select', choice: 'poweroff' };
    if (key.name === 'up' || key.name === 'down') return { type: 'move' };
    if (key.name === 'enter') return { type: 'ask' };
    return null;
  }
  if (s.phase === 'confirm') {
    if (c === 'y' || key.name === 'enter') return { type: 'go' };
    if (c === 'n' || c === 'q' || key.name === 'escape') return { type: 'cancel' };
    return null;
  }
  if (s.phase === 'failed' && (key.name === 'enter' || key.name === 'escape')) return key.name === 'escape' ? 'back' : { type: 'cancel' };
  if (s.phase === 'stopping-vms' || s.phase === 'running-command' || s.phase === 'done') return { type: 'hold' };
  return null;
}

/** What the confirmation says will happen to the running VMs, as one paragraph. */
export function vmConsequence(s: PowerState): string {
  const then = s.choice === 'reboot' ? 'Then the host reboots.' : 'Then the host powers off.';
  if (s.running === null) {
    return `qx-node is not running, so the console cannot shut the VMs down first; libvirt's own shutdown handling (libvirt-guests) applies to any VM still running. ${then}`;
  }
  if (s.running === 0) return `No VMs are running. ${then}`;
  const vms = s.running === 1 ? '1 VM is running. It' : `${s.running} VMs are running. They`;
  return `${vms} will be shut down gracefully through qx-node (ACPI or the guest agent), all at once; a VM still running after ${s.vmTimeoutSeconds} s is powered off. ${then}`;
}
