import type { ControllerFactory } from '../../app/screen.ts';
import type { ShellAction, ShellState } from './shell-state.ts';

/** Hands the terminal to the emergency shell (Ink steps aside) and audits its start and end. */
export const shellController: ControllerFactory<ShellState, ShellAction> = (ctx) => {
  const { effects, config, app } = ctx;

  const open = async () => {
    ctx.dispatch({ type: 'started' });
    await effects.audit.record('shell.start', { tty: app.tty, command: config.shell }).catch(() => undefined);
    const result = await app.runShell();
    await effects.audit
      .record('shell.end', { tty: app.tty, exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, command: result.command, error: result.error })
      .catch(() => undefined);
    ctx.dispatch({ type: 'ended', result });
  };

  void open();
  return {
    onAction(action) {
      if (action.type === 'again') void open();
    },
  };
};
