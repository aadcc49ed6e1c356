import { describe, expect, it } from 'vitest';
import {
  expire,
  initialSsh,
  minuteMsFromEnv,
  parsePersisted,
  planUpdate,
  shouldAccept,
  toApiState,
  windowExpired,
  type PersistedSsh,
} from './ssh-state.ts';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const MIN = 60_000;

describe('planUpdate', () => {
  it('opens a window from now, keeping the idle timeout unless given', () => {
    const current = { ...initialSsh, idleTimeoutMinutes: 15 };
    const { next, action } = planUpdate(current, { mode: 'timed', minutes: 30 }, 'console:tty1', T0, MIN);
    expect(action).toBe('ssh.enable');
    expect(next).toEqual({
      version: 1,
      mode: 'timed',
      enabledUntil: '2026-11-21T10:30:00.000Z',
      minutes: 30,
      idleTimeoutMinutes: 15,
      changedAt: '2026-11-21T10:00:00.000Z',
      changedBy: 'console:tty1',
    });
  });

  it('counts minutes of the given length (tests shorten them)', () => {
    const { next } = planUpdate(initialSsh, { mode: 'timed', minutes: 5 }, 'a', T0, 3000);
    expect(next.enabledUntil).toBe('2026-11-21T10:00:15.000Z');
  });

  it('tells enable, disable, an idle timeout change and no change apart', () => {
    const permanent: PersistedSsh = { ...initialSsh, mode: 'permanent', changedAt: new Date(T0).toISOString(), changedBy: 'x' };
    expect(planUpdate(initialSsh, { mode: 'permanent' }, 'a', T0, MIN).action).toBe('ssh.enable');
    expect(planUpdate(permanent, { mode: 'disabled' }, 'a', T0, MIN).action).toBe('ssh.disable');
    expect(planUpdate(permanent, { mode: 'permanent', idleTimeoutMinutes: 10 }, 'a', T0, MIN)).toMatchObject({
      action: 'ssh.idle-timeout.change',
      next: { mode: 'permanent', idleTimeoutMinutes: 10, changedBy: 'a' },
    });
    expect(planUpdate(permanent, { mode: 'permanent' }, 'a', T0 + MIN, MIN)).toEqual({ action: null, next: permanent });
    expect(planUpdate(initialSsh, { mode: 'disabled', idleTimeoutMinutes: 0 }, 'a', T0, MIN).action).toBeNull();
  });

  it('ends a window when switching to permanent or disabled', () => {
    const timed = planUpdate(initialSsh, { mode: 'timed', minutes: 10 }, 'a', T0, MIN).next;
    expect(planUpdate(timed, { mode: 'permanent' }, 'a', T0, MIN).next).toMatchObject({ mode: 'permanent', enabledUntil: null, minutes: null });
    expect(planUpdate(timed, { mode: 'disabled' }, 'a', T0, MIN).next).toMatchObject({ mode: 'disabled', enabledUntil: null });
    // Timed again: a fresh window, even with the same minutes.
    expect(planUpdate(timed, { mode: 'timed', minutes: 10 }, 'a', T0 + 4 * MIN, MIN)).toMatchObject({
      action: 'ssh.enable',
      next: { enabledUntil: '2026-11-21T10:14:00.000Z' },
    });
  });
});

describe('window', () => {
  const timed = planUpdate(initialSsh, { mode: 'timed', minutes: 5 }, 'a', T0, MIN).next;

  it('accepts until the end of the window, not at it', () => {
    expect(shouldAccept(timed, T0 + 5 * MIN - 1)).toBe(true);
    expect(windowExpired(timed, T0 + 5 * MIN - 1)).toBe(false);
    expect(shouldAccept(timed, T0 + 5 * MIN)).toBe(false);
    expect(windowExpired(timed, T0 + 5 * MIN)).toBe(true);
    expect(shouldAccept({ ...initialSsh, mode: 'permanent' }, T0)).toBe(true);
    expect(windowExpired({ ...initialSsh, mode: 'permanent' }, T0)).toBe(false);
    expect(shouldAccept(initialSsh, T0)).toBe(false);
  });

  it('expires into disabled, changed by qx-node, keeping the idle timeout', () => {
    expect(expire({ ...timed, idleTimeoutMinutes: 7 }, T0 + 5 * MIN)).toEqual({
      version: 1,
      mode: 'disabled',
      enabledUntil: null,
      minutes: null,
      idleTimeoutMinutes: 7,
      changedAt: '2026-11-21T10:05:00.000Z',
      changedBy: 'qx-node',
    });
  });

  it('reports remaining seconds rounded up, never below zero', () => {
    const view = (now: number) => toApiState(timed, { now, accepting: true, listen: '0.0.0.0', port: 22 });
    expect(view(T0)).toEqual({
      mode: 'timed',
      enabledUntil: '2026-11-21T10:05:00.000Z',
      remainingSeconds: 300,
      idleTimeoutMinutes: 0,
      accepting: true,
      listen: ['0.0.0.0'],
      port: 22,
      changedAt: '2026-11-21T10:00:00.000Z',
      changedBy: 'a',
    });
    expect(view(T0 + 299_500).remainingSeconds).toBe(1);
    expect(view(T0 + 400_000).remainingSeconds).toBe(0);
    expect(toApiState(initialSsh, { now: T0, accepting: false, listen: '::', port: 2222 }).remainingSeconds).toBeNull();
  });
});

describe('parsePersisted', () => {
  it('reads a saved state, treats a missing one as new and a damaged one as disabled', () => {
    const timed = planUpdate(initialSsh, { mode: 'timed', minutes: 5 }, 'a', T0, MIN).next;
    expect(parsePersisted(JSON.stringify(timed))).toEqual({ state: timed, problem: null });
    expect(parsePersisted(null)).toEqual({ state: initialSsh, problem: null });
    expect(parsePersisted('{"mode":"permanent"')).toMatchObject({ state: initialSsh, problem: expect.any(String) });
    expect(parsePersisted('{"version":1,"mode":"always"}')).toMatchObject({ state: initialSsh, problem: expect.stringMatching(/unexpected/) });
  });
});

describe('minuteMsFromEnv', () => {
  it('is a real minute unless a test shortens it to 1–60 seconds', () => {
    expect(minuteMsFromEnv({})).toEqual({ minuteMs: 60_000, problem: null });
    expect(minuteMsFromEnv({ QX_SSH_TEST_MINUTE_SECONDS: '3' })).toEqual({ minuteMs: 3000, problem: null });
    expect(minuteMsFromEnv({ QX_SSH_TEST_MINUTE_SECONDS: '0' })).toMatchObject({ minuteMs: 60_000, problem: expect.any(String) });
    expect(minuteMsFromEnv({ QX_SSH_TEST_MINUTE_SECONDS: '1.5' })).toMatchObject({ minuteMs: 60_000, problem: expect.any(String) });
  });
});
