import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkState, RegistrationToken } from '@quantix/lib/api';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import type { Effects } from '../../effects/index.ts';
import { fakeEffects, settle } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';
import type { ClusterState } from './cluster-state.ts';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

const tokenFor = (n: number, ms: number): RegistrationToken => ({
  token: `QX-${String(n).padStart(4, '0')}-AAAA-BBBB-CCCC-DDDD`,
  expiresAt: new Date(Date.now() + ms).toISOString(),
  remainingSeconds: Math.round(ms / 1000),
  hostname: 'node7',
  fingerprint256: 'AA:BB',
});

function open(node: Partial<Effects['node']>) {
  const effects = fakeEffects({ node });
  runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test', escapeTimeoutMs: 5 });
  runtime.start();
  runtime.dispatch({ type: 'auth.granted', then: 'cluster', now: Date.now() });
  return { runtime, effects, screen: () => runtime!.getState().screens.cluster as ClusterState };
}

describe('cluster controller', () => {
  it('is F4/C, behind the password', () => {
    expect(registry.cluster).toMatchObject({ id: 'cluster', shortcut: { fkey: 'f4', letter: 'c', label: 'Cluster' }, requiresAuth: true });
  });

  it('shows the token and the management address of the configured NIC', async () => {
    const t = tokenFor(1, 3_600_000);
    const network: NetworkState = { config: { nic: 'virbr0', mode: 'static', address: '192.168.122.1/24', gateway: null, vlan: null, dns: [], hostname: 'node7' }, nics: [], pending: null };
    const { screen } = open({ registrationToken: async () => t, network: async () => network });
    await settle();
    expect(screen()).toMatchObject({ phase: 'ready', token: t, management: { nic: 'virbr0', url: 'https://192.168.122.1:8443' } });
  });

  it('reads the token again when it runs out: qx-node has made a new one', async () => {
    let n = 0;
    const { screen } = open({ registrationToken: async () => tokenFor(++n, n === 1 ? 100 : 3_600_000) });
    await settle();
    expect(screen().token?.token).toBe('QX-0001-AAAA-BBBB-CCCC-DDDD');
    await settle(500);
    expect(screen()).toMatchObject({ renewing: false, token: { token: 'QX-0002-AAAA-BBBB-CCCC-DDDD' } });
  });

  it('regenerates after Y, audits it, and shows the new token', async () => {
    let regenerated = 0;
    const { runtime, effects, screen } = open({
      registrationToken: async () => tokenFor(1, 3_600_000),
      regenerateRegistrationToken: async () => (regenerated++, tokenFor(9, 3_600_000)),
    });
    await settle();
    runtime.input('g');
    await settle();
    expect(regenerated).toBe(0);
    runtime.input('y');
    await settle();
    expect(regenerated).toBe(1);
    expect(screen()).toMatchObject({ phase: 'ready', token: { token: 'QX-0009-AAAA-BBBB-CCCC-DDDD' } });
    expect(effects.audited.map((e) => e.action)).toEqual(['registration.token.new']);
  });

  it('qx-node down: the error, and the local address all the same', async () => {
    const { screen } = open({});
    await settle();
    expect(screen()).toMatchObject({ readError: { code: 'NODE_DOWN' }, management: { nic: 'eno1', url: 'https://10.1.2.3:8443' } });
  });
});
