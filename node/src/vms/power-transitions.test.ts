import { describe, expect, it } from 'vitest';
import { vmPowerAction, vmState } from '@quantix/lib/api';
import { allowedFrom, assertPowerTransition } from './power-transitions.ts';

describe('assertPowerTransition', () => {
  it('allows exactly the listed transitions', () => {
    for (const action of vmPowerAction.options) {
      for (const state of vmState.options) {
        const call = () => assertPowerTransition('web1', state, action);
        if (allowedFrom[action].includes(state)) expect(call).not.toThrow();
        else expect(call).toThrow(expect.objectContaining({ code: 'VM_INVALID_POWER_TRANSITION', status: 409 }));
      }
    }
  });

  it('says what to do instead', () => {
    expect(() => assertPowerTransition('web1', 'stopped', 'pause')).toThrow("Cannot pause VM 'web1': It is powered off; start it first.");
    expect(() => assertPowerTransition('web1', 'running', 'start')).toThrow('It is already running.');
    expect(() => assertPowerTransition('web1', 'running', 'resume')).toThrow('It is not paused.');
  });
});
