import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDomainCapabilities } from './domcaps.ts';

describe('parseDomainCapabilities', () => {
  it('reads machine, vCPU limit, firmware and CPU modes from real output', () => {
    const xml = readFileSync(new URL('./fixtures/domcapabilities-q35-tcg.xml', import.meta.url), 'utf8');
    expect(parseDomainCapabilities(xml)).toEqual({
      machine: 'pc-q35-7.2',
      maxVcpus: 288,
      firmware: ['bios', 'uefi'],
      secureBoot: true,
      cpuModes: ['maximum', 'host-model', 'custom'],
    });
  });

  it('knows a host without OVMF has BIOS only', () => {
    const xml = "<domainCapabilities><machine>pc-q35-8.0</machine><vcpu max='4'/><os supported='yes'><loader supported='no'/></os></domainCapabilities>";
    expect(parseDomainCapabilities(xml)).toMatchObject({ firmware: ['bios'], secureBoot: false, maxVcpus: 4, cpuModes: [] });
  });

  it('refuses output that is not domain capabilities', () => {
    expect(() => parseDomainCapabilities('<capabilities/>')).toThrow();
  });
});
