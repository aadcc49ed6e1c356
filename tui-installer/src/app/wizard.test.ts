import { describe, expect, it } from 'vitest';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { parseForm } from '@quantix/lib/tui/network-form';
import { filledState, sampleDisks, sampleNics } from '../testing/frames.tsx';
import { initialState, update, type Action, type Effect, type WizardState } from './wizard.ts';

/** Feeds raw terminal input through the keymap into the reducer; returns the last state and every effect. */
function type(state: WizardState, input: string): { state: WizardState; effects: Effect[] } {
  const effects: Effect[] = [];
  let s = state;
  for (const key of decodeKeys(input, true).keys) {
    const [next, effect] = update(s, { type: 'key', key });
    s = next;
    if (effect) effects.push(effect);
  }
  return { state: s, effects };
}
const apply = (s: WizardState, ...actions: Action[]) => actions.reduce((acc, a) => update(acc, a)[0], s);
const fresh = () => initialState({ product: 'Quantix-OS', version: '0.9.1', dryRun: false });

describe('the wizard, key by key', () => {
  it('goes from welcome to the confirmation with the keys the screens show', () => {
    let r = type(fresh(), '\r');
    expect(r.state.phase).toBe('disks');
    expect(r.effects).toEqual(['rescan']);
    let s = apply(r.state, { type: 'disks', disks: sampleDisks }, { type: 'nics', nics: sampleNics });
    expect(s.net.nic).toBe('enp1s0');
    r = type(s, '2');
    expect(r.state.phase).toBe('disks');
    r = type(r.state, '1');
    expect(r.state.phase).toBe('network');
    expect(r.state.disk?.path).toBe('/dev/vda');
    r = type(r.state, '\x1b[B');
    expect(r.state.netFocus).toBe('mode');
    r = type(r.state, 's\t10.0.0.5/24\t10.0.0.1\t\t10.0.0.1 10.0.0.2\t\x15node1\r');
    expect(r.state.phase).toBe('password');
    expect(parseForm(r.state.net).config).toEqual({ nic: 'enp1s0', mode: 'static', address: '10.0.0.5/24', gateway: '10.0.0.1', vlan: null, dns: ['10.0.0.1', '10.0.0.2'], hostname: 'node1' });
    r = type(r.state, 'correct horse\rcorrect horse\r');
    expect(r.state.phase).toBe('summary');
    r = type(r.state, 'c');
    expect(r.state.phase).toBe('confirm');
    r = type(r.state, 'vd\r');
    expect(r.state.confirmWrong).toBe(true);
    expect(r.effects).toEqual([]);
    r = type(r.state, 'a\r');
    expect(r.state.phase).toBe('installing');
    expect(r.effects).toEqual(['install']);
  });

  it('does not take a disk that cannot be installed to', () => {
    const s = filledState({ phase: 'disks', diskCursor: 0, disk: null });
    expect(type(s, '2').state.phase).toBe('disks');
    expect(type(s, '\x1b[B\r').state).toMatchObject({ phase: 'disks', diskCursor: 1 });
    expect(type(s, '9').state.phase).toBe('disks');
    expect(type(s, 'r').effects).toEqual(['rescan']);
  });

  it('Esc goes back one screen at a time', () => {
    let s = filledState({ phase: 'confirm' });
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      s = type(s, '\x1b').state;
      seen.push(s.phase);
    }
    expect(seen).toEqual(['summary', 'password', 'network', 'disks', 'welcome']);
  });

  it('keeps the operator on the network screen while the form is not valid', () => {
    const s = filledState({ phase: 'network', net: { ...filledState().net, address: '10.0.0.5' } });
    const r = type(s, '\r');
    expect(r.state.phase).toBe('network');
    expect(r.state.showNetProblems).toBe(true);
    expect(r.state.netProblems).toEqual({
      address: { short: 'like 10.0.0.5/24', full: 'Address: an IPv4 address with prefix length, like 192.168.1.10/24.' },
    });
    const dhcp = type(filledState({ phase: 'network', netFocus: 'mode' }), ' \r').state;
    expect(dhcp.net.mode).toBe('dhcp');
    expect(dhcp.phase).toBe('password');
  });

  it('refuses characters a field cannot hold and switches NICs with the arrows and digits', () => {
    const s = filledState({ phase: 'network', netFocus: 'vlan' });
    expect(type(s, 'x12y').state.net.vlan).toBe('12');
    const fqdn = `${'a'.repeat(60)}.${'b'.repeat(60)}.example.com`;
    expect(type(filledState({ phase: 'network', netFocus: 'hostname' }), `\x15${fqdn}_!`).state.net.hostname).toBe(fqdn);
    const nic = filledState({ phase: 'network', netFocus: 'nic' });
    expect(type(nic, '\x1b[C').state.net.nic).toBe('enp2s0');
    expect(type(nic, '\x1b[D').state.net.nic).toBe('enp2s0');
    expect(type(nic, '2').state.net.nic).toBe('enp2s0');
  });

  it('a password needs the rules and the same text twice', () => {
    let r = type(filledState({ phase: 'password', password: ['', ''] }), 'short\r');
    expect(r.state).toMatchObject({ phase: 'password', showPwProblems: true });
    r = type(filledState({ phase: 'password', password: ['', ''] }), 'correct horse\rcorrect hors\r');
    expect(r.state.phase).toBe('password');
    r = type(r.state, 'e\r');
    expect(r.state.phase).toBe('summary');
  });

  it('a dry run shows the plan instead of installing; Q in the plan quits', () => {
    const s = filledState({ phase: 'confirm', dryRun: true });
    const r = type(s, 'vda\r');
    expect(r.effects).toEqual(['plan']);
    expect(r.state.phase).toBe('confirm');
    const plan = apply(r.state, { type: 'plan', plan: [{ step: 'partition', line: 'x' }] });
    expect(plan.phase).toBe('plan');
    expect(type(plan, 'q').effects).toEqual(['quit']);
  });

  it('follows install events to done or failed', () => {
    let s = filledState({ phase: 'installing' });
    s = apply(s, { type: 'install', event: { type: 'start', step: 'partition' } }, { type: 'install', event: { type: 'progress', step: 'partition', fraction: 0.5 } });
    expect(s.steps.partition).toEqual({ status: 'running', fraction: 0.5 });
    expect(type(s, 'q\x1b').state.phase).toBe('installing');
    const failure = { step: 'partition' as const, code: 'INSTALL_COMMAND_FAILED', message: 'm', command: 'sgdisk', stderrTail: 'e', logFile: '/l', cleanup: 'c' };
    const failed = apply(s, { type: 'install', event: { type: 'failed', failure } });
    expect(failed).toMatchObject({ phase: 'failed', failure });
    expect(failed.steps.partition.status).toBe('failed');
    expect(type(failed, 'p').effects).toEqual(['poweroff']);
    let ok = s;
    for (const step of ['partition', 'filesystems', 'image', 'bootloader', 'config', 'finish'] as const) ok = apply(ok, { type: 'install', event: { type: 'done', step } });
    expect(ok.phase).toBe('done');
    expect(type(ok, 'r').effects).toEqual(['reboot']);
  });

  it('an answer file fills the network form the install and the summary read', () => {
    const network = { nic: 'enp2s0', mode: 'static' as const, address: '10.0.0.5/24', gateway: null, vlan: 12, dns: ['10.0.0.1', '10.0.0.2'], hostname: 'node9' };
    const s = apply(fresh(), { type: 'unattended', origin: '/run/answer.yaml', disk: sampleDisks[0]!, network, finish: 'poweroff' });
    expect(s).toMatchObject({ phase: 'installing', answerOrigin: '/run/answer.yaml', finish: 'poweroff' });
    expect(s.net).toEqual({ nic: 'enp2s0', mode: 'static', address: '10.0.0.5/24', gateway: '', vlan: '12', dns: '10.0.0.1, 10.0.0.2', hostname: 'node9' });
    expect(parseForm(s.net).config).toEqual(network);
  });

  it('keeps the newest log lines', () => {
    let s = fresh();
    for (let i = 0; i < 50; i++) s = apply(s, { type: 'log', line: `line ${i}` });
    expect(s.logTail).toHaveLength(40);
    expect(s.logTail.at(-1)).toBe('line 49');
  });
});
