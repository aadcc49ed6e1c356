import type { Vm, VmState } from '@quantix/lib/api';
import type { VmRecord } from '../node-store.ts';
import type { LiveConsole } from './backend.ts';

/** The API's view of a VM: desired configuration from the store joined with libvirt's runtime state. */
export function toApiVm(record: VmRecord, state: VmState, live: LiveConsole | undefined, accel: 'kvm' | 'tcg'): Vm {
  const running = state === 'running' || state === 'paused' || state === 'shuttingDown';
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    state,
    vcpus: record.vcpus,
    memoryMiB: record.memoryMiB,
    firmware: record.firmware,
    boot: record.boot,
    disks: record.disks.map((d) => ({ target: d.target, path: d.path, format: 'qcow2' as const, sizeGiB: d.sizeGiB })),
    nics: record.nics.map((n) => ({ ...n })),
    autostart: record.autostart,
    accel,
    pendingRestart: running && record.pendingRestart,
    console: {
      vnc: running && live?.vncPort ? { host: '127.0.0.1', port: live.vncPort } : null,
      serialPty: running ? (live?.serialPty ?? null) : null,
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
