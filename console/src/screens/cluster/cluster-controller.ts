import type { RegistrationToken } from '@quantix/lib/api';
import type { ControllerFactory } from '../../app/screen.ts';
import { errorInfo } from '../../errors.ts';
import { managementAddressOf, type ClusterAction, type ClusterState } from './cluster-state.ts';

/** After a token's end, qx-node makes the next one on the first read: read a moment later. */
const AFTER_EXPIRY_MS = 250;

/**
 * Reads this host's registration token (qx-node makes a new one when the last has run out) and
 * its management address; reads the token again when it expires; makes a new one on request.
 */
export const clusterController: ControllerFactory<ClusterState, ClusterAction> = (ctx) => {
  const { effects, config } = ctx;
  let reading = false;
  let watched: string | null = null;

  const watchExpiry = (token: RegistrationToken) => {
    if (token.expiresAt === watched) return;
    watched = token.expiresAt;
    ctx.after(Math.max(0, Date.parse(token.expiresAt) - ctx.now()) + AFTER_EXPIRY_MS, () => {
      if (ctx.getState().token?.expiresAt !== token.expiresAt) return;
      ctx.dispatch({ type: 'expired' });
      void readToken();
    });
  };

  const readToken = async () => {
    if (reading || ctx.getState().phase === 'regenerating') return;
    reading = true;
    try {
      const token = await effects.node.registrationToken();
      ctx.dispatch({ type: 'token', token, at: ctx.now() });
      watchExpiry(token);
    } catch (err) {
      ctx.dispatch({ type: 'tokenFailed', error: errorInfo(err) });
    } finally {
      reading = false;
    }
  };

  const readAddress = async () => {
    const [local, network] = await Promise.allSettled([effects.local.snapshot(), effects.node.network()]);
    if (local.status !== 'fulfilled') return;
    const configuredNic = network.status === 'fulfilled' ? (network.value.config?.nic ?? null) : null;
    ctx.dispatch({
      type: 'address',
      management: managementAddressOf(local.value.nics, { configuredNic, defaultRouteNic: local.value.defaultRouteNic, port: config.apiPort }),
    });
  };

  const regenerate = async () => {
    try {
      const token = await effects.node.regenerateRegistrationToken();
      await effects.audit.record('registration.token.new', { expiresAt: token.expiresAt }).catch(() => undefined);
      ctx.dispatch({ type: 'regenerated', token, at: ctx.now() });
      watchExpiry(token);
    } catch (err) {
      const error = errorInfo(err);
      await effects.audit.record('registration.token.new.failed', { code: error.code, message: error.message }).catch(() => undefined);
      ctx.dispatch({ type: 'failed', error });
    }
  };

  const load = () => {
    void readToken();
    void readAddress();
  };

  load();
  ctx.every(config.refreshSeconds * 1000, () => void readToken());
  return {
    refresh: load,
    onAction(action) {
      if (action.type === 'regenerate' && ctx.getState().phase === 'regenerating') void regenerate();
    },
  };
};
