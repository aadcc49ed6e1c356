import { managementNetwork, type ManagementNetwork } from '../api/network.ts';

/** The management network as a form the terminal UIs edit: the console's network screen and the installer's. */

export const FIELDS = ['nic', 'mode', 'address', 'gateway', 'vlan', 'dns', 'hostname'] as const;
export type FieldId = (typeof FIELDS)[number];
export type TextField = Exclude<FieldId, 'nic' | 'mode'>;

export interface NetworkForm {
  nic: string;
  mode: 'dhcp' | 'static';
  address: string;
  gateway: string;
  vlan: string;
  dns: string;
  hostname: string;
}

/** What is wrong with a field: a few words beside it, the whole sentence under the form. */
export interface FieldProblem {
  short: string;
  full: string;
}

export type FormProblems = Partial<Record<FieldId, FieldProblem>>;

export const blankForm: NetworkForm = { nic: '', mode: 'dhcp', address: '', gateway: '', vlan: '', dns: '', hostname: '' };

/** Characters a text field takes, and its length. A hostname may be a whole FQDN. */
const accepts: Record<TextField, { chars: RegExp; max: number }> = {
  address: { chars: /^[0-9./]$/, max: 18 },
  gateway: { chars: /^[0-9.]$/, max: 15 },
  vlan: { chars: /^[0-9]$/, max: 4 },
  dns: { chars: /^[0-9., ]$/, max: 50 },
  hostname: { chars: /^[A-Za-z0-9.-]$/, max: 253 },
};

export const isTextField = (f: FieldId): f is TextField => f !== 'nic' && f !== 'mode';

/** Whether `char` may be typed at the end of `value` in a text field. */
export function acceptsChar(field: TextField, char: string, value: string): boolean {
  const rule = accepts[field];
  return rule.chars.test(char) && value.length < rule.max;
}

/** Fields the cursor visits: DHCP brings address and gateway itself. */
export function visibleFields(form: NetworkForm): FieldId[] {
  return FIELDS.filter((f) => form.mode === 'static' || (f !== 'address' && f !== 'gateway'));
}

export function formFromConfig(c: ManagementNetwork): NetworkForm {
  return {
    nic: c.nic,
    mode: c.mode,
    address: c.address ?? '',
    gateway: c.gateway ?? '',
    vlan: c.vlan === null ? '' : String(c.vlan),
    dns: c.dns.join(', '),
    hostname: c.hostname,
  };
}

/** The form as the API's configuration, or what is wrong with it (checked with the API's own schema). */
export function parseForm(form: NetworkForm): { config: ManagementNetwork | null; problems: FormProblems } {
  const problems: FormProblems = {};
  const vlanText = form.vlan.trim();
  let vlan: number | null = null;
  if (vlanText !== '') {
    if (/^\d+$/.test(vlanText)) vlan = Number(vlanText);
    else problems.vlan = describeIssue('vlan', '', 'invalid_type', undefined);
  }
  const staticMode = form.mode === 'static';
  const candidate = {
    nic: form.nic,
    mode: form.mode,
    address: staticMode && form.address.trim() !== '' ? form.address.trim() : null,
    gateway: staticMode && form.gateway.trim() !== '' ? form.gateway.trim() : null,
    vlan,
    dns: form.dns.split(/[\s,]+/).filter(Boolean),
    hostname: form.hostname.trim(),
  };
  const parsed = managementNetwork.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field !== 'string' || !(FIELDS as readonly string[]).includes(field)) continue;
      const f = field as FieldId;
      problems[f] ??= describeIssue(f, issue.message, issue.code, issue.path[1]);
    }
  }
  if (Object.keys(problems).length > 0 || !parsed.success) return { config: null, problems };
  return { config: parsed.data, problems };
}

// A short text fits in 23 columns: what the installer has beside a field on an 80-column terminal.
function describeIssue(field: FieldId, message: string, code: string, index: PropertyKey | undefined): FieldProblem {
  switch (field) {
    case 'nic':
      return { short: 'choose a NIC', full: 'NIC: choose the network interface to manage this host through.' };
    case 'mode':
      return { short: 'DHCP or static', full: 'Mode: DHCP or static.' };
    case 'address':
      if (/needs an address/.test(message)) return { short: 'needed for static', full: 'Address: a static configuration needs an address, like 192.168.1.10/24.' };
      return { short: 'like 10.0.0.5/24', full: `Address: ${message}.` };
    case 'gateway':
      return { short: 'an IPv4 address', full: `Gateway: ${message}, or empty for none.` };
    case 'vlan':
      return { short: '1-4094, or empty', full: 'VLAN: a VLAN ID from 1 to 4094, or empty for none.' };
    case 'dns':
      if (code === 'too_big') return { short: 'at most 3 servers', full: 'DNS: at most 3 DNS servers, separated by commas.' };
      return {
        short: `server ${typeof index === 'number' ? index + 1 : ''} is not IPv4`.replace('  ', ' '),
        full: `DNS${typeof index === 'number' ? ` server ${index + 1}` : ''}: ${message}; servers are separated by commas.`,
      };
    case 'hostname':
      if (code === 'too_small') return { short: 'needed', full: 'Hostname: this host needs a name, like node1 or node1.example.com.' };
      return { short: 'like node1.example.com', full: `Hostname: ${message}.` };
  }
}
