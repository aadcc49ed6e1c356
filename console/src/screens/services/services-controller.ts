import type { ControllerFactory } from '../../app/screen.ts';
import { errorInfo } from '../../errors.ts';
import type { ServicesAction, ServicesState } from './services-state.ts';

/** Restarts (or starts) qx-node through ServiceControl, reports each step, audits the outcome. */
export const servicesController: ControllerFactory<ServicesState, ServicesAction> = (ctx) => {
  const { effects } = ctx;
  void effects.services.status().then((status) => ctx.dispatch({ type: 'status', status }));
  return {
    onAction(action) {
      if (action.type !== 'confirm') return;
      const before = ctx.getState().before;
      const verb = before?.running ? 'services.restart' : 'services.start';
      ctx.dispatch({ type: 'started', now: ctx.now() });
      void (async () => {
        await effects.audit.record(verb, { service: 'qx-node', pid: before?.pid ?? null }).catch(() => undefined);
        try {
          const after = await effects.services.restart((text) => ctx.dispatch({ type: 'step', text }));
          await effects.audit.record(`${verb}.done`, { service: 'qx-node', pid: after.pid }).catch(() => undefined);
          ctx.dispatch({ type: 'done', status: after, now: ctx.now() });
        } catch (err) {
          const error = errorInfo(err);
          await effects.audit.record(`${verb}.failed`, { service: 'qx-node', code: error.code, message: error.message }).catch(() => undefined);
          ctx.dispatch({ type: 'failed', error, now: ctx.now() });
        }
      })();
    },
  };
};
