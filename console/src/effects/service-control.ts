import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { ConsoleError } from '../errors.ts';
import { runCommand } from './command.ts';

export interface ServiceStatus {
  running: boolean;
  pid: number | null;
  manager: 'systemd' | 'process';
}

/** Restarts the management services (qx-node); VMs are libvirt's and keep running. */
export interface ServiceControl {
  status(): Promise<ServiceStatus>;
  /** Stops qx-node when it runs, starts it, and waits until its socket answers. */
  restart(progress: (step: string) => void): Promise<ServiceStatus>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether something accepts connections on the unix socket. */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

async function waitForSocket(path: string, timeoutMs: number, gaveUp: () => string | null): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await socketAnswers(path)) return;
    const why = gaveUp();
    if (why) throw new ConsoleError('SERVICE_START_FAILED', why);
    if (Date.now() > until) throw new ConsoleError('SERVICE_START_FAILED', `qx-node's socket ${path} did not answer within ${timeoutMs / 1000} s.`);
    await sleep(200);
  }
}

export async function systemdIsInit(proc = '/proc'): Promise<boolean> {
  return (await readFile(`${proc}/1/comm`, 'utf8').catch(() => '')).trim() === 'systemd';
}

/** On a host whose PID 1 is systemd: systemctl restart <unit>. */
export class SystemdServiceControl implements ServiceControl {
  constructor(
    private readonly unit: string,
    private readonly socketPath: string,
  ) {}

  async status(): Promise<ServiceStatus> {
    const r = await runCommand(['systemctl', 'show', '-p', 'MainPID', '--value', this.unit], { timeoutMs: 10_000 });
    const pid = Number(r.stdout.trim()) || null;
    return { running: await socketAnswers(this.socketPath), pid, manager: 'systemd' };
  }

  async restart(progress: (step: string) => void): Promise<ServiceStatus> {
    progress(`systemctl restart ${this.unit}`);
    const r = await runCommand(['systemctl', 'restart', this.unit], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new ConsoleError('COMMAND_FAILED', `systemctl restart ${this.unit}: ${r.stderr.trim() || `exit ${r.code}`}`);
    progress('waiting for the API socket');
    await waitForSocket(this.socketPath, 60_000, () => null);
    return this.status();
  }
}

export interface ProcessServiceControlOptions {
  /** <node data dir>/qx-node.pid, written by qx-node. */
  pidFile: string;
  socketPath: string;
  /** argv that starts qx-node in the foreground. */
  command: string[];
  env: NodeJS.ProcessEnv;
  /** Where the started daemon's stdout and stderr go (appended). */
  outputFile: string;
  stopTimeoutMs?: number;
  startTimeoutMs?: number;
}

/** Without systemd: SIGTERM to the pid in qx-node's pid file, then start it again detached. */
export class ProcessServiceControl implements ServiceControl {
  constructor(private readonly o: ProcessServiceControlOptions) {}

  /** The pid in the pid file, if that process is alive and is a qx-node (pids get reused). */
  private async livePid(): Promise<number | null> {
    const pid = Number((await readFile(this.o.pidFile, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 1) return null;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
    if (cmdline === null || !cmdline.includes('qx-node')) return null;
    return pid;
  }

  async status(): Promise<ServiceStatus> {
    const [pid, running] = await Promise.all([this.livePid(), socketAnswers(this.o.socketPath)]);
    return { running, pid, manager: 'process' };
  }

  async restart(progress: (step: string) => void): Promise<ServiceStatus> {
    const pid = await this.livePid();
    if (pid !== null) {
      progress(`stopping qx-node (pid ${pid})`);
      await this.stop(pid);
    }
    progress('starting qx-node');
    const child = this.start();
    let exited: string | null = null;
    child.once('exit', (code, signal) => (exited = `qx-node exited at start (${signal ?? `exit code ${code}`}); see ${this.o.outputFile}.`));
    child.once('error', (err) => (exited = `qx-node could not be started: ${err.message}`));
    progress('waiting for the API socket');
    await waitForSocket(this.o.socketPath, this.o.startTimeoutMs ?? 90_000, () => exited);
    child.unref();
    return this.status();
  }

  private async stop(pid: number): Promise<void> {
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + (this.o.stopTimeoutMs ?? 20_000);
    while (alive()) {
      if (Date.now() > until) {
        process.kill(pid, 'SIGKILL');
        await sleep(200);
        if (alive()) throw new ConsoleError('SERVICE_STOP_TIMEOUT');
        return;
      }
      await sleep(100);
    }
  }

  private start() {
    const [file, ...args] = this.o.command;
    if (!file) throw new ConsoleError('SERVICE_START_FAILED', 'No command to start qx-node is configured.');
    mkdirSync(dirname(this.o.outputFile), { recursive: true, mode: 0o700 });
    const out = openSync(this.o.outputFile, 'a', 0o600);
    try {
      // Its own session: it outlives the console and gets no signals from this terminal.
      return spawn(file, args, { detached: true, stdio: ['ignore', out, out], env: this.o.env });
    } finally {
      closeSync(out);
    }
  }
}
