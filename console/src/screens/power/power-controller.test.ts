import { afterEach, describe, expect, it } from 'vitest';
import type { Job, Vm } from '@quantix/lib/api';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import { fakeEffects, settle } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

const vm = (id: string, name: string, state: Vm['state']) => ({ id, name, state }) as Vm;
const job = (id: string, state: Job['state']) => ({ id, state }) as Job;

describe('power controller', () => {
  it('shuts the running VMs down through qx-node, audits, then runs the reboot command', async () => {
    const shutdowns: string[] = [];
    const effects = fakeEffects({
      node: {
        vms: async () => [vm('a', 'web1', 'running'), vm('b', 'db1', 'stopped'), vm('c', 'app1', 'running')],
        shutdownVm: async (id, o) => (shutdowns.push(`${id}:${o.timeoutSeconds}:${o.force}`), job(`j-${id}`, id === 'a' ? 'succeeded' : 'running')),
        job: async (id) => job(id, id === 'j-c' ? 'failed' : 'succeeded'),
      },
    });
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    runtime.dispatch({ type: 'auth.granted', then: 'power', now: Date.now() });
    await settle();
    expect(runtime.getState().screens.power).toMatchObject({ phase: 'choose', running: 2, total: 3 });
    runtime.input('r');
    runtime.input('y');
    await settle(700);
    expect(shutdowns).toEqual(['a:120:true', 'c:120:true']);
    expect(effects.calls).toEqual(['power.reboot']);
    expect(runtime.getState().screens.power).toMatchObject({ phase: 'done', progress: { stopped: 2, of: 2, failed: ['app1'] } });
    expect(effects.audited.map((e) => e.action)).toEqual(['power.reboot', 'power.vms_not_stopped_gracefully']);
    expect(effects.audited[0]!.detail).toEqual({ runningVms: 2, command: ['/sbin/reboot'] });
  });

  it('with qx-node down it goes straight to the command, and shows a failing command', async () => {
    const effects = fakeEffects({ power: { run: async () => ({ code: 1, signal: null, stdout: '', stderr: 'poweroff: not allowed' }) } });
    runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test' });
    runtime.start();
    runtime.dispatch({ type: 'auth.granted', then: 'power', now: Date.now() });
    await settle();
    expect(runtime.getState().screens.power).toMatchObject({ running: null });
    runtime.input('s');
    runtime.input('\r');
    await settle();
    expect(runtime.getState().screens.power).toMatchObject({ phase: 'failed', error: { code: 'COMMAND_FAILED', message: '/sbin/poweroff: poweroff: not allowed' } });
    expect(effects.audited.map((e) => e.action)).toEqual(['power.poweroff', 'power.poweroff.failed']);
  });
});
