import type { ControllerFactory } from '../../app/screen.ts';
import type { AuthAction, AuthState } from './auth-state.ts';

/** Checks the password with the Authenticator (qx-node's store, console lockout) and audits the outcome. */
export const authController: ControllerFactory<AuthState, AuthAction> = (ctx) => {
  const { effects } = ctx;
  const scheduleUnlock = (until: number) => ctx.after(Math.max(0, until - ctx.now()) + 50, () => ctx.dispatch({ type: 'unlocked' }));

  void effects.auth.status().then((st) => {
    ctx.dispatch({ type: 'status', hasPassword: st.hasPassword, lockedUntil: st.lockedUntil });
    if (st.lockedUntil !== null) scheduleUnlock(st.lockedUntil);
  });

  return {
    onAction(action) {
      if (action.type !== 'submit') return;
      const s = ctx.getState();
      if (s.phase !== 'verifying') return;
      void (async () => {
        const result = await effects.auth.verify(s.password);
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
