import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import type { AuthResult } from '../../effects/authenticator.ts';
import { fakeEffects, settle } from '../../testing/fake-effects.ts';
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
