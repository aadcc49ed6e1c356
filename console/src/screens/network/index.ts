import type { ScreenDef } from '../../app/screen.ts';
import { networkController } from './network-controller.ts';
import { CHANGE_PHASES, initialNetwork, networkHints, networkKey, reduceNetwork, type NetworkAction, type NetworkScreenState } from './network-state.ts';
import { NetworkView } from './network-view.tsx';

export const networkScreen: ScreenDef<NetworkScreenState, NetworkAction> = {
  id: 'network',
  title: 'Management network',
  shortcut: { fkey: 'f2', letter: 'n', label: 'Network' },
  requiresAuth: true,
  init: ({ body }) => initialNetwork(body.height),
  reduce: reduceNetwork,
  onKey: networkKey,
  capturesText: (s) => s.phase === 'edit',
  busy: (s) => CHANGE_PHASES.includes(s.phase) || s.phase === 'testing',
  hints: networkHints,
  View: NetworkView,
  controller: networkController,
};
