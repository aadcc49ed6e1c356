import { describe, expect, it } from 'vitest';
import type { RegistrationToken } from '@quantix/lib/api';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { clusterHints, clusterKey, fingerprintLines, initialCluster, managementAddressOf, reduceCluster, type ClusterState } from './cluster-state.ts';

const token: RegistrationToken = {
  token: 'QX-7KQ2-M9TA-ABCD-EFGH-JKLM',
  expiresAt: '2026-11-21T13:00:00.000Z',
  remainingSeconds: 3600,
  hostname: 'node7',
  fingerprint256: Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0').slice(-2)).join(':'),
};
const next: RegistrationToken = { ...token, token: 'QX-NEW1-NEW2-NEW3-NEW4-NEW5', expiresAt: '2026-11-21T14:00:00.000Z' };

function press(s: ClusterState, input: string): ClusterState {
  for (const k of decodeKeys(input, true).keys) {
    const a = clusterKey(s, k);
    if (a && a !== 'back') s = reduceCluster(s, a);
  }
  return s;
}
const ready = reduceCluster(initialCluster(), { type: 'token', at: 0, token });

describe('cluster reducer', () => {
  it('shows the token qx-node gave', () => {
    expect(initialCluster().phase).toBe('reading');
    expect(ready).toMatchObject({ phase: 'ready', token, renewing: false });
  });

  it('a token that ran out is being renewed until the next one comes', () => {
    const expired = reduceCluster(ready, { type: 'expired' });
    expect(expired.renewing).toBe(true);
    expect(reduceCluster(expired, { type: 'token', at: 0, token: next })).toMatchObject({ token: next, renewing: false });
    expect(reduceCluster(initialCluster(), { type: 'expired' }).renewing).toBe(false);
  });

  it('asks before making a new token; N and Esc keep the current one', () => {
    const ask = press(ready, 'g');
    expect(ask.phase).toBe('confirm');
    expect(press(ask, 'n').phase).toBe('ready');
    expect(clusterKey(ask, decodeKeys('\x1b', true).keys[0]!)).toEqual({ type: 'cancel' });
    const going = press(ask, 'y');
    expect(going.phase).toBe('regenerating');
    expect(press(going, 'g')).toBe(going);
    const done = reduceCluster(going, { type: 'regenerated', at: 0, token: next });
    expect(done).toMatchObject({ phase: 'ready', token: next, notice: 'A new token was made: the previous one no longer works.' });
    expect(press(done, 'g').notice).toBeNull();
  });

  it('a refused regeneration keeps the token and shows why', () => {
    const failed = reduceCluster(press(ready, 'gy'), { type: 'failed', error: { code: 'NODE_DOWN', message: 'down' } });
    expect(failed).toMatchObject({ phase: 'ready', token, error: { code: 'NODE_DOWN' } });
    expect(reduceCluster(ready, { type: 'failed', error: { code: 'X', message: 'x' } })).toBe(ready);
  });

  it('a failed read keeps the token; a good read clears the error', () => {
    const down = reduceCluster(ready, { type: 'tokenFailed', error: { code: 'NODE_DOWN', message: 'down' } });
    expect(down).toMatchObject({ token, readError: { code: 'NODE_DOWN' } });
    expect(reduceCluster(down, { type: 'token', at: 0, token }).readError).toBeNull();
  });

  it('keys: G only when ready; other letters go to the app', () => {
    expect(clusterKey(initialCluster(), decodeKeys('g', true).keys[0]!)).toBeNull();
    expect(clusterKey(ready, decodeKeys('q', true).keys[0]!)).toBeNull();
    expect(clusterHints(ready)).toEqual([{ keys: 'G', label: 'New token' }]);
    expect(clusterHints(press(ready, 'g')).map((h) => h.keys)).toEqual(['Y', 'N/Esc']);
  });
});

describe('cluster helpers', () => {
  it('the management address: configured NIC, default route, then not a VM bridge', () => {
    const nics = [
      { name: 'virbr0', ipv4: ['192.168.122.1'] },
      { name: 'eno1', ipv4: ['10.1.2.3'] },
      { name: 'eno2', ipv4: ['10.9.9.9'] },
    ];
    expect(managementAddressOf(nics, { configuredNic: 'eno2', defaultRouteNic: 'eno1', port: 8443 })).toEqual({ nic: 'eno2', ip: '10.9.9.9', url: 'https://10.9.9.9:8443' });
    expect(managementAddressOf(nics, { configuredNic: null, defaultRouteNic: 'eno1', port: 9443 })?.url).toBe('https://10.1.2.3:9443');
    expect(managementAddressOf(nics, { configuredNic: null, defaultRouteNic: null, port: 8443 })?.nic).toBe('eno1');
    expect(managementAddressOf([], { configuredNic: null, defaultRouteNic: null, port: 8443 })).toBeNull();
  });

  it('a SHA-256 fingerprint is two lines of 16 bytes at 74 columns, one line when it fits', () => {
    const lines = fingerprintLines(token.fingerprint256!, 74);
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => l.split(':').length)).toEqual([16, 16]);
    expect(lines.map((l) => l.length)).toEqual([47, 47]);
    expect(lines.join(':')).toBe(token.fingerprint256);
    expect(fingerprintLines(token.fingerprint256!, 120)).toEqual([token.fingerprint256]);
    expect(fingerprintLines(token.fingerprint256!, 30).every((l) => l.length <= 30)).toBe(true);
    expect(fingerprintLines('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
  });
});
