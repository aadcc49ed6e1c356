/**
 * KVM or TCG? KVM only when it can really run a stock guest: /dev/kvm opens read-write, the CPU advertises vmx/svm,
 * and (when checked) libvirt's domcapabilities accepts --virttype kvm. A /dev/kvm without vmx/svm is what a nested
 * PVM host looks like: stock kernels crash or crawl there, so we use TCG.
 */
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { Virsh } from './virsh.ts';

export type AccelChoice = 'kvm' | 'tcg';

export interface AccelResult {
  accel: AccelChoice;
  reason: string;
  /** /dev/kvm exists (whether or not it is usable). */
  kvmDevice: boolean;
}

export interface AccelFacts {
  /** QX_ACCEL: 'kvm' | 'tcg' | 'auto' | undefined (anything else is treated as an error → reason says so, auto). */
  override: string | undefined;
  kvmDeviceExists: boolean;
  /** null when the device is missing; otherwise whether open(O_RDWR) worked, with the errno code if not. */
  kvmDeviceOpenable: { ok: true } | { ok: false; code: string } | null;
  /** 'vmx' | 'svm' | null (from /proc/cpuinfo flags). */
  cpuFlag: 'vmx' | 'svm' | null;
  /** Result of `virsh domcapabilities --virttype kvm`; null when not checked. */
  libvirtKvm: { ok: true } | { ok: false; error: string } | null;
}

/** The pure decision. */
export function decideAccel(f: AccelFacts): AccelResult {
  const kvmDevice = f.kvmDeviceExists;
  const override = f.override?.trim().toLowerCase();
  if (override === 'tcg') return { accel: 'tcg', reason: 'forced by QX_ACCEL=tcg', kvmDevice };
  if (override === 'kvm') {
    return {
      accel: 'kvm',
      reason: kvmDevice ? 'forced by QX_ACCEL=kvm' : 'forced by QX_ACCEL=kvm (warning: /dev/kvm does not exist)',
      kvmDevice,
    };
  }
  const bad = override !== undefined && override !== '' && override !== 'auto' ? `QX_ACCEL=${f.override} ignored (use kvm, tcg or auto); ` : '';
  const tcg = (why: string): AccelResult => ({ accel: 'tcg', reason: `${bad}${why}`, kvmDevice });

  if (!f.kvmDeviceExists) return tcg('no /dev/kvm: the kernel has no KVM (or it is not loaded), using TCG emulation');
  if (!f.cpuFlag) {
    return tcg('no vmx/svm CPU flag: /dev/kvm is a paravirtual (PVM) device that stock guests cannot use, using TCG');
  }
  if (f.kvmDeviceOpenable && !f.kvmDeviceOpenable.ok) {
    return tcg(`/dev/kvm cannot be opened read-write (${f.kvmDeviceOpenable.code}), using TCG`);
  }
  if (f.libvirtKvm && !f.libvirtKvm.ok) {
    return tcg(`libvirt does not offer KVM domains (${f.libvirtKvm.error}), using TCG`);
  }
  return { accel: 'kvm', reason: `${bad}/dev/kvm is usable and the CPU has ${f.cpuFlag}`, kvmDevice };
}

/** 'vmx' / 'svm' if any "flags" line of /proc/cpuinfo has it. */
export function cpuVirtFlag(cpuinfo: string): 'vmx' | 'svm' | null {
  for (const line of cpuinfo.split('\n')) {
    if (!/^flags\s*:/.test(line)) continue;
    const flags = new Set(line.slice(line.indexOf(':') + 1).trim().split(/\s+/));
    if (flags.has('vmx')) return 'vmx';
    if (flags.has('svm')) return 'svm';
  }
  return null;
}

export interface DetectAccelOptions {
  env?: NodeJS.ProcessEnv;
  /** Ask libvirt too (`virsh domcapabilities --virttype kvm`). */
  virsh?: Virsh;
  kvmPath?: string;
  cpuinfoPath?: string;
}

async function probeDevice(path: string): Promise<{ exists: boolean; open: AccelFacts['kvmDeviceOpenable'] }> {
  try {
    const fh = await open(path, constants.O_RDWR);
    await fh.close();
    return { exists: true, open: { ok: true } };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') return { exists: false, open: null };
    return { exists: true, open: { ok: false, code } };
  }
}

export async function detectAccel(opts: DetectAccelOptions = {}): Promise<AccelResult> {
  const env = opts.env ?? process.env;
  const dev = await probeDevice(opts.kvmPath ?? '/dev/kvm');
  const cpuinfo = await readFile(opts.cpuinfoPath ?? '/proc/cpuinfo', 'utf8').catch(() => '');
  const facts: AccelFacts = {
    override: env.QX_ACCEL,
    kvmDeviceExists: dev.exists,
    kvmDeviceOpenable: dev.open,
    cpuFlag: cpuVirtFlag(cpuinfo),
    libvirtKvm: null,
  };
  const override = env.QX_ACCEL?.trim().toLowerCase();
  const worthAsking = override !== 'kvm' && override !== 'tcg' && dev.open?.ok === true && facts.cpuFlag !== null;
  if (opts.virsh && worthAsking) {
    try {
      await opts.virsh.run(['domcapabilities', '--virttype', 'kvm', '--arch', 'x86_64']);
      facts.libvirtKvm = { ok: true };
    } catch (e) {
      facts.libvirtKvm = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return decideAccel(facts);
}
