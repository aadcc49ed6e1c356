import { describe, expect, it } from 'vitest';
import type { Job, NetworkState, NetworkTestResult } from '@quantix/lib/api';
import { drawFrame, expectFits, flat, NOW, profiles, text } from '../../testing/frames.tsx';
import { initialNetwork, reduceNetwork, type NetworkAction, type NetworkScreenState } from './network-state.ts';
import { checkLines, linkText } from './network-view.tsx';

const net: NetworkState = {
  config: { nic: 'eno1', mode: 'static', address: '10.1.2.3/24', gateway: '10.1.2.1', vlan: null, dns: ['10.1.2.1', '1.1.1.1'], hostname: 'node7.example.com' },
  nics: [
    { name: 'eno1', mac: '52:54:00:12:34:56', up: true, carrier: true, speedMbps: 10000, addresses: ['10.1.2.3/24', 'fe80::5054:ff:fe12:3456/64'] },
    { name: 'eno2', mac: '52:54:00:12:34:57', up: true, carrier: false, speedMbps: null, addresses: [] },
    { name: 'enp65s0f0', mac: '52:54:00:12:34:58', up: false, carrier: false, speedMbps: null, addresses: [] },
  ],
  pending: null,
};
const test: NetworkTestResult = {
  ok: false,
  testedAt: new Date(NOW).toISOString(),
  checks: [
    { name: 'gateway', ok: true, detail: 'gateway 10.1.2.1 answered in 0.3 ms', ms: 0.3 },
    { name: 'dns', ok: false, detail: 'no answer from DNS server 10.1.2.1 within 2 s', ms: null },
  ],
};
const job = (over: Partial<Job> = {}): Job => ({
  id: '7b0c6a58-2f7e-4d3e-9b55-0a1f2c3d4e5f',
  kind: 'network.apply',
  state: 'running',
  progress: 0.5,
  message: 'Testing the connection (gateway, DNS, vDC)',
  error: null,
  resources: [],
  createdAt: '2026-11-21T12:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  ...over,
});
const run = (s: NetworkScreenState, ...a: NetworkAction[]) => a.reduce(reduceNetwork, s);
const view = run(initialNetwork(16), { type: 'loaded', at: 0, net, hostname: 'node7' });
const edit = run(view, { type: 'edit' });
const applying = run(edit, { type: 'review' }, { type: 'apply' }, { type: 'applyStarted', job: job() });
const pending = run(applying, { type: 'tested', at: 0, rollbackAt: NOW + 47_000, test });

describe('network view helpers', () => {
  it('link state in a few words', () => {
    expect(net.nics.map(linkText)).toEqual(['up 10G', 'no carrier', 'down']);
    expect(linkText({ ...net.nics[0]!, speedMbps: 100 })).toBe('up 100M');
    expect(linkText({ ...net.nics[0]!, speedMbps: 2500 })).toBe('up 2.5G');
  });

  it('check lines: one per check, a second for a long detail while there is room', () => {
    const long = { ...test, checks: [...test.checks, { name: 'vdc' as const, ok: true, detail: 'vDC vdc.example.com:443 accepted a connection in 12.5 ms, which is a rather long detail line', ms: 12.5 }] };
    const rows = checkLines(long, profiles.serial, 76, 4);
    expect(rows.map((r) => r.text.trimEnd())).toEqual([
      'OK    Gateway ping   gateway 10.1.2.1 answered in 0.3 ms',
      'FAIL  DNS lookup     no answer from DNS server 10.1.2.1 within 2 s',
      'OK    vDC reachable  vDC vdc.example.com:443 accepted a connection in 12.5',
      '                     ms, which is a rather long detail line',
    ]);
    expect(checkLines(long, profiles.serial, 76, 3).map((r) => r.text)[2]).toMatch(/^OK {4}vDC reachable  vDC vdc\.example\.com:443 .*\.\.\.$/);
  });
});

describe.each(Object.entries(profiles))('network frames (%s profile)', (_name, profile) => {
  it('the current configuration and the NICs', () => {
    const lines = drawFrame('network', view, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Quantix 0.1.0 - Management network');
    expect(t).toMatch(/NIC\s+eno1\s+VLAN\s+none/);
    expect(t).toMatch(/Mode\s+static\s+DNS\s+10\.1\.2\.1, 1\.1\.1\.1/);
    expect(t).toMatch(/Address\s+10\.1\.2\.3\/24\s+Hostname\s+node7\.example\.com/);
    expect(t).toMatch(/Gateway\s+10\.1\.2\.1/);
    expect(t).toMatch(/NIC\s+MAC\s+LINK\s+ADDRESSES/);
    expect(t).toMatch(new RegExp(`\\${profile.glyphs.bullet} eno1\\s+52:54:00:12:34:56  up 10G\\s+10\\.1\\.2\\.3/24 fe80::`));
    expect(t).toMatch(/ {2}eno2\s+52:54:00:12:34:57  no carrier\s+-/);
    expect(t).toMatch(/enp65s0f0\s+52:54:00:12:34:58  down/);
    expect(t).toContain('E Edit  T Test management network  Esc/Q Back');
  });

  it('a host not configured from Quantix yet, many NICs scrolled, and qx-node down', () => {
    const nics = Array.from({ length: 9 }, (_, i) => ({ ...net.nics[1]!, name: `eth${i}` }));
    const s = run(initialNetwork(16), { type: 'loaded', at: 0, net: { config: null, nics, pending: null }, hostname: null }, { type: 'scroll', delta: 2 });
    const lines = drawFrame('network', s, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(flat(lines)).toContain('Not configured from Quantix yet: the NICs below show what is live.');
    expect(t).toContain('Network interfaces  (3-7 of 9)');
    expect(t).toContain('eth2 ');
    expect(t).toContain('eth6 ');
    expect(t).not.toContain('eth7 ');
    expect(t).toContain('Up/Down Scroll NICs');
    const down = run(initialNetwork(16), { type: 'loadFailed', error: { code: 'NODE_DOWN', message: 'qx-node is not running: its socket does not answer.' } });
    const d = drawFrame('network', down, profile);
    expectFits(d, profile);
    expect(flat(d)).toContain('Error NODE_DOWN qx-node is not running: its socket does not answer.');
  });

  it('the edit form: every field, the focused one marked, help under it', () => {
    const lines = drawFrame('network', edit, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Edit the management network (nothing changes until you apply)');
    expect(t).toMatch(/> NIC\s+< eno1 >\s+52:54:00:12:34:56 up 10G/);
    expect(t).toMatch(/ {2}Mode\s+< static >/);
    expect(t).toMatch(/ {2}Address\s+\[10\.1\.2\.3\/24 +\] {2}like 192\.168\.1\.10\/24/);
    expect(t).toMatch(/ {2}Gateway\s+\[10\.1\.2\.1 +\] {2}empty: no default route/);
    expect(t).toMatch(/ {2}VLAN\s+\[ +\] {2}empty: no VLAN/);
    expect(t).toMatch(/ {2}DNS\s+\[10\.1\.2\.1, 1\.1\.1\.1 +\] {2}comma separated, up to 3/);
    expect(t).toMatch(/ {2}Hostname\s+\[node7\.example\.com +\]/);
    expect(flat(lines)).toContain("The NIC this host is managed through. Left/Right chooses among the host's NICs.");
    expect(t).toContain('Up/Down Field  Left/Right Choose  Enter Review');
  });

  it('the form with problems beside the fields and the full sentence under it', () => {
    const bad = run(
      edit,
      { type: 'focus', delta: 1 },
      { type: 'focus', delta: 1 },
      { type: 'char', char: '9' },
      { type: 'focus', delta: 1 },
      { type: 'focus', delta: 1 },
      ...[...'5000'].map((char): NetworkAction => ({ type: 'char', char })),
      { type: 'focus', delta: 1 },
      { type: 'char', char: ',' },
      { type: 'char', char: '3' },
      { type: 'focus', delta: 1 },
      { type: 'clearField' },
      { type: 'review' },
    );
    const lines = drawFrame('network', bad, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toMatch(/> Address\s+\[10\.1\.2\.3\/249 +\] {2}! like 10\.0\.0\.5\/24/);
    expect(t).toMatch(/VLAN\s+\[5000 +\] {2}! 1-4094, or empty/);
    expect(t).toMatch(/DNS\s+\[10\.1\.2\.1, 1\.1\.1\.1,3 +\] {2}! server 3 is not IPv4/);
    expect(t).toMatch(/Hostname\s+\[ +\] {2}! needed/);
    expect(t).toContain('Address: an IPv4 address with prefix length, like 192.168.1.10/24.');
    expect(t).toContain('4 fields need a correction before the change can be applied.');
  });

  it('DHCP: address and gateway come from DHCP; a long hostname shows its end while typed', () => {
    const dhcp = run(edit, { type: 'focus', delta: 1 }, { type: 'choose', delta: 1 }, { type: 'focus', delta: -1 }, { type: 'focus', delta: -1 }, ...[...'.rack12.datacenter.example'].map((char): NetworkAction => ({ type: 'char', char })));
    const lines = drawFrame('network', dhcp, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toMatch(/Mode\s+< DHCP >/);
    expect(t).toMatch(/Gateway\s+\(from DHCP\)/);
    expect(t).toMatch(/Address\s+\(from DHCP\) +[|│]$/m);
    expect(t).toMatch(/> Hostname\s+\[<\.rack12\.datacenter\.example \]/);
  });

  it('the review says what changes and that it rolls back by itself', () => {
    const lines = drawFrame('network', run(edit, { type: 'review' }), profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Apply this management network configuration?');
    expect(t).toMatch(/Mode\s+static 10\.1\.2\.3\/24, gateway 10\.1\.2\.1/);
    expect(t).toMatch(/Now\s+eno1, static 10\.1\.2\.3\/24 via 10\.1\.2\.1/);
    expect(flat(lines)).toContain('Unless you keep it within 60 seconds, the previous configuration comes back by itself.');
    expect(t).toContain('Y: apply now. N or Esc: back to the form.');
  });

  it('applying: progress and what the job does', () => {
    const lines = drawFrame('network', applying, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toMatch(/New\s+eno1, static 10\.1\.2\.3\/24 via 10\.1\.2\.1/);
    expect(t).toMatch(/\[.{20}\] {2}50% {2}Testing the connection \(gateway, DNS, vDC\)/);
    if (profile.kind === 'serial') expect(t).toContain('[##########..........]');
  });

  it('waiting: the test results and a countdown to the rollback that moves each second', () => {
    const lines = drawFrame('network', pending, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Connection test: FAILED: DNS lookup');
    expect(t).toMatch(new RegExp(`${profile.glyphs.ok} +Gateway ping +gateway 10\\.1\\.2\\.1 answered in 0\\.3 ms`));
    expect(t).toMatch(new RegExp(`${profile.glyphs.fail} +DNS lookup +no answer from DNS server 10\\.1\\.2\\.1 within 2 s`));
    expect(t).toMatch(/- +vDC reachable +not tested: this host is not in a vDC/);
    expect(t).toMatch(/! Rolls back in 0:47 \[.{20}\] unless you keep it/);
    expect(t).toContain('Y  Keep this configuration    N  Roll back now    (or wait: it rolls back)');
    expect(t).toContain('Y Keep  N Roll back now');
    expect(text(drawFrame('network', pending, profile, { now: NOW + 30_000 }))).toContain('Rolls back in 0:17');
    expect(text(drawFrame('network', pending, profile, { now: NOW + 48_000 }))).toContain('Time is up: rolling back...');
  });

  it('the countdown starts from when the result came, not from an older clock tick', () => {
    const fresh = run(applying, { type: 'tested', at: NOW + 900, rollbackAt: NOW + 900 + 45_000, test });
    expect(text(drawFrame('network', fresh, profile))).toContain('Rolls back in 0:45');
  });

  it('keeping, rolling back now, and an error while waiting', () => {
    expect(text(drawFrame('network', run(pending, { type: 'keep' }), profile))).toContain('Keeping the new configuration...');
    expect(text(drawFrame('network', run(pending, { type: 'rollBack' }), profile))).toContain('Rolling back to the previous configuration now...');
    expect(text(drawFrame('network', run(pending, { type: 'deadline' }), profile))).toContain('Not kept in time: rolling back to the previous configuration...');
    const refused = run(pending, { type: 'keep' }, { type: 'requestFailed', error: { code: 'NO_PENDING_NETWORK_CHANGE', message: 'There is no network change waiting for confirmation.' } });
    const lines = drawFrame('network', refused, profile);
    expectFits(lines, profile);
    expect(flat(lines)).toContain('Error NO_PENDING_NETWORK_CHANGE There is no network change waiting for confirmation.');
  });

  it('rolled back when the deadline passed, and kept', () => {
    const failed = job({ state: 'failed', error: { code: 'NETWORK_ROLLED_BACK', message: 'not confirmed', details: { reason: 'not-confirmed' } } });
    const back = drawFrame('network', run(pending, { type: 'deadline' }, { type: 'finished', job: failed }), profile);
    expectFits(back, profile);
    const t = text(back);
    expect(t).toContain('! Rolled back: the previous configuration is back.');
    expect(t).toContain('The new configuration was not kept before the deadline.');
    expect(t).toMatch(/In effect\s+eno1, static 10\.1\.2\.3\/24 via 10\.1\.2\.1/);
    expect(t).toContain('The connection test of the new configuration: FAILED: DNS lookup');
    expect(t).toContain('Enter: back to the management network.');
    const first = run(initialNetwork(16), { type: 'loaded', at: 0, net: { ...net, config: null }, hostname: 'node7' }, { type: 'edit' }, { type: 'review' }, { type: 'apply' }, { type: 'applyStarted', job: job() }, { type: 'rollBack' });
    expect(text(drawFrame('network', first, profile))).toContain('Connection test: not finished');
    const cancelled = job({ state: 'cancelled', error: { code: 'JOB_CANCELLED', message: 'The job was cancelled.' } });
    expect(text(drawFrame('network', run(first, { type: 'finished', job: cancelled }), profile))).toMatch(/In effect\s+what was live before \(not configured from Quantix\)/);
    const kept = drawFrame('network', run(pending, { type: 'keep' }, { type: 'kept', net }), profile);
    expectFits(kept, profile);
    expect(text(kept)).toContain(`${profile.glyphs.ok} Kept: the new configuration is saved.`);
  });

  it('Test management network: testing, then the checks', () => {
    const testing = run(view, { type: 'test' });
    expect(text(drawFrame('network', testing, profile))).toContain('Testing: gateway ping, DNS lookup, vDC (a few seconds)...');
    const lines = drawFrame('network', run(testing, { type: 'testDone', result: test }), profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Test management network (the configuration that is live now)');
    expect(t).toMatch(/Gateway ping +gateway 10\.1\.2\.1 answered in 0\.3 ms/);
    expect(t).toContain('Tested at 12:34:56: FAILED: DNS lookup.');
    expect(t).toContain('T Test again  Enter OK');
    const failed = drawFrame('network', run(testing, { type: 'testFailed', error: { code: 'NODE_TIMEOUT', message: 'qx-node did not answer POST /api/v1/host/network/test within 30 s.' } }), profile);
    expectFits(failed, profile);
    expect(flat(failed)).toContain('Error NODE_TIMEOUT qx-node did not answer POST /api/v1/host/network/test within 30 s.');
  });
});
