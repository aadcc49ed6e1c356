import { EventEmitter } from 'node:events';
import type { VmState } from '@quantix/lib/api';
import type { DomainStatus, LiveConsole, VmBackend } from './backend.ts';

export interface StateChange {
  uuid: string;
  name: string;
  state: VmState;
  previous: VmState | null;
  reason: string;
}

/**
 * libvirt's runtime state of every domain, kept current by libvirt's own event stream so that
 * reading a list of VMs costs no virsh call. emits 'change' with a StateChange.
 */
export class VmStates extends EventEmitter {
  private readonly byUuid = new Map<string, DomainStatus>();
  private readonly consoles = new Map<string, LiveConsole>();
  private refreshing: Promise<void> | null = null;

  constructor(private readonly backend: VmBackend) {
    super();
  }

  get(uuid: string): DomainStatus | undefined {
    return this.byUuid.get(uuid);
  }

  console(uuid: string): LiveConsole | undefined {
    return this.consoles.get(uuid);
  }

  all(): DomainStatus[] {
    return [...this.byUuid.values()];
  }

  /** A state that a libvirt event announced, taken without asking libvirt again. */
  async announce(uuid: string, name: string, state: VmState, reason: string): Promise<void> {
    await this.apply(uuid, { uuid, name, state, reason });
  }

  announceGone(uuid: string): void {
    void this.apply(uuid, null);
  }

  uuidOfName(name: string): string | undefined {
    for (const s of this.byUuid.values()) if (s.name === name) return s.uuid;
    return undefined;
  }

  /** Re-read every domain (at start and whenever the event stream was interrupted). */
  refreshAll(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const domains = await this.backend.listDomains();
        const seen = new Set<string>();
        for (const d of domains) {
          seen.add(d.uuid);
          await this.apply(d.uuid, d);
        }
        for (const uuid of [...this.byUuid.keys()]) if (!seen.has(uuid)) await this.apply(uuid, null);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Re-read one domain, e.g. after libvirt reported an event for it or after we acted on it. */
  async refresh(uuid: string): Promise<DomainStatus | null> {
    const status = await this.backend.domainStatus(uuid);
    await this.apply(uuid, status);
    return status;
  }

  forget(uuid: string): void {
    this.byUuid.delete(uuid);
    this.consoles.delete(uuid);
  }

  private async apply(uuid: string, status: DomainStatus | null): Promise<void> {
    const before = this.byUuid.get(uuid);
    if (status) this.byUuid.set(uuid, status);
    else this.byUuid.delete(uuid);
    const live = status && (status.state === 'running' || status.state === 'paused');
    if (live && (!this.consoles.has(uuid) || before?.state !== status.state)) {
      this.consoles.set(uuid, await this.backend.liveConsole(uuid).catch(() => ({ vncPort: null, serialPty: null })));
    } else if (!live) {
      this.consoles.delete(uuid);
    }
    const state: VmState = status?.state ?? 'missing';
    if (before?.state !== state || before?.reason !== status?.reason) {
      const change: StateChange = {
        uuid,
        name: status?.name ?? before?.name ?? '',
        state,
        previous: before?.state ?? null,
        reason: status?.reason ?? 'domain is gone',
      };
      this.emit('change', change);
    }
  }

  /** Resolves once the domain's state satisfies the predicate; polls gently as a safety net. */
  waitFor(uuid: string, predicate: (state: VmState) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const check = () => predicate(this.byUuid.get(uuid)?.state ?? 'missing');
      if (check()) return resolve(true);
      const done = (value: boolean | Error) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.off('change', onChange);
        signal?.removeEventListener('abort', onAbort);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      const onChange = (c: StateChange) => c.uuid === uuid && check() && done(true);
      const onAbort = () => done(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(() => done(false), timeoutMs);
      const poll = setInterval(() => void this.refresh(uuid).catch(() => undefined), 2000);
      this.on('change', onChange);
      signal?.addEventListener('abort', onAbort);
    });
  }
}
