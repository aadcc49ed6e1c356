import { spawn } from 'node:child_process';

export interface ShellResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  /** The command that ran (the fallback when the configured one could not start). */
  command: string[];
  error: string | null;
}

/** Runs an interactive shell on this terminal (stdio inherited) and waits for it to end. */
export interface ShellLauncher {
  run(): Promise<ShellResult>;
}

const HELD_SIGNALS = ['SIGINT', 'SIGQUIT', 'SIGTSTP'] as const;

function runOnce(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; signal: string | null; spawnError: NodeJS.ErrnoException | null }> {
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    const child = spawn(file!, args, { stdio: 'inherit', env });
    child.once('error', (err) => resolve({ code: null, signal: null, spawnError: err as NodeJS.ErrnoException }));
    child.once('exit', (code, signal) => resolve({ code, signal, spawnError: null }));
  });
}

export class SpawnShellLauncher implements ShellLauncher {
  constructor(
    private readonly command: string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly fallback: string[] = ['/bin/sh'],
  ) {}

  async run(): Promise<ShellResult> {
    const started = Date.now();
    // Ctrl-C and Ctrl-\ typed in the shell reach this process too when the shell does no job control.
    const ignore = () => undefined;
    for (const s of HELD_SIGNALS) process.on(s, ignore);
    try {
      let command = this.command;
      let r = await runOnce(command, this.env);
      let error: string | null = null;
      if (r.spawnError) {
        error = `${command[0]}: ${r.spawnError.message}`;
        command = this.fallback;
        r = await runOnce(command, this.env);
        if (r.spawnError) error = `${error}; ${command[0]}: ${r.spawnError.message}`;
      }
      return { exitCode: r.code, signal: r.signal, durationMs: Date.now() - started, command, error: r.spawnError ? error : null };
    } finally {
      for (const s of HELD_SIGNALS) process.off(s, ignore);
    }
  }
}
