import { describe, expect, it } from 'vitest';
import { drawFrame, expectFits, NOW, profiles, text } from '../../testing/frames.tsx';
import { initialAuth, reduceAuth } from './auth-state.ts';

const prompt = reduceAuth(initialAuth('network'), { type: 'status', hasPassword: true, lockedUntil: null });

describe.each(Object.entries(profiles))('auth frames (%s profile)', (_name, profile) => {
  it('prompts without echoing anything of the password', () => {
    const lines = drawFrame('auth', { ...prompt, password: 'hunter22' }, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('To configure the management network, enter the admin password.');
    expect(t).toMatch(/Password: *[|│]$/m);
    expect(t).not.toContain('hunter22');
    expect(t).not.toMatch(/\*{3}|•{3}/);
    expect(t).toContain('Enter OK');
    expect(t).toContain('Esc/Q Back');
  });

  it('shows a wrong password, a lockout countdown, and how to set a missing password', () => {
    const wrong = reduceAuth({ ...prompt, phase: 'verifying', password: 'x' }, { type: 'result', result: { ok: false, reason: 'wrong-password', attemptsLeft: 3 } });
    expect(text(drawFrame('auth', wrong, profile))).toContain('Wrong password (3 attempts left before a lockout).');
    const locked = reduceAuth(prompt, { type: 'result', result: { ok: false, reason: 'locked', lockedUntil: NOW + 272_000 } });
    const l = drawFrame('auth', locked, profile);
    expectFits(l, profile);
    expect(text(l)).toContain('Try again in 4:32.');
    const none = drawFrame('auth', reduceAuth(initialAuth('shell'), { type: 'status', hasPassword: false, lockedUntil: null }), profile);
    expectFits(none, profile);
    expect(text(none)).toContain('No admin password is set on this host.');
    expect(text(none)).toContain('qx-node set-password');
  });
});
