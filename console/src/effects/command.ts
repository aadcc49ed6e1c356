import { execFile } from 'node:child_process';

/**
 * Splits a configured command line into argv the way a shell would for plain words, quotes and
 * backslashes; nothing is expanded and no shell runs it.
 */
export function splitCommand(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) current += line[++i];
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in command: ${line}`);
  if (inWord) args.push(current);
  return args;
}

export interface CommandResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs argv (no shell) with a timeout; never rejects: a command that cannot start has code null. */
export function runCommand(argv: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve({ code: null, signal: null, stdout: '', stderr: 'empty command' });
  return new Promise((resolve) => {
    execFile(file, args, { timeout: options.timeoutMs ?? 60_000, env: options.env ?? process.env, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown; signal?: string | null }) | null;
      resolve({
        code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
        signal: e?.signal ?? null,
        stdout: String(stdout),
        stderr: e && typeof e.code === 'string' && !stderr ? `${file}: ${e.message}` : String(stderr),
      });
    });
  });
}
