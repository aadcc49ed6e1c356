import { describe, expect, it } from 'vitest';
import type { Job, NetworkState, NetworkTestResult } from '@quantix/lib/api';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { visibleFields } from '@quantix/lib/tui/network-form';
import { describeConfig, initialNetwork, networkHints, networkKey, reduceNetwork, type NetworkAction, type NetworkScreenState } from './network-state.ts';

const net: NetworkState = {
  config: { nic: 'eno1', mode: 'static', address: '10.1.2.3/24', gateway: '10.1.2.1', vlan: null, dns: ['10.1.2.1'], hostname: 'node7' },
  nics: [
    { name: 'eno1', mac: '52:54:00:12:34:56', up: true, carrier: true, speedMbps: 1000, addresses: ['10.1.2.3/24'] },
    { name: 'eno2', mac: '52:54:00:12:34:57', up: false, carrier: false, speedMbps: null, addresses: [] },
  ],
  pending: null,
};
const test: NetworkTestResult = { ok: true, checks: [{ name: 'gateway', ok: true, detail: 'gateway 10.1.2.1 answered in 0.3 ms', ms: 0.3 }], testedAt: '2026-11-21T12:00:00.000Z' };
const job = (over: Partial<Job> = {}): Job => ({
  id: '7b0c6a58-2f7e-4d3e-9b55-0a1f2c3d4e5f',
  kind: 'network.apply',
  state: 'running',
  progress: 0.1,
  message: 'Applying',
  error: null,
  resources: [],
  createdAt: '2026-11-21T12:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  ...over,
});

const run = (s: NetworkScreenState, ...actions: NetworkAction[]) => actions.reduce(reduceNetwork, s);
function press(s: NetworkScreenState, input: string): NetworkScreenState {
  for (const k of decodeKeys(input, true).keys) {
    const a = networkKey(s, k);
    if (a && a !== 'back') s = reduceNetwork(s, a);
  }
  return s;
}
const view = run(initialNetwork(16), { type: 'loaded', at: 0, net, hostname: 'node7' });
const UP = '\x1b[A';
const DOWN = '\x1b[B';
const RIGHT = '\x1b[C';

describe('network reducer: reading', () => {
  it('shows what qx-node says; rows for NICs from the body height', () => {
    expect(initialNetwork(16)).toMatchObject({ phase: 'reading', nicRows: 5 });
    expect(view).toMatchObject({ phase: 'view', net, hostname: 'node7', readError: null });
  });

  it('a failed read: the error, the last state kept; the next read clears it', () => {
    const down = run(view, { type: 'loadFailed', error: { code: 'NODE_DOWN', message: 'down' } });
    expect(down).toMatchObject({ phase: 'view', net, readError: { code: 'NODE_DOWN' } });
    expect(run(down, { type: 'loaded', at: 0, net, hostname: null })).toMatchObject({ readError: null, hostname: 'node7' });
  });

  it('scrolls the NIC list within its length', () => {
    const many = { ...net, nics: Array.from({ length: 9 }, (_, i) => ({ ...net.nics[1]!, name: `eth${i}` })) };
    const s = run(initialNetwork(16), { type: 'loaded', at: 0, net: many, hostname: null });
    expect(press(s, DOWN).nicTop).toBe(1);
    expect(press(s, DOWN.repeat(10)).nicTop).toBe(4);
    expect(press(press(s, DOWN.repeat(3)), UP).nicTop).toBe(2);
    expect(press(s, '\x1b[6~').nicTop).toBe(4);
    expect(press(view, DOWN)).toBe(view);
    expect(networkHints(s).map((h) => h.keys)).toEqual(['E', 'T', 'Up/Down']);
    expect(networkHints(view).map((h) => h.keys)).toEqual(['E', 'T']);
  });

  it('follows a change found waiting when the screen opens', () => {
    const waiting = { ...net, pending: { jobId: 'j1', config: { ...net.config!, address: '10.1.2.9/24' }, previous: net.config, rollbackAt: '2026-11-21T12:01:00.000Z', test } };
    const s = run(initialNetwork(16), { type: 'loaded', at: 0, net: waiting, hostname: null });
    expect(s).toMatchObject({ phase: 'pending', change: { jobId: 'j1', rollbackAt: Date.parse('2026-11-21T12:01:00.000Z'), test, previous: net.config } });
    const applying = run(view, { type: 'loaded', at: 0, net: { ...waiting, pending: { ...waiting.pending, test: null } }, hostname: null });
    expect(applying).toMatchObject({ phase: 'applying', change: { jobId: 'j1', test: null } });
  });
});

describe('network reducer: the form', () => {
  it('starts from the current configuration', () => {
    const s = press(view, 'e');
    expect(s).toMatchObject({ phase: 'edit', focus: 'nic', showProblems: false });
    expect(s.form).toEqual({ nic: 'eno1', mode: 'static', address: '10.1.2.3/24', gateway: '10.1.2.1', vlan: '', dns: '10.1.2.1', hostname: 'node7' });
  });

  it('a first configuration: DHCP on the NIC that has an address, the host name', () => {
    const s = press(run(initialNetwork(16), { type: 'loaded', at: 0, net: { ...net, config: null }, hostname: 'fresh' }), 'e');
    expect(s.form).toEqual({ nic: 'eno1', mode: 'dhcp', address: '10.1.2.3/24', gateway: '', vlan: '', dns: '', hostname: 'fresh' });
  });

  it('chooses the NIC and the mode with Left/Right or Space; DHCP skips address and gateway', () => {
    let s = press(view, 'e');
    s = press(s, RIGHT);
    expect(s.form.nic).toBe('eno2');
    s = press(s, RIGHT);
    expect(s.form.nic).toBe('eno1');
    s = press(s, `${DOWN} `);
    expect(s).toMatchObject({ focus: 'mode', form: { mode: 'dhcp' } });
    expect(visibleFields(s.form)).toEqual(['nic', 'mode', 'vlan', 'dns', 'hostname']);
    expect(press(s, DOWN).focus).toBe('vlan');
    expect(press(s, UP + UP).focus).toBe('hostname');
    expect(press(s, '\t').focus).toBe('vlan');
    expect(press(s, '\x1b[Z').focus).toBe('nic');
  });

  it('text fields take only the characters they can use; Backspace and Ctrl-U correct', () => {
    let s = press(view, `e${DOWN}${DOWN}`);
    expect(s.focus).toBe('address');
    s = press(s, '\x15192.168.1.5x/24');
    expect(s.form.address).toBe('192.168.1.5/24');
    s = press(s, '\x7f\x7f16');
    expect(s.form.address).toBe('192.168.1.5/16');
    s = press(s, `${DOWN}${DOWN}abc12`);
    expect(s.form.vlan).toBe('12');
    s = press(s, `${DOWN}\x15 9.9.9.9,1.1.1.1`);
    expect(s.form.dns).toBe(' 9.9.9.9,1.1.1.1');
    s = press(s, `${DOWN}\x15Node-7.lab_q`);
    expect(s.form.hostname).toBe('Node-7.labq');
  });

  it('Enter checks the form with the API schema: problems beside the fields, the cursor on the first', () => {
    let s = press(view, `e${DOWN}${DOWN}\x15${'10.1.2.300/24'}${DOWN}${DOWN}5000${DOWN}\x151.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4${DOWN}\x15`);
    s = press(s, '\r');
    expect(s.phase).toBe('edit');
    expect(s.showProblems).toBe(true);
    expect(s.focus).toBe('address');
    expect(Object.keys(s.problems).sort()).toEqual(['address', 'dns', 'hostname', 'vlan']);
    expect(s.problems.address!.full).toBe('Address: an IPv4 address with prefix length, like 192.168.1.10/24.');
    expect(s.problems.vlan!.short).toBe('1-4094, or empty');
    expect(s.problems.dns!.full).toBe('DNS: at most 3 DNS servers, separated by commas.');
    expect(s.problems.hostname!.short).toBe('needed');
    // Corrections clear the problems as they are typed.
    s = press(s, `\x7f\x7f\x7f\x7f\x7f\x7f3/24`);
    expect(s.form.address).toBe('10.1.2.3/24');
    expect(s.problems.address).toBeUndefined();
  });

  it('review, back to the form, back to the view', () => {
    const review = press(view, 'e\r');
    expect(review.phase).toBe('review');
    expect(press(review, 'n').phase).toBe('edit');
    expect(networkKey(review, decodeKeys('\x1b', true).keys[0]!)).toEqual({ type: 'cancel' });
    expect(press(press(review, 'n'), '\x1b').phase).toBe('view');
  });
});

describe('network reducer: apply, wait, keep or roll back', () => {
  const applying = press(view, 'e\ry');
  const started = run(applying, { type: 'applyStarted', job: job() });
  const pending = run(started, { type: 'tested', at: 0, rollbackAt: 5000, test });

  it('apply: the change, followed by its job', () => {
    expect(applying).toMatchObject({ phase: 'applying', change: { jobId: null, config: net.config, previous: net.config, cancelAsked: false } });
    expect(started.change).toMatchObject({ jobId: job().id, progress: 0.1, message: 'Applying' });
    const moved = run(started, { type: 'progress', job: job({ progress: 0.5, message: 'Testing' }) });
    expect(moved.change).toMatchObject({ progress: 0.5, message: 'Testing' });
    expect(run(started, { type: 'progress', job: job({ id: 'other' }) })).toBe(started);
  });

  it('a refused apply goes back to the form with the error', () => {
    const s = run(applying, { type: 'applyRefused', error: { code: 'NETWORK_CHANGE_PENDING', message: 'A network change is waiting' } });
    expect(s).toMatchObject({ phase: 'edit', change: null, error: { code: 'NETWORK_CHANGE_PENDING' } });
  });

  it('tested: the countdown runs; Y keeps, N rolls back now; Esc and Q stay', () => {
    expect(pending).toMatchObject({ phase: 'pending', change: { rollbackAt: 5000, test } });
    expect(press(pending, 'y').phase).toBe('confirming');
    expect(press(pending, 'n')).toMatchObject({ phase: 'rolling-back', change: { cancelAsked: true } });
    expect(networkKey(pending, decodeKeys('\x1b', true).keys[0]!)).toEqual({ type: 'hold' });
    expect(networkKey(pending, decodeKeys('q', true).keys[0]!)).toEqual({ type: 'hold' });
    expect(networkKey(started, decodeKeys('q', true).keys[0]!)).toEqual({ type: 'hold' });
    expect(press(started, 'n')).toMatchObject({ phase: 'rolling-back', change: { cancelAsked: true } });
    expect(press(applying, 'n')).toBe(applying);
    expect(networkHints(started)).toEqual([{ keys: 'N', label: 'Cancel (roll back now)' }]);
    expect(networkHints(pending)).toEqual([
      { keys: 'Y', label: 'Keep' },
      { keys: 'N', label: 'Roll back now' },
    ]);
  });

  it('the deadline passes: rolling back, then rolled back', () => {
    const late = run(pending, { type: 'deadline' });
    expect(late).toMatchObject({ phase: 'rolling-back', change: { cancelAsked: false } });
    const failed = job({ state: 'failed', error: { code: 'NETWORK_ROLLED_BACK', message: 'not confirmed', details: { reason: 'not-confirmed' } } });
    const done = run(late, { type: 'finished', job: failed });
    expect(done).toMatchObject({ phase: 'done', outcome: { kept: false, title: 'Rolled back: the previous configuration is back.', detail: 'The new configuration was not kept before the deadline.' } });
    expect(press(done, '\r')).toMatchObject({ phase: 'view', change: null, outcome: null });
  });

  it('kept: by Y, or seen in the job first', () => {
    const kept = run(press(pending, 'y'), { type: 'kept', net });
    expect(kept).toMatchObject({ phase: 'done', outcome: { kept: true, title: 'Kept: the new configuration is saved.' } });
    const seen = run(press(pending, 'y'), { type: 'finished', job: job({ state: 'succeeded' }) });
    expect(seen.outcome?.kept).toBe(true);
    expect(run(seen, { type: 'kept', net }).phase).toBe('done');
  });

  it('rolled back as asked, cancelled by someone else, failed to apply, gone', () => {
    const cancelled = job({ state: 'cancelled', error: { code: 'JOB_CANCELLED', message: 'The job was cancelled.' } });
    expect(run(press(pending, 'n'), { type: 'finished', job: cancelled }).outcome?.detail).toBe('Rolled back at once, as asked.');
    expect(run(pending, { type: 'finished', job: cancelled }).outcome?.detail).toBe('The change was cancelled (through the API).');
    const applyFailed = job({ state: 'failed', error: { code: 'NETWORK_ROLLED_BACK', message: 'Applying the configuration failed (no DHCP lease on eno1); the previous configuration is back.', details: { reason: 'apply-failed' } } });
    expect(run(started, { type: 'finished', job: applyFailed }).outcome?.detail).toBe('Applying the configuration failed (no DHCP lease on eno1); the previous configuration is back.');
    expect(run(pending, { type: 'vanished' })).toMatchObject({ phase: 'done', outcome: { kept: false, title: 'The change is gone from qx-node.' } });
  });

  it('keep or roll back refused: back to waiting, with the error', () => {
    const e = { code: 'NO_PENDING_NETWORK_CHANGE', message: 'nothing' };
    expect(run(press(pending, 'y'), { type: 'requestFailed', error: e })).toMatchObject({ phase: 'pending', error: e });
    expect(run(press(pending, 'n'), { type: 'requestFailed', error: e })).toMatchObject({ phase: 'pending', error: e, change: { cancelAsked: false } });
    expect(run(view, { type: 'requestFailed', error: e })).toBe(view);
  });
});

describe('network reducer: test', () => {
  it('T tests what is live; T again, Enter back', () => {
    const testing = press(view, 't');
    expect(testing.phase).toBe('testing');
    const tested = run(testing, { type: 'testDone', result: test });
    expect(tested).toMatchObject({ phase: 'tested', test });
    expect(press(tested, 't').phase).toBe('testing');
    expect(press(tested, '\r').phase).toBe('view');
    expect(run(testing, { type: 'testFailed', error: { code: 'NODE_TIMEOUT', message: 'slow' } })).toMatchObject({ phase: 'tested', error: { code: 'NODE_TIMEOUT' } });
  });
});

describe('describeConfig', () => {
  it('one line per configuration', () => {
    expect(describeConfig(net.config!)).toBe('eno1, static 10.1.2.3/24 via 10.1.2.1');
    expect(describeConfig({ ...net.config!, mode: 'dhcp', address: null, gateway: null, vlan: 20 })).toBe('eno1 VLAN 20, DHCP');
    expect(describeConfig({ ...net.config!, gateway: null })).toBe('eno1, static 10.1.2.3/24, no gateway');
  });
});
