import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { detectAccel } from '../libvirt/accel.ts';
import { buildDomainXml, parseDomainXml } from '../libvirt/domain-xml.ts';
import { getDomainCapabilities } from '../libvirt/domcaps.ts';
import { DomainEventStream, lifecycleToVmState } from '../libvirt/events.ts';
import { ensurePool, type StoragePool } from '../libvirt/pool.ts';
import { listDomains, parseDomstate, toVmState } from '../libvirt/state.ts';
import { getVersions } from '../libvirt/versions.ts';
import { Virsh, isVirshError, toApiError } from '../libvirt/virsh.ts';
import type { DomainAction, DomainSpec, DomainStatus, LiveConsole, NewDisk, VmBackend } from './backend.ts';

export interface LibvirtBackendOptions {
  uri: string;
  poolName: string;
  poolDir: string;
  log: (line: string) => void;
}

const actionArgs: Record<DomainAction, string[]> = {
  start: ['start'],
  destroy: ['destroy'],
  // No --mode: libvirt uses the guest agent when it answers, ACPI otherwise.
  shutdown: ['shutdown'],
  reboot: ['reboot'],
  reset: ['reset'],
  suspend: ['suspend'],
  resume: ['resume'],
};

/** Every call goes through virsh; libvirt errors become API errors with the reason libvirt gave. */
async function hv<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw isVirshError(err) ? toApiError(err) : err;
  }
}

/** The real hypervisor: libvirtd + QEMU through virsh, a directory storage pool, libvirt's event stream. */
export class LibvirtBackend implements VmBackend {
  readonly events = new EventEmitter();

  private constructor(
    private readonly virsh: Virsh,
    private readonly storage: StoragePool,
    private readonly stream: DomainEventStream,
    readonly accel: 'kvm' | 'tcg',
    readonly accelReason: string,
  ) {}

  static async open(o: LibvirtBackendOptions): Promise<LibvirtBackend> {
    const virsh = new Virsh({ uri: o.uri });
    const [accel, storage] = await Promise.all([detectAccel({ virsh }), hv(ensurePool(virsh, { name: o.poolName, path: o.poolDir }))]);
    const stream = new DomainEventStream({ uri: o.uri });
    const backend = new LibvirtBackend(virsh, storage, stream, accel.accel, accel.reason);
    let firstConnect = true;
    stream.on('event', (e) => {
      const type = e.lifecycle?.type;
      const state = type === 'Undefined' ? 'gone' : type === 'Defined' ? 'defined' : type ? lifecycleToVmState(type) : null;
      backend.events.emit('domain', e.domain, state, e.lifecycle?.detail ?? e.detail);
    });
    stream.on('connected', () => {
      if (!firstConnect) backend.events.emit('resync');
      firstConnect = false;
    });
    stream.on('disconnected', (d) => o.log(`libvirt event stream lost (${d.stderr.trim() || `exit ${d.code}`}); reconnecting`));
    stream.on('error', (err) => o.log(`libvirt event stream: ${err.message}`));
    stream.start();
    return backend;
  }

  async listDomains(): Promise<DomainStatus[]> {
    const domains = await hv(listDomains(this.virsh));
    return domains.map((d) => ({ uuid: d.uuid, name: d.name, state: d.vmState, reason: d.reason ?? '' }));
  }

  async domainStatus(uuid: string): Promise<DomainStatus | null> {
    try {
      const [name = '', stateText = ''] = await this.virsh.runBatch([
        ['domname', '--domain', uuid],
        ['domstate', '--domain', uuid, '--reason'],
      ]);
      const state = parseDomstate(stateText);
      return { uuid, name: name.trim(), state: toVmState(state), reason: state.reason ?? '' };
    } catch (err) {
      if (isVirshError(err) && err.kind === 'not-found') return null;
      throw isVirshError(err) ? toApiError(err) : err;
    }
  }

  async liveConsole(uuid: string): Promise<LiveConsole> {
    const parsed = parseDomainXml(await hv(this.virsh.run(['dumpxml', '--domain', uuid])));
    const port = parsed.vnc?.port ?? null;
    return { vncPort: port !== null && port > 0 ? port : null, serialPty: parsed.serialPty };
  }

  async define(spec: DomainSpec, options: { start?: boolean } = {}): Promise<void> {
    const xml = buildDomainXml({ ...spec, accel: this.accel });
    // virsh cannot read /dev/stdin from a Node pipe (a socketpair), so the XML goes through a private temp file.
    const dir = await mkdtemp(join(tmpdir(), 'qx-define-'));
    try {
      const file = join(dir, 'domain.xml');
      await writeFile(file, xml, { mode: 0o600 });
      const define = ['define', '--file', file];
      if (options.start) await hv(this.virsh.runBatch([define, ['start', '--domain', spec.uuid]], { timeoutMs: 120_000 }));
      else await hv(this.virsh.run(define));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async undefine(uuid: string): Promise<void> {
    await hv(this.virsh.run(['undefine', '--domain', uuid, '--nvram', '--managed-save', '--snapshots-metadata']));
  }

  async rename(uuid: string, name: string): Promise<void> {
    await hv(this.virsh.run(['domrename', '--domain', uuid, '--new-name', name]));
  }

  async act(uuid: string, action: DomainAction): Promise<void> {
    await hv(this.virsh.run([...actionArgs[action], '--domain', uuid], { timeoutMs: 120_000 }));
  }

  async setAutostart(uuid: string, on: boolean): Promise<void> {
    await hv(this.virsh.run(['autostart', '--domain', uuid, ...(on ? [] : ['--disable'])]));
  }

  async createDisk(disk: NewDisk, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<{ sizeGiB: number }> {
    const made = await hv(
      this.storage.createVolume(
        { name: basename(disk.path), sizeGiB: disk.sizeGiB, sourceImage: disk.sourceImage },
        { onProgress: (percent) => onProgress(percent / 100), signal },
      ),
    );
    return { sizeGiB: made.sizeGiB };
  }

  async deleteDisk(path: string): Promise<void> {
    await hv(this.storage.deleteVolume(path));
  }

  async pool() {
    const info = await hv(this.storage.info());
    return { name: this.storage.name, path: this.storage.path, capacityBytes: info.capacityBytes ?? 0, availableBytes: info.availableBytes ?? 0 };
  }

  async versions() {
    const v = await hv(getVersions(this.virsh));
    return { libvirt: v.libvirtDaemonVersion ?? v.libvirtVersion, qemu: v.qemuVersion ?? 'unknown' };
  }

  async capabilities() {
    return hv(getDomainCapabilities(this.virsh, this.accel));
  }

  close(): void {
    void this.stream.stop();
  }
}
