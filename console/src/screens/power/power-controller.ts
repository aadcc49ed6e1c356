import { terminalJobStates, type Job } from '@quantix/lib/api/job';
import type { ControllerFactory } from '../../app/screen.ts';
import { ConsoleError, errorInfo } from '../../errors.ts';
import type { PowerState, PowerStateAction } from './power-state.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Counts the running VMs; on "go" shuts them down through qx-node (graceful, forced after the
 * timeout), audits, then runs the configured reboot or power-off command.
 */
export const powerController: ControllerFactory<PowerState, PowerStateAction> = (ctx) => {
  const { effects, config } = ctx;

  const count = async () => {
    try {
      const vms = await effects.node.vms();
      ctx.dispatch({ type: 'vms', running: vms.filter((v) => v.state === 'running' || v.state === 'paused').length, total: vms.length });
    } catch {
      ctx.dispatch({ type: 'vms', running: null, total: null });
    }
  };

  const stopVms = async (): Promise<{ stopped: number; forced: string[] }> => {
    let vms;
    try {
      vms = (await effects.node.vms()).filter((v) => v.state === 'running' || v.state === 'paused');
    } catch {
      return { stopped: 0, forced: [] };
    }
    const of = vms.length;
    const failed: string[] = [];
    let stopped = 0;
    ctx.dispatch({ type: 'vmProgress', stopped, of, failed });
    await Promise.all(
      vms.map(async (vm) => {
        try {
          let job: Job = await effects.node.shutdownVm(vm.id, { timeoutSeconds: config.vmShutdownSeconds, force: true });
          const until = Date.now() + (config.vmShutdownSeconds + 60) * 1000;
          while (!terminalJobStates.includes(job.state) && Date.now() < until) {
            await sleep(500);
            job = await effects.node.job(job.id);
          }
          if (job.state !== 'succeeded') failed.push(vm.name);
        } catch {
          failed.push(vm.name);
        }
        stopped++;
        ctx.dispatch({ type: 'vmProgress', stopped, of, failed: [...failed] });
      }),
    );
    return { stopped, forced: failed };
  };

  void count();
  return {
    refresh: () => {
      const phase = ctx.getState().phase;
      if (phase === 'choose' || phase === 'confirm') void count();
    },
    onAction(action) {
      if (action.type !== 'go') return;
      const s = ctx.getState();
      const command = s.choice === 'reboot' ? config.rebootCommand : config.poweroffCommand;
      void (async () => {
        await effects.audit.record(`power.${s.choice}`, { runningVms: s.running, command }).catch(() => undefined);
        const vms = await stopVms();
        if (vms.forced.length) await effects.audit.record('power.vms_not_stopped_gracefully', { vms: vms.forced }).catch(() => undefined);
        ctx.dispatch({ type: 'commandStarted' });
        const r = await effects.power.run(s.choice);
        if (r.code === 0) {
          ctx.dispatch({ type: 'commandDone' });
          return;
        }
        const message = r.stderr.trim() || (r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`);
        await effects.audit.record(`power.${s.choice}.failed`, { command, message }).catch(() => undefined);
        ctx.dispatch({ type: 'failed', error: errorInfo(new ConsoleError('COMMAND_FAILED', `${command.join(' ')}: ${message}`)) });
      })();
    },
  };
};
