import type { ScreenDef } from '../../app/screen.ts';
import { powerController } from './power-controller.ts';
import { initialPower, powerKey, reducePower, type PowerState, type PowerStateAction } from './power-state.ts';
import { PowerView } from './power-view.tsx';

export const powerScreen: ScreenDef<PowerState, PowerStateAction> = {
  id: 'power',
  title: 'Power',
  shortcut: { fkey: 'f10', letter: 'p', label: 'Power' },
  requiresAuth: true,
  init: ({ config }) => initialPower(config.vmShutdownSeconds),
  reduce: reducePower,
  onKey: powerKey,
  busy: (s) => s.phase === 'stopping-vms' || s.phase === 'running-command' || s.phase === 'done',
  hints: (s) =>
    s.phase === 'choose'
      ? [
          { keys: 'R', label: 'Reboot' },
          { keys: 'S', label: 'Shut down' },
          { keys: 'Enter', label: 'Choose' },
        ]
      : s.phase === 'confirm'
        ? [
            { keys: 'Y/Enter', label: 'Yes' },
            { keys: 'N/Esc', label: 'No' },
          ]
        : [],
  View: PowerView,
  controller: powerController,
};
