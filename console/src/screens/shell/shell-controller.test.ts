import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import { fakeEffects, settle } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

describe('shell controller', () => {
  it('suspends the UI around the shell and audits start and end with the exit code', async () => {
    const effects = fakeEffects();
    const order: string[] = [];
    runtime = new ConsoleRuntime({
      registry,
      config: testConfig,
      effects,
      tty: 'tty1',
      suspend: async (fn) => {
        order.push('suspend');
        const r = await fn();
        order.push('resume');
        return r;
      },
    });
    runtime.start();
    runtime.dispatch({ type: 'auth.granted', then: 'shell', now: Date.now() });
    await settle();
    expect(order).toEqual(['suspend', 'resume']);
    expect(effects.calls).toEqual(['shell.run']);
    expect(runtime.getState().screens.shell).toMatchObject({ phase: 'ended', result: { exitCode: 0 } });
    expect(effects.audited.map((e) => e.action)).toEqual(['shell.start', 'shell.end']);
    expect(effects.audited[1]!.detail).toMatchObject({ tty: 'tty1', exitCode: 0, durationMs: 1200 });
    runtime.input('\r');
    await settle();
    expect(effects.calls).toEqual(['shell.run', 'shell.run']);
  });
});
