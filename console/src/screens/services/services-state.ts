import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult } from '../../app/screen.ts';
import type { ServiceStatus } from '../../effects/service-control.ts';
import type { ErrorInfo } from '../../errors.ts';

export interface ServicesState {
  phase: 'reading' | 'ready' | 'running' | 'done' | 'failed';
  /** qx-node before the restart. */
  before: ServiceStatus | null;
  steps: string[];
  after: ServiceStatus | null;
  error: ErrorInfo | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export type ServicesAction =
  | { type: 'status'; status: ServiceStatus }
  | { type: 'confirm' }
  | { type: 'started'; now: number }
  | { type: 'step'; text: string }
  | { type: 'done'; status: ServiceStatus; now: number }
  | { type: 'failed'; error: ErrorInfo; now: number };

export const initialServices: ServicesState = { phase: 'reading', before: null, steps: [], after: null, error: null, startedAt: null, finishedAt: null };

export function reduceServices(s: ServicesState, a: ServicesAction): ServicesState {
  switch (a.type) {
    case 'status':
      return s.phase === 'reading' ? { ...s, phase: 'ready', before: a.status } : s;
    case 'confirm':
      if (s.phase !== 'ready' && s.phase !== 'done' && s.phase !== 'failed') return s;
      return { ...s, phase: 'running', steps: [], after: null, error: null, startedAt: null, finishedAt: null };
    case 'started':
      return s.phase === 'running' ? { ...s, startedAt: a.now } : s;
    case 'step':
      return s.phase === 'running' ? { ...s, steps: [...s.steps, a.text].slice(-6) } : s;
    case 'done':
      return s.phase === 'running' ? { ...s, phase: 'done', after: a.status, before: a.status, finishedAt: a.now } : s;
    case 'failed':
      return s.phase === 'running' ? { ...s, phase: 'failed', error: a.error, finishedAt: a.now } : s;
  }
}

/** Enter or Y starts (or restarts) qx-node; nothing else is needed on this screen. */
export function servicesKey(s: ServicesState, key: Key): KeyResult<ServicesAction> {
  const yes = key.name === 'enter' || (key.name === 'char' && key.char?.toLowerCase() === 'y');
  if (yes && (s.phase === 'ready' || s.phase === 'done' || s.phase === 'failed')) return { type: 'confirm' };
  return null;
}
