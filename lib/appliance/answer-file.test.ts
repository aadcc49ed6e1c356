import { describe, expect, it } from 'vitest';
import { answerFile, answerFileProblems, resolveAnswerNetwork } from './answer-file.ts';

const base = {
  version: 1,
  disk: '/dev/vda',
  network: { nic: 'ens3', mode: 'dhcp', hostname: 'node1' },
  admin: { password: 'correct horse' },
};

describe('answer file', () => {
  it('accepts a minimal file and fills the defaults', () => {
    const a = answerFile.parse(base);
    expect(a.finish).toBe('reboot');
    expect(a.network).toEqual({ nic: 'ens3', mode: 'dhcp', address: null, gateway: null, vlan: null, dns: [], hostname: 'node1' });
    expect(a.admin).toEqual({ password: 'correct horse' });
  });

  it('accepts disk "auto", nic "auto", a static network and a hash', () => {
    const a = answerFile.parse({
      ...base,
      disk: 'auto',
      network: { nic: 'auto', mode: 'static', address: '10.0.0.5/24', gateway: '10.0.0.1', vlan: 12, dns: ['10.0.0.1'], hostname: 'h.example.com' },
      admin: { passwordHash: 'scrypt$32768$8$1$c2FsdA==$aGFzaA==' },
      finish: 'poweroff',
    });
    expect(a.disk).toBe('auto');
    expect(a.finish).toBe('poweroff');
    expect(a.network?.vlan).toBe(12);
  });

  it('refuses unknown keys, a wrong version and a disk that is not a device path', () => {
    expect(answerFile.safeParse({ ...base, timezone: 'UTC' }).success).toBe(false);
    expect(answerFile.safeParse({ ...base, version: 2 }).success).toBe(false);
    const r = answerFile.safeParse({ ...base, disk: 'vda' });
    expect(r.success).toBe(false);
    if (!r.success) expect(answerFileProblems(r.error)[0]).toMatch(/^disk: .*\/dev\/vda/);
  });

  it('needs exactly one of password and passwordHash, and a good password', () => {
    const both = answerFile.safeParse({ ...base, admin: { password: 'correct horse', passwordHash: 'scrypt$1$1$1$YQ==$YQ==' } });
    expect(both.success).toBe(false);
    if (!both.success) expect(answerFileProblems(both.error)).toContain('admin: give exactly one of "password" and "passwordHash"');
    expect(answerFile.safeParse({ ...base, admin: {} }).success).toBe(false);
    const weak = answerFile.safeParse({ ...base, admin: { password: 'aaaa' } });
    expect(weak.success).toBe(false);
    if (!weak.success) expect(answerFileProblems(weak.error)).toEqual(['admin.password: use at least 8 characters', 'admin.password: use at least 4 different characters']);
    expect(answerFile.safeParse({ ...base, admin: { passwordHash: 'md5$abc' } }).success).toBe(false);
  });

  it('leaves the admin password to the first console login when absent, and bounds the trial timeout', () => {
    const { admin: _admin, ...noAdmin } = base;
    expect(answerFile.parse(noAdmin).admin).toBeUndefined();
    const { network: _network, ...noNetwork } = base;
    expect(answerFile.parse(noNetwork).network).toBeUndefined();
    expect(answerFile.parse({ ...base, boot: { trialTimeoutSeconds: 90 } }).boot).toEqual({ trialTimeoutSeconds: 90 });
    for (const trialTimeoutSeconds of [29, 3601, 1.5]) expect(answerFile.safeParse({ ...base, boot: { trialTimeoutSeconds } }).success).toBe(false);
    expect(answerFile.safeParse({ ...base, boot: { trialTimeoutSeconds: 90, other: 1 } }).success).toBe(false);
  });

  it('checks the network as ManagementNetwork', () => {
    const r = answerFile.safeParse({ ...base, network: { nic: 'auto', mode: 'static', hostname: 'node1' } });
    expect(r.success).toBe(false);
    if (!r.success) expect(answerFileProblems(r.error)).toContain('network.address: a static configuration needs an address');
    expect(answerFile.safeParse({ ...base, network: { ...base.network, address: '10.0.0.5/24' } }).success).toBe(false);
  });

  it('resolves nic "auto"', () => {
    const a = answerFile.parse({ ...base, network: { nic: 'auto', mode: 'dhcp', hostname: 'node1' } });
    expect(resolveAnswerNetwork(a.network!, () => 'enp1s0').nic).toBe('enp1s0');
    expect(() => resolveAnswerNetwork(a.network!, () => null)).toThrow(/no network interface/);
    const fixed = answerFile.parse(base);
    expect(resolveAnswerNetwork(fixed.network!, () => 'other').nic).toBe('ens3');
  });
});
