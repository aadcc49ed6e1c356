import type { ScreenDef } from '../../app/screen.ts';
import { shellController } from './shell-controller.ts';
import { initialShell, reduceShell, shellKey, type ShellAction, type ShellState } from './shell-state.ts';
import { ShellView } from './shell-view.tsx';

export const shellScreen: ScreenDef<ShellState, ShellAction> = {
  id: 'shell',
  title: 'Emergency shell',
  shortcut: { fkey: 'f12', letter: 'x', label: 'Shell' },
  requiresAuth: true,
  init: () => initialShell,
  reduce: reduceShell,
  onKey: shellKey,
  busy: (s) => s.phase !== 'ended',
  hints: (s) => (s.phase === 'ended' ? [{ keys: 'Enter', label: 'Open another shell' }] : []),
  View: ShellView,
  controller: shellController,
};
