import { describe, expect, it } from 'vitest';
import { drawFrame, expectFits, NOW, profiles, text } from '../../testing/frames.tsx';
import { initialAuth, reduceAuth, type AuthAction, type AuthState } from './auth-state.ts';

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
  });
});

const steps = (s: AuthState, ...actions: AuthAction[]) => actions.reduce(reduceAuth, s);
const chars = (t: string): AuthAction[] => [...t].map((char) => ({ type: 'char', char }));
const none = reduceAuth(initialAuth('shell'), { type: 'status', hasPassword: false, lockedUntil: null });

describe.each(Object.entries(profiles))('first admin password frames (%s profile)', (_name, profile) => {
  it('offers to set the password here, with a letter for every key', () => {
    const lines = drawFrame('auth', none, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('To open an emergency shell, set the admin password first.');
    expect(t).toContain('No admin password is set on this host.');
    expect(t).toContain('Press Enter or S to set it, Esc or Q to go back.');
    expect(t).toContain('qx-node set-password');
    expect(t).toContain('Enter/S Set password');
    expect(t).toContain('Esc/Q Back');
    expect(t).not.toContain('Start qx-node');
  });

  it('asks for the new password twice, echoing nothing, with the rules', () => {
    const first = steps(none, { type: 'setup' }, ...chars('hunter22-new'));
    const l1 = drawFrame('auth', first, profile);
    expectFits(l1, profile);
    const t1 = text(l1);
    expect(t1).toMatch(/New password: *[|│]$/m);
    expect(t1).toContain('At least 8 characters (at most 1024), at least 4 different ones.');
    expect(t1).toContain('Nothing is shown as you type.');
    expect(t1).toContain('Enter OK');
    expect(t1).not.toContain('hunter22');
    expect(t1).not.toMatch(/\*{3}|•{3}/);
    const repeat = steps(first, { type: 'submit' }, ...chars('hunter22-n'));
    const l2 = drawFrame('auth', repeat, profile);
    expectFits(l2, profile);
    expect(text(l2)).toMatch(/Repeat it: *[|│]$/m);
    expect(text(l2)).not.toContain('hunter22');
  });

  it('shows a weak password, two that differ, setting, and qx-node being down', () => {
    const weak = steps(none, { type: 'setup' }, ...chars('abc'), { type: 'submit' });
    const lw = drawFrame('auth', weak, profile);
    expectFits(lw, profile);
    expect(text(lw)).toContain('Too weak: at least 8 characters; at least 4 different characters.');
    const differ = steps(none, { type: 'setup' }, ...chars('hunter22-new'), { type: 'submit' }, ...chars('hunter22-old'), { type: 'submit' });
    expect(text(drawFrame('auth', differ, profile))).toContain('The two passwords differ. Type the new password again.');
    const setting = steps(none, { type: 'setup' }, ...chars('hunter22-new'), { type: 'submit' }, ...chars('hunter22-new'), { type: 'submit' });
    const ls = drawFrame('auth', setting, profile);
    expectFits(ls, profile);
    expect(text(ls)).toContain('Setting the admin password through qx-node...');
    expect(text(ls)).not.toContain('Enter/S');
    const down = reduceAuth(setting, { type: 'setResult', result: { ok: false, reason: 'node-down' } });
    const ld = drawFrame('auth', down, profile);
    expectFits(ld, profile);
    expect(text(ld)).toContain('qx-node is not running: start it with F6/M, then try again.');
    expect(text(ld)).toContain('M Start qx-node');
    const known = drawFrame('auth', reduceAuth(none, { type: 'nodeState', running: false }), profile);
    expectFits(known, profile);
    expect(text(known)).toContain('qx-node is not running, and it sets the password: press M to start it.');
    const starting = drawFrame('auth', reduceAuth(down, { type: 'startNode' }), profile);
    expect(text(starting)).toContain('Starting qx-node...');
    const started = drawFrame('auth', steps(down, { type: 'startNode' }, { type: 'nodeStarted', ok: true }), profile);
    expectFits(started, profile);
    expect(text(started)).toContain('qx-node is running. Set the admin password now.');
  });
});
