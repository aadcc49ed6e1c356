import { open } from 'node:fs/promises';
import { runCommand } from './command.ts';

export interface LogTail {
  /** Where the lines came from: a path or a command. */
  source: string;
  lines: string[];
  /** Why there are no lines, when there are none. */
  missing: string | null;
}

/** Reads the end of logs for the diagnostics screen. */
export interface LogReader {
  tail(path: string, maxLines: number): Promise<LogTail>;
  systemLog(maxLines: number): Promise<LogTail>;
}

/** The last lines of a text, without the one a byte window may have cut in half. */
export function lastLines(text: string, maxLines: number, cutAtStart: boolean): string[] {
  const lines = text.split('\n');
  if (cutAtStart) lines.shift();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  // Tabs and control characters would break the layout of a fixed-width screen.
  return lines.slice(-maxLines).map((l) => l.replace(/\t/g, '  ').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ''));
}

export class FileLogReader implements LogReader {
  constructor(private readonly systemLogFiles: string[] = ['/var/log/syslog', '/var/log/messages']) {}

  async tail(path: string, maxLines: number): Promise<LogTail> {
    try {
      const file = await open(path, 'r');
      try {
        const { size } = await file.stat();
        const length = Math.min(size, 128 * 1024);
        const buffer = Buffer.alloc(length);
        await file.read(buffer, 0, length, size - length);
        return { source: path, lines: lastLines(buffer.toString('utf8'), maxLines, size > length), missing: null };
      } finally {
        await file.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return { source: path, lines: [], missing: code === 'ENOENT' ? `${path} does not exist` : `${path}: ${(err as Error).message}` };
    }
  }

  async systemLog(maxLines: number): Promise<LogTail> {
    for (const file of this.systemLogFiles) {
      const t = await this.tail(file, maxLines);
      if (!t.missing) return t;
    }
    const r = await runCommand(['dmesg'], { timeoutMs: 5000 });
    if (r.code === 0) return { source: 'dmesg', lines: lastLines(r.stdout, maxLines, false), missing: null };
    return { source: 'dmesg', lines: [], missing: `no system log: ${this.systemLogFiles.join(', ')} missing and dmesg failed (${r.stderr.trim() || `exit ${r.code}`})` };
  }
}
