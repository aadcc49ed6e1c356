import type { ScreenDef } from '../../app/screen.ts';
import { servicesController } from './services-controller.ts';
import { initialServices, reduceServices, servicesKey, type ServicesAction, type ServicesState } from './services-state.ts';
import { ServicesView } from './services-view.tsx';

export const servicesScreen: ScreenDef<ServicesState, ServicesAction> = {
  id: 'services',
  title: 'Restart management services',
  shortcut: { fkey: 'f6', letter: 'm', label: 'Restart services' },
  requiresAuth: true,
  init: () => initialServices,
  reduce: reduceServices,
  onKey: servicesKey,
  busy: (s) => s.phase === 'running',
  hints: (s) => (s.phase === 'running' || s.phase === 'reading' ? [] : [{ keys: 'Enter/Y', label: s.before?.running ? 'Restart' : 'Start' }]),
  View: ServicesView,
  controller: servicesController,
};
