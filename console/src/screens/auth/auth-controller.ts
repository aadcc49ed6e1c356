import type { ControllerFactory } from '../../app/screen.ts';
import type { AuthResult } from '../../effects/authenticator.ts';
import type { AuthAction, AuthState } from './auth-state.ts';

/** Checks the password with the Authenticator (qx-node's store, console lockout) and audits the outcome. */
export const authController: ControllerFactory<AuthState, AuthAction> = (ctx) => {
  const { effects } = ctx;
  const scheduleUnlock = (until: number) => ctx.after(Math.max(0, until - ctx.now()) + 50, () => ctx.dispatch({ type: 'unlocked' }));

  void effects.auth.status().then(
    (st) => {
      ctx.dispatch({ type: 'status', hasPassword: st.hasPassword, lockedUntil: st.lockedUntil });
      if (st.lockedUntil !== null) scheduleUnlock(st.lockedUntil);
    },
    // The state file could not be read: let the prompt open; verify() reports what is wrong.
    () => ctx.dispatch({ type: 'status', hasPassword: true, lockedUntil: null }),
  );

  return {
    onAction(action) {
      // 'status' too: Enter typed ahead of it is checked once the prompt is ready.
      if (action.type !== 'submit' && action.type !== 'status') return;
      const s = ctx.getState();
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
