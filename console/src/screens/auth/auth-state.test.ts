import { describe, expect, it } from 'vitest';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { authKey, initialAuth, reduceAuth, type AuthAction, type AuthState } from './auth-state.ts';

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
