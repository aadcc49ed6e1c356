import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApiError } from '@quantix/lib/errors';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** A non-zero exit is returned instead of thrown (the shell's `|| true`). */
  allowFail?: boolean;
  /** Keep stdout out of the log (it is data, not a message). */
  quietStdout?: boolean;
}

/** Runs commands for the installer, every one of them and its output written to the log. */
export interface Runner {
  run(argv: string[], options?: RunOptions): Promise<CommandResult>;
  log(line: string): void;
  readonly logFile: string;
}

/** Quotes a word for display the way a shell would need it. */
export const shellWord = (w: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
export const commandLine = (argv: readonly string[]) => argv.map(shellWord).join(' ');

/** The last lines of a command's output, for a failure screen. */
export function tail(text: string, lines = 8): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export class CommandFailed extends ApiError {
  constructor(
    readonly argv: string[],
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super('INSTALL_COMMAND_FAILED', `${commandLine(argv)} exited with ${exitCode}${stderr.trim() ? `: ${tail(stderr, 1)}` : ''}`, {
      command: commandLine(argv),
      exitCode,
      stderr: tail(stderr),
    });
  }
}

const STDIO_LIMIT = 4 * 1024 * 1024;

/** Runs real commands and appends them, with their output, to `logFile`. */
export class LoggingRunner implements Runner {
  constructor(
    readonly logFile: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    mkdirSync(dirname(logFile), { recursive: true });
  }

  log(line: string): void {
    appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`);
  }

  run(argv: string[], options: RunOptions = {}): Promise<CommandResult> {
    const [file, ...args] = argv;
    if (file === undefined) return Promise.reject(new Error('an empty command'));
    this.log(`$ ${commandLine(argv)}`);
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...this.env, LC_ALL: 'C' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        if (stdout.length < STDIO_LIMIT) stdout += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < STDIO_LIMIT) stderr += d.toString();
      });
      child.on('error', (err) => {
        this.log(`  cannot run: ${err.message}`);
        const failed = new CommandFailed(argv, 127, err.message);
        if (options.allowFail) resolve({ code: 127, stdout: '', stderr: err.message });
        else reject(failed);
      });
      child.on('close', (code, signal) => {
        const exit = code ?? 128;
        if (stdout.trim() && !options.quietStdout) this.log(indent('stdout', stdout));
        if (stderr.trim()) this.log(indent('stderr', stderr));
        this.log(`  exit ${exit}${signal ? ` (${signal})` : ''}`);
        if (exit !== 0 && !options.allowFail) reject(new CommandFailed(argv, exit, stderr || stdout));
        else resolve({ code: exit, stdout, stderr });
      });
    });
  }
}

function indent(label: string, text: string): string {
  return `  ${label}:\n${text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}`;
}
