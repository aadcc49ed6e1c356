import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Quotes a word for /bin/sh. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A real terminal: a tmux session on a server of its own, running one command; keys in, screen out. */
export class TmuxTerminal {
  private constructor(readonly socket: string) {}

  static async start(argv: string[], env: Record<string, string>, size = { cols: 80, rows: 24 }): Promise<TmuxTerminal> {
    const t = new TmuxTerminal(`qx-inst-${randomBytes(4).toString('hex')}`);
    const envWords = Object.entries(env).map(([k, v]) => shq(`${k}=${v}`));
    const command = `exec env -i ${envWords.join(' ')} ${argv.map(shq).join(' ')}`;
    await run('tmux', ['-L', t.socket, '-f', '/dev/null', 'new-session', '-d', '-s', 'installer', '-x', String(size.cols), '-y', String(size.rows), command]);
    await run('tmux', ['-L', t.socket, 'set-option', '-t', 'installer', 'remain-on-exit', 'on']);
    return t;
  }

  async screen(): Promise<string> {
    return (await run('tmux', ['-L', this.socket, 'capture-pane', '-p', '-t', 'installer'])).stdout;
  }

  async keys(...names: string[]): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', 'installer', ...names]);
  }

  async type(text: string): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', 'installer', '-l', text]);
  }

  async waitFor(what: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const last = await this.screen();
      if (typeof what === 'string' ? last.includes(what) : what.test(last)) return last;
      if (Date.now() > until) throw new Error(`timed out waiting for ${String(what)}; the screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async paneDead(): Promise<boolean> {
    const { stdout } = await run('tmux', ['-L', this.socket, 'display-message', '-p', '-t', 'installer', '#{pane_dead}']);
    return stdout.trim() === '1';
  }

  async kill(): Promise<void> {
    await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
  }
}
