import { describe, expect, it } from 'vitest';
import type { SshState } from '@quantix/lib/api';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import {
  auditOf,
  initialSsh,
  minutesLeft,
  reduceSsh,
  sshHints,
  sshKey,
  sshUpdateFor,
  windowMinutes,
  type SshScreenState,
} from './ssh-state.ts';
import { sampleSshDisabled } from '../../testing/fake-effects.ts';

const T = Date.parse('2026-11-21T12:00:00.000Z');
const disabledSsh = sampleSshDisabled;
const timedSsh: SshState = {
  ...disabledSsh,
  mode: 'timed',
  enabledUntil: new Date(T + 17.5 * 60_000).toISOString(),
  remainingSeconds: 1050,
  accepting: true,
  changedAt: new Date(T - 12.5 * 60_000).toISOString(),
  changedBy: 'api:local-socket',
};

const key = (s: string) => decodeKeys(s, true).keys[0]!;
/** Presses keys (a string of raw input) and reduces what they lead to. */
function press(s: SshScreenState, input: string): SshScreenState {
  for (const k of decodeKeys(input, true).keys) {
    const a = sshKey(s, k);
    if (a && a !== 'back') s = reduceSsh(s, a);
  }
  return s;
}
const ready = reduceSsh(initialSsh(), { type: 'loaded', at: 0, ssh: disabledSsh });

describe('ssh reducer', () => {
  it('is ready with the state qx-node gave, and a 30-minute window chosen', () => {
    expect(initialSsh().phase).toBe('reading');
    expect(ready).toMatchObject({ phase: 'ready', ssh: disabledSsh, minutesText: '30', error: null });
    expect(windowMinutes(ready)).toBe(30);
  });

  it('chooses the window with +/- in steps of 5, within 5 to 120', () => {
    expect(press(ready, '+').minutesText).toBe('35');
    expect(press(ready, '---').minutesText).toBe('15');
    expect(press(ready, '-'.repeat(20)).minutesText).toBe('5');
    expect(press(ready, '+'.repeat(40)).minutesText).toBe('120');
    expect(press(ready, '\x1b[C\x1b[D\x1b[D').minutesText).toBe('25');
    expect(press(press(ready, '7'), '+').minutesText).toBe('10');
    expect(press(press(ready, '7'), '-').minutesText).toBe('5');
  });

  it('chooses the window with digits: the first digit starts a new number', () => {
    expect(press(ready, '45').minutesText).toBe('45');
    expect(press(ready, '1205').minutesText).toBe('120');
    expect(press(ready, '45\x7f').minutesText).toBe('4');
    expect(press(ready, '45+9').minutesText).toBe('9');
  });

  it('enables for the chosen minutes once, refuses a window out of range', () => {
    const s = press(ready, '15e');
    expect(s).toMatchObject({ phase: 'working', request: { kind: 'timed', minutes: 15 } });
    expect(press(s, 'e')).toBe(s);
    expect(press(s, 'd')).toBe(s);
    const bad = press(ready, '3e');
    expect(bad).toMatchObject({ phase: 'ready', request: null, problem: 'The window is 5 to 120 minutes.' });
    expect(press(bad, '0').problem).toBeNull();
    expect(press(ready, '\x7f\x7fe').phase).toBe('ready');
  });

  it('asks before enabling permanently; N or Esc keep things as they are', () => {
    const ask = press(ready, 'p');
    expect(ask.phase).toBe('confirm-permanent');
    expect(press(ask, 'n')).toMatchObject({ phase: 'ready', request: null });
    expect(sshKey(ask, key('\x1b'))).toEqual({ type: 'cancel' });
    expect(press(ask, 'e').phase).toBe('confirm-permanent');
    expect(press(ask, 'Y')).toMatchObject({ phase: 'working', request: { kind: 'permanent' } });
  });

  it('edits the idle timeout from the current one; Enter saves, Esc cancels', () => {
    const edit = press(reduceSsh(initialSsh(), { type: 'loaded', at: 0, ssh: { ...disabledSsh, idleTimeoutMinutes: 15 } }), 'i');
    expect(edit).toMatchObject({ phase: 'idle', idleText: '15' });
    expect(press(edit, '++').idleText).toBe('25');
    expect(press(edit, '-----').idleText).toBe('0');
    expect(press(edit, '90\r')).toMatchObject({ phase: 'working', request: { kind: 'idle', minutes: 90 } });
    expect(press(edit, '\x1b')).toMatchObject({ phase: 'ready', request: null });
    expect(press(edit, '9999\r')).toMatchObject({ phase: 'idle', problem: 'The idle timeout is 0 (never) to 1440 minutes.' });
    expect(press(edit, '\x7f\x7f\r').phase).toBe('idle');
    expect(press(edit, '0\r').request).toEqual({ kind: 'idle', minutes: 0 });
  });

  it('disables at once', () => {
    expect(press(ready, 'd')).toMatchObject({ phase: 'working', request: { kind: 'disable' } });
  });

  it('done: the new state and what happened; failed: the error, ready again', () => {
    const working = press(ready, 'e');
    const done = reduceSsh(working, { type: 'done', at: 0, ssh: timedSsh });
    expect(done).toMatchObject({ phase: 'ready', ssh: timedSsh, request: null, notice: 'SSH enabled for 30 minutes.', error: null });
    const failed = reduceSsh(working, { type: 'failed', error: { code: 'SSHD_FAILED', message: 'sshd did not start' } });
    expect(failed).toMatchObject({ phase: 'ready', request: null, ssh: disabledSsh, error: { code: 'SSHD_FAILED' } });
    expect(reduceSsh(ready, { type: 'done', at: 0, ssh: timedSsh })).toBe(ready);
    // The next request clears the old error.
    expect(press(failed, 'd')).toMatchObject({ error: null, phase: 'working' });
  });

  it('a failed read shows the error and keeps what was known; the next good read clears it', () => {
    const down = reduceSsh(ready, { type: 'loadFailed', error: { code: 'NODE_DOWN', message: 'down' } });
    expect(down).toMatchObject({ phase: 'ready', ssh: disabledSsh, readError: { code: 'NODE_DOWN' } });
    expect(reduceSsh(down, { type: 'loaded', at: 0, ssh: timedSsh })).toMatchObject({ ssh: timedSsh, readError: null });
    const refusedChange = reduceSsh(press(ready, 'e'), { type: 'failed', error: { code: 'SSHD_FAILED', message: 'x' } });
    expect(reduceSsh(refusedChange, { type: 'loaded', at: 0, ssh: disabledSsh }).error).toEqual({ code: 'SSHD_FAILED', message: 'x' });
    const refused = reduceSsh(ready, { type: 'failed', error: { code: 'X', message: 'x' } });
    expect(refused).toBe(ready);
    const first = reduceSsh(initialSsh(), { type: 'loadFailed', error: { code: 'NODE_DOWN', message: 'down' } });
    expect(first).toMatchObject({ phase: 'ready', ssh: null });
  });

  it('keys leave letters it does not use to the app', () => {
    expect(sshKey(ready, key('q'))).toBeNull();
    expect(sshKey(ready, key('\x1b'))).toBeNull();
    expect(sshKey(press(ready, 'e'), key('q'))).toBeNull();
  });

  it('hints follow the phase', () => {
    expect(sshHints(ready).map((h) => h.keys)).toEqual(['E', '+/-', 'P', 'I', 'D']);
    expect(sshHints(ready)[0]!.label).toBe('Enable 30 min');
    expect(sshHints(press(ready, 'p')).map((h) => h.keys)).toEqual(['Y', 'N/Esc']);
    expect(sshHints(press(ready, 'e'))).toEqual([]);
  });
});

describe('ssh requests', () => {
  it('maps each request to the API body', () => {
    expect(sshUpdateFor({ kind: 'timed', minutes: 5 }, disabledSsh, T)).toEqual({ mode: 'timed', minutes: 5 });
    expect(sshUpdateFor({ kind: 'permanent' }, disabledSsh, T)).toEqual({ mode: 'permanent' });
    expect(sshUpdateFor({ kind: 'disable' }, timedSsh, T)).toEqual({ mode: 'disabled' });
    expect(sshUpdateFor({ kind: 'idle', minutes: 10 }, disabledSsh, T)).toEqual({ mode: 'disabled', idleTimeoutMinutes: 10 });
    expect(sshUpdateFor({ kind: 'idle', minutes: 10 }, { ...disabledSsh, mode: 'permanent' }, T)).toEqual({ mode: 'permanent', idleTimeoutMinutes: 10 });
  });

  it('a new idle timeout during a window keeps the minutes it has left', () => {
    expect(sshUpdateFor({ kind: 'idle', minutes: 10 }, timedSsh, T)).toEqual({ mode: 'timed', minutes: 18, idleTimeoutMinutes: 10 });
    expect(minutesLeft(timedSsh, T + 17 * 60_000)).toBe(5);
  });

  it('audits what the operator asked for', () => {
    expect(auditOf({ kind: 'timed', minutes: 5 })).toEqual({ action: 'ssh.enable', detail: { mode: 'timed', minutes: 5 } });
    expect(auditOf({ kind: 'disable' }).action).toBe('ssh.disable');
    expect(auditOf({ kind: 'idle', minutes: 3 })).toEqual({ action: 'ssh.idle-timeout.change', detail: { idleTimeoutMinutes: 3 } });
  });
});
