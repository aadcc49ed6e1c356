import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult, ScreenId } from '../../app/screen.ts';
import type { AuthResult } from '../../effects/authenticator.ts';

export interface AuthState {
  /** The screen that asked for the password. */
  target: ScreenId;
  /** What was typed so far; never drawn, not even as stars. */
  password: string;
  phase: 'starting' | 'prompt' | 'verifying' | 'locked' | 'no-password';
  message: string | null;
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
  | { type: 'unlocked' };

const MAX_PASSWORD = 1024;

export function initialAuth(target: ScreenId): AuthState {
  return { target, password: '', phase: 'starting', message: null, lockedUntil: null, submitPending: false };
}

const typing = (s: AuthState) => s.phase === 'prompt' || s.phase === 'starting';

export function reduceAuth(s: AuthState, a: AuthAction): AuthState {
  switch (a.type) {
    case 'status':
      if (!a.hasPassword) return { ...s, phase: 'no-password', password: '' };
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
      // An operator who types ahead while the prompt is still starting loses nothing.
      if (s.password === '') return s;
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
  }
}

export function authKey(s: AuthState, key: Key): KeyResult<AuthAction> {
  if (key.name === 'escape') return 'back';
  if (s.phase !== 'prompt' && s.phase !== 'starting') return null;
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
