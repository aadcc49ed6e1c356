import type { SshState } from '@quantix/lib/api';
import type { ControllerFactory } from '../../app/screen.ts';
import { errorInfo } from '../../errors.ts';
import { auditOf, sshUpdateFor, type SshScreenAction, type SshScreenState } from './ssh-state.ts';

/** A second after a window's end qx-node has closed it: read again then. */
const AFTER_DEADLINE_MS = 1000;

/**
 * Reads GET /ssh when the screen opens, every few seconds, and just after a timed window ends;
 * sends PUT /ssh for the operator's request and audits it.
 */
export const sshController: ControllerFactory<SshScreenState, SshScreenAction> = (ctx) => {
  const { effects } = ctx;
  let reading = false;
  let watched: string | null = null;

  const watchDeadline = (ssh: SshState) => {
    if (ssh.mode !== 'timed' || !ssh.enabledUntil || ssh.enabledUntil === watched) return;
    watched = ssh.enabledUntil;
    ctx.after(Math.max(0, Date.parse(ssh.enabledUntil) - ctx.now()) + AFTER_DEADLINE_MS, () => void load());
  };

  const load = async () => {
    if (reading || ctx.getState().phase === 'working') return;
    reading = true;
    try {
      const ssh = await effects.node.ssh();
      ctx.dispatch({ type: 'loaded', ssh, at: ctx.now() });
      watchDeadline(ssh);
    } catch (err) {
      ctx.dispatch({ type: 'loadFailed', error: errorInfo(err) });
    } finally {
      reading = false;
    }
  };

  const send = async () => {
    const s = ctx.getState();
    if (s.phase !== 'working' || !s.request) return;
    const request = s.request;
    const update = sshUpdateFor(request, s.ssh, ctx.now());
    const audit = auditOf(request);
    try {
      const ssh = await effects.node.setSsh(update);
      await effects.audit.record(audit.action, { ...audit.detail, enabledUntil: ssh.enabledUntil }).catch(() => undefined);
      ctx.dispatch({ type: 'done', ssh, at: ctx.now() });
      watchDeadline(ssh);
    } catch (err) {
      const error = errorInfo(err);
      await effects.audit.record(`${audit.action}.failed`, { ...audit.detail, code: error.code, message: error.message }).catch(() => undefined);
      ctx.dispatch({ type: 'failed', error });
    }
  };

  void load();
  ctx.every(ctx.config.refreshSeconds * 1000, () => void load());
  return {
    refresh: () => void load(),
    onAction(action) {
      if (action.type === 'enable' || action.type === 'permanent' || action.type === 'disable' || action.type === 'saveIdle') void send();
    },
  };
};
