import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import { ConsoleError } from '../../errors.ts';
import { fakeEffects, sampleHost, settle } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';
import type { StatusState } from './status-state.ts';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

describe('status controller', () => {
  it('reads qx-node and the host when the console starts', async () => {
    const effects = fakeEffects({ node: { host: async () => sampleHost }, local: { snapshot: fakeEffects().local.snapshot, bootInfo: async () => ({ slot: 'A', version: '9.9' }) } });
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    await settle();
    const s = runtime.getState().screens.status as StatusState;
    expect(s).toMatchObject({ node: 'up', boot: { slot: 'A', version: '9.9' } });
    expect(s.host?.hostname).toBe('node7');
  });

  it('falls back to local status when qx-node is down, and F5 reads again', async () => {
    let hostCalls = 0;
    const effects = fakeEffects({
      node: {
        host: async () => {
          hostCalls++;
          if (hostCalls > 1) return sampleHost;
          throw new ConsoleError('NODE_DOWN');
        },
      },
    });
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    await settle();
    expect(runtime.getState().screens.status).toMatchObject({ node: 'down', host: null, local: { hostname: 'node7' } });
    runtime.input('\x1b[15~');
    await settle();
    expect((runtime.getState().screens.status as StatusState).host?.vms.running).toBe(3);
  });
});
