import { describe, expect, it } from 'vitest';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { authHints, authKey, initialAuth, NODE_DOWN_MESSAGE, reduceAuth, type AuthAction, type AuthState } from './auth-state.ts';

const key = (s: string) => decodeKeys(s, true).keys[0]!;
const typeText = (s: AuthState, text: string) =>
  [...text].reduce((st, c) => {
    const a = authKey(st, key(c));
    return a && a !== 'back' ? reduceAuth(st, a) : st;
  }, s);
const ready = reduceAuth(initialAuth('ssh'), { type: 'status', hasPassword: true, lockedUntil: null });

describe('auth reducer', () => {
  it('collects the password, corrects it, and submits it once', () => {
    let s = typeText(ready, 'secret');
    expect(s.password).toBe('secret');
    s = reduceAuth(s, authKey(s, key('\x7f')) as AuthAction);
    expect(s.password).toBe('secre');
    s = reduceAuth(s, authKey(s, key('\x15')) as AuthAction);
    expect(s.password).toBe('');
    s = typeText(s, 'pw');
    s = reduceAuth(s, authKey(s, key('\r')) as AuthAction);
    expect(s.phase).toBe('verifying');
    expect(reduceAuth(s, { type: 'submit' })).toBe(s);
    expect(typeText(s, 'x').password).toBe('pw');
  });

  it('an empty password is not submitted; Esc leaves', () => {
    expect(reduceAuth(ready, { type: 'submit' })).toBe(ready);
    expect(authKey(ready, key('\x1b'))).toBe('back');
  });

  it('wrong password: cleared, attempts left shown', () => {
    const s = reduceAuth({ ...ready, password: 'x', phase: 'verifying' }, { type: 'result', result: { ok: false, reason: 'wrong-password', attemptsLeft: 1 } });
    expect(s).toMatchObject({ phase: 'prompt', password: '', message: 'Wrong password (1 attempt left before a lockout).' });
  });

  it('locked: no typing until unlocked', () => {
    const s = reduceAuth(ready, { type: 'result', result: { ok: false, reason: 'locked', lockedUntil: 5000 } });
    expect(s).toMatchObject({ phase: 'locked', lockedUntil: 5000 });
    expect(authKey(s, key('a'))).toBeNull();
    expect(reduceAuth(s, { type: 'unlocked' }).phase).toBe('prompt');
    expect(reduceAuth(initialAuth('ssh'), { type: 'status', hasPassword: true, lockedUntil: 9 }).phase).toBe('locked');
  });

  it('no admin password set', () => {
    expect(reduceAuth(initialAuth('power'), { type: 'status', hasPassword: false, lockedUntil: null }).phase).toBe('no-password');
  });

  it('keys typed before the status arrives are kept', () => {
    const s = typeText(initialAuth('ssh'), 'ab');
    expect(reduceAuth(s, { type: 'status', hasPassword: true, lockedUntil: null })).toMatchObject({ phase: 'prompt', password: 'ab' });
  });

  it('keeps a password typed and submitted before the prompt was ready, and checks it then', () => {
    let s = initialAuth('ssh');
    for (const ch of 'secret') s = reduceAuth(s, { type: 'char', char: ch });
    s = reduceAuth(s, { type: 'submit' });
    expect(s).toMatchObject({ phase: 'starting', password: 'secret', submitPending: true });
    s = reduceAuth(s, { type: 'status', hasPassword: true, lockedUntil: null });
    expect(s).toMatchObject({ phase: 'verifying', password: 'secret', submitPending: false });
  });

  it('shows why a password could not be checked', () => {
    const s = reduceAuth({ ...ready, phase: 'verifying', password: 'x' }, { type: 'result', result: { ok: false, reason: 'error', message: 'EACCES' } });
    expect(s).toMatchObject({ phase: 'prompt', password: '', message: 'The password could not be checked: EACCES' });
  });
});

const press = (s: AuthState, keys: string) =>
  [...keys].reduce((st, c) => {
    const a = authKey(st, key(c));
    return a && a !== 'back' ? reduceAuth(st, a) : st;
  }, s);
const none = reduceAuth(initialAuth('network'), { type: 'status', hasPassword: false, lockedUntil: null });

describe('auth reducer: the first admin password', () => {
  it('offers to set it: Enter or S starts, Esc and Q go back, other letters are the app\'s', () => {
    expect(none).toMatchObject({ phase: 'no-password', nodeDown: false });
    expect(authKey(none, key('\r'))).toEqual({ type: 'setup' });
    expect(authKey(none, key('s'))).toEqual({ type: 'setup' });
    expect(authKey(none, key('S'))).toEqual({ type: 'setup' });
    expect(authKey(none, key('\x1b'))).toBe('back');
    expect(authKey(none, key('q'))).toBeNull();
    expect(authKey(none, key('m'))).toBeNull();
    expect(authHints(none)).toEqual([{ keys: 'Enter/S', label: 'Set password' }]);
    expect(reduceAuth(none, { type: 'setup' })).toMatchObject({ phase: 'new-password', password: '' });
  });

  it('takes the new password twice, checks the rules and that both match, then sets it', () => {
    let s = press(none, 's');
    s = press(s, 'first-secret-1');
    expect(s).toMatchObject({ phase: 'new-password', password: 'first-secret-1' });
    expect(authHints(s)).toEqual([{ keys: 'Enter', label: 'OK' }]);
    s = press(s, '\r');
    expect(s).toMatchObject({ phase: 'repeat-password', password: '', newPassword: 'first-secret-1', message: null });
    s = press(s, 'first-secret-1\r');
    expect(s).toMatchObject({ phase: 'setting', password: '', newPassword: 'first-secret-1' });
    // Nothing typed while qx-node sets it counts, and Esc does not leave.
    expect(press(s, 'xy\r')).toBe(s);
    expect(authKey(s, key('\x1b'))).not.toBe('back');
    expect(reduceAuth(s, authKey(s, key('\x1b')) as AuthAction)).toBe(s);
    s = reduceAuth(s, { type: 'setResult', result: { ok: true } });
    expect(s).toMatchObject({ password: '', newPassword: '', message: null });
  });

  it('refuses a weak password with the rules of passwordProblems', () => {
    let s = press(press(none, 's'), 'abc\r');
    expect(s).toMatchObject({ phase: 'new-password', password: '', message: 'Too weak: at least 8 characters; at least 4 different characters.' });
    s = press(s, 'aaaaaaaaaa\r');
    expect(s.message).toBe('Too weak: at least 4 different characters.');
    s = press(s, '\r');
    expect(s.phase).toBe('new-password');
  });

  it('two different passwords: back to the first entry', () => {
    const s = press(press(none, 's'), 'first-secret-1\rfirst-secret-2\r');
    expect(s).toMatchObject({ phase: 'new-password', password: '', newPassword: '', message: 'The two passwords differ. Type the new password again.' });
  });

  it('Esc while typing the new password goes back to the offer, forgetting it', () => {
    const s = press(press(none, 's'), 'first-secret-1\r');
    expect(authKey(s, key('\x1b'))).toEqual({ type: 'cancelSetup' });
    expect(reduceAuth(s, { type: 'cancelSetup' })).toMatchObject({ phase: 'no-password', password: '', newPassword: '' });
  });

  it('qx-node down: says so, and M starts it', () => {
    const setting = press(press(none, 's'), 'first-secret-1\rfirst-secret-1\r');
    let s = reduceAuth(setting, { type: 'setResult', result: { ok: false, reason: 'node-down' } });
    expect(s).toMatchObject({ phase: 'no-password', nodeDown: true, newPassword: '', message: NODE_DOWN_MESSAGE });
    expect(NODE_DOWN_MESSAGE).toBe('qx-node is not running: start it with F6/M, then try again.');
    expect(authHints(s)).toEqual([{ keys: 'Enter/S', label: 'Set password' }, { keys: 'M', label: 'Start qx-node' }]);
    expect(authKey(s, key('M'))).toEqual({ type: 'startNode' });
    s = reduceAuth(s, { type: 'startNode' });
    expect(s.phase).toBe('starting-node');
    expect(reduceAuth(s, { type: 'nodeStarted', ok: false, message: 'no socket' })).toMatchObject({ phase: 'no-password', nodeDown: true, message: 'qx-node did not start: no socket' });
    s = reduceAuth(s, { type: 'nodeStarted', ok: true });
    expect(s).toMatchObject({ phase: 'no-password', nodeDown: false, message: 'qx-node is running. Set the admin password now.', messageTone: 'good' });
    expect(reduceAuth(none, { type: 'nodeState', running: false })).toMatchObject({ nodeDown: true });
    expect(reduceAuth(none, { type: 'startNode' })).toBe(none);
  });

  it('a password set meanwhile must be entered; other failures are shown on the offer', () => {
    const setting = press(press(none, 's'), 'first-secret-1\rfirst-secret-1\r');
    expect(reduceAuth(setting, { type: 'setResult', result: { ok: false, reason: 'has-password' } })).toMatchObject({
      phase: 'prompt',
      newPassword: '',
      message: 'An admin password was set meanwhile: enter it.',
    });
    expect(reduceAuth(setting, { type: 'setResult', result: { ok: false, reason: 'error', message: 'disk full' } })).toMatchObject({
      phase: 'no-password',
      newPassword: '',
      message: 'The password was not set: disk full',
    });
  });
});
