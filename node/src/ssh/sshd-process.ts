import { execFile, spawn } from 'node:child_process';
import { z } from 'zod';
import { constants, readFileSync } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ApiError } from '@quantix/lib/errors';

/** What we remember of the sshd we started: its pid and when its window ends. */
const runFile = z.strictObject({ pid: z.number().int().positive(), deadline: z.number().nullable() });

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sshd of qx-node as seen by the SSH service; a fake one stands in for it in unit tests. */
export interface SshdControl {
  /** The pid of our listening sshd when one is alive (synchronous: reads /proc). */
  running(): number | null;
  /** Host keys exist (generated once, kept). */
  ensureHostKeys(): Promise<void>;
  /** Stops a host key generation under way and waits until it is gone, leaving no partial key behind. */
  cancelHostKeys(): Promise<void>;
  /**
   * sshd listens with this configuration and, when `deadline` is set, stops accepting by itself
   * at that moment even if qx-node is not running then. Restarts the listener when either
   * differs from what runs; sessions already open are not touched.
   */
  ensure(config: string, deadline: number | null): Promise<{ pid: number; restarted: boolean }>;
  /** The listener is gone (SIGTERM to the pid of the PidFile); its sessions go on. */
  stop(): Promise<boolean>;
}

export interface SshdPaths {
  dir: string;
  sshdPath: string;
  /** The configured ListenAddress and Port, for messages. */
  listen: string;
  port: number;
  /** Address to check that sshd really answers (loopback when it listens on every address). */
  probeHost: string;
  log: (line: string) => void;
  now?: () => number;
}

/** Host key types, generated once with ssh-keygen: Ed25519 for current clients, RSA 3072 for old ones. */
export const HOST_KEY_TYPES = [
  { type: 'ed25519', file: 'ssh_host_ed25519_key', args: [] as string[] },
  { type: 'rsa', file: 'ssh_host_rsa_key', args: ['-b', '3072'] },
];

const LOG_ROTATE_BYTES = 4 * 1024 * 1024;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Where sshd wants its privilege-separation directory (compiled into Debian's sshd). */
const PRIVSEP_DIR = '/run/sshd';

/** Write, fsync, rename over, fsync the directory: a crash leaves the old file or the new one. */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const file = await open(tmp, 'w', mode);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** A live (not zombie) process whose command line mentions `marker`. */
export function processMatches(pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/** Whether something at host:port greets like an SSH server ("SSH-2.0-…"). */
export function sshBanner(host: string, port: number, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    let data = '';
    const socket = connect({ host, port });
    const done = (value: string | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      const line = /^(SSH-[^\r\n]*)\r?\n/.exec(data);
      if (line) {
        // Answer in the protocol's own words and let sshd close, so that it logs a plain disconnect.
        clearTimeout(timer);
        resolve(line[1]!);
        socket.end('SSH-2.0-qx-node-probe\r\n');
        setTimeout(() => socket.destroy(), 2000).unref();
      } else if (data.length > 512) done(null);
    });
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
  });
}

/** The last lines sshd wrote since `offset`, trimmed for an error's details (no secrets: sshd logs none). */
export async function logTail(path: string, offset: number, maxLines = 15): Promise<string[]> {
  const text = (await readIfExists(path)) ?? '';
  return text
    .slice(offset <= text.length ? offset : 0)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-maxLines)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
}

/** A message a person can act on, from what sshd said when it failed to start. */
export function explainStartFailure(lines: string[], where: { listen: string; port: number; sshdPath: string }): string {
  const text = lines.join('\n');
  if (/address already in use/i.test(text)) {
    return `sshd could not listen on ${where.listen} port ${where.port}: the port is in use, perhaps by the system's own SSH server. Stop that one or choose another port (QX_SSH_PORT).`;
  }
  if (/cannot assign requested address/i.test(text)) {
    return `sshd could not listen on ${where.listen}: no interface of this host has that address. Check QX_SSH_LISTEN.`;
  }
  if (/privilege separation/i.test(text)) return `sshd is missing its privilege separation directory ${PRIVSEP_DIR}; create it (root, mode 0755).`;
  const last = lines.at(-1);
  return last ? `sshd did not start: ${last}` : `sshd (${where.sshdPath}) did not start and wrote nothing to its log.`;
}

/** The real sshd, started by hand: detached, its own process group, logging to a file in `dir`. */
export class SshdProcess implements SshdControl {
  readonly configPath: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly runFile: string;
  private readonly now: () => number;
  private keys: Promise<void> | null = null;
  private readonly keygenAbort = new AbortController();

  constructor(private readonly o: SshdPaths) {
    this.configPath = join(o.dir, 'sshd_config');
    this.pidFile = join(o.dir, 'sshd.pid');
    this.logFile = join(o.dir, 'sshd.log');
    this.runFile = join(o.dir, 'sshd.run.json');
    this.now = o.now ?? Date.now;
  }

  running(): number | null {
    let pid: number;
    try {
      pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    } catch {
      return null;
    }
    return Number.isInteger(pid) && pid > 1 && processMatches(pid, this.configPath) ? pid : null;
  }

  ensureHostKeys(): Promise<void> {
    this.keys ??= this.generateHostKeys().catch((err) => {
      this.keys = null;
      throw err;
    });
    return this.keys;
  }

  async cancelHostKeys(): Promise<void> {
    this.keygenAbort.abort();
    await this.keys?.catch(() => undefined);
  }

  private async generateHostKeys(): Promise<void> {
    await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
    for (const k of HOST_KEY_TYPES) {
      if (this.keygenAbort.signal.aborted) throw new ApiError('SSHD_FAILED', 'SSH host key generation was stopped because qx-node is shutting down.');
      const path = join(this.o.dir, k.file);
      if ((await readIfExists(path)) !== null && (await readIfExists(`${path}.pub`)) !== null) continue;
      const tmp = `${path}.new`;
      await rm(tmp, { force: true });
      await rm(`${tmp}.pub`, { force: true });
      const started = Date.now();
      const keygen = run('ssh-keygen', ['-q', '-t', k.type, ...k.args, '-N', '', '-C', 'quantix-host', '-f', tmp], { timeout: 60_000, signal: this.keygenAbort.signal });
      try {
        await keygen;
      } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        if (this.keygenAbort.signal.aborted) {
          // execFile rejects on abort as soon as it has sent the signal: wait for ssh-keygen to be gone before cleaning up.
          const child = keygen.child;
          if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
          await rm(tmp, { force: true });
          await rm(`${tmp}.pub`, { force: true });
          throw new ApiError('SSHD_FAILED', 'SSH host key generation was stopped because qx-node is shutting down.');
        }
        throw new ApiError(
          'SSHD_FAILED',
          e.code === 'ENOENT'
            ? 'ssh-keygen was not found; install openssh-server (apt-get install openssh-server).'
            : `ssh-keygen could not make the ${k.type} host key: ${(e.stderr ?? e.message).trim()}`,
        );
      }
      await rename(`${tmp}.pub`, `${path}.pub`);
      await rename(tmp, path);
      this.o.log(`SSH host key ${k.type} generated in ${Date.now() - started} ms`);
    }
  }

  async ensure(config: string, deadline: number | null): Promise<{ pid: number; restarted: boolean }> {
    await access(this.o.sshdPath, constants.X_OK).catch(() => {
      throw new ApiError(
        'SSHD_FAILED',
        `sshd was not found at ${this.o.sshdPath}: install openssh-server (apt-get install openssh-server) or point QX_SSHD at sshd.`,
      );
    });
    await this.ensureHostKeys();
    await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    const changed = (await readIfExists(this.configPath)) !== config;
    if (changed) await this.installConfig(config);

    const pid = this.running();
    if (pid !== null && !changed) {
      const run = await this.readRun();
      if (run?.pid === pid && run.deadline === deadline && (await sshBanner(this.o.probeHost, this.o.port))) {
        return { pid, restarted: false };
      }
    }
    if (pid !== null) await this.stop();
    return { pid: await this.start(deadline), restarted: pid !== null };
  }

  /** Checked with `sshd -t` before it replaces the old one, so a bad file never reaches a running sshd. */
  private async installConfig(config: string): Promise<void> {
    const tmp = `${this.configPath}.new`;
    await writeFileAtomic(tmp, config, 0o600);
    try {
      await run(this.o.sshdPath, ['-t', '-f', tmp], { timeout: 15_000 });
    } catch (err) {
      const stderr = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
      await rm(tmp, { force: true });
      throw new ApiError('SSHD_FAILED', `sshd refuses the generated configuration: ${stderr.split('\n').at(-1)}`, {
        sshd: stderr.split('\n').slice(-10),
      });
    }
    await rename(tmp, this.configPath);
  }

  private async readRun(): Promise<{ pid: number; deadline: number | null } | null> {
    try {
      const parsed = runFile.safeParse(JSON.parse((await readIfExists(this.runFile)) ?? 'null'));
      if (parsed.success) return parsed.data;
    } catch {
      // rewritten on the next start
    }
    return null;
  }

  private async rotateLog(): Promise<void> {
    const size = await stat(this.logFile).then((s) => s.size, () => 0);
    if (size > LOG_ROTATE_BYTES) await rename(this.logFile, `${this.logFile}.1`);
  }

  /**
   * sshd -D in a new session (so neither a signal to qx-node's group nor qx-node's exit reaches
   * it), stdout/stderr into its log. For a window it runs under coreutils `timeout`, which sends
   * SIGTERM to the listener at the deadline; sshd's per-connection processes each call setsid(),
   * so they are in other process groups and are not signalled.
   */
  private async start(deadline: number | null): Promise<number> {
    await this.rotateLog();
    await rm(this.pidFile, { force: true });
    const offset = await stat(this.logFile).then((s) => s.size, () => 0);
    const sshd = [this.o.sshdPath, '-D', '-f', this.configPath, '-E', this.logFile];
    let argv = sshd;
    if (deadline !== null) {
      const seconds = Math.ceil((deadline - this.now()) / 1000);
      if (seconds <= 0) throw new Error('the SSH window has already ended');
      argv = ['timeout', '-s', 'TERM', `${seconds}s`, ...sshd];
    }
    const logFd = await open(this.logFile, 'a', 0o600);
    const started = Date.now();
    let exit: string | null = null;
    let child;
    try {
      child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', logFd.fd, logFd.fd] });
    } finally {
      await logFd.close();
    }
    child.on('error', (err) => (exit = err.message));
    child.on('exit', (code, signal) => (exit = signal ? `killed by ${signal}` : `exit code ${code}`));

    const fail = async (why: string): Promise<never> => {
      for (const pid of [child.exitCode === null ? child.pid : undefined, this.running()]) {
        if (!pid) continue;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      const lines = await logTail(this.logFile, offset);
      throw new ApiError('SSHD_FAILED', explainStartFailure(lines, { listen: this.o.listen, port: this.o.port, sshdPath: this.o.sshdPath }), {
        why,
        sshdLog: this.logFile,
        log: lines,
      });
    };

    for (;;) {
      if (exit !== null) return fail(`sshd ended at start (${exit})`);
      const pid = this.running();
      if (pid !== null && (await sshBanner(this.o.probeHost, this.o.port))) {
        if (exit !== null) return fail(`sshd ended at start (${exit})`);
        child.unref();
        await writeFileAtomic(this.runFile, JSON.stringify({ pid, deadline }), 0o600);
        this.o.log(`sshd started (pid ${pid}) on ${this.o.listen} port ${this.o.port} in ${Date.now() - started} ms${deadline !== null ? `, accepting until ${new Date(deadline).toISOString()}` : ''}`);
        return pid;
      }
      if (Date.now() - started > START_TIMEOUT_MS) return fail(`sshd did not answer on port ${this.o.port} within ${START_TIMEOUT_MS / 1000} s`);
      await sleep(25);
    }
  }

  async stop(): Promise<boolean> {
    const pid = this.running();
    if (pid === null) {
      await rm(this.pidFile, { force: true });
      return false;
    }
    const gone = async (ms: number) => {
      const until = Date.now() + ms;
      while (processMatches(pid, this.configPath)) {
        if (Date.now() > until) return false;
        await sleep(20);
      }
      return true;
    };
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(pid, sig);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    };
    signal('SIGTERM');
    if (!(await gone(STOP_TIMEOUT_MS))) {
      this.o.log(`sshd (pid ${pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000} s; sending SIGKILL`);
      signal('SIGKILL');
      if (!(await gone(2000))) throw new ApiError('SSHD_FAILED', `sshd (pid ${pid}) does not stop, not even on SIGKILL.`);
    }
    await rm(this.pidFile, { force: true });
    await rm(this.runFile, { force: true });
    this.o.log(`sshd (pid ${pid}) stopped; open sessions go on`);
    return true;
  }
}
