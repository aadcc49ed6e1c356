import type { ControllerFactory } from '../../app/screen.ts';
import { errorInfo } from '../../errors.ts';
import type { BootInfo } from '../../effects/local-status.ts';
import type { StatusAction, StatusState } from './status-state.ts';

/**
 * Reads qx-node (GET /host, the management network) and the host itself every few seconds while
 * the status screen is open; local facts still come when qx-node is down.
 */
export const statusController: ControllerFactory<StatusState, StatusAction> = (ctx) => {
  const { effects } = ctx;
  let inFlight = false;
  let boot: BootInfo | null = null;
  // Which NIC is the management NIC changes only through F2; read it at open and on F5.
  let configuredNic: Promise<string | null> | null = null;

  const readConfiguredNic = () =>
    effects.node.network().then(
      (n) => n.config?.nic ?? null,
      () => {
        configuredNic = null;
        return null;
      },
    );

  const load = async () => {
    if (inFlight) return;
    inFlight = true;
    try {
      boot ??= await effects.local.bootInfo().catch(() => ({ slot: null, version: null }));
      configuredNic ??= readConfiguredNic();
      const [host, local, nic] = await Promise.allSettled([effects.node.host(), effects.local.snapshot(), configuredNic]);
      ctx.dispatch({
        type: 'loaded',
        at: ctx.now(),
        host: host.status === 'fulfilled' ? host.value : null,
        nodeError: host.status === 'rejected' ? errorInfo(host.reason) : null,
        local: local.status === 'fulfilled' ? local.value : null,
        boot,
        configuredNic: nic.status === 'fulfilled' ? nic.value : null,
      });
    } finally {
      inFlight = false;
    }
  };

  void load();
  // A second look soon after the first: CPU usage needs two samples.
  ctx.after(1000, () => void load());
  ctx.every(ctx.config.refreshSeconds * 1000, () => void load());
  return {
    refresh: () => {
      configuredNic = null;
      void load();
    },
  };
};
