import { z } from 'zod';
import { isoTime, sshMode, type SshState, type SshUpdate } from '@quantix/lib/api';

/** What <dir>/state.json holds: the operator's choice, not whether sshd runs right now. */
export const persistedSsh = z.strictObject({
  version: z.literal(1),
  mode: sshMode,
  /** End of the availability window; set only for "timed". */
  enabledUntil: isoTime.nullable(),
  /** Length of the window as asked for; set only for "timed". */
  minutes: z.number().int().positive().nullable(),
  idleTimeoutMinutes: z.number().int().min(0).max(1440),
  changedAt: isoTime.nullable(),
  changedBy: z.string().nullable(),
});
export type PersistedSsh = z.infer<typeof persistedSsh>;

/** A host starts with SSH off and no idle timeout (ESXi's defaults). */
export const initialSsh: PersistedSsh = {
  version: 1,
  mode: 'disabled',
  enabledUntil: null,
  minutes: null,
  idleTimeoutMinutes: 0,
  changedAt: null,
  changedBy: null,
};

export const SYSTEM_ACTOR = 'qx-node';

export type SshAction = 'ssh.enable' | 'ssh.disable' | 'ssh.idle-timeout.change' | 'ssh.window.expired';

export interface AuditDetail {
  mode: PersistedSsh['mode'];
  minutes: number | null;
  enabledUntil: string | null;
  idleTimeoutMinutes: number;
  [key: string]: unknown;
}

export function auditDetail(s: PersistedSsh): AuditDetail {
  return { mode: s.mode, minutes: s.minutes, enabledUntil: s.enabledUntil, idleTimeoutMinutes: s.idleTimeoutMinutes };
}

/** Whether new logins should be accepted at `now`. */
export function shouldAccept(s: PersistedSsh, now: number): boolean {
  if (s.mode === 'permanent') return true;
  return s.mode === 'timed' && s.enabledUntil !== null && Date.parse(s.enabledUntil) > now;
}

/** The moment sshd must stop accepting, for a timed window; null otherwise. */
export function deadlineOf(s: PersistedSsh): number | null {
  return s.mode === 'timed' && s.enabledUntil !== null ? Date.parse(s.enabledUntil) : null;
}

export function windowExpired(s: PersistedSsh, now: number): boolean {
  const deadline = deadlineOf(s);
  return s.mode === 'timed' && (deadline === null || deadline <= now);
}

/** The state after a timed window has run out: disabled, changed by qx-node itself. */
export function expire(s: PersistedSsh, now: number): PersistedSsh {
  return { ...s, mode: 'disabled', enabledUntil: null, minutes: null, changedAt: new Date(now).toISOString(), changedBy: SYSTEM_ACTOR };
}

export interface Plan {
  next: PersistedSsh;
  /** null: the request changes nothing (still reconciled with sshd, but not saved or audited). */
  action: SshAction | null;
}

/**
 * What an update does. A timed request always opens a new window from now; an omitted idle
 * timeout keeps the current one. `minuteMs` is the length of a minute (60 000 but in tests).
 */
export function planUpdate(current: PersistedSsh, u: SshUpdate, actor: string, now: number, minuteMs: number): Plan {
  const idleTimeoutMinutes = u.idleTimeoutMinutes ?? current.idleTimeoutMinutes;
  const stamp = { changedAt: new Date(now).toISOString(), changedBy: actor };
  if (u.mode === 'timed') {
    const minutes = u.minutes;
    if (minutes === undefined) throw new Error('a timed window needs minutes');
    const enabledUntil = new Date(now + minutes * minuteMs).toISOString();
    return { next: { version: 1, mode: 'timed', enabledUntil, minutes, idleTimeoutMinutes, ...stamp }, action: 'ssh.enable' };
  }
  const next: PersistedSsh = { version: 1, mode: u.mode, enabledUntil: null, minutes: null, idleTimeoutMinutes, ...stamp };
  if (u.mode !== current.mode) return { next, action: u.mode === 'disabled' ? 'ssh.disable' : 'ssh.enable' };
  if (idleTimeoutMinutes !== current.idleTimeoutMinutes) return { next, action: 'ssh.idle-timeout.change' };
  return { next: current, action: null };
}

export function toApiState(
  s: PersistedSsh,
  o: { now: number; accepting: boolean; listen: string; port: number },
): SshState {
  const deadline = deadlineOf(s);
  return {
    mode: s.mode,
    enabledUntil: s.enabledUntil,
    remainingSeconds: deadline === null ? null : Math.max(0, Math.ceil((deadline - o.now) / 1000)),
    idleTimeoutMinutes: s.idleTimeoutMinutes,
    accepting: o.accepting,
    listen: [o.listen],
    port: o.port,
    changedAt: s.changedAt,
    changedBy: s.changedBy,
  };
}

/**
 * state.json as read: a missing file is a host that never had SSH; a damaged one is treated as
 * disabled (the safe reading) and reported so that it can be logged.
 */
export function parsePersisted(text: string | null): { state: PersistedSsh; problem: string | null } {
  if (text === null) return { state: initialSsh, problem: null };
  try {
    const parsed = persistedSsh.safeParse(JSON.parse(text));
    if (parsed.success) return { state: parsed.data, problem: null };
    return { state: initialSsh, problem: `unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  } catch (err) {
    return { state: initialSsh, problem: err instanceof Error ? err.message : String(err) };
  }
}

/** QX_SSH_TEST_MINUTE_SECONDS: the length of a "minute" of SSH windows and idle timeouts, for tests only. */
export function minuteMsFromEnv(env: NodeJS.ProcessEnv): { minuteMs: number; problem: string | null } {
  const raw = env.QX_SSH_TEST_MINUTE_SECONDS;
  if (raw === undefined || raw === '') return { minuteMs: 60_000, problem: null };
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 60) {
    return { minuteMs: 60_000, problem: `QX_SSH_TEST_MINUTE_SECONDS must be 1–60, not ${JSON.stringify(raw)}; using 60` };
  }
  return { minuteMs: Number(raw) * 1000, problem: null };
}
