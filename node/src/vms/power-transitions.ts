import type { VmPowerAction, VmState } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';

/** From which states each power action makes sense. */
export const allowedFrom: Record<VmPowerAction, readonly VmState[]> = {
  start: ['stopped', 'crashed'],
  stop: ['running', 'paused', 'shuttingDown', 'crashed', 'suspended'],
  shutdown: ['running'],
  reboot: ['running'],
  reset: ['running', 'paused'],
  pause: ['running'],
  resume: ['paused'],
};

const advice: Partial<Record<VmState, string>> = {
  stopped: 'It is powered off; start it first.',
  paused: 'It is paused; resume it first.',
  running: 'It is already running.',
  creating: 'It is still being created; wait for its job.',
  deleting: 'It is being deleted.',
  shuttingDown: 'It is shutting down; wait, or stop it.',
  missing: 'Its libvirt domain is missing on this host.',
};

/** Throws VM_INVALID_POWER_TRANSITION with a sentence that says what to do instead. */
export function assertPowerTransition(name: string, state: VmState, action: VmPowerAction): void {
  if (allowedFrom[action].includes(state)) return;
  const hint = action === 'resume' && state === 'running' ? 'It is not paused.' : (advice[state] ?? `It is ${state}.`);
  throw new ApiError('VM_INVALID_POWER_TRANSITION', `Cannot ${action} VM '${name}': ${hint}`, {
    state,
    action,
    allowedFrom: allowedFrom[action],
  });
}
