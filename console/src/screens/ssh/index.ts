import type { ScreenDef } from '../../app/screen.ts';
import { sshController } from './ssh-controller.ts';
import { initialSsh, reduceSsh, sshHints, sshKey, type SshScreenAction, type SshScreenState } from './ssh-state.ts';
import { SshView } from './ssh-view.tsx';

export const sshScreen: ScreenDef<SshScreenState, SshScreenAction> = {
  id: 'ssh',
  title: 'SSH',
  shortcut: { fkey: 'f3', letter: 's', label: 'SSH' },
  requiresAuth: true,
  init: () => initialSsh(),
  reduce: reduceSsh,
  onKey: sshKey,
  busy: (s) => s.phase === 'working',
  hints: sshHints,
  View: SshView,
  controller: sshController,
};
