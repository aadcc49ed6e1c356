import { describe, expect, it } from 'vitest';
import { sampleHost, sampleLocal } from '../../testing/fake-effects.ts';
import { apiUrl, initialStatus, managementAddress, memoryOf, reduceStatus, type StatusAction } from './status-state.ts';

const loaded = (over: Partial<Extract<StatusAction, { type: 'loaded' }>> = {}): StatusAction => ({
  type: 'loaded',
  at: 1,
  host: sampleHost,
  nodeError: null,
  local: sampleLocal,
  boot: { slot: null, version: null },
  configuredNic: null,
  ...over,
});

describe('status reducer', () => {
  it('is up with the host from qx-node', () => {
    const s = reduceStatus(initialStatus(8443), loaded());
    expect(s).toMatchObject({ node: 'up', updatedAt: 1 });
    expect(s.host?.vms).toEqual({ total: 5, running: 3 });
  });

  it('is down when the socket does not answer, and forgets what qx-node said', () => {
    const up = reduceStatus(initialStatus(8443), loaded());
    const s = reduceStatus(up, loaded({ host: null, nodeError: { code: 'NODE_DOWN', message: 'x' } }));
    expect(s).toMatchObject({ node: 'down', host: null, nodeError: null });
    expect(s.local).toEqual(sampleLocal);
  });

  it('keeps the last host over a slow answer and shows the error', () => {
    const up = reduceStatus(initialStatus(8443), loaded());
    const s = reduceStatus(up, loaded({ host: null, nodeError: { code: 'NODE_TIMEOUT', message: 'slow' } }));
    expect(s).toMatchObject({ node: 'up', nodeError: { code: 'NODE_TIMEOUT' } });
    expect(s.host).toBe(sampleHost);
  });

  it('management address: configured NIC, then default route, then a non-bridge NIC', () => {
    const base = reduceStatus(initialStatus(9443), loaded());
    expect(managementAddress(base)).toEqual({ nic: 'eno1', ip: '10.1.2.3', url: 'https://10.1.2.3:8443' });
    expect(managementAddress({ ...base, host: null })?.url).toBe('https://10.1.2.3:9443');
    expect(managementAddress({ ...base, configuredNic: 'virbr0' })?.ip).toBe('192.168.122.1');
    expect(managementAddress({ ...base, local: { ...sampleLocal, defaultRouteNic: null } })?.nic).toBe('eno1');
    expect(managementAddress({ ...base, local: { ...sampleLocal, nics: [] } })).toBeNull();
  });

  it('the URL is where qx-node really listens', () => {
    const base = reduceStatus(initialStatus(8443), loaded());
    const at = (api: { listen: string; port: number; tls: boolean }) => apiUrl({ ...base, host: { ...sampleHost, api } }, '10.1.2.3');
    expect(at({ listen: '0.0.0.0', port: 8443, tls: true })).toBe('https://10.1.2.3:8443');
    expect(at({ listen: '127.0.0.1', port: 8443, tls: true })).toBe('https://127.0.0.1:8443');
    expect(at({ listen: '::1', port: 9000, tls: false })).toBe('http://[::1]:9000');
  });

  it('memory from the host itself', () => {
    expect(memoryOf(reduceStatus(initialStatus(8443), loaded()))).toEqual({ used: 16 * 2 ** 30, total: 64 * 2 ** 30 });
    expect(memoryOf(initialStatus(8443))).toBeNull();
  });
});
