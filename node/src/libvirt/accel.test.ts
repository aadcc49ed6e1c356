import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuVirtFlag, decideAccel, detectAccel, type AccelFacts } from './accel.ts';

const usableKvm: AccelFacts = {
  override: undefined,
  kvmDeviceExists: true,
  kvmDeviceOpenable: { ok: true },
  cpuFlag: 'vmx',
  libvirtKvm: { ok: true },
};

describe('decideAccel', () => {
  it('uses KVM when the device opens, the CPU has vmx/svm and libvirt agrees', () => {
    expect(decideAccel(usableKvm)).toEqual({ accel: 'kvm', reason: '/dev/kvm is usable and the CPU has vmx', kvmDevice: true });
    expect(decideAccel({ ...usableKvm, cpuFlag: 'svm', libvirtKvm: null }).accel).toBe('kvm');
  });

  it('uses TCG on a nested PVM host: /dev/kvm without vmx/svm (this build machine)', () => {
    const r = decideAccel({ ...usableKvm, cpuFlag: null });
    expect(r.accel).toBe('tcg');
    expect(r.kvmDevice).toBe(true);
    expect(r.reason).toMatch(/no vmx\/svm CPU flag.*PVM/);
  });

  it('uses TCG without /dev/kvm, when it cannot be opened, or when libvirt refuses KVM', () => {
    const none = decideAccel({ ...usableKvm, kvmDeviceExists: false, kvmDeviceOpenable: null });
    expect(none).toMatchObject({ accel: 'tcg', kvmDevice: false });
    expect(none.reason).toMatch(/no \/dev\/kvm/);
    expect(decideAccel({ ...usableKvm, kvmDeviceOpenable: { ok: false, code: 'EACCES' } }).reason).toMatch(/EACCES/);
    const lv = decideAccel({ ...usableKvm, libvirtKvm: { ok: false, error: 'invalid argument: KVM is not supported' } });
    expect(lv.accel).toBe('tcg');
    expect(lv.reason).toMatch(/KVM is not supported/);
  });

  it('honours QX_ACCEL', () => {
    expect(decideAccel({ ...usableKvm, override: 'tcg' })).toMatchObject({ accel: 'tcg', reason: 'forced by QX_ACCEL=tcg' });
    expect(decideAccel({ ...usableKvm, cpuFlag: null, override: 'KVM' })).toMatchObject({ accel: 'kvm' });
    expect(decideAccel({ ...usableKvm, kvmDeviceExists: false, override: 'kvm' }).reason).toMatch(/does not exist/);
    expect(decideAccel({ ...usableKvm, override: 'auto' }).accel).toBe('kvm');
    const bogus = decideAccel({ ...usableKvm, cpuFlag: null, override: 'xen' });
    expect(bogus.accel).toBe('tcg');
    expect(bogus.reason).toMatch(/^QX_ACCEL=xen ignored/);
  });
});

describe('cpuVirtFlag', () => {
  it('finds no flag in the recorded /proc/cpuinfo of this PVM host', async () => {
    const cpuinfo = await readFile(new URL('./fixtures/cpuinfo-pvm-host.txt', import.meta.url), 'utf8');
    expect(cpuinfo).toMatch(/^flags\s*:/m);
    expect(cpuVirtFlag(cpuinfo)).toBeNull();
  });

  it('finds vmx or svm as whole words only', () => {
    expect(cpuVirtFlag('flags\t\t: fpu vme de pse vmx ssse3\n')).toBe('vmx');
    expect(cpuVirtFlag('processor: 0\nflags\t\t: fpu svm lbrv\n')).toBe('svm');
    expect(cpuVirtFlag('flags\t\t: fpu vmxnope svmx\n')).toBeNull();
    expect(cpuVirtFlag('vmx flags are elsewhere\n')).toBeNull();
  });
});

describe('detectAccel (files standing in for /dev/kvm and /proc/cpuinfo)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qx-accel-'));
    await writeFile(join(dir, 'kvm'), '');
    await writeFile(join(dir, 'cpuinfo-vmx'), 'processor\t: 0\nflags\t\t: fpu vmx sse2\n');
    await writeFile(join(dir, 'cpuinfo-none'), 'processor\t: 0\nflags\t\t: fpu sse2\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('chooses KVM when both checks pass', async () => {
    const r = await detectAccel({ env: {}, kvmPath: join(dir, 'kvm'), cpuinfoPath: join(dir, 'cpuinfo-vmx') });
    expect(r).toMatchObject({ accel: 'kvm', kvmDevice: true });
  });

  it('chooses TCG without the CPU flag or the device', async () => {
    expect(await detectAccel({ env: {}, kvmPath: join(dir, 'kvm'), cpuinfoPath: join(dir, 'cpuinfo-none') })).toMatchObject({
      accel: 'tcg',
      kvmDevice: true,
    });
    expect(await detectAccel({ env: {}, kvmPath: join(dir, 'missing'), cpuinfoPath: join(dir, 'cpuinfo-vmx') })).toMatchObject({
      accel: 'tcg',
      kvmDevice: false,
    });
  });

  it('lets QX_ACCEL force TCG', async () => {
    const r = await detectAccel({ env: { QX_ACCEL: 'tcg' }, kvmPath: join(dir, 'kvm'), cpuinfoPath: join(dir, 'cpuinfo-vmx') });
    expect(r).toMatchObject({ accel: 'tcg', reason: 'forced by QX_ACCEL=tcg' });
  });
});
