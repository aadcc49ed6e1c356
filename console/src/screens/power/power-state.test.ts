import { describe, expect, it } from 'vitest';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { initialPower, powerKey, reducePower, vmConsequence, type PowerState, type PowerStateAction } from './power-state.ts';

const key = (s: string) => decodeKeys(s, true).keys[0]!;
const press = (s: PowerState, input: string) => {
  const a = powerKey(s, key(input));
  return a && a !== 'back' ? reducePower(s, a as PowerStateAction) : s;
};
const choose = reducePower(initialPower(120), { type: 'vms', running: 3, total: 5 });

describe('power reducer', () => {
  it('R or S picks, arrows + Enter pick; confirmation needs Y or Enter', () => {
    expect(press(choose, 'r')).toMatchObject({ phase: 'confirm', choice: 'reboot' });
    expect(press(choose, 's')).toMatchObject({ phase: 'confirm', choice: 'poweroff' });
    const moved = press(press(choose, '\x1b[B'), '\r');
    expect(moved).toMatchObject({ phase: 'confirm', choice: 'poweroff' });
    expect(press(moved, 'n').phase).toBe('choose');
    expect(press(moved, '\x1b').phase).toBe('choose');
    expect(press(moved, 'x')).toBe(moved);
    expect(press(moved, 'y')).toMatchObject({ phase: 'stopping-vms', progress: { stopped: 0, of: 3 } });
  });

  it('while the host goes down keys are held', () => {
    const going = press(press(choose, 'r'), 'y');
    expect(powerKey(going, key('\x1b'))).toEqual({ type: 'hold' });
    expect(powerKey(going, key('q'))).toEqual({ type: 'hold' });
    let s = reducePower(going, { type: 'vmProgress', stopped: 3, of: 3, failed: ['web1'] });
    s = reducePower(reducePower(s, { type: 'commandStarted' }), { type: 'commandDone' });
    expect(s).toMatchObject({ phase: 'done', progress: { failed: ['web1'] } });
  });

  it('says what happens to running VMs', () => {
    expect(vmConsequence(press(choose, 'r'))).toBe(
      '3 VMs are running. They will be shut down gracefully through qx-node (ACPI or the guest agent), all at once; a VM still running after 120 s is powered off. Then the host reboots.',
    );
    expect(vmConsequence({ ...press(choose, 's'), running: 0 })).toBe('No VMs are running. Then the host powers off.');
    expect(vmConsequence({ ...choose, running: null })).toContain('qx-node is not running');
    expect(vmConsequence({ ...choose, running: 1 })).toMatch(/^1 VM is running\. It will/);
  });
});
