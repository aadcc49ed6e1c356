import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCpuTimes, parseDefaultRoute, parseMeminfo, parseRelease, parseSlot, ProcLocalStatus } from './local-status.ts';

describe('local status parsers', () => {
  it('meminfo', () => {
    expect(parseMeminfo('MemTotal:       16000 kB\nMemFree:  1000 kB\nMemAvailable:   12000 kB\n')).toEqual({ totalBytes: 16000 * 1024, availableBytes: 12000 * 1024 });
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\n').availableBytes).toBe(35 * 1024);
  });

  it('cpu times', () => {
    expect(parseCpuTimes('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n')).toEqual({ busy: 150, total: 1000 });
    expect(parseCpuTimes('nothing')).toBeNull();
  });

  it('default route: the lowest metric of the 0.0.0.0/0 routes', () => {
    const route = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
      'eno1\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eno1\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
    ].join('\n');
    expect(parseDefaultRoute(route)).toBe('eno1');
    expect(parseDefaultRoute(route.split('\n').slice(0, 1).join('\n'))).toBeNull();
  });

  it('A/B slot from the kernel command line, version from the release file', () => {
    expect(parseSlot('BOOT_IMAGE=/vmlinuz root=LABEL=qx-a quantix.slot=B quiet')).toBe('B');
    expect(parseSlot('quantix.slot=a')).toBe('A');
    expect(parseSlot('quantix.slot=C')).toBeNull();
    expect(parseSlot('root=/dev/sda1')).toBeNull();
    expect(parseRelease('NAME="Quantix"\nVERSION="0.2.0"\n')).toBe('0.2.0');
    expect(parseRelease('0.3.1\n')).toBe('0.3.1');
    expect(parseRelease('')).toBeNull();
  });
});

describe('ProcLocalStatus', () => {
  it('reads this host for real; CPU usage since boot, then since the read before', async () => {
    const local = new ProcLocalStatus();
    const first = await local.snapshot();
    expect(first.hostname).toBe(hostname());
    expect(first.memory.totalBytes).toBeGreaterThan(0);
    expect(first.memory.availableBytes).toBeLessThanOrEqual(first.memory.totalBytes);
    expect(first.uptimeSeconds).toBeGreaterThan(0);
    expect(first.cpu.threads).toBeGreaterThan(0);
    expect(first.nics.some((n) => n.name === 'lo')).toBe(false);
    expect(first.cpu.usage).toBeGreaterThanOrEqual(0);
    await new Promise((r) => setTimeout(r, 60));
    const second = await local.snapshot();
    expect(second.cpu.usage).not.toBeNull();
    expect(second.cpu.usage!).toBeGreaterThanOrEqual(0);
    expect(second.cpu.usage!).toBeLessThanOrEqual(1);
  });

  it('boot info from a proc and a release file; nothing when absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-console-proc-'));
    try {
      await mkdir(join(dir, 'proc'));
      await writeFile(join(dir, 'proc/cmdline'), 'ro quantix.slot=A console=ttyS0\n');
      await writeFile(join(dir, 'release'), 'VERSION=0.1.0\n');
      expect(await new ProcLocalStatus({ proc: join(dir, 'proc'), release: join(dir, 'release') }).bootInfo()).toEqual({ slot: 'A', version: '0.1.0' });
      expect(await new ProcLocalStatus({ proc: join(dir, 'none'), release: join(dir, 'none') }).bootInfo()).toEqual({ slot: null, version: null });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
