import { describe, expect, it } from 'vitest';
import { drawFrame, expectFits, flat, profiles, text } from '../../testing/frames.tsx';
import { initialPower, reducePower } from './power-state.ts';

const choose = reducePower(initialPower(120), { type: 'vms', running: 2, total: 4 });

describe.each(Object.entries(profiles))('power frames (%s profile)', (_name, profile) => {
  it('menu, confirmation with the VMs, progress, result', () => {
    const menu = drawFrame('power', choose, profile);
    expectFits(menu, profile);
    expect(text(menu)).toContain('> R  Reboot the host');
    expect(text(menu)).toMatch(/Running VMs\s+2 of 4/);
    const confirm = drawFrame('power', reducePower(choose, { type: 'select', choice: 'poweroff' }), profile);
    expectFits(confirm, profile);
    expect(text(confirm)).toContain('Shut down this host?');
    expect(flat(confirm)).toContain('2 VMs are running. They will be shut down gracefully through qx-node (ACPI or the guest agent), all at once;');
    expect(flat(confirm)).toContain('a VM still running after 120 s is powered off. Then the host powers off.');
    expect(text(confirm)).toContain('Y or Enter: shutdown now.   N or Esc: cancel.');
    let going = reducePower(reducePower(choose, { type: 'select', choice: 'reboot' }), { type: 'go' });
    going = reducePower(going, { type: 'vmProgress', stopped: 1, of: 2, failed: [] });
    expect(text(drawFrame('power', going, profile))).toContain('Shutting down VMs: 1 of 2 stopped');
    const failed = reducePower(going, { type: 'failed', error: { code: 'COMMAND_FAILED', message: '/sbin/reboot: exit code 1' } });
    const f = drawFrame('power', failed, profile);
    expectFits(f, profile);
    expect(text(f)).toContain('Reboot failed: /sbin/reboot: exit code 1');
  });
});
