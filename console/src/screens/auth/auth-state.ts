import { passwordProblems } from '@quantix/lib/auth';
import type { Key } from '@quantix/lib/terminal/keymap';
import type { Hint, KeyResult, ScreenId } from '../../app/screen.ts';
import type { AuthResult } from '../../effects/authenticator.ts';

export interface AuthState {
  /** The screen that asked for the password. */
  target: ScreenId;
  /** What was typed so far; never drawn, not even as stars. */
  password: string;
  /**
   * no-password: none is set, the screen offers to set one (first run). new-password and repeat-password
   * collect it twice, setting waits for qx-node, starting-node starts qx-node when it is down.
   */
  phase: 'starting' | 'prompt' | 'verifying' | 'locked' | 'no-password' | 'new-password' | 'repeat-password' | 'setting' | 'starting-node';
  /** The new password typed the first time, while it is repeated and set. */
  newPassword: string;
  /** qx-node is known not to run (no-password phase): the screen offers to start it. */
  nodeDown: boolean;
  message: string | null;
  /** The message is good news (qx-node started), not a problem. */
  messageTone: 'bad' | 'good';
  lockedUntil: number | null;
  /** Enter was pressed before the lockout state was known: check as soon as it is. */
  submitPending: boolean;
}

export type AuthAction =
  | { type: 'status'; hasPassword: boolean; lockedUntil: number | null }
  | { type: 'char'; char: string }
  | { type: 'backspace' }
  | { type: 'clear' }
  | { type: 'submit' }
  | { type: 'result'; result: AuthResult }
  | { type: 'unlocked' }
  /** No password set: start typing a new one (Enter or S). */
  | { type: 'setup' }
  /** Out of the new password entry, back to the offer (Esc). */
  | { type: 'cancelSetup' }
  | { type: 'nodeState'; running: boolean }
  | { type: 'setResult'; result: SetPasswordResult }
  /** No password set and qx-node down: start it (M). */
  | { type: 'startNode' }
  | { type: 'nodeStarted'; ok: true }
  | { type: 'nodeStarted'; ok: false; message: string };

/** How setting the first admin password through qx-node ended. */
export type SetPasswordResult =
  | { ok: true }
  | { ok: false; reason: 'node-down' }
  /** Somebody set one meanwhile (another terminal, qx-node set-password): it must be entered now. */
  | { ok: false; reason: 'has-password' }
  | { ok: false; reason: 'error'; message: string };

export const NODE_DOWN_MESSAGE = 'qx-node is not running: start it with F6/M, then try again.';

const MAX_PASSWORD = 1024;

export function initialAuth(target: ScreenId): AuthState {
  return { target, password: '', phase: 'starting', newPassword: '', nodeDown: false, message: null, messageTone: 'bad', lockedUntil: null, submitPending: false };
}

/** Phases in which keys are text (the password being typed). */
export const typing = (s: AuthState) => s.phase === 'prompt' || s.phase === 'starting' || s.phase === 'new-password' || s.phase === 'repeat-password';

const offer = (s: AuthState, message: string | null, extra: Partial<AuthState> = {}): AuthState => ({
  ...s,
  phase: 'no-password',
  password: '',
  newPassword: '',
  message,
  messageTone: 'bad',
  ...extra,
});

export function reduceAuth(s: AuthState, a: AuthAction): AuthState {
  switch (a.type) {
    case 'status':
      if (!a.hasPassword) return offer(s, null);
      if (a.lockedUntil !== null) return { ...s, phase: 'locked', lockedUntil: a.lockedUntil, password: '' };
      if (s.phase !== 'starting') return s;
      return { ...s, phase: s.submitPending ? 'verifying' : 'prompt', submitPending: false };
    case 'char':
      if (!typing(s)) return s;
      return s.password.length >= MAX_PASSWORD ? s : { ...s, password: s.password + a.char, message: null };
    case 'backspace':
      return typing(s) ? { ...s, password: [...s.password].slice(0, -1).join('') } : s;
    case 'clear':
      return typing(s) ? { ...s, password: '' } : s;
    case 'submit':
      if (s.phase === 'new-password') {
        const problems = passwordProblems(s.password);
        // passwordProblems says "use at least 8 characters": "Too weak: at least 8 characters."
        if (problems.length) return { ...s, password: '', message: `Too weak: ${problems.map((p) => p.replace(/^use /, '')).join('; ')}.`, messageTone: 'bad' };
        return { ...s, phase: 'repeat-password', newPassword: s.password, password: '', message: null };
      }
      if (s.phase === 'repeat-password') {
        if (s.password !== s.newPassword) return { ...s, phase: 'new-password', password: '', newPassword: '', message: 'The two passwords differ. Type the new password again.', messageTone: 'bad' };
        return { ...s, phase: 'setting', password: '', message: null };
      }
      if (s.password === '') return s;
      // An operator who types ahead while the prompt is still starting loses nothing.
      if (s.phase === 'starting') return { ...s, submitPending: true };
      return s.phase === 'prompt' ? { ...s, phase: 'verifying', message: null } : s;
    case 'result': {
      const r = a.result;
      if (r.ok) return { ...s, password: '', phase: 'prompt', message: null };
      if (r.reason === 'wrong-password') {
        const left = r.attemptsLeft === 1 ? '1 attempt left' : `${r.attemptsLeft} attempts left`;
        return { ...s, password: '', phase: 'prompt', message: `Wrong password (${left} before a lockout).` };
      }
      if (r.reason === 'locked') return { ...s, password: '', phase: 'locked', lockedUntil: r.lockedUntil, message: null };
      if (r.reason === 'error') return { ...s, password: '', phase: 'prompt', message: `The password could not be checked: ${r.message}` };
      return { ...s, password: '', phase: 'no-password', message: null };
    }
    case 'unlocked':
      return s.phase === 'locked' ? { ...s, phase: 'prompt', lockedUntil: null, message: null } : s;
    case 'setup':
      return s.phase === 'no-password' ? { ...s, phase: 'new-password', password: '', newPassword: '', message: null } : s;
    case 'cancelSetup':
      return s.phase === 'new-password' || s.phase === 'repeat-password' ? offer(s, null) : s;
    case 'nodeState':
      return { ...s, nodeDown: !a.running };
    case 'setResult': {
      if (s.phase !== 'setting') return s;
      const r = a.result;
      if (r.ok) return { ...s, phase: 'prompt', password: '', newPassword: '', message: null };
      if (r.reason === 'node-down') return offer(s, NODE_DOWN_MESSAGE, { nodeDown: true });
      if (r.reason === 'has-password') {
        return { ...s, phase: 'prompt', password: '', newPassword: '', message: 'An admin password was set meanwhile: enter it.', messageTone: 'bad' };
      }
      return offer(s, `The password was not set: ${r.message}`);
    }
    case 'startNode':
      return s.phase === 'no-password' && s.nodeDown ? { ...s, phase: 'starting-node', message: null } : s;
    case 'nodeStarted':
      if (s.phase !== 'starting-node') return s;
      return a.ok
        ? offer(s, 'qx-node is running. Set the admin password now.', { nodeDown: false, messageTone: 'good' })
        : offer(s, `qx-node did not start: ${a.message}`, { nodeDown: true });
  }
}

export function authKey(s: AuthState, key: Key): KeyResult<AuthAction> {
  const letter = key.name === 'char' && !key.alt ? (key.char ?? '').toLowerCase() : null;
  if (s.phase === 'no-password') {
    if (key.name === 'enter' || letter === 's') return { type: 'setup' };
    if (letter === 'm' && s.nodeDown) return { type: 'startNode' };
    // Esc and Q go back; other letters open their screens (the app's letters).
    return key.name === 'escape' ? 'back' : null;
  }
  if (s.phase === 'new-password' || s.phase === 'repeat-password') {
    if (key.name === 'escape') return { type: 'cancelSetup' };
  } else if (key.name === 'escape') {
    // While qx-node sets the password, stay to see how it ended.
    // (A no-op action: null would let the app take Esc as "back".)
    return s.phase === 'setting' ? { type: 'clear' } : 'back';
  }
  if (!typing(s)) return null;
  switch (key.name) {
    case 'enter':
      return { type: 'submit' };
    case 'backspace':
      return { type: 'backspace' };
    case 'ctrl':
      return key.char === 'u' ? { type: 'clear' } : null;
    case 'char':
      return key.alt ? null : { type: 'char', char: key.char ?? '' };
    default:
      return null;
  }
}

/** The screen's own keys for the footer (the app adds "Esc/Q Back"). */
export function authHints(s: AuthState): Hint[] {
  if (s.phase === 'no-password') return [{ keys: 'Enter/S', label: 'Set password' }, ...(s.nodeDown ? [{ keys: 'M', label: 'Start qx-node' }] : [])];
  return typing(s) ? [{ keys: 'Enter', label: 'OK' }] : [];
}

/** What each protected screen is, for the prompt. */
export const targetPurpose: Record<ScreenId, string> = {
  status: 'the status screen',
  auth: 'authentication',
  network: 'configure the management network',
  ssh: 'change the SSH service',
  cluster: 'see the registration token',
  services: 'restart the management services',
  diagnostics: 'diagnostics',
  power: 'reboot or shut down the host',
  shell: 'open an emergency shell',
};
