import type { ReactElement } from 'react';
import type { FunctionKey, Key } from '@quantix/lib/terminal/keymap';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import type { ConsoleConfig } from '../config.ts';
import type { Effects } from '../effects/index.ts';
import type { ShellResult } from '../effects/shell-launcher.ts';

export type ScreenId = 'status' | 'auth' | 'network' | 'ssh' | 'cluster' | 'services' | 'diagnostics' | 'power' | 'shell';

/** One entry of the footer: "F2/N" + "Network". */
export interface Hint {
  keys: string;
  label: string;
}

/** How a screen is opened: its function key from anywhere, its letter where no screen claims it. */
export interface Shortcut {
  fkey: FunctionKey;
  letter: string;
  label: string;
}

export interface InitContext {
  now: number;
  config: ConsoleConfig;
  /** For the auth screen: the screen to open once the password is right. */
  target?: ScreenId;
  /** The body's size when the screen opens (what its view will get), e.g. for page scrolling. */
  body: { width: number; height: number };
}

export interface ViewProps<S> {
  state: S;
  profile: TerminalProfile;
  /** Columns and lines the view may use inside the frame; it must not draw more. */
  width: number;
  height: number;
  /** Epoch ms of the clock tick being drawn (countdowns). */
  now: number;
}

/** What a key does on a screen: one of its actions, "back" (to the status screen), or nothing. */
export type KeyResult<A> = A | 'back' | null;

/**
 * A screen: a pure reducer and key map, a dumb view, and an optional controller that does the
 * side effects. Reducers and key maps get time only through actions (pass `now` in them).
 */
export interface ScreenDef<S, A> {
  id: ScreenId;
  /** Shown in the header. */
  title: string;
  shortcut?: Shortcut;
  /** Open only after the admin password (sudo-like: a few minutes of activity). */
  requiresAuth: boolean;
  /** Keep the state when left and opened again (default: a fresh init each time). */
  keepState?: boolean;
  init(ctx: InitContext): S;
  reduce(state: S, action: A): S;
  /** Sees every key first, except F-keys and Ctrl-C. Return null to let the app handle it. */
  onKey(state: S, key: Key): KeyResult<A>;
  /** While true, letters are text for the screen: they neither open screens nor go back (Q). */
  capturesText?(state: S): boolean;
  /** While true (an operation runs), an expired authentication does not close the screen. */
  busy?(state: S): boolean;
  /**
   * Whether the view needs `now` every second (countdowns, elapsed times). Default: yes. A screen that
   * says no is drawn again only when its state changes (and once a minute), which keeps an idle console idle.
   */
  ticks?(state: S): boolean;
  /** The screen's own keys for the footer; the app adds "Esc/Q Back". */
  hints(state: S): Hint[];
  View(props: ViewProps<S>): ReactElement;
  controller?: ControllerFactory<S, A>;
}

/** What a controller may ask of the application. */
export interface AppControls {
  /** Back to the status screen. */
  back(): void;
  open(id: ScreenId): void;
  /** The password was right: authenticated for a while, then `then` opens. */
  grantAuth(then: ScreenId): void;
  /** Leaves Ink, runs the emergency shell on this terminal with the terminal restored, comes back. */
  runShell(): Promise<ShellResult>;
  /** The name of this terminal, for audit actors and messages ("tty1", "ttyS0", "pts/3"). */
  tty: string;
}

export interface ControllerContext<S, A> {
  effects: Effects;
  config: ConsoleConfig;
  /** Dispatches one of this screen's actions; ignored once the screen has closed. */
  dispatch(action: A): void;
  getState(): S;
  now(): number;
  app: AppControls;
  /** Timers that stop by themselves when the screen closes. */
  every(ms: number, fn: () => void): void;
  after(ms: number, fn: () => void): void;
  /** True once the screen has closed: long operations check it before dispatching. */
  closed(): boolean;
}

/** The side effects of one open screen. Made when the screen opens, stopped when it closes. */
export interface Controller<A> {
  /** Called after each of the screen's actions has been reduced (from keys or from the controller). */
  onAction?(action: A): void;
  /** F5 / R: read everything again. */
  refresh?(): void;
  stop?(): void;
}

export type ControllerFactory<S, A> = (ctx: ControllerContext<S, A>) => Controller<A>;

// The registry holds screens of different state types; each screen is typed inside its own module.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyScreen = ScreenDef<any, any>;
export type Registry = Record<ScreenId, AnyScreen>;
