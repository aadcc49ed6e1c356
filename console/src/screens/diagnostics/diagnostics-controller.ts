import type { ControllerFactory } from '../../app/screen.ts';
import { errorInfo } from '../../errors.ts';
import type { DiagnosticsAction, DiagnosticsState } from './diagnostics-state.ts';

const LOG_LINES = 500;

/** Reads hardware, logs and audit entries; runs the management network test through qx-node. */
export const diagnosticsController: ControllerFactory<DiagnosticsState, DiagnosticsAction> = (ctx) => {
  const { effects, config } = ctx;

  const load = async () => {
    const [host, local] = await Promise.allSettled([effects.node.host(), effects.local.snapshot()]);
    ctx.dispatch({
      type: 'hardware',
      host: host.status === 'fulfilled' ? host.value : null,
      hostError: host.status === 'rejected' ? errorInfo(host.reason) : null,
      local: local.status === 'fulfilled' ? local.value : null,
    });
    const [nodeLog, systemLog, audit] = await Promise.all([
      effects.logs.tail(config.nodeLogFile, LOG_LINES),
      effects.logs.systemLog(LOG_LINES),
      effects.audit.recent(200).catch(() => []),
    ]);
    ctx.dispatch({ type: 'logs', nodeLog, systemLog, audit });
  };

  void load();
  return {
    refresh: () => void load(),
    onAction(action) {
      if (action.type !== 'testNetwork' || ctx.getState().net.phase !== 'running') return;
      void effects.node.testNetwork().then(
        (result) => ctx.dispatch({ type: 'netResult', result }),
        (err: unknown) => ctx.dispatch({ type: 'netFailed', error: errorInfo(err) }),
      );
    },
  };
};
