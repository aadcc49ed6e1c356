import { runCommand, type CommandResult } from './command.ts';

export type PowerAction = 'reboot' | 'poweroff';

/** Takes the host down: runs the configured reboot or power-off command. */
export interface PowerControl {
  run(action: PowerAction): Promise<CommandResult>;
}

export class CommandPowerControl implements PowerControl {
  constructor(private readonly commands: Record<PowerAction, string[]>) {}

  run(action: PowerAction): Promise<CommandResult> {
    return runCommand(this.commands[action], { timeoutMs: 120_000 });
  }
}
