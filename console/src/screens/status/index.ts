import type { ScreenDef } from '../../app/screen.ts';
import { statusController } from './status-controller.ts';
import { initialStatus, reduceStatus, statusKey, type StatusAction, type StatusState } from './status-state.ts';
import { StatusView } from './status-view.tsx';

export const statusHints = [
  { keys: 'F2/N', label: 'Network' },
  { keys: 'F3/S', label: 'SSH' },
  { keys: 'F4/C', label: 'Cluster' },
  { keys: 'F5/R', label: 'Refresh' },
  { keys: 'F6/M', label: 'Restart services' },
  { keys: 'F7/D', label: 'Diagnostics' },
  { keys: 'F10/P', label: 'Power' },
  { keys: 'F12/X', label: 'Shell' },
];

export const statusScreen: ScreenDef<StatusState, StatusAction> = {
  id: 'status',
  title: 'Status',
  requiresAuth: false,
  keepState: true,
  init: ({ config }) => initialStatus(config.apiPort),
  reduce: reduceStatus,
  onKey: statusKey,
  hints: () => statusHints,
  // Only its data changes (every few seconds); uptime is shown to the minute.
  ticks: () => false,
  View: StatusView,
  controller: statusController,
};
