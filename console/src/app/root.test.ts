import { describe, expect, it } from 'vitest';
import { decodeKeys, type Key } from '@quantix/lib/terminal/keymap';
import { testConfig } from '../testing/frames.tsx';
import { registry } from './registry.ts';
import { initialRootState, rootReducer, routeKey, type RootState } from './root.ts';

const o = { registry, config: testConfig };
const reduce = rootReducer(o);
const T0 = 1_000_000;
const key = (s: string): Key => decodeKeys(s, true).keys[0]!;
const press = (s: RootState, input: string, now = T0) => {
  const out = routeKey(o, s, key(input), now);
  return { out, state: out.actions.reduce(reduce, s) };
};

describe('root reducer and key routing', () => {
  it('starts on the status screen, not authenticated', () => {
    const s = initialRootState(o, T0);
    expect(s.current).toBe('status');
    expect(s.authUntil).toBe(0);
    expect(s.screens.status).toMatchObject({ node: 'unknown' });
  });

  it('F-keys in every encoding and letters open screens; protected ones go through auth first', () => {
    const s = initialRootState(o, T0);
    for (const input of ['\x1bOQ', '\x1b[[B', '\x1b[12~', 'n', 'N']) {
      const { state } = press(s, input);
      expect(state.current, JSON.stringify(input)).toBe('auth');
      expect(state.screens.auth).toMatchObject({ target: 'network', phase: 'starting' });
    }
    expect(press(s, '\x1b[18~').state.current).toBe('diagnostics');
    expect(press(s, 'd').state.current).toBe('diagnostics');
    expect(press(s, '\x1b[24~').state.screens.auth).toMatchObject({ target: 'shell' });
    expect(press(s, '\x1b[21~').state.screens.auth).toMatchObject({ target: 'power' });
  });

  it('F5 and R refresh; Esc and Q go back; Ctrl-C exits only when allowed', () => {
    const s = initialRootState(o, T0);
    expect(press(s, '\x1b[15~').out.refresh).toBe(true);
    expect(press(s, 'r').out.refresh).toBe(true);
    const diag = press(s, 'd').state;
    expect(press(diag, '\x1b').state.current).toBe('status');
    expect(press(diag, 'q').state.current).toBe('status');
    expect(press(s, '\x03').out.exit).toBe(false);
    expect(routeKey({ ...o, config: { ...testConfig, allowExit: true } }, s, key('\x03'), T0).exit).toBe(true);
  });

  it('the auth screen takes letters as password text, not shortcuts', () => {
    const s = press(initialRootState(o, T0), 's').state;
    const typed = ['q', 'd', 'n', 'x'].reduce((st, c) => press(st, c).state, s);
    expect(typed.current).toBe('auth');
    expect(typed.screens.auth).toMatchObject({ password: 'qdnx' });
    expect(press(typed, '\x1b').state.current).toBe('status');
  });

  it('a grant opens the target and lasts authMinutes of activity (sudo-like), then asks again', () => {
    const ttl = testConfig.authMinutes * 60_000;
    let s = reduce(press(initialRootState(o, T0), 's').state, { type: 'auth.granted', then: 'ssh', now: T0 });
    expect(s.current).toBe('ssh');
    expect(s.authUntil).toBe(T0 + ttl);
    s = press(s, '\x1b', T0 + ttl - 1000).state;
    expect(s.authUntil).toBe(T0 + 2 * ttl - 1000);
    // Still valid: straight in.
    expect(press(s, 'c', T0 + ttl).state.current).toBe('cluster');
    // Past it: the password again.
    expect(press(s, 'c', T0 + 3 * ttl).state.current).toBe('auth');
  });

  it('an expired authentication closes a protected screen at the next tick', () => {
    const ttl = testConfig.authMinutes * 60_000;
    const s = reduce(initialRootState(o, T0), { type: 'auth.granted', then: 'power', now: T0 });
    expect(reduce(s, { type: 'tick', now: T0 + 1000 }).current).toBe('power');
    const later = reduce(s, { type: 'tick', now: T0 + ttl + 1 });
    expect(later.current).toBe('status');
    expect(later.authUntil).toBe(0);
  });

  it('screen actions reach only that screen, and the status state is kept across visits', () => {
    let s = initialRootState(o, T0);
    s = reduce(s, { type: 'screen', id: 'status', action: { type: 'loaded', at: T0, host: null, nodeError: { code: 'NODE_DOWN', message: 'down' }, local: null, boot: null, configuredNic: null } });
    expect(s.screens.status).toMatchObject({ node: 'down' });
    s = press(press(s, 'd').state, 'q').state;
    expect(s.screens.status).toMatchObject({ node: 'down' });
  });
});
