import { describe, expect, it } from 'vitest';
import { parseCpuinfo, parseMeminfo } from './proc-readers.ts';

const cpu = (n: number, phys: number, core: number) => `processor\t: ${n}
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz
cpu MHz\t\t: 2095.078
physical id\t: ${phys}
core id\t\t: ${core}
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic vmx ssse3`;

describe('proc readers', () => {
  it('counts sockets, cores and threads from the topology', () => {
    const text = [cpu(0, 0, 0), cpu(1, 0, 0), cpu(2, 0, 1), cpu(3, 0, 1), cpu(4, 1, 0), cpu(5, 1, 0), cpu(6, 1, 1), cpu(7, 1, 1)].join('\n\n');
    expect(parseCpuinfo(text)).toEqual({
      model: 'Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz',
      vendor: 'GenuineIntel',
      sockets: 2,
      cores: 4,
      threads: 8,
      mhz: 2095,
      virtualizationFlags: true,
    });
  });

  it('copes with a VM that hides the topology and virtualization flags', () => {
    const text = 'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2\n';
    expect(parseCpuinfo(text)).toMatchObject({ sockets: 1, cores: 2, threads: 2, mhz: 0, virtualizationFlags: false });
  });

  it('reads total and available memory', () => {
    expect(parseMeminfo('MemTotal:       24684092 kB\nMemFree:        20000000 kB\nMemAvailable:   24207372 kB\n')).toEqual({
      totalBytes: 24684092 * 1024,
      availableBytes: 24207372 * 1024,
    });
  });
});
