import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Quotes a word for /bin/sh. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A real terminal: a tmux session of its own server (its own socket), 80x24 unless told, running
 * one command. Keys go in with send-keys, the screen comes out with capture-pane.
 */
export class TmuxTerminal {
  private constructor(
    readonly socket: string,
    readonly session: string,
  ) {}

  static async start(argv: string[], env: Record<string, string>, size = { cols: 80, rows: 24 }): Promise<TmuxTerminal> {
    const t = new TmuxTerminal(`qx-e2e-${randomBytes(4).toString('hex')}`, 'console');
    const envWords = Object.entries(env).map(([k, v]) => shq(`${k}=${v}`));
    // The pane stays after the program ends, so its last screen can still be read.
    const command = `exec env ${envWords.join(' ')} ${argv.map(shq).join(' ')}`;
    await run('tmux', ['-L', t.socket, '-f', '/dev/null', 'new-session', '-d', '-s', t.session, '-x', String(size.cols), '-y', String(size.rows), command]);
    await run('tmux', ['-L', t.socket, 'set-option', '-t', t.session, 'remain-on-exit', 'on']);
    return t;
  }

  async screen(): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', this.session]);
    return stdout;
  }

  /** tmux key names: "F2", "Enter", "Escape", "C-c". */
  async keys(...names: string[]): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', this.session, ...names]);
  }

  /** Bytes exactly as given, e.g. an escape sequence or a password. */
  async type(text: string): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', this.session, '-l', text]);
  }

  async waitFor(what: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = await this.screen();
      if (typeof what === 'string' ? last.includes(what) : what.test(last)) return last;
      if (Date.now() > until) throw new Error(`timed out waiting for ${String(what)}; the screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async paneDead(): Promise<boolean> {
    const { stdout } = await run('tmux', ['-L', this.socket, 'display-message', '-p', '-t', this.session, '#{pane_dead}']);
    return stdout.trim() === '1';
  }

  async kill(): Promise<void> {
    await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
  }
}
