import { KeyDecoder, type Key } from '@quantix/lib/terminal/keymap';
import type { ConsoleConfig } from '../config.ts';
import type { Effects } from '../effects/index.ts';
import type { ShellResult } from '../effects/shell-launcher.ts';
import { initialRootState, rootReducer, routeKey, type RootAction, type RootState } from './root.ts';
import type { Controller, ControllerContext, Registry, ScreenId } from './screen.ts';

export interface RuntimeOptions {
  registry: Registry;
  config: ConsoleConfig;
  effects: Effects;
  tty: string;
  now?: () => number;
  /** Runs `fn` with the terminal handed over (Ink unmounted, terminal restored), then takes it back. */
  suspend?: <T>(fn: () => Promise<T>) => Promise<T>;
  escapeTimeoutMs?: number;
  /** The frame body's size at start. */
  body?: { width: number; height: number };
  /** Called every second on the second, e.g. to draw the clock. */
  onSecond?: (now: number) => void;
}

interface OpenController {
  id: ScreenId;
  controller: Controller<unknown>;
  timers: Set<NodeJS.Timeout>;
  closed: boolean;
}

/**
 * The impure half of the console: holds the root state outside React (so it survives Ink being
 * unmounted for the emergency shell), turns input into keys, runs the open screen's controller and
 * the clock.
 */
export class ConsoleRuntime {
  private state: RootState;
  private readonly reduce: (s: RootState, a: RootAction) => RootState;
  private readonly listeners = new Set<() => void>();
  private readonly decoder: KeyDecoder;
  private open: OpenController | null = null;
  private clock: NodeJS.Timeout | null = null;
  private exitResolve: (() => void) | null = null;
  readonly exited: Promise<void>;
  readonly now: () => number;

  constructor(private readonly o: RuntimeOptions) {
    this.now = o.now ?? Date.now;
    const root = { registry: o.registry, config: o.config };
    this.reduce = rootReducer(root);
    this.state = initialRootState(root, this.now(), o.body);
    this.decoder = new KeyDecoder((key) => this.key(key), { escapeTimeoutMs: o.escapeTimeoutMs ?? 50 });
    this.exited = new Promise((resolve) => (this.exitResolve = resolve));
  }

  getState = (): RootState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts the clock and the status screen's controller. */
  start(): void {
    this.syncController();
    this.scheduleTick();
  }

  stop(): void {
    if (this.clock) clearTimeout(this.clock);
    this.clock = null;
    this.closeController();
    this.decoder.reset();
  }

  requestExit(): void {
    this.exitResolve?.();
  }

  /** Raw terminal input, in whatever chunks it came. */
  input = (chunk: string | Buffer): void => {
    this.decoder.push(chunk);
  };

  key(key: Key): void {
    const outcome = routeKey({ registry: this.o.registry, config: this.o.config }, this.state, key, this.now());
    if (outcome.exit) {
      this.requestExit();
      return;
    }
    for (const action of outcome.actions) this.dispatch(action);
    if (outcome.refresh) this.open?.controller.refresh?.();
  }

  dispatch(action: RootAction): void {
    const before = this.state;
    this.state = this.reduce(before, action);
    if (this.state !== before) for (const l of this.listeners) l();
    if (this.state.current !== before.current || this.open === null) this.syncController();
    else if (action.type === 'screen' && action.id === this.state.current) this.open.controller.onAction?.(action.action);
  }

  private scheduleTick(): void {
    // On the second boundary, so the clock advances evenly and the process sleeps in between.
    const delay = 1000 - (this.now() % 1000) + 5;
    this.clock = setTimeout(() => {
      const now = this.now();
      if (this.needsTick(now)) this.dispatch({ type: 'tick', now });
      this.o.onSecond?.(now);
      this.scheduleTick();
    }, delay);
  }

  /** A tick re-renders: only when the open screen counts seconds, a minute turned, or the auth window ends. */
  private needsTick(now: number): boolean {
    const s = this.state;
    const def = this.o.registry[s.current];
    if (def.ticks?.(s.screens[s.current]) ?? true) return true;
    if (Math.floor(now / 60_000) !== Math.floor(s.now / 60_000)) return true;
    return def.requiresAuth && s.authUntil <= now;
  }

  private closeController(): void {
    const open = this.open;
    if (!open) return;
    open.closed = true;
    for (const t of open.timers) clearTimeout(t);
    open.timers.clear();
    this.open = null;
    open.controller.stop?.();
  }

  private syncController(): void {
    const id = this.state.current;
    if (this.open?.id === id) return;
    this.closeController();
    const def = this.o.registry[id];
    const open: OpenController = { id, controller: {}, timers: new Set(), closed: false };
    this.open = open;
    if (!def.controller) return;
    const ctx: ControllerContext<unknown, unknown> = {
      effects: this.o.effects,
      config: this.o.config,
      dispatch: (action) => {
        if (!open.closed) this.dispatch({ type: 'screen', id, action });
      },
      getState: () => this.state.screens[id],
      now: this.now,
      app: {
        back: () => !open.closed && this.dispatch({ type: 'back', now: this.now() }),
        open: (target) => !open.closed && this.dispatch({ type: 'open', id: target, now: this.now() }),
        grantAuth: (then) => !open.closed && this.dispatch({ type: 'auth.granted', then, now: this.now() }),
        runShell: () => this.runShell(),
        tty: this.o.tty,
      },
      every: (ms, fn) => {
        const schedule = () => {
          const t = setTimeout(() => {
            open.timers.delete(t);
            if (open.closed) return;
            fn();
            schedule();
          }, ms);
          open.timers.add(t);
        };
        schedule();
      },
      after: (ms, fn) => {
        const t = setTimeout(() => {
          open.timers.delete(t);
          if (!open.closed) fn();
        }, ms);
        open.timers.add(t);
      },
      closed: () => open.closed,
    };
    open.controller = def.controller(ctx);
  }

  private async runShell(): Promise<ShellResult> {
    const suspend = this.o.suspend ?? ((fn) => fn());
    if (this.clock) clearTimeout(this.clock);
    this.clock = null;
    this.decoder.reset();
    try {
      return await suspend(() => this.o.effects.shell.run());
    } finally {
      this.dispatch({ type: 'tick', now: this.now() });
      this.scheduleTick();
    }
  }
}
