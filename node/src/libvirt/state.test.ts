import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  LIBVIRT_STATES,
  listDomains,
  parseDomstate,
  parseDomstatsState,
  parseListTable,
  parseUuidNameList,
  stateFromCodes,
  toVmState,
} from './state.ts';
import type { Virsh } from './virsh.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseDomstate', () => {
  it('reads the outputs recorded from `virsh -q domstate --reason`', () => {
    // Each string below was printed by virsh 9.0 on this host (see fixtures/README.md).
    expect(parseDomstate('running (booted)\n')).toEqual({ state: 'running', reason: 'booted' });
    expect(parseDomstate('running (unpaused)\n')).toEqual({ state: 'running', reason: 'unpaused' });
    expect(parseDomstate('paused (user)\n')).toEqual({ state: 'paused', reason: 'user' });
    expect(parseDomstate('shut off (destroyed)\n')).toEqual({ state: 'shut off', reason: 'destroyed' });
    expect(parseDomstate('shut off (shutdown)\n')).toEqual({ state: 'shut off', reason: 'shutdown' });
    expect(parseDomstate('shut off (unknown)\n')).toEqual({ state: 'shut off', reason: 'unknown' });
    expect(parseDomstate('running\n')).toEqual({ state: 'running', reason: null });
  });

  it("reads virsh's other state and reason texts", () => {
    expect(parseDomstate('in shutdown (user)')).toEqual({ state: 'in shutdown', reason: 'user' });
    expect(parseDomstate('in shutdown')).toEqual({ state: 'in shutdown', reason: null });
    expect(parseDomstate('crashed (panicked)')).toEqual({ state: 'crashed', reason: 'panicked' });
    expect(parseDomstate('pmsuspended (unknown)')).toEqual({ state: 'pmsuspended', reason: 'unknown' });
    expect(parseDomstate('paused (I/O error)')).toEqual({ state: 'paused', reason: 'I/O error' });
    expect(parseDomstate('idle')).toEqual({ state: 'idle', reason: null });
    expect(parseDomstate('\nno state (unknown)\n\n')).toEqual({ state: 'no state', reason: 'unknown' });
  });

  it('refuses unknown texts', () => {
    expect(() => parseDomstate('exploded (badly)')).toThrow(/unrecognised/);
    expect(() => parseDomstate('')).toThrow(/unrecognised/);
  });
});

describe('toVmState', () => {
  it('maps every libvirt state onto the API states', () => {
    const mapped = Object.fromEntries(LIBVIRT_STATES.map((s) => [s, toVmState(s)]));
    expect(mapped).toEqual({
      'no state': 'unknown',
      running: 'running',
      idle: 'running',
      paused: 'paused',
      'in shutdown': 'shuttingDown',
      'shut off': 'stopped',
      crashed: 'crashed',
      pmsuspended: 'suspended',
    });
    expect(toVmState({ state: 'shut off', reason: 'destroyed' })).toBe('stopped');
  });
});

describe('stateFromCodes', () => {
  it('uses virsh’s numbering of states and reasons', () => {
    expect(stateFromCodes(1, 1)).toEqual({ state: 'running', reason: 'booted' });
    expect(stateFromCodes(1, 5)).toEqual({ state: 'running', reason: 'unpaused' });
    expect(stateFromCodes(3, 1)).toEqual({ state: 'paused', reason: 'user' });
    expect(stateFromCodes(4, 1)).toEqual({ state: 'in shutdown', reason: 'user' });
    expect(stateFromCodes(5, 2)).toEqual({ state: 'shut off', reason: 'destroyed' });
    expect(stateFromCodes(6, 1)).toEqual({ state: 'crashed', reason: 'panicked' });
    expect(stateFromCodes(7, 0)).toEqual({ state: 'pmsuspended', reason: 'unknown' });
    expect(stateFromCodes(99, 0)).toEqual({ state: 'no state', reason: 'unknown' });
    expect(stateFromCodes(1, 99)).toEqual({ state: 'running', reason: 'unknown' });
  });
});

describe('list parsers (recorded)', () => {
  it('parses the `virsh list --all` table with and without its header', async () => {
    const expected = [
      { id: 1, name: 'qx-itest-fx-a', state: 'running' },
      { id: 4, name: 'qx-itest-fx-b', state: 'paused' },
      { id: null, name: 'qx-itest-fx-c', state: 'shut off' },
    ];
    expect(parseListTable(await fixture('list-all.txt'))).toEqual(expected);
    expect(parseListTable(await fixture('list-all-q.txt'))).toEqual(expected);
  });

  it('keeps spaces inside names', () => {
    expect(parseListTable(' 12   my web server   in shutdown\n -    x  shut off\n')).toEqual([
      { id: 12, name: 'my web server', state: 'in shutdown' },
      { id: null, name: 'x', state: 'shut off' },
    ]);
  });

  it('parses `virsh list --all --uuid --name`', async () => {
    expect(parseUuidNameList(await fixture('list-all-uuid-name.txt'))).toEqual([
      { uuid: '8a68439c-362a-4a2c-8d89-a30c340c6efd', name: 'qx-itest-fx-a' },
      { uuid: 'd85e2dab-44a6-469d-94cc-101ea2aab9f8', name: 'qx-itest-fx-b' },
      { uuid: '15f227d1-4080-49e7-bc69-18407d5ea49c', name: 'qx-itest-fx-c' },
    ]);
  });

  it('parses `virsh domstats --state`', async () => {
    const m = parseDomstatsState(await fixture('domstats-state.txt'));
    expect([...m.entries()]).toEqual([
      ['qx-itest-fx-a', { state: 'running', reason: 'unpaused' }],
      ['qx-itest-fx-b', { state: 'paused', reason: 'user' }],
      ['qx-itest-fx-c', { state: 'shut off', reason: 'destroyed' }],
    ]);
    expect(parseDomstatsState('').size).toBe(0);
  });
});

describe('listDomains', () => {
  it('runs one batch and joins uuid/name with the states by name', async () => {
    const raw = JSON.parse(await fixture('batch-raw.json')) as { stdout: string; marker: string };
    // The recorded batch's 3rd and 4th sections are exactly `list --all --uuid --name` and `domstats --state`.
    const [, , names, stats] = raw.stdout.split(raw.marker);
    const calls: string[][][] = [];
    const virsh = {
      runBatch: async (commands: string[][]) => {
        calls.push(commands);
        // One name listed without stats (undefined between the two commands): reported as unknown.
        return [`${names}00000000-0000-4000-8000-000000000001 qx-itest-gone\n`, stats];
      },
    } as unknown as Virsh;
    const list = await listDomains(virsh);
    expect(calls).toEqual([
      [
        ['list', '--all', '--uuid', '--name'],
        ['domstats', '--state'],
      ],
    ]);
    expect(list).toContainEqual({
      uuid: 'c8f1d4e3-2222-4333-8444-555566667777',
      name: 'qx-itest-fx-uefi',
      state: 'running',
      reason: 'booted',
      vmState: 'running',
    });
    expect(list).toContainEqual({
      uuid: '289a5e10-23f6-41d3-9dc1-7ae653d65320',
      name: 'qx-itest-fx-d',
      state: 'shut off',
      reason: 'unknown',
      vmState: 'stopped',
    });
    expect(list).toContainEqual({
      uuid: 'd85e2dab-44a6-469d-94cc-101ea2aab9f8',
      name: 'qx-itest-fx-b',
      state: 'paused',
      reason: 'user',
      vmState: 'paused',
    });
    expect(list.find((d) => d.name === 'qx-itest-gone')).toMatchObject({ state: 'no state', vmState: 'unknown' });
    expect(list).toHaveLength(6);
  });
});
