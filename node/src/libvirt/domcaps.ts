import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { Virsh } from './virsh.ts';

export interface HypervisorCapabilities {
  /** The exact machine type q35 resolves to, e.g. "pc-q35-7.2". */
  machine: string;
  maxVcpus: number;
  firmware: ('bios' | 'uefi')[];
  secureBoot: boolean;
  cpuModes: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['enum', 'value', 'mode'].includes(name),
});

const enumList = z.array(z.object({ '@_name': z.string(), value: z.array(z.string()).optional() })).optional();
const domcaps = z.object({
  domainCapabilities: z.object({
    machine: z.string(),
    vcpu: z.object({ '@_max': z.coerce.number().int() }),
    os: z
      .object({ enum: enumList, loader: z.object({ '@_supported': z.string(), enum: enumList }).optional() })
      .optional(),
    cpu: z.object({ mode: z.array(z.object({ '@_name': z.string(), '@_supported': z.string() })) }).optional(),
  }),
});

const values = (list: z.infer<typeof enumList>, name: string) => list?.find((e) => e['@_name'] === name)?.value ?? [];

/** What `virsh domcapabilities` says a q35 guest can have on this host. */
export function parseDomainCapabilities(xml: string): HypervisorCapabilities {
  const caps = domcaps.parse(parser.parse(xml)).domainCapabilities;
  const uefi = values(caps.os?.enum, 'firmware').includes('efi') || caps.os?.loader?.['@_supported'] === 'yes';
  return {
    machine: caps.machine,
    maxVcpus: caps.vcpu['@_max'],
    firmware: uefi ? ['bios', 'uefi'] : ['bios'],
    secureBoot: values(caps.os?.loader?.enum, 'secure').includes('yes'),
    cpuModes: (caps.cpu?.mode ?? []).filter((m) => m['@_supported'] === 'yes').map((m) => m['@_name']),
  };
}

export async function getDomainCapabilities(virsh: Virsh, accel: 'kvm' | 'tcg'): Promise<HypervisorCapabilities> {
  const xml = await virsh.run(['domcapabilities', '--virttype', accel === 'kvm' ? 'kvm' : 'qemu', '--arch', 'x86_64', '--machine', 'q35']);
  return parseDomainCapabilities(xml);
}
