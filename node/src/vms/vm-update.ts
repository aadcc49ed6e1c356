import type { Vm, VmPatch } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import { assertNameFree } from './vm-create.ts';
import type { VmService } from './vm-service.ts';

const hardware = ['vcpus', 'memoryMiB', 'firmware', 'boot'] as const;

/**
 * Saves the new configuration and redefines the libvirt domain. A running VM keeps its live
 * hardware until it is next powered on (pendingRestart). Renaming needs the VM powered off,
 * because the libvirt domain carries the name.
 */
export async function updateVm(service: VmService, id: string, patch: VmPatch): Promise<Vm> {
  const record = service.record(id);
  if (record.status !== 'ready') throw new ApiError('VM_BUSY', `VM '${record.name}' is ${service.stateOf(record)}; wait for its job.`);
  const release = service.claim(record, 'update');
  try {
    await service.states.refresh(id);
    const state = service.stateOf(record);
    const active = state !== 'stopped' && state !== 'crashed' && state !== 'missing';
    const renaming = patch.name !== undefined && patch.name !== record.name;
    if (renaming) {
      assertNameFree(service, patch.name!, id);
      if (active) throw new ApiError('VM_INVALID_POWER_TRANSITION', `Cannot rename VM '${record.name}' while it is ${state}; power it off first.`, { state, action: 'rename' });
    }
    const hardwareChanged = hardware.some((k) => patch[k] !== undefined && JSON.stringify(patch[k]) !== JSON.stringify(record[k]));
    const next = { ...record, ...patch, pendingRestart: record.pendingRestart || (active && hardwareChanged) };
    const { backend } = service.o;
    if (state !== 'missing') {
      if (renaming) await backend.rename(id, patch.name!);
      await backend.define(service.domainSpec(next));
      if (patch.autostart !== undefined && patch.autostart !== record.autostart) await backend.setAutostart(id, patch.autostart);
    }
    await service.saveRecord(id, (r) => Object.assign(r, patch, { pendingRestart: next.pendingRestart }));
    if (renaming) await service.states.refresh(id);
    service.publishUpdated(id);
    return service.get(id);
  } finally {
    release();
  }
}
