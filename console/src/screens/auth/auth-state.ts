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
  return { target, password: '', phase: 'starting', message: null, lockedUntil: null };
}

export function reduceAuth(s: AuthState, a: AuthAction): AuthState {
  switch (a.type) {
    case 'status':
      if (!a.hasPassword) return { ...s, phase: 'no-password', password: '' };
      if (a.lockedUntil !== null) return { ...s, phase: 'locked', lockedUntil: a.lockedUntil, password: '' };
      return s.phase === 'starting' ? { ...s, phase: 'prompt' } : s;
    case 'char':
      if (s.phase !== 'prompt' && s.phase !== 'starting') return s;
      return s.password.length >= MAX_PASSWORD ? s : { ...s, password: s.password + a.char, message: null };
    case 'backspace':
      return s.phase === 'prompt' ? { ...s, password: [...s.password].slice(0, -1).join('') } : s;
    case 'clear':
      return s.phase === 'prompt' ? { ...s, password: '' } : s;
    case 'submit':
      return s.phase === 'prompt' && s.password !== '' ? { ...s, phase: 'verifying', message: null } : s;
    case 'result': {
      const r = a.result;
      if (r.ok) return { ...s, password: '', phase: 'prompt', message: null };
      if (r.reason === 'wrong-password') {
        const left = r.attemptsLeft === 1 ? '1 attempt left' : `${r.attemptsLeft} attempts left`;
        return { ...s, password: '', phase: 'prompt', message: `Wrong password (${left} before a lockout).` };
      }
      if (r.reason === 'locked') return { ...s, password: '', phase: 'locked', lockedUntil: r.lockedUntil, message: null };
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
