import { afterEach, describe, expect, it } from 'vitest';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import { fakeEffects, sampleHost, settle } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';
import type { DiagnosticsState } from './diagnostics-state.ts';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

describe('diagnostics controller', () => {
  it('reads hardware, qx-node log, system log and audit; runs the network test on T', async () => {
    const effects = fakeEffects({
      node: {
        host: async () => sampleHost,
        testNetwork: async () => ({ ok: true, testedAt: '2026-11-21T12:00:00.000Z', checks: [{ name: 'gateway', ok: true, detail: 'answered', ms: 1 }] }),
      },
    });
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    runtime.input('d');
    await settle();
    const s = runtime.getState().screens.diagnostics as DiagnosticsState;
    expect(s.host?.hostname).toBe('node7');
    expect(s.nodeLog?.lines[0]).toBe(`${testConfig.nodeLogFile} line 1`);
    expect(s.systemLog?.source).toBe('/var/log/syslog');
    runtime.input('t');
    await settle();
    expect((runtime.getState().screens.diagnostics as DiagnosticsState).net).toMatchObject({ phase: 'done', result: { ok: true } });
  });

  it('a network test without qx-node says why', async () => {
    const effects = fakeEffects();
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    runtime.input('\x1b[18~');
    await settle();
    runtime.input('T');
    await settle();
    expect((runtime.getState().screens.diagnostics as DiagnosticsState).net).toMatchObject({ phase: 'failed', error: { code: 'NODE_DOWN' } });
  });
});
