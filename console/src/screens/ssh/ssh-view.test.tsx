import { describe, expect, it } from 'vitest';
import type { SshState } from '@quantix/lib/api';
import { drawFrame, expectFits, flat, NOW, profiles, text } from '../../testing/frames.tsx';
import { initialSsh, reduceSsh, type SshScreenAction, type SshScreenState } from './ssh-state.ts';
import { clockOf, formatMinSec } from './ssh-view.tsx';
import { sampleSshDisabled } from '../../testing/fake-effects.ts';

const disabled = sampleSshDisabled;
// Enabled 12:30:00 for 30 minutes; NOW is 12:34:56, so 25:04 are left.
const windowStart = new Date(2026, 10, 21, 12, 30, 0).getTime();
const timed: SshState = {
  ...disabled,
  mode: 'timed',
  enabledUntil: new Date(windowStart + 30 * 60_000).toISOString(),
  remainingSeconds: 1504,
  idleTimeoutMinutes: 15,
  accepting: true,
  changedAt: new Date(windowStart).toISOString(),
  changedBy: 'api:local-socket',
};
const permanent: SshState = { ...disabled, mode: 'permanent', accepting: true, changedAt: new Date(windowStart).toISOString(), changedBy: 'api:local-socket' };

const run = (...actions: SshScreenAction[]): SshScreenState => actions.reduce(reduceSsh, initialSsh());
const loaded = (ssh: SshState) => run({ type: 'loaded', at: 0, ssh });

describe('ssh view helpers', () => {
  it('counts down in mm:ss and shows the end as HH:MM', () => {
    expect(formatMinSec(25 * 60_000 + 4000)).toBe('25:04');
    expect(formatMinSec(119 * 60_000 + 59_500)).toBe('120:00');
    expect(formatMinSec(500)).toBe('00:01');
    expect(formatMinSec(-5)).toBe('00:00');
    expect(clockOf(timed.enabledUntil!)).toBe('13:00');
  });
});

describe.each(Object.entries(profiles))('ssh frames (%s profile)', (_name, profile) => {
  it('disabled: the state, and every action with its key', () => {
    const lines = drawFrame('ssh', loaded(disabled), profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Quantix 0.1.0 - SSH');
    expect(t).toMatch(/SSH\s+Disabled/);
    expect(t).toMatch(/New logins\s+not accepted \(SSH is disabled\)/);
    expect(t).toMatch(/Idle timeout\s+none: idle sessions stay open/);
    expect(t).toMatch(/Last change\s+never/);
    expect(t).toMatch(/Window\s+\[  30 \] minutes  \(\+\/- or type 5-120\)/);
    expect(t).toMatch(/E {2}Enable SSH for 30 minutes (—|-) then no new logins; open sessions go on/);
    expect(t).toContain('P  Enable SSH permanently');
    expect(t).toContain('I  Set the idle timeout for sessions');
    expect(t).toContain('D  Disable SSH now');
    expect(t).toContain('E Enable 30 min  +/- Minutes  P Permanent  I Idle timeout  D Disable');
    expect(t).toContain('Esc/Q Back');
  });

  it('timed: until when, a bar, and the countdown that moves with the clock', () => {
    const s = loaded(timed);
    const lines = drawFrame('ssh', s, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toMatch(/SSH\s+Enabled until 13:00 {2}\[.{20}\] 25:04 left/);
    if (profile.kind === 'serial') expect(t).toContain('[#################...] 25:04 left');
    expect(t).toMatch(/New logins\s+accepted on port 22 \(all addresses\)/);
    expect(t).toMatch(/Idle timeout\s+15 minutes: idle sessions are closed/);
    expect(t).toMatch(/Last change\s+2026-11-21 12:30:00 by api:local-socket/);
    const later = text(drawFrame('ssh', s, profile, { now: NOW + 61_000 }));
    expect(later).toContain('24:03 left');
    const over = text(drawFrame('ssh', s, profile, { now: windowStart + 30 * 60_000 + 10 }));
    expect(over).toMatch(/SSH\s+Window ended at 13:00: closing\.\.\./);
  });

  it('a window that just opened counts from the answer, not from the older clock tick', () => {
    const at = NOW + 700;
    const fresh: SshState = { ...timed, enabledUntil: new Date(at + 5 * 60_000).toISOString(), changedAt: new Date(at).toISOString() };
    const t = text(drawFrame('ssh', run({ type: 'loaded', at, ssh: fresh }), profile));
    expect(t).toContain('05:00 left');
  });

  it('permanent, and a window whose sshd is not running', () => {
    expect(text(drawFrame('ssh', loaded(permanent), profile))).toMatch(/SSH\s+Enabled permanently/);
    const t = text(drawFrame('ssh', loaded({ ...timed, accepting: false }), profile));
    expect(t).toMatch(/New logins\s+NOT accepted: sshd is not running/);
  });

  it('asks before enabling permanently, saying it stays on', () => {
    const lines = drawFrame('ssh', reduceSsh(loaded(disabled), { type: 'askPermanent' }), profile);
    expectFits(lines, profile);
    const f = flat(lines);
    expect(f).toContain('Enable SSH permanently?');
    expect(f).toContain('It stays on until someone disables it (here with D, or through the API): across reboots of the host and restarts of qx-node and of this console.');
    expect(f).toContain('Y: enable permanently. N or Esc: cancel.');
    expect(f).toContain('Y Enable permanently N/Esc Cancel');
  });

  it('edits the idle timeout; during a window it says the window restarts', () => {
    const edit = reduceSsh(loaded(timed), { type: 'editIdle' });
    const lines = drawFrame('ssh', reduceSsh(edit, { type: 'digit', digit: '5' }), profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toMatch(/Idle timeout\s+\[    5 \] minutes  \(\+\/- or type 0-1440; 0 = never\)/);
    expect(t).toContain('Sessions idle this long are closed. Enter saves, Esc cancels.');
    expect(flat(lines)).toContain('Saving restarts the SSH window with the 26 minutes it has left (at least 5).');
    expect(t).toContain('+/- Minutes  Enter Save  Esc Cancel');
  });

  it('shows an API error with its code and message, and a success', () => {
    const working = reduceSsh(loaded(disabled), { type: 'enable' });
    const busy = text(drawFrame('ssh', working, profile));
    expect(busy).toContain('Asking qx-node...');
    const failed = reduceSsh(working, { type: 'failed', error: { code: 'SSHD_FAILED', message: 'sshd did not start: /usr/sbin/sshd exited with code 255 (Missing privilege separation directory: /run/sshd)' } });
    const lines = drawFrame('ssh', failed, profile);
    expectFits(lines, profile);
    const f = flat(lines);
    expect(f).toContain('! Error SSHD_FAILED');
    expect(f).toContain('sshd did not start: /usr/sbin/sshd exited with code 255 (Missing privilege separation directory: /run/sshd)');
    const done = reduceSsh(working, { type: 'done', at: 0, ssh: timed });
    expect(text(drawFrame('ssh', done, profile))).toContain('SSH enabled for 30 minutes.');
  });

  it('a window out of range is a problem shown before anything is sent', () => {
    const s = reduceSsh(reduceSsh(loaded(disabled), { type: 'digit', digit: '2' }), { type: 'enable' });
    const lines = drawFrame('ssh', s, profile);
    expectFits(lines, profile);
    expect(text(lines)).toContain('! The window is 5 to 120 minutes.');
    expect(text(lines)).toContain('Enable SSH for ? minutes');
  });

  it('reading, then qx-node down', () => {
    expect(text(drawFrame('ssh', initialSsh(), profile))).toMatch(/SSH\s+reading\.\.\./);
    const down = run({ type: 'loadFailed', error: { code: 'NODE_DOWN', message: 'qx-node is not running: its socket does not answer.' } });
    const lines = drawFrame('ssh', down, profile);
    expectFits(lines, profile);
    expect(flat(lines)).toContain('Error NODE_DOWN qx-node is not running: its socket does not answer.');
  });
});
