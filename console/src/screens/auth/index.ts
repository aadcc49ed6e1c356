import type { ScreenDef } from '../../app/screen.ts';
import { authController } from './auth-controller.ts';
import { authKey, initialAuth, reduceAuth, type AuthAction, type AuthState } from './auth-state.ts';
import { AuthView } from './auth-view.tsx';

export const authScreen: ScreenDef<AuthState, AuthAction> = {
  id: 'auth',
  title: 'Authentication',
  requiresAuth: false,
  init: ({ target }) => initialAuth(target ?? 'status'),
  reduce: reduceAuth,
  onKey: authKey,
  capturesText: () => true,
  busy: (s) => s.phase === 'verifying',
  hints: (s) => (s.phase === 'prompt' || s.phase === 'starting' ? [{ keys: 'Enter', label: 'OK' }] : []),
  View: AuthView,
  controller: authController,
};
