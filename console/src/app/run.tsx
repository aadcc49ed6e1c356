import type { Instance } from 'ink';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { bodySize } from '@quantix/lib/tui/frame';
import { mountInk, takeTerminal, unmountInk } from '@quantix/lib/tui/render';
import type { ConsoleConfig } from '../config.ts';
import type { Effects } from '../effects/index.ts';
import { ClockOverlay } from './clock-overlay.ts';
import { ConsoleApp } from './console-app.tsx';
import { ConsoleRuntime } from './runtime.ts';
import type { Registry } from './screen.ts';

export interface RunOptions {
  config: ConsoleConfig;
  effects: Effects;
  registry: Registry;
  profile: TerminalProfile;
  tty: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/**
 * Runs the console on a terminal until it is told to exit (Ctrl-C with --allow-exit, SIGTERM, SIGHUP).
 * Ink is unmounted while the emergency shell has the terminal and mounted again afterwards; the state
 * lives in the runtime, so the console comes back as it was.
 */
export async function runConsole(o: RunOptions): Promise<void> {
  const { stdin, stdout } = o;
  takeTerminal(o.profile, stdout);
  let ink: Instance | null = null;

  // Every write of the renderer may have redrawn the header line: put the clock back right after it.
  const write = stdout.write.bind(stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const clock = new ClockOverlay((text) => void write(text), o.profile, Date.now);
  let redraw: NodeJS.Immediate | null = null;
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const r = write(chunk, ...rest);
    if (!clock.isDrawing && ink !== null && redraw === null) {
      redraw = setImmediate(() => {
        redraw = null;
        clock.draw();
      });
    }
    return r;
  }) as typeof stdout.write;

  const mount = () => {
    ink = mountInk(<ConsoleApp runtime={runtime} registry={o.registry} profile={o.profile} allowExit={o.config.allowExit} onProfile={(p) => clock.setProfile(p)} />, stdin, stdout);
  };
  const unmount = async () => {
    const current = ink;
    ink = null;
    if (!current) return;
    clock.setEnabled(false);
    await unmountInk(current, stdin, stdout);
  };

  const runtime: ConsoleRuntime = new ConsoleRuntime({
    registry: o.registry,
    config: o.config,
    effects: o.effects,
    tty: o.tty,
    body: bodySize(o.profile),
    onSecond: (now) => clock.draw(now),
    suspend: async (fn) => {
      await unmount();
      stdout.write('Quantix emergency shell: its start and end go to the audit log.\nType "exit" to return to the console.\n\n');
      try {
        return await fn();
      } finally {
        clock.setEnabled(true);
        mount();
      }
    },
  });

  const stopOn = (signal: NodeJS.Signals) => process.once(signal, () => runtime.requestExit());
  stopOn('SIGTERM');
  stopOn('SIGHUP');
  mount();
  runtime.start();
  await runtime.exited;
  runtime.stop();
  await unmount();
  await o.effects.node.close().catch(() => undefined);
}
