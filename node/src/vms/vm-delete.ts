import type { Job } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import type { VmService } from './vm-service.ts';

/** Deleting a running VM needs force: powering it off first is the caller's explicit choice. */
export async function deleteVm(service: VmService, id: string, force: boolean): Promise<Job> {
  const record = service.record(id);
  if (record.status === 'deleting') throw new ApiError('VM_BUSY', `VM '${record.name}' is already being deleted.`);
  await service.states.refresh(id).catch(() => null);
  const state = service.stateOf(record);
  if (!force && ['running', 'paused', 'shuttingDown'].includes(state)) {
    throw new ApiError('VM_INVALID_POWER_TRANSITION', `Cannot delete VM '${record.name}': it is ${state}. Stop it first, or delete with force=true.`, {
      state,
      action: 'delete',
    });
  }
  const release = service.claim(record, 'delete');
  await service.saveRecord(id, (r) => void (r.status = 'deleting'));
  service.publishUpdated(id);
  return service.o.jobs.submit('vm.delete', [{ type: 'vm', id }], async (ctx) => {
    try {
      ctx.progress(0.2, 'Powering off and removing the domain and disks');
      await service.removeEverything(record);
      service.o.bus.publish('vm.deleted', { id, name: record.name });
    } catch (err) {
      // Leave the VM visible and retryable rather than half-gone.
      await service.saveRecord(id, (r) => void (r.status = 'ready')).catch(() => undefined);
      await service.states.refresh(id).catch(() => undefined);
      throw err;
    } finally {
      release();
    }
  });
}
