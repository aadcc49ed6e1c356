import { describe, expect, it } from 'vitest';
import type { ManagementNetwork } from '../api/network.ts';
import { acceptsChar, blankForm, FIELDS, formFromConfig, isTextField, parseForm, visibleFields, type FieldId, type FormProblems, type NetworkForm, type TextField } from './network-form.ts';

const form: NetworkForm = { nic: 'eno1', mode: 'static', address: '10.0.0.5/24', gateway: '', vlan: '10', dns: '1.1.1.1, 8.8.8.8', hostname: 'n1.lab' };

const problemCases: [FieldId, string, Partial<NetworkForm>, FormProblems][] = [
  ['nic', 'none chosen', { nic: '' }, { nic: { short: 'choose a NIC', full: 'NIC: choose the network interface to manage this host through.' } }],
  ['mode', 'neither', { mode: 'bridge' as NetworkForm['mode'] }, { mode: { short: 'DHCP or static', full: 'Mode: DHCP or static.' } }],
  ['address', 'empty for static', { address: '' }, { address: { short: 'needed for static', full: 'Address: a static configuration needs an address, like 192.168.1.10/24.' } }],
  ['address', 'no prefix', { address: '10.0.0.5' }, { address: { short: 'like 10.0.0.5/24', full: 'Address: an IPv4 address with prefix length, like 192.168.1.10/24.' } }],
  ['gateway', 'not IPv4', { gateway: '10.0.0' }, { gateway: { short: 'an IPv4 address', full: 'Gateway: an IPv4 address like 192.168.1.10, or empty for none.' } }],
  ['vlan', '0', { vlan: '0' }, { vlan: { short: '1-4094, or empty', full: 'VLAN: a VLAN ID from 1 to 4094, or empty for none.' } }],
  ['vlan', '4095', { vlan: '4095' }, { vlan: { short: '1-4094, or empty', full: 'VLAN: a VLAN ID from 1 to 4094, or empty for none.' } }],
  ['vlan', 'not a number', { vlan: '1x' }, { vlan: { short: '1-4094, or empty', full: 'VLAN: a VLAN ID from 1 to 4094, or empty for none.' } }],
  ['dns', 'a server not IPv4', { dns: '1.1.1.1, 8.8.8' }, { dns: { short: 'server 2 is not IPv4', full: 'DNS server 2: an IPv4 address like 192.168.1.10; servers are separated by commas.' } }],
  ['dns', 'four servers', { dns: '1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4' }, { dns: { short: 'at most 3 servers', full: 'DNS: at most 3 DNS servers, separated by commas.' } }],
  ['hostname', 'empty', { hostname: ' ' }, { hostname: { short: 'needed', full: 'Hostname: this host needs a name, like node1 or node1.example.com.' } }],
  ['hostname', 'not a host name', { hostname: '-bad-' }, { hostname: { short: 'like node1.example.com', full: 'Hostname: a host name like node1 or node1.example.com.' } }],
];

describe('parseForm', () => {
  it('a valid form is the configuration sent to qx-node', () => {
    expect(parseForm(form)).toEqual({
      config: { nic: 'eno1', mode: 'static', address: '10.0.0.5/24', gateway: null, vlan: 10, dns: ['1.1.1.1', '8.8.8.8'], hostname: 'n1.lab' },
      problems: {},
    });
    expect(parseForm({ ...form, address: ' 10.0.0.5/24 ', gateway: '10.0.0.1 ', vlan: ' 7', dns: ' 9.9.9.9 1.1.1.1,8.8.8.8 ', hostname: ' n1 ' })).toEqual({
      config: { nic: 'eno1', mode: 'static', address: '10.0.0.5/24', gateway: '10.0.0.1', vlan: 7, dns: ['9.9.9.9', '1.1.1.1', '8.8.8.8'], hostname: 'n1' },
      problems: {},
    });
  });

  it('DHCP leaves out what was typed into address and gateway; empty VLAN and DNS are none', () => {
    const dhcp = parseForm({ ...form, mode: 'dhcp', address: 'junk', gateway: '1.2', vlan: '', dns: '' });
    expect(dhcp).toEqual({ config: { nic: 'eno1', mode: 'dhcp', address: null, gateway: null, vlan: null, dns: [], hostname: 'n1.lab' }, problems: {} });
  });

  it.each(problemCases)('%s: %s', (_field, _what, change, problems) => {
    expect(parseForm({ ...form, ...change })).toEqual({ config: null, problems });
  });

  it('a VLAN that is not a number is a problem of its own, beside the others', () => {
    const r = parseForm({ ...form, vlan: '1x', hostname: '' });
    expect(r.config).toBeNull();
    expect(r.problems.vlan).toEqual({ short: '1-4094, or empty', full: 'VLAN: a VLAN ID from 1 to 4094, or empty for none.' });
    expect(Object.keys(r.problems).sort()).toEqual(['hostname', 'vlan']);
  });

  it('a short text fits beside an installer field (23 columns)', () => {
    for (const [, , , problems] of problemCases) {
      for (const p of Object.values(problems)) expect(p.short.length, p.short).toBeLessThanOrEqual(23);
    }
  });

  it('every problem at once, one per field', () => {
    const r = parseForm({ nic: '', mode: 'static', address: '1.2.3.4/40', gateway: 'x', vlan: '9999', dns: '1', hostname: '' });
    expect(r.config).toBeNull();
    expect(Object.keys(r.problems).sort()).toEqual(['address', 'dns', 'gateway', 'hostname', 'nic', 'vlan']);
  });
});

describe('the fields', () => {
  it('one order for every form; DHCP hides address and gateway', () => {
    expect(FIELDS).toEqual(['nic', 'mode', 'address', 'gateway', 'vlan', 'dns', 'hostname']);
    expect(visibleFields({ ...form, mode: 'static' })).toEqual(['nic', 'mode', 'address', 'gateway', 'vlan', 'dns', 'hostname']);
    expect(visibleFields({ ...form, mode: 'dhcp' })).toEqual(['nic', 'mode', 'vlan', 'dns', 'hostname']);
    expect(FIELDS.filter(isTextField)).toEqual(['address', 'gateway', 'vlan', 'dns', 'hostname']);
  });

  const typing: [TextField, accepted: string, refused: string, max: number][] = [
    ['address', '0123456789./', 'a ,-', 18],
    ['gateway', '0123456789.', '/ ,a', 15],
    ['vlan', '0123456789', '-. a', 4],
    ['dns', '0123456789., ', ';/a-', 50],
    ['hostname', 'azAZ09-.', '_ /!', 253],
  ];
  it.each(typing)('%s takes %j, not %j, up to %i characters', (field, accepted, refused, max) => {
    for (const c of accepted) expect(acceptsChar(field, c, ''), c).toBe(true);
    for (const c of refused) expect(acceptsChar(field, c, ''), c).toBe(false);
    expect(acceptsChar(field, accepted[0]!, '1'.repeat(max - 1))).toBe(true);
    expect(acceptsChar(field, accepted[0]!, '1'.repeat(max))).toBe(false);
  });

  it('one character at a time', () => {
    expect(acceptsChar('vlan', '12', '')).toBe(false);
    expect(acceptsChar('hostname', '', '')).toBe(false);
  });
});

describe('formFromConfig', () => {
  it('a configuration as a form, and back', () => {
    const configs: ManagementNetwork[] = [
      { nic: 'eno1', mode: 'static', address: '10.1.2.3/24', gateway: '10.1.2.1', vlan: 20, dns: ['10.1.2.1', '9.9.9.9'], hostname: 'node7.example.com' },
      { nic: 'enp1s0', mode: 'dhcp', address: null, gateway: null, vlan: null, dns: [], hostname: 'quantix' },
    ];
    expect(formFromConfig(configs[0]!)).toEqual({ nic: 'eno1', mode: 'static', address: '10.1.2.3/24', gateway: '10.1.2.1', vlan: '20', dns: '10.1.2.1, 9.9.9.9', hostname: 'node7.example.com' });
    expect(formFromConfig(configs[1]!)).toEqual({ ...blankForm, nic: 'enp1s0', hostname: 'quantix' });
    for (const c of configs) expect(parseForm(formFromConfig(c))).toEqual({ config: c, problems: {} });
  });
});
