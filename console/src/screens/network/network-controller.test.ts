import { afterEach, describe, expect, it } from 'vitest';
import type { Job, ManagementNetwork, NetworkApply, NetworkState, NetworkTestResult } from '@quantix/lib/api';
import { ApiCallError } from '@quantix/lib/client';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import type { Effects } from '../../effects/index.ts';
import { fakeEffects, settle } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';
import { networkScreen } from './index.ts';
import { makeNetworkController } from './network-controller.ts';
import type { NetworkScreenState } from './network-state.ts';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

const current: ManagementNetwork = { nic: 'eno1', mode: 'static', address: '10.1.2.3/24', gateway: '10.1.2.1', vlan: null, dns: ['10.1.2.1'], hostname: 'node7' };
const passed: NetworkTestResult = { ok: true, checks: [{ name: 'gateway', ok: true, detail: 'gateway 10.1.2.1 answered in 0.3 ms', ms: 0.3 }], testedAt: new Date().toISOString() };
const apiError = (status: number, code: string, message: string) => new ApiCallError(status, { code: code as never, message });

/**
 * A qx-node double that behaves like the real one: apply makes a running job and a pending change,
 * tested a moment later; confirm saves it; cancel or the deadline put the previous one back.
 */
function nodeDouble(o: { deadlineMs?: number; testedAfterMs?: number } = {}) {
  let config: ManagementNetwork | null = current;
  let pending: NonNullable<NetworkState['pending']> | null = null;
  let job: Job | null = null;
  const applied: NetworkApply[] = [];
  const cancelled: string[] = [];
  const finish = (state: Job['state'], error: Job['error'] = null) => {
    if (!job) return;
    job = { ...job, state, error, finishedAt: new Date().toISOString() };
    pending = null;
  };
  const node: Partial<Effects['node']> = {
    network: async () => ({
      config,
      nics: [{ name: 'eno1', mac: '52:54:00:12:34:56', up: true, carrier: true, speedMbps: 1000, addresses: ['10.1.2.3/24'] }],
      pending,
    }),
    applyNetwork: async (req) => {
      if (pending) throw apiError(409, 'NETWORK_CHANGE_PENDING', 'A network change is waiting for confirmation; confirm it or let it roll back first.');
      applied.push(req);
      const id = `0000000${applied.length}-2f7e-4d3e-9b55-0a1f2c3d4e5f`;
      const now = Date.now();
      job = { id, kind: 'network.apply', state: 'running', progress: 0.1, message: 'Applying', error: null, resources: [], createdAt: new Date(now).toISOString(), startedAt: null, finishedAt: null };
      const rollbackAt = now + (o.deadlineMs ?? 60_000);
      pending = { jobId: id, config: req.config, previous: config, rollbackAt: new Date(rollbackAt).toISOString(), test: null };
      setTimeout(() => {
        if (pending?.jobId === id) {
          pending = { ...pending, test: passed };
          job = { ...job!, progress: 0.6, message: 'Waiting for confirmation' };
        }
      }, o.testedAfterMs ?? 30);
      setTimeout(() => {
        if (job?.id === id && job.state === 'running') finish('failed', { code: 'NETWORK_ROLLED_BACK', message: 'The network change was not confirmed in time; the previous configuration is back.', details: { reason: 'not-confirmed' } });
      }, rollbackAt - now + 20);
      return job;
    },
    job: async (id) => {
      if (!job || job.id !== id) throw apiError(404, 'JOB_NOT_FOUND', 'There is no job with that id on this host.');
      return job;
    },
    confirmNetwork: async () => {
      if (!pending?.test) throw apiError(409, 'NO_PENDING_NETWORK_CHANGE', 'There is no network change waiting for confirmation.');
      config = pending.config;
      finish('succeeded');
      return { config, nics: [], pending: null };
    },
    testNetwork: async () => passed,
    cancelJob: async (id) => {
      cancelled.push(id);
      if (!job || job.id !== id) throw apiError(404, 'JOB_NOT_FOUND', 'There is no job with that id on this host.');
      if (job.state !== 'running') throw apiError(409, 'JOB_NOT_CANCELLABLE', 'The job has already finished and cannot be cancelled.');
      const j = job;
      setTimeout(() => finish('cancelled', { code: 'JOB_CANCELLED', message: 'The job was cancelled.' }), 10);
      return j;
    },
  };
  return { node, applied, cancelled, config: () => config };
}

function open(q: ReturnType<typeof nodeDouble>) {
  const effects = fakeEffects({ node: q.node });
  const screens = { ...registry, network: { ...networkScreen, controller: makeNetworkController({ applyingPollMs: 10, waitingPollMs: 10 }) } };
  runtime = new ConsoleRuntime({ registry: screens, config: testConfig, effects, tty: 'test', escapeTimeoutMs: 5 });
  runtime.start();
  runtime.dispatch({ type: 'auth.granted', then: 'network', now: Date.now() });
  return { runtime, effects, screen: () => runtime!.getState().screens.network as NetworkScreenState };
}

const DOWN = '\x1b[B';

async function until(what: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await settle(10);
}

describe('network controller', () => {
  it('is F2/N, behind the password', () => {
    expect(networkScreen).toMatchObject({ id: 'network', title: 'Management network', shortcut: { fkey: 'f2', letter: 'n', label: 'Network' }, requiresAuth: true });
    expect(registry.network).toBe(networkScreen);
  });

  it('reads the configuration and the NICs', async () => {
    const q = nodeDouble();
    const { screen } = open(q);
    await settle();
    expect(screen()).toMatchObject({ phase: 'view', net: { config: current }, hostname: 'node7' });
  });

  it('apply -> tested -> Y keeps it; audited', async () => {
    const q = nodeDouble();
    const { runtime, effects, screen } = open(q);
    await settle();
    runtime.input(`e${DOWN}${DOWN}\x159.8.7.6/24\r`);
    expect(screen().phase).toBe('review');
    runtime.input('y');
    await until(() => screen().phase === 'pending');
    expect(q.applied).toEqual([{ config: { ...current, address: '9.8.7.6/24' }, rollbackSeconds: 60 }]);
    expect(screen().change).toMatchObject({ test: passed, config: { address: '9.8.7.6/24' } });
    expect(screen().change!.rollbackAt).toBeGreaterThan(Date.now() + 50_000);
    runtime.input('y');
    await until(() => screen().phase === 'done');
    expect(screen().outcome).toMatchObject({ kept: true });
    expect(q.config()?.address).toBe('9.8.7.6/24');
    expect(effects.audited.map((e) => e.action)).toEqual(['network.apply', 'network.keep']);
    runtime.input('\r');
    await settle();
    expect(screen()).toMatchObject({ phase: 'view', net: { config: { address: '9.8.7.6/24' } } });
  });

  it('N rolls back now by cancelling the job', async () => {
    const q = nodeDouble();
    const { runtime, effects, screen } = open(q);
    await settle();
    runtime.input('e\ry');
    await until(() => screen().phase === 'pending');
    runtime.input('n');
    await until(() => screen().phase === 'done');
    expect(q.cancelled).toHaveLength(1);
    expect(screen().outcome).toMatchObject({ kept: false, detail: 'Rolled back at once, as asked.' });
    expect(effects.audited.map((e) => e.action)).toEqual(['network.apply', 'network.rollback']);
  });

  it('waiting past the deadline: rolling back, then the rolled-back screen', async () => {
    const q = nodeDouble({ deadlineMs: 300 });
    const { runtime, screen } = open(q);
    await settle();
    runtime.input('e\ry');
    await until(() => screen().phase === 'pending');
    await until(() => screen().phase !== 'pending', 1000);
    expect(['rolling-back', 'done']).toContain(screen().phase);
    await until(() => screen().phase === 'done');
    expect(screen().outcome).toMatchObject({ kept: false, detail: 'The new configuration was not kept before the deadline.' });
    expect(q.cancelled).toEqual([]);
  });

  it('a refused apply returns to the form with the error', async () => {
    const q = nodeDouble();
    q.node.applyNetwork = async () => {
      throw apiError(400, 'NIC_NOT_FOUND', 'This host has no network interface named eno1.');
    };
    const { runtime, effects, screen } = open(q);
    await settle();
    runtime.input('e\ry');
    await settle();
    expect(screen()).toMatchObject({ phase: 'edit', error: { code: 'NIC_NOT_FOUND', message: 'This host has no network interface named eno1.' } });
    expect(effects.audited.map((e) => e.action)).toEqual(['network.apply.failed']);
  });

  it('opening the screen while a change waits follows it', async () => {
    const q = nodeDouble();
    await q.node.applyNetwork!({ config: { ...current, hostname: 'other' }, rollbackSeconds: 60 });
    await settle(50);
    const { screen } = open(q);
    await until(() => screen().phase === 'pending');
    expect(screen().change).toMatchObject({ config: { hostname: 'other' }, test: passed });
  });

  it('T tests the management network', async () => {
    const q = nodeDouble();
    const { runtime, screen } = open(q);
    await settle();
    runtime.input('t');
    await settle();
    expect(screen()).toMatchObject({ phase: 'tested', test: passed });
  });

  it('Esc and Q do not leave while a change waits; the authentication does not expire under it', async () => {
    const q = nodeDouble();
    const { runtime, screen } = open(q);
    await settle();
    runtime.input('e\ry');
    await until(() => screen().phase === 'pending');
    runtime.input('q');
    runtime.input('\x1b');
    await settle();
    expect(runtime.getState().current).toBe('network');
    runtime.dispatch({ type: 'tick', now: Date.now() + 10 * 60_000 });
    expect(runtime.getState().current).toBe('network');
  });
});
