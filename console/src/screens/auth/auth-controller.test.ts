import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import type { AuthResult } from '../../effects/authenticator.ts';
import { ConsoleError } from '../../errors.ts';
import { fakeEffects, settle, type FakeEffects } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

function start(verify: (pw: string) => Promise<AuthResult>) {
  const effects = fakeEffects({ auth: { status: async () => ({ hasPassword: true, lockedUntil: null }), verify } });
  runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test', escapeTimeoutMs: 5 });
  runtime.start();
  return { runtime, effects };
}

describe('auth controller', () => {
  it('a right password opens the target screen and is audited', async () => {
    const seen: string[] = [];
    const { runtime, effects } = start(async (pw) => (seen.push(pw), { ok: true }));
    runtime.input('\x1b[17~');
    await settle();
    expect(runtime.getState().current).toBe('auth');
    runtime.input('s3cret\r');
    await settle();
    expect(seen).toEqual(['s3cret']);
    expect(runtime.getState().current).toBe('services');
    expect(effects.audited.map((e) => e.action)).toEqual(['console.auth']);
    expect(effects.audited[0]!.detail).toEqual({ for: 'services', result: 'ok' });
  });

  it('wrong passwords stay on the prompt; a lockout is audited', async () => {
    let n = 0;
    const { runtime, effects } = start(async () => (++n < 2 ? { ok: false, reason: 'wrong-password', attemptsLeft: 1 } : { ok: false, reason: 'locked', lockedUntil: Date.now() + 60_000 }));
    runtime.input('p');
    await settle();
    runtime.input('bad\r');
    await settle();
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'prompt', password: '' });
    runtime.input('bad\r');
    await settle();
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'locked' });
    expect(effects.audited.map((e) => e.action)).toEqual(['console.auth_failed', 'console.auth_failed', 'console.lockout']);
    expect(JSON.stringify(effects.audited)).not.toContain('bad');
  });
});

describe('auth controller: the first admin password', () => {
  /** A host with no admin password; qx-node answers setAdminPassword as `set` does, and once set the store has it. */
  function startFresh(set: (pw: string) => Promise<void>, nodeRunning = true) {
    let hasPassword = false;
    const sets: string[] = [];
    const effects: FakeEffects = fakeEffects({
      auth: { status: async () => ({ hasPassword, lockedUntil: null }), verify: async () => ({ ok: false, reason: 'no-password' }) },
      node: {
        setAdminPassword: async (pw) => {
          sets.push(pw);
          await set(pw);
          hasPassword = true;
        },
      },
    });
    const services = effects.services;
    effects.services = { ...services, status: async () => ({ running: nodeRunning, pid: nodeRunning ? 42 : null, manager: 'process' }) };
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test', escapeTimeoutMs: 5 });
    runtime.start();
    return { runtime, effects, sets, setHasPassword: (v: boolean) => (hasPassword = v) };
  }

  it('sets the password through qx-node, audits auth.password.set, and opens the screen asked for', async () => {
    const { runtime, effects, sets } = startFresh(async () => undefined);
    runtime.input('\x1b[24~'); // F12
    await settle();
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'no-password', target: 'shell', nodeDown: false });
    runtime.input('s');
    runtime.input('first-secret-1\r');
    runtime.input('first-secret-1\r');
    await settle();
    expect(sets).toEqual(['first-secret-1']);
    expect(runtime.getState().current).toBe('shell');
    expect(runtime.getState().authUntil).toBeGreaterThan(Date.now());
    // The shell opens at once and audits itself after this.
    expect(effects.audited[0]).toMatchObject({ actor: 'console:test', action: 'auth.password.set', detail: { for: 'shell', result: 'ok' } });
    expect(effects.audited.map((e) => e.action)).toEqual(['auth.password.set', 'shell.start', 'shell.end']);
    expect(JSON.stringify(effects.audited)).not.toContain('first-secret-1');
  });

  it('qx-node down: nothing is written, the operator is told, and M starts qx-node here', async () => {
    let up = false;
    const { runtime, effects, sets } = startFresh(async () => {
      if (!up) throw new ConsoleError('NODE_DOWN');
    }, false);
    effects.services = {
      ...effects.services,
      restart: async () => {
        effects.calls.push('services.restart');
        up = true;
        return { running: true, pid: 4242, manager: 'process' };
      },
    };
    runtime.input('n');
    await settle();
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'no-password', nodeDown: true });
    runtime.input('\rfirst-secret-1\rfirst-secret-1\r');
    await settle();
    expect(runtime.getState()).toMatchObject({ current: 'auth', authUntil: 0 });
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'no-password', message: 'qx-node is not running: start it with F6/M, then try again.' });
    expect(sets).toEqual(['first-secret-1']);
    runtime.input('m');
    await settle();
    expect(effects.calls).toEqual(['services.restart']);
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'no-password', nodeDown: false, message: 'qx-node is running. Set the admin password now.' });
    runtime.input('sfirst-secret-1\rfirst-secret-1\r');
    await settle();
    expect(runtime.getState().current).toBe('network');
    expect(effects.audited.map((e) => e.action)).toEqual(['auth.password.set_failed', 'services.start', 'services.start.done', 'auth.password.set']);
    expect(effects.audited[0]!.detail).toEqual({ for: 'network', result: 'node-down' });
  });

  it('never replaces a password set meanwhile; qx-node refusing is shown', async () => {
    const { runtime, effects, sets, setHasPassword } = startFresh(async () => {
      throw Object.assign(new Error('VALIDATION_FAILED: The new password is too weak.'), { name: 'ApiCallError', code: 'VALIDATION_FAILED' });
    });
    runtime.input('p');
    await settle();
    runtime.input('sfirst-secret-1\rfirst-secret-1\r');
    await settle();
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'no-password', message: 'The password was not set: The new password is too weak.' });
    setHasPassword(true);
    runtime.input('sfirst-secret-1\rfirst-secret-1\r');
    await settle();
    expect(sets).toHaveLength(1);
    expect(runtime.getState().screens.auth).toMatchObject({ phase: 'prompt', message: 'An admin password was set meanwhile: enter it.' });
    expect(runtime.getState().current).toBe('auth');
    expect(effects.audited.map((e) => e.detail)).toEqual([
      { for: 'power', result: 'error' },
      { for: 'power', result: 'has-password' },
    ]);
  });

  it('Esc and Q leave the offer', async () => {
    const { runtime } = startFresh(async () => undefined);
    runtime.input('x');
    await settle();
    runtime.input('q');
    await settle();
    expect(runtime.getState().current).toBe('status');
    runtime.input('x');
    await settle();
    runtime.input('\x1b');
    await settle(30);
    expect(runtime.getState().current).toBe('status');
  });
});
