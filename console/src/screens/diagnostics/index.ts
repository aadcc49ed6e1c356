import type { ScreenDef } from '../../app/screen.ts';
import { diagnosticsController } from './diagnostics-controller.ts';
import { diagnosticsKey, initialDiagnostics, reduceDiagnostics, type DiagnosticsAction, type DiagnosticsState } from './diagnostics-state.ts';
import { DiagnosticsView } from './diagnostics-view.tsx';

export const diagnosticsScreen: ScreenDef<DiagnosticsState, DiagnosticsAction> = {
  id: 'diagnostics',
  title: 'Diagnostics',
  shortcut: { fkey: 'f7', letter: 'd', label: 'Diagnostics' },
  requiresAuth: false,
  init: ({ body }) => initialDiagnostics(body.height),
  reduce: reduceDiagnostics,
  onKey: diagnosticsKey,
  hints: () => [
    { keys: '1-4/Tab', label: 'Section' },
    { keys: 'Up/Dn/PgUp/PgDn', label: 'Scroll' },
    { keys: 'T', label: 'Test network' },
    { keys: 'F5/R', label: 'Reload' },
  ],
  View: DiagnosticsView,
  controller: diagnosticsController,
};
