import { isCtrlC, type Key } from '@quantix/lib/terminal/keymap';
import type { ConsoleConfig } from '../config.ts';
import type { Registry, ScreenId } from './screen.ts';

/** The whole console: which screen is open, every screen's state, and the authentication window. */
export interface RootState {
  current: ScreenId;
  screens: Partial<Record<ScreenId, unknown>>;
  /** Epoch ms until which the operator counts as authenticated; 0: not. */
  authUntil: number;
  now: number;
  /** Size of the frame's body, for screens that page. */
  body: { width: number; height: number };
}

export type RootAction =
  | { type: 'open'; id: ScreenId; now: number }
  | { type: 'back'; now: number }
  | { type: 'screen'; id: ScreenId; action: unknown }
  | { type: 'auth.granted'; then: ScreenId; now: number }
  | { type: 'activity'; now: number }
  | { type: 'tick'; now: number }
  | { type: 'resize'; body: { width: number; height: number } };

export interface RootOptions {
  registry: Registry;
  config: ConsoleConfig;
}

const authTtl = (config: ConsoleConfig) => config.authMinutes * 60_000;

export const DEFAULT_BODY = { width: 76, height: 16 };

export function initialRootState(o: RootOptions, now: number, body = DEFAULT_BODY): RootState {
  return { current: 'status', screens: { status: o.registry.status.init({ now, config: o.config, body }) }, authUntil: 0, now, body };
}

function openScreen(o: RootOptions, s: RootState, id: ScreenId, now: number): RootState {
  const def = o.registry[id];
  if (def.requiresAuth && s.authUntil <= now) {
    return { ...s, now, current: 'auth', screens: { ...s.screens, auth: o.registry.auth.init({ now, config: o.config, target: id, body: s.body }) } };
  }
  const kept = def.keepState ? s.screens[id] : undefined;
  return { ...s, now, current: id, screens: { ...s.screens, [id]: kept ?? def.init({ now, config: o.config, body: s.body }) } };
}

export function rootReducer(o: RootOptions) {
  return (s: RootState, a: RootAction): RootState => {
    switch (a.type) {
      case 'open':
        return openScreen(o, s, a.id, a.now);
      case 'back':
        return s.current === 'status' ? s : openScreen(o, s, 'status', a.now);
      case 'screen': {
        const def = o.registry[a.id];
        const current = s.screens[a.id];
        if (current === undefined) return s;
        const next = def.reduce(current, a.action);
        return next === current ? s : { ...s, screens: { ...s.screens, [a.id]: next } };
      }
      case 'auth.granted':
        return openScreen(o, { ...s, authUntil: a.now + authTtl(o.config) }, a.then, a.now);
      case 'activity':
        return s.authUntil > a.now ? { ...s, authUntil: a.now + authTtl(o.config), now: a.now } : s;
      case 'resize':
        return s.body.width === a.body.width && s.body.height === a.body.height ? s : { ...s, body: a.body };
      case 'tick': {
        const def = o.registry[s.current];
        const expired = def.requiresAuth && s.authUntil <= a.now && !def.busy?.(s.screens[s.current]);
        if (expired) return openScreen(o, { ...s, authUntil: 0 }, 'status', a.now);
        return { ...s, now: a.now };
      }
    }
  };
}

/** What one key leads to: root actions to dispatch, a refresh of the open screen, or leaving. */
export interface KeyOutcome {
  actions: RootAction[];
  refresh: boolean;
  exit: boolean;
}

/**
 * The console's key routing, pure: Ctrl-C and F-keys belong to the application; every other key
 * goes to the open screen first, and what it leaves alone may open a screen by letter or go back.
 */
export function routeKey(o: RootOptions, s: RootState, key: Key, now: number): KeyOutcome {
  const out: KeyOutcome = { actions: [{ type: 'activity', now }], refresh: false, exit: false };
  if (isCtrlC(key)) {
    out.exit = o.config.allowExit;
    return out;
  }
  const screens = Object.values(o.registry);
  if (/^f\d+$/.test(key.name)) {
    if (key.name === 'f5') out.refresh = true;
    const target = screens.find((d) => d.shortcut?.fkey === key.name);
    if (target && target.id !== s.current) out.actions.push({ type: 'open', id: target.id, now });
    return out;
  }
  const def = o.registry[s.current];
  const screenState = s.screens[s.current];
  const result = def.onKey(screenState, key);
  if (result === 'back') {
    out.actions.push({ type: 'back', now });
    return out;
  }
  if (result !== null) {
    out.actions.push({ type: 'screen', id: s.current, action: result });
    return out;
  }
  if (key.name === 'escape') {
    out.actions.push({ type: 'back', now });
    return out;
  }
  if (key.name !== 'char' || key.alt || def.capturesText?.(screenState)) return out;
  const letter = (key.char ?? '').toLowerCase();
  if (letter === 'q') {
    out.actions.push({ type: 'back', now });
  } else if (letter === 'r') {
    out.refresh = true;
  } else {
    const target = screens.find((d) => d.shortcut?.letter === letter);
    if (target && target.id !== s.current) out.actions.push({ type: 'open', id: target.id, now });
  }
  return out;
}
