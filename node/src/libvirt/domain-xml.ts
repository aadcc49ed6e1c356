/**
 * Domain XML: what qx-node writes for a VM (buildDomainXml) and what it reads back from `virsh dumpxml`
 * (parseDomainXml). Generation is plain string building with every value escaped; parsing uses fast-xml-parser and
 * validates the result with zod.
 */
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import type { VmBoot } from '@quantix/lib/api';

export const QX_XMLNS = 'https://quantix.dev/xmlns/vm/1';

export type Accel = 'kvm' | 'tcg';
export type NicType = 'user' | 'bridge' | 'network';

export interface DomainDisk {
  /** Absolute path of a qcow2 image. */
  path: string;
  /** Guest device name on the virtio bus: vda, vdb, … (see diskTarget). */
  target: string;
}

export interface DomainNic {
  type: NicType;
  /** Bridge name for 'bridge', libvirt network name for 'network', null for 'user'. */
  source: string | null;
  mac: string;
}

export interface DomainDefinition {
  uuid: string;
  name: string;
  description: string;
  vcpus: number;
  memoryMiB: number;
  accel: Accel;
  firmware: 'bios' | 'uefi';
  boot: VmBoot;
  disks: DomainDisk[];
  nics: DomainNic[];
  /** File the first serial port is logged to (virtlogd appends; survives guest restarts). */
  serialLogPath: string;
  /** Directory for the guest-agent socket (`<uuid>.qga.sock`); libvirt picks a path when absent. */
  channelDir?: string;
  /**
   * Host page-cache mode for the disks. 'none' (O_DIRECT) is the safe default; use 'writeback' on file systems
   * without O_DIRECT (see supportsDirectIo in pool.ts). Default 'none'.
   */
  diskCache?: 'none' | 'writeback';
  /** Empty PCIe root ports kept for hot-plugging disks and NICs later (q35 has no hot-plug slots otherwise). Default 4. */
  spareRootPorts?: number;
}

/** vda … vdz, vdaa … (the Linux virtio-blk naming scheme) for the index-th disk. */
export function diskTarget(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError('disk index must be a non-negative integer');
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `vd${name}`;
}

// XML 1.0 forbids these code points even as character references.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escape for XML text and single- or double-quoted attributes. Throws on characters XML cannot carry. */
export function xmlEscape(value: string | number): string {
  const s = String(value);
  XML_INVALID.lastIndex = 0;
  if (XML_INVALID.test(s)) throw new Error(`value cannot be written to XML (control character): ${JSON.stringify(s)}`);
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

/** Free text (descriptions) loses the characters XML cannot carry instead of failing. */
export function stripXmlInvalid(s: string): string {
  return s.replace(XML_INVALID, '');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    // Attribute-value normalization would turn raw newlines and tabs into spaces: keep them as references.
    .map(([k, v]) => ` ${k}='${xmlEscape(v as string | number).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')}'`)
    .join('');
}

const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const macRe = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;
const targetRe = /^vd[a-z]+$/;

function check(def: DomainDefinition): void {
  const problems: string[] = [];
  if (!uuidRe.test(def.uuid)) problems.push('uuid is not a UUID');
  if (def.name.length === 0 || def.name.includes('/')) problems.push('name must be non-empty without "/"');
  if (!Number.isInteger(def.vcpus) || def.vcpus < 1) problems.push('vcpus must be a positive integer');
  if (!Number.isInteger(def.memoryMiB) || def.memoryMiB < 1) problems.push('memoryMiB must be a positive integer');
  const targets = new Set<string>();
  for (const d of def.disks) {
    if (!d.path.startsWith('/')) problems.push(`disk path must be absolute: ${d.path}`);
    if (!targetRe.test(d.target)) problems.push(`disk target must be vda, vdb, …: ${d.target}`);
    if (targets.has(d.target)) problems.push(`disk target used twice: ${d.target}`);
    targets.add(d.target);
  }
  for (const n of def.nics) {
    if (!macRe.test(n.mac)) problems.push(`bad MAC address: ${n.mac}`);
    if (n.type !== 'user' && !n.source) problems.push(`a ${n.type} NIC needs a source`);
  }
  if (!def.serialLogPath.startsWith('/')) problems.push('serialLogPath must be absolute');
  if (problems.length > 0) throw new Error(`invalid domain definition: ${problems.join('; ')}`);
}

/** The libvirt domain XML for a Quantix VM. */
export function buildDomainXml(def: DomainDefinition): string {
  check(def);
  const cache = def.diskCache ?? 'none';
  const L: string[] = [];
  const add = (indent: number, line: string) => L.push(`${'  '.repeat(indent)}${line}`);

  add(0, `<domain${attrs({ type: def.accel === 'kvm' ? 'kvm' : 'qemu' })}>`);
  add(1, `<name>${xmlEscape(def.name)}</name>`);
  add(1, `<uuid>${xmlEscape(def.uuid.toLowerCase())}</uuid>`);
  add(1, `<description>${xmlEscape(stripXmlInvalid(def.description))}</description>`);
  add(1, '<metadata>');
  add(2, `<qx:vm xmlns:qx='${QX_XMLNS}'>`);
  add(3, '<qx:managed>true</qx:managed>');
  add(2, '</qx:vm>');
  add(1, '</metadata>');
  add(1, `<memory unit='MiB'>${def.memoryMiB}</memory>`);
  add(1, `<currentMemory unit='MiB'>${def.memoryMiB}</currentMemory>`);
  add(1, `<vcpu placement='static'>${def.vcpus}</vcpu>`);

  add(1, def.firmware === 'uefi' ? `<os firmware='efi'>` : '<os>');
  add(2, `<type arch='x86_64' machine='q35'>hvm</type>`);
  if (def.firmware === 'uefi') {
    // Without this libvirt auto-selects the Secure Boot build with Microsoft keys enrolled (OVMF_CODE_4M.ms.fd),
    // which refuses unsigned boot loaders.
    add(2, '<firmware>');
    add(3, `<feature enabled='no' name='secure-boot'/>`);
    add(3, `<feature enabled='no' name='enrolled-keys'/>`);
    add(2, '</firmware>');
  }
  if (def.boot.from === 'kernel') {
    add(2, `<kernel>${xmlEscape(def.boot.kernel)}</kernel>`);
    if (def.boot.initrd) add(2, `<initrd>${xmlEscape(def.boot.initrd)}</initrd>`);
    if (def.boot.cmdline) add(2, `<cmdline>${xmlEscape(def.boot.cmdline)}</cmdline>`);
  }
  add(1, '</os>');

  // Without <acpi/> libvirt passes -no-acpi and the guest never sees the power button.
  add(1, '<features>');
  add(2, '<acpi/>');
  add(2, '<apic/>');
  add(1, '</features>');
  // KVM: the host CPU as is. TCG: "max" = every feature TCG emulates (x86-64-v2+ guests boot; qemu64 lacks SSE4.2).
  if (def.accel === 'kvm') add(1, `<cpu mode='host-passthrough' check='none' migratable='on'/>`);
  else add(1, `<cpu mode='maximum' check='none' migratable='on'/>`);
  add(1, `<clock offset='utc'>`);
  add(2, `<timer name='rtc' tickpolicy='catchup'/>`);
  add(2, `<timer name='pit' tickpolicy='delay'/>`);
  add(2, `<timer name='hpet' present='no'/>`);
  add(1, '</clock>');
  add(1, '<on_poweroff>destroy</on_poweroff>');
  add(1, '<on_reboot>restart</on_reboot>');
  add(1, '<on_crash>destroy</on_crash>');
  add(1, '<pm>');
  add(2, `<suspend-to-mem enabled='no'/>`);
  add(2, `<suspend-to-disk enabled='no'/>`);
  add(1, '</pm>');

  add(1, '<devices>');
  let order = 1;
  if (def.boot.from === 'cdrom') {
    add(2, `<disk type='file' device='cdrom'>`);
    add(3, `<driver name='qemu' type='raw'/>`);
    add(3, `<source${attrs({ file: def.boot.iso })}/>`);
    add(3, `<target dev='sda' bus='sata'/>`);
    add(3, '<readonly/>');
    add(3, `<boot order='${order++}'/>`);
    add(2, '</disk>');
  }
  def.disks.forEach((d, i) => {
    add(2, `<disk type='file' device='disk'>`);
    add(3, `<driver${attrs({ name: 'qemu', type: 'qcow2', cache, discard: 'unmap' })}/>`);
    add(3, `<source${attrs({ file: d.path })}/>`);
    add(3, `<target${attrs({ dev: d.target, bus: 'virtio' })}/>`);
    if (i === 0 && def.boot.from !== 'kernel') add(3, `<boot order='${order++}'/>`);
    add(2, '</disk>');
  });
  for (const n of def.nics) {
    add(2, `<interface${attrs({ type: n.type })}>`);
    if (n.type === 'bridge') add(3, `<source${attrs({ bridge: n.source ?? '' })}/>`);
    if (n.type === 'network') add(3, `<source${attrs({ network: n.source ?? '' })}/>`);
    add(3, `<mac${attrs({ address: n.mac.toLowerCase() })}/>`);
    add(3, `<model type='virtio'/>`);
    add(2, '</interface>');
  }
  add(2, `<serial type='pty'>`);
  add(3, `<log${attrs({ file: def.serialLogPath, append: 'on' })}/>`);
  add(3, `<target port='0'/>`);
  add(2, '</serial>');
  add(2, `<console type='pty'>`);
  add(3, `<target type='serial' port='0'/>`);
  add(2, '</console>');
  add(2, `<channel type='unix'>`);
  if (def.channelDir) add(3, `<source${attrs({ mode: 'bind', path: `${def.channelDir.replace(/\/+$/, '')}/${def.uuid.toLowerCase()}.qga.sock` })}/>`);
  add(3, `<target type='virtio' name='org.qemu.guest_agent.0'/>`);
  add(2, '</channel>');
  add(2, `<controller type='usb' model='qemu-xhci'/>`);
  add(2, `<input type='tablet' bus='usb'/>`);
  add(2, `<graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'>`);
  add(3, `<listen type='address' address='127.0.0.1'/>`);
  add(2, '</graphics>');
  add(2, '<video>');
  add(3, `<model type='vga' vram='16384' heads='1' primary='yes'/>`);
  add(2, '</video>');
  add(2, `<memballoon model='virtio'/>`);
  add(2, `<rng model='virtio'>`);
  add(3, `<backend model='random'>/dev/urandom</backend>`);
  add(2, '</rng>');
  // libvirt puts each PCIe device on a free root port first and adds ports only when none is left, so leaving
  // `spare` ports free means declaring one per device too: every virtio disk and NIC plus the xHCI controller, the
  // virtio-serial controller (guest agent), the balloon and the RNG. Index 0 must be the pcie-root itself.
  const spare = def.spareRootPorts ?? 4;
  if (spare > 0) {
    const ports = def.disks.length + def.nics.length + 4 + spare;
    add(2, `<controller type='pci' index='0' model='pcie-root'/>`);
    for (let i = 0; i < ports; i++) add(2, `<controller type='pci' model='pcie-root-port'/>`);
  }
  add(1, '</devices>');
  add(0, '</domain>');
  return `${L.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing `virsh dumpxml`

export const parsedDisk = z.object({
  device: z.enum(['disk', 'cdrom', 'floppy', 'lun']),
  target: z.string().min(1),
  bus: z.string().nullable(),
  /** File path (type='file'), device path (type='block'), or null for network / empty drives. */
  path: z.string().nullable(),
  format: z.string().nullable(),
  readonly: z.boolean(),
});
export type ParsedDisk = z.infer<typeof parsedDisk>;

export const parsedNic = z.object({
  /** libvirt's interface type: 'user' | 'bridge' | 'network' | 'direct' | 'ethernet' | … */
  type: z.string(),
  /** Bridge or network name (for 'direct' the host device); null for 'user'. */
  source: z.string().nullable(),
  mac: z.string().nullable(),
  model: z.string().nullable(),
  /** Host-side tap device while running. */
  hostDevice: z.string().nullable(),
});
export type ParsedNic = z.infer<typeof parsedNic>;

export const parsedBoot = z.discriminatedUnion('from', [
  z.object({ from: z.literal('disk') }),
  z.object({ from: z.literal('cdrom'), iso: z.string() }),
  z.object({
    from: z.literal('kernel'),
    kernel: z.string(),
    initrd: z.string().optional(),
    cmdline: z.string().optional(),
  }),
]);

export const parsedDomain = z.object({
  uuid: z.string().regex(uuidRe),
  name: z.string().min(1),
  /** libvirt domain type: 'qemu' (TCG), 'kvm', … */
  type: z.string(),
  accel: z.enum(['kvm', 'tcg']).nullable(),
  /** Domain id while running, null when shut off. */
  id: z.number().int().nullable(),
  description: z.string(),
  vcpus: z.number().int().positive(),
  memoryMiB: z.number().int().positive(),
  firmware: z.enum(['bios', 'uefi']),
  boot: parsedBoot,
  disks: z.array(parsedDisk),
  nics: z.array(parsedNic),
  vnc: z
    .object({
      /** -1 while the domain is not running (autoport). */
      port: z.number().int(),
      listen: z.string().nullable(),
    })
    .nullable(),
  /** Host pty of serial port 0 while running, else null. */
  serialPty: z.string().nullable(),
  serialLogPath: z.string().nullable(),
  guestAgentSocket: z.string().nullable(),
  /** Carries our <qx:managed>true</qx:managed> metadata. */
  managed: z.boolean(),
});
export type ParsedDomain = z.infer<typeof parsedDomain>;

const ARRAYS = new Set(['disk', 'interface', 'serial', 'console', 'channel', 'graphics', 'listen', 'boot', 'controller']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  htmlEntities: true,
  ignoreDeclaration: true,
  isArray: (name, _jpath, _leaf, isAttribute) => !isAttribute && ARRAYS.has(name),
});

type Node = Record<string, unknown>;

function obj(v: unknown): Node | undefined {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Node;
  if (v === '') return {}; // <empty/>
  return undefined;
}
function list(v: unknown): Node[] {
  const a = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return a.map((x) => obj(x) ?? (typeof x === 'string' ? { '#text': x } : {}));
}
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const o = obj(v);
  const t = o?.['#text'];
  return typeof t === 'string' ? t : undefined;
}
function attr(v: unknown, name: string): string | undefined {
  const a = obj(v)?.[`@_${name}`];
  return typeof a === 'string' ? a : undefined;
}

const UNIT: Record<string, number> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

function memoryMiB(v: unknown): number {
  const n = Number((text(v) ?? '').trim());
  const unit = (attr(v, 'unit') ?? 'KiB').toLowerCase();
  const mult = UNIT[unit];
  if (!Number.isFinite(n) || mult === undefined) return Number.NaN;
  return Math.round((n * mult) / 1024 ** 2);
}

function isManaged(metadata: Node | undefined): boolean {
  if (!metadata) return false;
  for (const [key, value] of Object.entries(metadata)) {
    const el = obj(value);
    if (!el || key.startsWith('@_') || key === '#text') continue;
    // The prefix is whatever the writer chose; match on the namespace URI.
    const prefix = key.includes(':') ? key.slice(0, key.indexOf(':')) : '';
    const ns = prefix ? attr(el, `xmlns:${prefix}`) : attr(el, 'xmlns');
    if (ns !== QX_XMLNS) continue;
    const managed = text(el[prefix ? `${prefix}:managed` : 'managed']);
    if (managed?.trim() === 'true') return true;
  }
  return false;
}

function diskPath(d: Node): string | null {
  const source = obj(d.source);
  if (!source) return null;
  return attr(source, 'file') ?? attr(source, 'dev') ?? attr(source, 'volume') ?? attr(source, 'name') ?? null;
}

/** Parse and validate `virsh dumpxml` output (live or inactive). Throws on XML that is not a usable domain. */
export function parseDomainXml(xml: string): ParsedDomain {
  const doc = parser.parse(xml) as Node;
  const dom = obj(doc.domain);
  if (!dom) throw new Error('not a libvirt domain XML document');
  const os = obj(dom.os) ?? {};
  const devices = obj(dom.devices) ?? {};
  const type = attr(dom, 'type') ?? '';
  const idAttr = attr(dom, 'id');

  const disks = list(devices.disk).map((d) => ({
    device: attr(d, 'device') ?? 'disk',
    target: attr(obj(d.target), 'dev') ?? '',
    bus: attr(obj(d.target), 'bus') ?? null,
    path: diskPath(d),
    format: attr(obj(d.driver), 'type') ?? null,
    readonly: obj(d.readonly) !== undefined,
  }));

  const nics = list(devices.interface).map((n) => {
    const source = obj(n.source);
    const t = attr(n, 'type') ?? '';
    return {
      type: t,
      source: (source && (attr(source, 'bridge') ?? attr(source, 'network') ?? attr(source, 'dev'))) ?? null,
      mac: attr(obj(n.mac), 'address')?.toLowerCase() ?? null,
      model: attr(obj(n.model), 'type') ?? null,
      hostDevice: attr(obj(n.target), 'dev') ?? null,
    };
  });

  const vncEl = list(devices.graphics).find((g) => attr(g, 'type') === 'vnc');
  const vnc = vncEl
    ? {
        port: Number(attr(vncEl, 'port') ?? '-1'),
        listen: attr(vncEl, 'listen') ?? attr(list(vncEl.listen)[0], 'address') ?? null,
      }
    : null;

  const serial0 =
    list(devices.serial).find((s) => (attr(obj(s.target), 'port') ?? '0') === '0') ?? list(devices.serial)[0];
  const serialPty =
    serial0 && attr(serial0, 'type') === 'pty' ? (attr(obj(serial0.source), 'path') ?? attr(serial0, 'tty') ?? null) : null;
  const qga = list(devices.channel).find((c) => attr(obj(c.target), 'name') === 'org.qemu.guest_agent.0');

  const loader = obj(os.loader);
  const firmware =
    attr(os, 'firmware') === 'efi' || (loader !== undefined && attr(loader, 'type') === 'pflash') ? 'uefi' : 'bios';

  const kernel = text(os.kernel);
  const cdrom = disks.find((d) => d.device === 'cdrom');
  const hasBootOrder = (d: Node) => list(d.boot).some((b) => attr(b, 'order') === '1');
  const cdromFirst = list(devices.disk).some((d) => attr(d, 'device') === 'cdrom' && hasBootOrder(d));
  const osBootCdrom = list(os.boot).map((b) => attr(b, 'dev'))[0] === 'cdrom';
  let boot: z.infer<typeof parsedBoot>;
  if (kernel) {
    const initrd = text(os.initrd);
    const cmdline = text(os.cmdline);
    boot = { from: 'kernel', kernel, ...(initrd ? { initrd } : {}), ...(cmdline ? { cmdline } : {}) };
  } else if (cdrom?.path && (cdromFirst || osBootCdrom)) {
    boot = { from: 'cdrom', iso: cdrom.path };
  } else {
    boot = { from: 'disk' };
  }

  const candidate = {
    uuid: (text(dom.uuid) ?? '').trim().toLowerCase(),
    name: text(dom.name) ?? '',
    type,
    accel: type === 'kvm' ? 'kvm' : type === 'qemu' ? 'tcg' : null,
    id: idAttr === undefined ? null : Number(idAttr),
    description: text(dom.description) ?? '',
    vcpus: Number((text(dom.vcpu) ?? '').trim()),
    memoryMiB: memoryMiB(dom.memory),
    firmware,
    boot,
    disks,
    nics,
    vnc,
    serialPty,
    serialLogPath: (serial0 && attr(obj(serial0.log), 'file')) ?? null,
    guestAgentSocket: (qga && attr(obj(qga.source), 'path')) ?? null,
    managed: isManaged(obj(dom.metadata)),
  };
  return parsedDomain.parse(candidate);
}
