import { terminalJobStates } from '@quantix/lib/api';
import { parseForm } from '@quantix/lib/tui/network-form';
import type { ControllerFactory } from '../../app/screen.ts';
import { errorInfo } from '../../errors.ts';
import { CHANGE_PHASES, ROLLBACK_SECONDS, type NetworkAction, type NetworkScreenState } from './network-state.ts';

export interface NetworkControllerOptions {
  /** How often a change is looked at while it is applied, and while it waits. */
  applyingPollMs?: number;
  waitingPollMs?: number;
}

/**
 * The management network through qx-node: reads the configuration and the NICs; applies a change
 * (a job that tests the connection, then waits for Y until its deadline), follows it, keeps it or
 * cancels it; tests what is live. Every change the operator makes is audited.
 */
export function makeNetworkController(o: NetworkControllerOptions = {}): ControllerFactory<NetworkScreenState, NetworkAction> {
  const applyingPollMs = o.applyingPollMs ?? 400;
  const waitingPollMs = o.waitingPollMs ?? 1000;

  return (ctx) => {
    const { effects } = ctx;
    let reading = false;
    /** The job being followed; one poll loop per job. */
    let following: string | null = null;
    let deadlineSet: string | null = null;

    const load = async () => {
      if (reading) return;
      const phase = ctx.getState().phase;
      if (phase !== 'reading' && phase !== 'view') return;
      reading = true;
      try {
        const [net, local] = await Promise.allSettled([effects.node.network(), effects.local.snapshot()]);
        const hostname = local.status === 'fulfilled' ? local.value.hostname : null;
        if (net.status === 'fulfilled') ctx.dispatch({ type: 'loaded', net: net.value, hostname, at: ctx.now() });
        else ctx.dispatch({ type: 'loadFailed', error: errorInfo(net.reason) });
      } finally {
        reading = false;
      }
      followIfNeeded();
    };

    const watchDeadline = () => {
      const s = ctx.getState();
      const change = s.change;
      if (!change?.jobId || change.rollbackAt === null || deadlineSet === change.jobId) return;
      deadlineSet = change.jobId;
      ctx.after(Math.max(0, change.rollbackAt - ctx.now()), () => ctx.dispatch({ type: 'deadline' }));
    };

    const followIfNeeded = () => {
      const s = ctx.getState();
      const id = s.change?.jobId;
      if (!id || !CHANGE_PHASES.includes(s.phase) || following === id) return;
      following = id;
      watchDeadline();
      void poll(id);
    };

    const poll = async (id: string) => {
      const s = ctx.getState();
      if (ctx.closed() || following !== id || s.change?.jobId !== id || !CHANGE_PHASES.includes(s.phase)) {
        if (following === id) following = null;
        return;
      }
      try {
        const job = await effects.node.job(id);
        if (terminalJobStates.includes(job.state)) {
          ctx.dispatch({ type: 'finished', job });
          following = null;
          return;
        }
        ctx.dispatch({ type: 'progress', job });
        if (ctx.getState().phase === 'applying') {
          const net = await effects.node.network();
          const p = net.pending;
          if (p && p.jobId === id && p.test) {
            ctx.dispatch({ type: 'tested', rollbackAt: Date.parse(p.rollbackAt), test: p.test, at: ctx.now() });
            watchDeadline();
          }
        }
      } catch (err) {
        const info = errorInfo(err);
        if (info.code === 'JOB_NOT_FOUND') {
          ctx.dispatch({ type: 'vanished' });
          following = null;
          return;
        }
        ctx.dispatch({ type: 'loadFailed', error: info });
      }
      ctx.after(ctx.getState().phase === 'applying' ? applyingPollMs : waitingPollMs, () => void poll(id));
    };

    const apply = async () => {
      const s = ctx.getState();
      const config = parseForm(s.form).config;
      if (s.phase !== 'applying' || !config) return;
      try {
        const job = await effects.node.applyNetwork({ config, rollbackSeconds: ROLLBACK_SECONDS });
        await effects.audit.record('network.apply', { jobId: job.id, config, previous: s.change?.previous ?? null, rollbackSeconds: ROLLBACK_SECONDS }).catch(() => undefined);
        ctx.dispatch({ type: 'applyStarted', job });
        followIfNeeded();
      } catch (err) {
        const error = errorInfo(err);
        await effects.audit.record('network.apply.failed', { config, code: error.code, message: error.message }).catch(() => undefined);
        ctx.dispatch({ type: 'applyRefused', error });
      }
    };

    const keep = async () => {
      const change = ctx.getState().change;
      try {
        const net = await effects.node.confirmNetwork();
        await effects.audit.record('network.keep', { jobId: change?.jobId ?? null, config: change?.config ?? null }).catch(() => undefined);
        ctx.dispatch({ type: 'kept', net });
      } catch (err) {
        ctx.dispatch({ type: 'requestFailed', error: errorInfo(err) });
      }
    };

    const rollBack = async () => {
      const change = ctx.getState().change;
      if (!change?.jobId) return;
      try {
        await effects.node.cancelJob(change.jobId);
        await effects.audit.record('network.rollback', { jobId: change.jobId, config: change.config, reason: 'operator' }).catch(() => undefined);
      } catch (err) {
        const error = errorInfo(err);
        // Already over (rolled back at its deadline, or kept elsewhere): the poll reports how it ended.
        if (error.code !== 'JOB_NOT_CANCELLABLE') ctx.dispatch({ type: 'requestFailed', error });
      }
    };

    const test = async () => {
      try {
        ctx.dispatch({ type: 'testDone', result: await effects.node.testNetwork() });
      } catch (err) {
        ctx.dispatch({ type: 'testFailed', error: errorInfo(err) });
      }
    };

    void load();
    ctx.every(ctx.config.refreshSeconds * 1000, () => void load());
    return {
      refresh: () => void load(),
      onAction(action) {
        switch (action.type) {
          case 'apply':
            void apply();
            break;
          case 'keep':
            if (ctx.getState().phase === 'confirming') void keep();
            break;
          case 'rollBack':
            if (ctx.getState().phase === 'rolling-back') void rollBack();
            break;
          case 'test':
            if (ctx.getState().phase === 'testing') void test();
            break;
          case 'dismiss':
            void load();
            break;
          default:
            break;
        }
      },
    };
  };
}

export const networkController = makeNetworkController();
