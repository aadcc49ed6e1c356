import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Vm, VmState } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import type { EventBus } from '@quantix/lib/events';
import type { JobManager } from '@quantix/lib/jobs';
import type { NodeStore, VmRecord } from '../node-store.ts';
import type { DomainEventMeaning, DomainSpec, VmBackend } from './backend.ts';
import { toApiVm } from './vm-view.ts';
import { VmStates, type StateChange } from './vm-states.ts';

export interface VmServiceOptions {
  store: NodeStore;
  backend: VmBackend;
  jobs: JobManager;
  bus: EventBus;
  poolDir: string;
  logDir: string;
  log: (line: string) => void;
}

/** Shared state and helpers for the VM verbs (vm-create.ts, vm-delete.ts, vm-power.ts, vm-update.ts). */
export class VmService {
  readonly states: VmStates;
  /** VM id → what is being done to it; one operation at a time per VM. */
  private readonly busy = new Map<string, string>();

  constructor(readonly o: VmServiceOptions) {
    this.states = new VmStates(o.backend);
    this.states.on('change', (c: StateChange) => this.onStateChange(c));
    o.backend.events.on('domain', (name: string, meaning: DomainEventMeaning, reason: string) => {
      const record = this.o.store.read().vms.find((v) => v.name === name);
      const uuid = this.states.uuidOfName(name) ?? record?.id;
      const fail = (err: unknown) => this.o.log(`state refresh of ${name} failed: ${err}`);
      // A domain we have not seen (defined behind our back) means the whole list is stale.
      if (!uuid) return void this.states.refreshAll().catch(fail);
      if (meaning === 'defined') {
        // A new definition is powered off; a redefinition leaves the state as it was.
        if (!this.states.get(uuid)) void this.states.announce(uuid, name, 'stopped', 'defined').catch(fail);
        return;
      }
      if (meaning === 'gone') return this.states.announceGone(uuid);
      if (meaning) return void this.states.announce(uuid, name, meaning, reason).catch(fail);
      void this.states.refresh(uuid).catch(fail);
    });
    o.backend.events.on('resync', () => void this.states.refreshAll().catch((err) => this.o.log(`resync failed: ${err}`)));
  }

  records(): VmRecord[] {
    return this.o.store.read().vms;
  }

  record(id: string): VmRecord {
    const record = this.records().find((v) => v.id === id);
    if (!record) throw new ApiError('VM_NOT_FOUND', `There is no VM with id ${id} on this host.`);
    return record;
  }

  stateOf(record: VmRecord): VmState {
    if (record.status === 'creating') return 'creating';
    if (record.status === 'deleting') return 'deleting';
    const state = this.states.get(record.id)?.state ?? 'missing';
    if (state === 'running' && this.busy.get(record.id) === 'shutdown') return 'shuttingDown';
    return state;
  }

  view(record: VmRecord): Vm {
    return toApiVm(record, this.stateOf(record), this.states.console(record.id), this.o.backend.accel);
  }

  list(): Vm[] {
    return this.records().map((r) => this.view(r));
  }

  get(id: string): Vm {
    return this.view(this.record(id));
  }

  /** Marks the VM busy for the duration of an operation, refusing a second one. */
  claim(record: VmRecord, what: string): () => void {
    const current = this.busy.get(record.id);
    if (current) throw new ApiError('VM_BUSY', `VM '${record.name}' is busy (${current}); wait for that job to finish.`, { operation: current });
    this.busy.set(record.id, what);
    return () => this.busy.delete(record.id);
  }

  isBusy(id: string): boolean {
    return this.busy.has(id);
  }

  async saveRecord(id: string, change: (r: VmRecord) => void): Promise<VmRecord> {
    return this.o.store.update((doc) => {
      const r = doc.vms.find((v) => v.id === id);
      if (!r) throw new ApiError('VM_NOT_FOUND');
      change(r);
      r.updatedAt = new Date().toISOString();
      return structuredClone(r);
    });
  }

  domainSpec(record: VmRecord): DomainSpec {
    return {
      uuid: record.id,
      name: record.name,
      description: record.description,
      vcpus: record.vcpus,
      memoryMiB: record.memoryMiB,
      firmware: record.firmware,
      boot: record.boot,
      disks: record.disks.map((d) => ({ path: d.path, target: d.target })),
      nics: record.nics,
      serialLogPath: this.serialLogPath(record.id),
    };
  }

  serialLogPath(id: string): string {
    return join(this.o.logDir, `${id}.serial.log`);
  }

  diskPath(id: string, index: number): string {
    return join(this.o.poolDir, `vm-${id}-disk${index}.qcow2`);
  }

  publishUpdated(id: string): void {
    const record = this.records().find((v) => v.id === id);
    if (record) this.o.bus.publish('vm.updated', this.view(record));
  }

  private onStateChange(change: StateChange): void {
    const record = this.records().find((v) => v.id === change.uuid);
    // While a VM is being created or deleted its API state is just that; libvirt's steps are not news.
    if (!record || record.status !== 'ready') return;
    if (change.state === 'stopped' && record.pendingRestart) {
      void this.saveRecord(record.id, (r) => void (r.pendingRestart = false)).catch(() => undefined);
    }
    this.publishState(record, change.previous, change.reason);
  }

  publishState(record: VmRecord, previous: VmState | null, reason: string): void {
    this.o.bus.publish('vm.state', { id: record.id, name: record.name, state: this.stateOf(record), previous, reason });
  }

  /**
   * At start: learn every domain's state, then finish what a killed daemon left half-done —
   * a VM still "creating" is rolled back, one still "deleting" is deleted.
   */
  async reconcile(): Promise<void> {
    await this.states.refreshAll();
    for (const record of this.records()) {
      if (record.status === 'creating') {
        this.o.log(`rolling back VM '${record.name}': its creation was interrupted`);
        await this.removeEverything(record);
      } else if (record.status === 'deleting') {
        this.o.log(`finishing the deletion of VM '${record.name}'`);
        await this.removeEverything(record);
      }
    }
  }

  /** Destroy and undefine the domain, delete the disks and forget the record. Safe to repeat. */
  async removeEverything(record: VmRecord): Promise<void> {
    const { backend } = this.o;
    const status = await backend.domainStatus(record.id);
    if (status && status.state !== 'stopped') await backend.act(record.id, 'destroy').catch(() => undefined);
    if (status) await backend.undefine(record.id);
    for (const disk of record.disks) await backend.deleteDisk(disk.path);
    await rm(this.serialLogPath(record.id), { force: true });
    await this.o.store.update((doc) => void (doc.vms = doc.vms.filter((v) => v.id !== record.id)));
    this.states.forget(record.id);
  }
}
