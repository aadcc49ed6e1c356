import type { ControllerContext, ControllerFactory } from '../../app/screen.ts';
import type { AuthResult } from '../../effects/authenticator.ts';
import { errorCode, errorInfo } from '../../errors.ts';
import type { AuthAction, AuthState, SetPasswordResult } from './auth-state.ts';

type Ctx = ControllerContext<AuthState, AuthAction>;

/**
 * Checks the password with the Authenticator (qx-node's store, console lockout) and audits the outcome.
 * When no password is set, sets the first one through qx-node (never by writing its store behind its
 * back), and starts qx-node when it is down.
 */
export const authController: ControllerFactory<AuthState, AuthAction> = (ctx) => {
  const { effects } = ctx;
  const scheduleUnlock = (until: number) => ctx.after(Math.max(0, until - ctx.now()) + 50, () => ctx.dispatch({ type: 'unlocked' }));
  const readNodeState = () =>
    void effects.services.status().then(
      (st) => ctx.dispatch({ type: 'nodeState', running: st.running }),
      () => undefined,
    );

  void effects.auth.status().then(
    (st) => {
      ctx.dispatch({ type: 'status', hasPassword: st.hasPassword, lockedUntil: st.lockedUntil });
      if (st.lockedUntil !== null) scheduleUnlock(st.lockedUntil);
      if (!st.hasPassword) readNodeState();
    },
    // The state file could not be read: let the prompt open; verify() reports what is wrong.
    () => ctx.dispatch({ type: 'status', hasPassword: true, lockedUntil: null }),
  );

  let running = false;
  const once = (op: () => Promise<void>) => {
    if (running) return;
    running = true;
    void op().finally(() => (running = false));
  };

  return {
    onAction(action) {
      const s = ctx.getState();
      if (action.type === 'submit' && s.phase === 'setting') return once(() => setFirstPassword(ctx, s));
      if (action.type === 'startNode' && s.phase === 'starting-node') return once(() => startNode(ctx));
      // 'status' too: Enter typed ahead of it is checked once the prompt is ready.
      if (action.type !== 'submit' && action.type !== 'status') return;
      if (s.phase !== 'verifying') return;
      void (async () => {
        const result = await effects.auth.verify(s.password).catch(
          (err: unknown): AuthResult => ({ ok: false, reason: 'error', message: err instanceof Error ? err.message : String(err) }),
        );
        const detail = { for: s.target, result: result.ok ? 'ok' : result.reason };
        await effects.audit.record(result.ok ? 'console.auth' : 'console.auth_failed', detail).catch(() => undefined);
        if (!result.ok && result.reason === 'locked') {
          await effects.audit.record('console.lockout', { until: new Date(result.lockedUntil).toISOString() }).catch(() => undefined);
          scheduleUnlock(result.lockedUntil);
        }
        ctx.dispatch({ type: 'result', result });
        if (result.ok) ctx.app.grantAuth(s.target);
      })();
    },
  };
};

/** The first admin password, through qx-node's unix socket; on success the operator counts as authenticated. */
async function setFirstPassword(ctx: Ctx, s: AuthState): Promise<void> {
  const { effects } = ctx;
  let result: SetPasswordResult;
  // qx-node trusts its socket even when a password exists: never replace one set meanwhile.
  const status = await effects.auth.status().catch(() => null);
  if (status?.hasPassword) {
    result = { ok: false, reason: 'has-password' };
  } else {
    try {
      await effects.node.setAdminPassword(s.newPassword);
      result = { ok: true };
    } catch (err) {
      result = errorCode(err) === 'NODE_DOWN' ? { ok: false, reason: 'node-down' } : { ok: false, reason: 'error', message: errorInfo(err).message };
    }
  }
  const detail = result.ok ? { for: s.target, result: 'ok' } : { for: s.target, result: result.reason };
  await effects.audit.record(result.ok ? 'auth.password.set' : 'auth.password.set_failed', detail).catch(() => undefined);
  ctx.dispatch({ type: 'setResult', result });
  if (result.ok) ctx.app.grantAuth(s.target);
}

/** No password yet and qx-node down: start it here, as F6 would (which needs a password to open). */
async function startNode(ctx: Ctx): Promise<void> {
  const { effects } = ctx;
  await effects.audit.record('services.start', { service: 'qx-node', pid: null }).catch(() => undefined);
  try {
    const after = await effects.services.restart(() => undefined);
    await effects.audit.record('services.start.done', { service: 'qx-node', pid: after.pid }).catch(() => undefined);
    ctx.dispatch({ type: 'nodeStarted', ok: true });
  } catch (err) {
    const error = errorInfo(err);
    await effects.audit.record('services.start.failed', { service: 'qx-node', code: error.code, message: error.message }).catch(() => undefined);
    ctx.dispatch({ type: 'nodeStarted', ok: false, message: error.message });
  }
}
