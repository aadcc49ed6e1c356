import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import { ConsoleError } from '../../errors.ts';
import { fakeEffects, settle } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

describe('services controller', () => {
  it('starts qx-node when it is down, audits start and result', async () => {
    const effects = fakeEffects();
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    runtime.dispatch({ type: 'auth.granted', then: 'services', now: Date.now() });
    await settle();
    runtime.input('\r');
    await settle();
    expect(effects.calls).toEqual(['services.restart']);
    expect(runtime.getState().screens.services).toMatchObject({ phase: 'done', steps: ['starting qx-node'], after: { pid: 4242 } });
    expect(effects.audited.map((e) => e.action)).toEqual(['services.start', 'services.start.done']);
  });

  it('reports a failure with its code', async () => {
    const effects = fakeEffects({
      services: {
        status: async () => ({ running: true, pid: 10, manager: 'process' }),
        restart: async () => {
          throw new ConsoleError('SERVICE_STOP_TIMEOUT');
        },
      },
    });
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    runtime.dispatch({ type: 'auth.granted', then: 'services', now: Date.now() });
    await settle();
    runtime.input('y');
    await settle();
    expect(runtime.getState().screens.services).toMatchObject({ phase: 'failed', error: { code: 'SERVICE_STOP_TIMEOUT' } });
    expect(effects.audited.map((e) => e.action)).toEqual(['services.restart', 'services.restart.failed']);
  });
});
