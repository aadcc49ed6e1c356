import { describe, expect, it } from 'vitest';
import type { RegistrationToken } from '@quantix/lib/api';
import { drawFrame, expectFits, flat, NOW, profiles, text } from '../../testing/frames.tsx';
import { initialCluster, reduceCluster, type ClusterAction, type ClusterState } from './cluster-state.ts';

const fingerprint =
  'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:01:12:23:34:45:56:67:78:89:9A:AB:BC:CD:DE:EF:F0';
// Expires 13:34:00 local; NOW is 12:34:56, so 59:04 are left.
const token: RegistrationToken = {
  token: 'QX-7KQ2-M9TA-ABCD-EFGH-JKLM',
  expiresAt: new Date(new Date(NOW).setHours(13, 34, 0, 0)).toISOString(),
  remainingSeconds: 3544,
  hostname: 'node7',
  fingerprint256: fingerprint,
};
const run = (...actions: ClusterAction[]): ClusterState => actions.reduce(reduceCluster, initialCluster());
const ready = run({ type: 'token', at: 0, token }, { type: 'address', management: { nic: 'eno1', ip: '10.1.2.3', url: 'https://10.1.2.3:8443' } });

describe.each(Object.entries(profiles))('cluster frames (%s profile)', (_name, profile) => {
  it('standalone, the token with its countdown, the fingerprint on two lines, the join area', () => {
    const lines = drawFrame('cluster', ready, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Quantix 0.1.0 - Cluster');
    expect(t).toMatch(/Cluster\s+Standalone (—|-) this host is not in a vDC yet/);
    expect(t).toMatch(/Hostname\s+node7/);
    expect(t).toMatch(/Management\s+https:\/\/10\.1\.2\.3:8443 {2}\(eno1\)/);
    expect(t).toMatch(/Token\s+QX-7KQ2-M9TA-ABCD-EFGH-JKLM/);
    expect(t).toMatch(/Expires in\s+59:04 {2}\(at 13:34; then a new one is made\)/);
    expect(t).toContain('TLS certificate SHA-256 fingerprint (compare it in the vDC)');
    expect(t).toContain('   A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90 ');
    expect(t).toContain('   01:12:23:34:45:56:67:78:89:9A:AB:BC:CD:DE:EF:F0 ');
    expect(t).toContain('Join a vDC');
    expect(t).toMatch(/vDC URL {2}\[ not available yet\s+\] {2}Token {2}\[ not available yet\s+\]/);
    expect(flat(lines)).toContain('Joining from this console comes with the vDC. Until then the vDC admin adds this host with the address and token above.');
    expect(t).toContain('G New token  Esc/Q Back');
  });

  it('the countdown follows the clock; at 0 it says the new token is coming', () => {
    expect(text(drawFrame('cluster', ready, profile, { now: NOW + 3_500_000 }))).toMatch(/Expires in\s+0:44 /);
    expect(text(drawFrame('cluster', ready, profile, { now: NOW + 3_600_000 }))).toMatch(/Expires in\s+0:00 (—|-) getting the new token\.\.\./);
    expect(text(drawFrame('cluster', reduceCluster(ready, { type: 'expired' }), profile))).toContain('getting the new token...');
  });

  it('a new token counts from the answer, not from the older clock tick', () => {
    const at = NOW + 800;
    const fresh = run({ type: 'token', at, token: { ...token, expiresAt: new Date(at + 3_600_000).toISOString() } });
    expect(text(drawFrame('cluster', fresh, profile))).toMatch(/Expires in\s+1:00:00 /);
  });

  it('asks before a new token, naming the one that stops working', () => {
    const lines = drawFrame('cluster', reduceCluster(ready, { type: 'ask' }), profile);
    expectFits(lines, profile);
    const f = flat(lines);
    expect(f).toContain('Make a new registration token? The current one (QX-7KQ2-M9TA-ABCD-EFGH-JKLM) stops working at once: a vDC admin who has it needs the new one.');
    expect(f).toContain('Y: new token. N or Esc: keep the current one.');
    expect(f).toContain('Y New token N/Esc Keep this one');
  });

  it('a new token, and a refused one with code and message', () => {
    const regenerating = reduceCluster(reduceCluster(ready, { type: 'ask' }), { type: 'regenerate' });
    expect(text(drawFrame('cluster', regenerating, profile))).toContain('Asking qx-node for a new token...');
    const done = reduceCluster(regenerating, { type: 'regenerated', at: 0, token: { ...token, token: 'QX-AAAA-BBBB-CCCC-DDDD-EEEE' } });
    const d = text(drawFrame('cluster', done, profile));
    expect(d).toMatch(/Token\s+QX-AAAA-BBBB-CCCC-DDDD-EEEE/);
    expect(d).toContain('A new token was made: the previous one no longer works.');
    const failed = reduceCluster(regenerating, { type: 'failed', error: { code: 'NODE_TIMEOUT', message: 'qx-node did not answer POST /api/v1/registration/token within 10 s.' } });
    const lines = drawFrame('cluster', failed, profile);
    expectFits(lines, profile);
    expect(flat(lines)).toContain('! Error NODE_TIMEOUT qx-node did not answer POST /api/v1/registration/token within 10 s.');
  });

  it('reading, qx-node down, and a host without a certificate', () => {
    const reading = text(drawFrame('cluster', initialCluster(), profile));
    expect(reading).toMatch(/Token\s+reading\.\.\./);
    expect(reading).toMatch(/Management\s+reading\.\.\./);
    const down = run({ type: 'tokenFailed', error: { code: 'NODE_DOWN', message: 'qx-node is not running: its socket does not answer.' } }, { type: 'address', management: null });
    const lines = drawFrame('cluster', down, profile);
    expectFits(lines, profile);
    expect(text(lines)).toMatch(/Token\s+unavailable/);
    expect(text(lines)).toMatch(/Management\s+no IPv4 address on any NIC/);
    expect(flat(lines)).toContain('Error NODE_DOWN qx-node is not running: its socket does not answer.');
    const plain = drawFrame('cluster', run({ type: 'token', at: 0, token: { ...token, fingerprint256: null } }), profile);
    expectFits(plain, profile);
    expect(text(plain)).toContain('none: qx-node serves plain HTTP (no certificate)');
    expect(text(plain)).toContain('Join a vDC');
  });
});
