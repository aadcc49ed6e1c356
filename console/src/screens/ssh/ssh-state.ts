import type { SshState, SshUpdate } from '@quantix/lib/api';
import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult } from '../../app/screen.ts';
import type { ErrorInfo } from '../../errors.ts';

export const MIN_WINDOW = 5;
export const MAX_WINDOW = 120;
export const DEFAULT_WINDOW = 30;
export const MAX_IDLE = 1440;
const STEP = 5;

/** What the operator asked qx-node for. */
export type SshRequest =
  | { kind: 'timed'; minutes: number }
  | { kind: 'permanent' }
  | { kind: 'disable' }
  | { kind: 'idle'; minutes: number };

export interface SshScreenState {
  /**
   * reading: the first answer has not come; ready: the actions; confirm-permanent: asking before
   * SSH stays on; idle: editing the idle timeout; working: a change is on its way to qx-node.
   */
  phase: 'reading' | 'ready' | 'confirm-permanent' | 'idle' | 'working';
  ssh: SshState | null;
  /** The window length as typed (5–120). */
  minutesText: string;
  /** The idle timeout as typed (0–1440, 0 = never). */
  idleText: string;
  /** The next digit adds to the number instead of starting a new one. */
  typing: boolean;
  request: SshRequest | null;
  /** A problem with what was typed (nothing was sent). */
  problem: string | null;
  /** What qx-node answered when it refused a change or could not be reached for it. */
  error: ErrorInfo | null;
  /** Why the last read failed; cleared by the next good read. */
  readError: ErrorInfo | null;
  /** What the last change did. */
  notice: string | null;
  /**
   * When the last answer came. The view counts down from the later of this and the clock tick it
   * draws, which can be up to a second older than the answer.
   */
  readAt: number | null;
}

export type SshScreenAction =
  | { type: 'loaded'; ssh: SshState; at: number }
  | { type: 'loadFailed'; error: ErrorInfo }
  | { type: 'digit'; digit: string }
  | { type: 'erase' }
  | { type: 'step'; delta: 1 | -1 }
  | { type: 'enable' }
  | { type: 'askPermanent' }
  | { type: 'permanent' }
  | { type: 'editIdle' }
  | { type: 'saveIdle' }
  | { type: 'disable' }
  | { type: 'cancel' }
  | { type: 'done'; ssh: SshState; at: number }
  | { type: 'failed'; error: ErrorInfo };

export function initialSsh(): SshScreenState {
  return {
    phase: 'reading',
    ssh: null,
    minutesText: String(DEFAULT_WINDOW),
    idleText: '0',
    typing: false,
    request: null,
    problem: null,
    error: null,
    readError: null,
    notice: null,
    readAt: null,
  };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The window length typed, or null when it is not a whole number of minutes from 5 to 120. */
export function windowMinutes(s: SshScreenState): number | null {
  return parseWhole(s.minutesText, MIN_WINDOW, MAX_WINDOW);
}

export function idleMinutes(s: SshScreenState): number | null {
  return parseWhole(s.idleText, 0, MAX_IDLE);
}

function parseWhole(text: string, lo: number, hi: number): number | null {
  if (!/^\d{1,4}$/.test(text)) return null;
  const n = Number(text);
  return n >= lo && n <= hi ? n : null;
}

function stepped(text: string, delta: 1 | -1, lo: number, hi: number, fallback: number): string {
  const current = /^\d+$/.test(text) ? Number(text) : fallback;
  const next = delta > 0 ? Math.floor(current / STEP) * STEP + STEP : Math.ceil(current / STEP) * STEP - STEP;
  return String(clamp(next, lo, hi));
}

function typed(text: string, typing: boolean, digit: string, maxLength: number): string {
  if (!typing || text === '0') return digit;
  return text.length >= maxLength ? text : text + digit;
}

function start(s: SshScreenState, request: SshRequest): SshScreenState {
  return { ...s, phase: 'working', request, problem: null, error: null, notice: null, typing: false };
}

/** What a request did, in a sentence for the screen. */
export function describeRequest(r: SshRequest): string {
  switch (r.kind) {
    case 'timed':
      return `SSH enabled for ${r.minutes} minutes.`;
    case 'permanent':
      return 'SSH enabled permanently.';
    case 'disable':
      return 'SSH disabled: no new logins are accepted.';
    case 'idle':
      return r.minutes === 0 ? 'Idle timeout removed: idle sessions stay open.' : `Idle timeout set to ${r.minutes} minutes.`;
  }
}

export function reduceSsh(s: SshScreenState, a: SshScreenAction): SshScreenState {
  switch (a.type) {
    case 'loaded':
      return { ...s, ssh: a.ssh, readAt: a.at, phase: s.phase === 'reading' ? 'ready' : s.phase, readError: null };
    case 'loadFailed':
      return { ...s, phase: s.phase === 'reading' ? 'ready' : s.phase, readError: a.error };
    case 'digit':
      if (s.phase === 'ready') return { ...s, minutesText: typed(s.minutesText, s.typing, a.digit, 3), typing: true, problem: null };
      if (s.phase === 'idle') return { ...s, idleText: typed(s.idleText, s.typing, a.digit, 4), typing: true, problem: null };
      return s;
    case 'erase':
      if (s.phase === 'ready') return { ...s, minutesText: s.minutesText.slice(0, -1), typing: true, problem: null };
      if (s.phase === 'idle') return { ...s, idleText: s.idleText.slice(0, -1), typing: true, problem: null };
      return s;
    case 'step':
      if (s.phase === 'ready') return { ...s, minutesText: stepped(s.minutesText, a.delta, MIN_WINDOW, MAX_WINDOW, DEFAULT_WINDOW), typing: false, problem: null };
      if (s.phase === 'idle') return { ...s, idleText: stepped(s.idleText, a.delta, 0, MAX_IDLE, 0), typing: false, problem: null };
      return s;
    case 'enable': {
      if (s.phase !== 'ready') return s;
      const minutes = windowMinutes(s);
      if (minutes === null) return { ...s, problem: `The window is ${MIN_WINDOW} to ${MAX_WINDOW} minutes.`, typing: false };
      return start({ ...s, minutesText: String(minutes) }, { kind: 'timed', minutes });
    }
    case 'askPermanent':
      return s.phase === 'ready' ? { ...s, phase: 'confirm-permanent', problem: null, typing: false } : s;
    case 'permanent':
      return s.phase === 'confirm-permanent' ? start(s, { kind: 'permanent' }) : s;
    case 'editIdle':
      if (s.phase !== 'ready') return s;
      return { ...s, phase: 'idle', idleText: String(s.ssh?.idleTimeoutMinutes ?? 0), typing: false, problem: null, notice: null };
    case 'saveIdle': {
      if (s.phase !== 'idle') return s;
      const minutes = idleMinutes(s);
      if (minutes === null) return { ...s, problem: `The idle timeout is 0 (never) to ${MAX_IDLE} minutes.`, typing: false };
      return start({ ...s, idleText: String(minutes) }, { kind: 'idle', minutes });
    }
    case 'disable':
      return s.phase === 'ready' ? start(s, { kind: 'disable' }) : s;
    case 'cancel':
      return s.phase === 'confirm-permanent' || s.phase === 'idle' ? { ...s, phase: 'ready', problem: null, typing: false } : s;
    case 'done':
      if (s.phase !== 'working') return s;
      return { ...s, phase: 'ready', ssh: a.ssh, readAt: a.at, notice: s.request ? describeRequest(s.request) : null, request: null, error: null };
    case 'failed':
      if (s.phase !== 'working') return s;
      return { ...s, phase: 'ready', request: null, error: a.error };
  }
}

/**
 * The body of PUT /ssh for a request. The API has no "keep the window" form: a new idle timeout
 * during a timed window is sent with the minutes the window has left, rounded up (at least 5).
 */
export function sshUpdateFor(r: SshRequest, current: SshState | null, now: number): SshUpdate {
  switch (r.kind) {
    case 'timed':
      return { mode: 'timed', minutes: r.minutes };
    case 'permanent':
      return { mode: 'permanent' };
    case 'disable':
      return { mode: 'disabled' };
    case 'idle': {
      const mode = current?.mode ?? 'disabled';
      if (mode !== 'timed') return { mode, idleTimeoutMinutes: r.minutes };
      return { mode, minutes: minutesLeft(current, now), idleTimeoutMinutes: r.minutes };
    }
  }
}

/** The minutes a timed window has left, as a window length the API takes (5–120). */
export function minutesLeft(ssh: SshState | null, now: number): number {
  const until = ssh?.enabledUntil ? Date.parse(ssh.enabledUntil) : now;
  return clamp(Math.ceil((until - now) / 60_000), MIN_WINDOW, MAX_WINDOW);
}

/** The audit entry the console writes for a request. */
export function auditOf(r: SshRequest): { action: string; detail: Record<string, unknown> } {
  switch (r.kind) {
    case 'timed':
      return { action: 'ssh.enable', detail: { mode: 'timed', minutes: r.minutes } };
    case 'permanent':
      return { action: 'ssh.enable', detail: { mode: 'permanent' } };
    case 'disable':
      return { action: 'ssh.disable', detail: {} };
    case 'idle':
      return { action: 'ssh.idle-timeout.change', detail: { idleTimeoutMinutes: r.minutes } };
  }
}

export function sshKey(s: SshScreenState, key: Key): KeyResult<SshScreenAction> {
  const c = key.name === 'char' && !key.alt ? (key.char ?? '') : '';
  const lower = c.toLowerCase();
  const numberKeys = (): SshScreenAction | null => {
    if (/^[0-9]$/.test(c)) return { type: 'digit', digit: c };
    if (c === '+' || key.name === 'right' || key.name === 'up') return { type: 'step', delta: 1 };
    if (c === '-' || key.name === 'left' || key.name === 'down') return { type: 'step', delta: -1 };
    if (key.name === 'backspace' || key.name === 'delete') return { type: 'erase' };
    return null;
  };
  switch (s.phase) {
    case 'ready':
      if (lower === 'e') return { type: 'enable' };
      if (lower === 'p') return { type: 'askPermanent' };
      if (lower === 'i') return { type: 'editIdle' };
      if (lower === 'd') return { type: 'disable' };
      return numberKeys();
    case 'confirm-permanent':
      if (lower === 'y') return { type: 'permanent' };
      if (lower === 'n' || key.name === 'escape') return { type: 'cancel' };
      return null;
    case 'idle':
      if (key.name === 'enter') return { type: 'saveIdle' };
      if (key.name === 'escape') return { type: 'cancel' };
      return numberKeys();
    case 'reading':
    case 'working':
      return null;
  }
}

export function sshHints(s: SshScreenState): { keys: string; label: string }[] {
  switch (s.phase) {
    case 'ready': {
      const m = windowMinutes(s);
      return [
        { keys: 'E', label: m === null ? 'Enable' : `Enable ${m} min` },
        { keys: '+/-', label: 'Minutes' },
        { keys: 'P', label: 'Permanent' },
        { keys: 'I', label: 'Idle timeout' },
        { keys: 'D', label: 'Disable' },
      ];
    }
    case 'confirm-permanent':
      return [
        { keys: 'Y', label: 'Enable permanently' },
        { keys: 'N/Esc', label: 'Cancel' },
      ];
    case 'idle':
      return [
        { keys: '+/-', label: 'Minutes' },
        { keys: 'Enter', label: 'Save' },
        { keys: 'Esc', label: 'Cancel' },
      ];
    default:
      return [];
  }
}
