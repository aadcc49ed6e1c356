import type { Job, ShutdownOptions, VmPowerAction } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import type { DomainAction } from './backend.ts';
import { assertPowerTransition } from './power-transitions.ts';
import type { VmService } from './vm-service.ts';

const domainAction: Record<VmPowerAction, DomainAction> = {
  start: 'start',
  stop: 'destroy',
  shutdown: 'shutdown',
  reboot: 'reboot',
  reset: 'reset',
  pause: 'suspend',
  resume: 'resume',
};

const settled: Partial<Record<VmPowerAction, (s: string) => boolean>> = {
  start: (s) => s === 'running',
  stop: (s) => s === 'stopped',
  pause: (s) => s === 'paused',
  resume: (s) => s === 'running',
};

const pastTense: Record<VmPowerAction, string> = {
  start: 'Powered on',
  stop: 'Powered off',
  shutdown: 'Shut down',
  reboot: 'Reboot requested',
  reset: 'Reset',
  pause: 'Paused',
  resume: 'Resumed',
};

/** Checks the transition now (409 when impossible) and carries it out as a job. */
export async function powerVm(service: VmService, id: string, action: VmPowerAction, options: ShutdownOptions): Promise<Job> {
  const record = service.record(id);
  if (record.status !== 'ready') assertPowerTransition(record.name, service.stateOf(record), action);
  // The cache follows libvirt's events; re-read once so a decision is never made on a stale state.
  await service.states.refresh(id);
  assertPowerTransition(record.name, service.stateOf(record), action);
  const release = service.claim(record, action);
  if (action === 'shutdown') service.publishUpdated(id);

  return service.o.jobs.submit(`vm.${action}`, [{ type: 'vm', id }], async (ctx) => {
    const { backend } = service.o;
    try {
      ctx.progress(0.1, `${action[0]!.toUpperCase()}${action.slice(1)} requested`);
      await backend.act(id, domainAction[action]);
      if (action === 'shutdown') {
        ctx.progress(0.3, 'Waiting for the guest to power off');
        const off = await service.states.waitFor(id, (s) => s === 'stopped', options.timeoutSeconds * 1000, ctx.signal);
        if (!off) {
          if (!options.force) {
            throw new ApiError('SHUTDOWN_TIMEOUT', `VM '${record.name}' did not power off within ${options.timeoutSeconds} s. It is still running; use stop to power it off.`);
          }
          ctx.progress(0.9, 'The guest did not power off in time; powering off hard');
          await backend.act(id, 'destroy');
        }
      }
      const predicate = settled[action];
      if (predicate) await service.states.waitFor(id, predicate, 30_000, ctx.signal);
      await service.states.refresh(id);
      ctx.progress(1, pastTense[action]);
    } finally {
      release();
      service.publishUpdated(id);
    }
  });
}
