import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SshState, SshUpdate } from '@quantix/lib/api';
import type { AuditLog } from '@quantix/lib/audit';
import { renderSshdConfig } from './sshd-config.ts';
import { HOST_KEY_TYPES, readIfExists, SshdProcess, writeFileAtomic, type SshdControl } from './sshd-process.ts';
import {
  auditDetail,
  deadlineOf,
  expire,
  minuteMsFromEnv,
  parsePersisted,
  planUpdate,
  shouldAccept,
  SYSTEM_ACTOR,
  toApiState,
  windowExpired,
  type PersistedSsh,
} from './ssh-state.ts';

export interface SshServiceOptions {
  /** Where sshd_config, host keys, state.json, the PidFile and sshd.log live (created 0700). */
  dir: string;
  port: number;
  listen: string;
  sshdPath: string;
  audit: AuditLog;
  log: (line: string) => void;
  now?: () => number;
  /**
   * Keys the appliance manages for root, read by sshd in addition to /root/.ssh/authorized_keys.
   * Default `<dir>/authorized_keys`. sshd's StrictModes applies: the file and every directory
   * above it must be root's and not group- or world-writable.
   */
  authorizedKeysFile?: string;
}

/** Internal knobs: the sshd stand-in and the length of a minute (tests). */
export interface SshServiceInternals {
  control?: SshdControl;
  minuteMs?: number;
}

const RETRY_MS = 10_000;
/** Longest single timer (setTimeout overflows past 2^31 ms); a later deadline just re-arms. */
const MAX_TIMER_MS = 24 * 3600 * 1000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The SSH service of the host, ESXi-style: disabled, enabled for a window of minutes (after
 * which no new logins are accepted but open sessions go on), or enabled permanently; plus an
 * idle timeout for sessions. sshd is started by hand, detached, so it outlives a qx-node restart;
 * qx-node finds it again through its PidFile.
 */
export class SshService {
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly o: SshServiceOptions,
    private readonly control: SshdControl,
    private readonly minuteMs: number,
    private readonly now: () => number,
    private readonly statePath: string,
    private readonly applianceKeysFile: string,
    private readonly hostKeys: string[],
    private current: PersistedSsh,
  ) {}

  static open(o: SshServiceOptions): Promise<SshService> {
    return SshService.openWith(o, {});
  }

  /** open() with a stand-in sshd and/or a shorter minute: for tests. */
  static async openWith(o: SshServiceOptions, internals: SshServiceInternals): Promise<SshService> {
    await mkdir(o.dir, { recursive: true, mode: 0o700 });
    const now = o.now ?? Date.now;
    let minuteMs = internals.minuteMs;
    if (minuteMs === undefined) {
      const fromEnv = minuteMsFromEnv(process.env);
      if (fromEnv.problem) o.log(fromEnv.problem);
      else if (fromEnv.minuteMs !== 60_000) {
        o.log(`QX_SSH_TEST_MINUTE_SECONDS: SSH windows and idle timeouts count ${fromEnv.minuteMs / 1000}-second minutes (tests only)`);
      }
      minuteMs = fromEnv.minuteMs;
    }
    const sshd =
      internals.control ??
      new SshdProcess({
        dir: o.dir,
        sshdPath: o.sshdPath,
        listen: o.listen,
        port: o.port,
        probeHost: o.listen === '0.0.0.0' ? '127.0.0.1' : o.listen === '::' ? '::1' : o.listen,
        log: o.log,
        now,
      });
    const hostKeys = HOST_KEY_TYPES.map((k) => join(o.dir, k.file));
    const statePath = join(o.dir, 'state.json');
    const read = parsePersisted(await readIfExists(statePath));
    if (read.problem) o.log(`SSH: ${statePath} is damaged (${read.problem}); treating SSH as disabled`);
    const service = new SshService(o, sshd, minuteMs, now, statePath, o.authorizedKeysFile ?? join(o.dir, 'authorized_keys'), hostKeys, read.state);
    // Host keys are made once, in the background, so that the first enable does not wait for RSA.
    sshd.ensureHostKeys().catch((err) => {
      if (!service.closed) o.log(`SSH host keys: ${message(err)}`);
    });
    await service.serial(() => service.recover());
    return service;
  }

  /** The mode, the window and whether sshd accepts logins right now. */
  state(): SshState {
    return toApiState(this.current, {
      now: this.now(),
      accepting: this.control.running() !== null,
      listen: this.o.listen,
      port: this.o.port,
    });
  }

  /** Enable for a window or permanently, disable now, change the idle timeout. */
  update(u: SshUpdate, actor: string): Promise<SshState> {
    return this.serial(async () => {
      const previous = this.current;
      const plan = planUpdate(previous, u, actor, this.now(), this.minuteMs);
      const next = plan.next;
      if (next.mode === 'disabled') {
        // Saved first: whatever happens next, a restart will not bring sshd back.
        if (plan.action) await this.save(next);
        await this.control.stop();
      } else {
        await this.control.ensure(this.config(next), deadlineOf(next));
        if (plan.action) {
          try {
            await this.save(next);
          } catch (err) {
            if (!shouldAccept(previous, this.now())) await this.control.stop().catch(() => undefined);
            throw err;
          }
        }
      }
      this.schedule();
      if (plan.action) {
        await this.o.audit.write(actor, plan.action, { ...auditDetail(next), previousMode: previous.mode });
        this.o.log(`SSH ${plan.action} by ${actor}: ${describe(next)}`);
      }
      return this.state();
    });
  }

  /** Stops the window timer. sshd is left as it is: it belongs to the host, not to this process. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    await this.control.cancelHostKeys();
    await this.queue.catch(() => undefined);
  }

  private config(s: PersistedSsh): string {
    return renderSshdConfig({
      port: this.o.port,
      listen: this.o.listen,
      hostKeys: this.hostKeys,
      pidFile: join(this.o.dir, 'sshd.pid'),
      applianceKeysFile: this.applianceKeysFile,
      idleTimeoutSeconds: Math.round((s.idleTimeoutMinutes * this.minuteMs) / 1000),
    });
  }

  /** One change at a time: requests and the window timer never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async save(s: PersistedSsh): Promise<void> {
    await writeFileAtomic(this.statePath, `${JSON.stringify(s, null, 2)}\n`);
    this.current = s;
  }

  /** At start: bring sshd in line with the saved choice; a window that ended meanwhile is closed. */
  private async recover(): Promise<void> {
    const s = this.current;
    try {
      if (windowExpired(s, this.now())) {
        await this.expireWindow();
        return;
      }
      if (s.mode === 'disabled') {
        if (await this.control.stop()) this.o.log('SSH is disabled: stopped an sshd left running');
      } else {
        const { pid, restarted } = await this.control.ensure(this.config(s), deadlineOf(s));
        this.o.log(`SSH ${describe(s)}: sshd ${restarted ? 'restarted' : 'running'} (pid ${pid})`);
      }
    } catch (err) {
      this.o.log(`SSH: could not bring sshd in line with "${s.mode}": ${message(err)}`);
    }
    this.schedule();
  }

  private async expireWindow(): Promise<void> {
    const s = this.current;
    const stopped = await this.control.stop();
    const next = expire(s, this.now());
    await this.save(next);
    await this.o.audit.write(SYSTEM_ACTOR, 'ssh.window.expired', { ...auditDetail(s), mode: next.mode });
    this.o.log(`SSH window that ended at ${s.enabledUntil} closed${stopped ? ': sshd stopped, open sessions go on' : ''}`);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One unref'd timer for the end of the window; nothing polls. */
  private schedule(delay?: number): void {
    this.clearTimer();
    const deadline = deadlineOf(this.current);
    if (this.closed || deadline === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.serial(async () => {
        if (this.closed || this.current.mode !== 'timed') return;
        if (!windowExpired(this.current, this.now())) return this.schedule();
        try {
          await this.expireWindow();
        } catch (err) {
          this.o.log(`SSH: could not close the window: ${message(err)}; trying again in ${RETRY_MS / 1000} s`);
          this.schedule(RETRY_MS);
        }
      });
    }, Math.min(MAX_TIMER_MS, delay ?? Math.max(0, deadline - this.now())));
    this.timer.unref();
  }
}

function describe(s: PersistedSsh): string {
  const idle = s.idleTimeoutMinutes ? `, idle timeout ${s.idleTimeoutMinutes} min` : '';
  if (s.mode === 'timed') return `enabled until ${s.enabledUntil}${idle}`;
  return `${s.mode === 'permanent' ? 'enabled permanently' : 'disabled'}${idle}`;
}
