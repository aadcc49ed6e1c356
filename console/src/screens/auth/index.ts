import type { ScreenDef } from '../../app/screen.ts';
import { authController } from './auth-controller.ts';
import { authHints, authKey, initialAuth, reduceAuth, type AuthAction, type AuthState } from './auth-state.ts';
import { AuthView } from './auth-view.tsx';

export const authScreen: ScreenDef<AuthState, AuthAction> = {
  id: 'auth',
  title: 'Authentication',
  requiresAuth: false,
  init: ({ target }) => initialAuth(target ?? 'status'),
  reduce: reduceAuth,
  onKey: authKey,
  // The offer to set a password takes no text: Q goes back there, and letters open their screens.
  capturesText: (s) => s.phase !== 'no-password',
  busy: (s) => s.phase === 'verifying' || s.phase === 'setting' || s.phase === 'starting-node',
  hints: authHints,
  View: AuthView,
  controller: authController,
};
