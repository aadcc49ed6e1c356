import type { z } from 'zod';
import type { Host } from '@quantix/lib/api/host';
import type { Job } from '@quantix/lib/api/job';
import type { NetworkApply, NetworkState, NetworkTestResult } from '@quantix/lib/api/network';
import type { RegistrationToken } from '@quantix/lib/api/registration';
import type { SshState, SshUpdate } from '@quantix/lib/api/ssh';
import type { ShutdownOptions, Vm } from '@quantix/lib/api/vm';
import type { NodeClient } from '@quantix/lib/client';
import { ConsoleError } from '../errors.ts';

/**
 * qx-node as the console sees it. Every answer is parsed with the API's own zod schema. When the
 * daemon is not there (no socket, refused, cut off) calls fail with ConsoleError NODE_DOWN; an
 * error answer is an ApiCallError with qx-node's code.
 */
export interface NodeApi {
  host(): Promise<Host>;
  vms(): Promise<Vm[]>;
  shutdownVm(id: string, options: ShutdownOptions): Promise<Job>;
  job(id: string): Promise<Job>;
  cancelJob(id: string): Promise<Job>;
  network(): Promise<NetworkState>;
  applyNetwork(change: NetworkApply): Promise<Job>;
  confirmNetwork(): Promise<NetworkState>;
  testNetwork(): Promise<NetworkTestResult>;
  ssh(): Promise<SshState>;
  setSsh(update: SshUpdate): Promise<SshState>;
  registrationToken(): Promise<RegistrationToken>;
  regenerateRegistrationToken(): Promise<RegistrationToken>;
  /** Sets the admin password (POST /api/v1/auth/password): qx-node trusts its unix socket. */
  setAdminPassword(newPassword: string): Promise<void>;
  close(): Promise<void>;
}

const DOWN_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTSOCK', 'EACCES', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function isDown(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  const cause = (err as { cause?: { code?: unknown } })?.cause?.code;
  return (typeof code === 'string' && DOWN_CODES.has(code)) || (typeof cause === 'string' && DOWN_CODES.has(cause));
}

// The HTTP client and the API schemas load on the first call, after the first frame is on the screen.
const loadClient = () => import('@quantix/lib/client');
const loadSchemas = () => import('./node-api-schemas.ts');
type Schemas = Awaited<ReturnType<typeof loadSchemas>>;

/** The real NodeApi: qx-node's unix socket, trusted, no token. */
export class SocketNodeApi implements NodeApi {
  private client: NodeClient | null = null;

  constructor(
    readonly socketPath: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async call<K extends keyof Schemas>(method: string, path: string, name: K, body?: unknown, timeoutMs = this.timeoutMs): Promise<z.infer<Schemas[K]>> {
    const [answer, schemas] = await Promise.all([this.send(method, path, body, timeoutMs), loadSchemas()]);
    const schema: z.ZodType = schemas[name];
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new ConsoleError('NODE_BAD_RESPONSE', `qx-node's answer to ${method} ${path} does not match the API.`, parsed.error.issues);
    return parsed.data as z.infer<Schemas[K]>;
  }

  /** One request; the answer's body as it came (undefined for 204). */
  private async send(method: string, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const lib = await loadClient();
    this.client ??= new lib.NodeClient({ socketPath: this.socketPath });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConsoleError('NODE_TIMEOUT', `qx-node did not answer ${method} ${path} within ${timeoutMs / 1000} s.`)), timeoutMs);
    });
    try {
      return (await Promise.race([this.client.call(method, path, body), timeout])).body;
    } catch (err) {
      if (err instanceof lib.ApiCallError) throw err;
      if (err instanceof ConsoleError) {
        // A hung connection must not hold up the calls after it.
        this.reconnect();
        throw err;
      }
      if (isDown(err)) {
        // A connection kept alive to a daemon that went away: start the next call afresh.
        this.reconnect();
        throw new ConsoleError('NODE_DOWN');
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private reconnect(): void {
    const old = this.client;
    this.client = null;
    void old?.close().catch(() => undefined);
  }

  host(): Promise<Host> {
    return this.call('GET', '/api/v1/host', 'host');
  }
  async vms(): Promise<Vm[]> {
    return (await this.call('GET', '/api/v1/vms', 'vmList')).items;
  }
  shutdownVm(id: string, options: ShutdownOptions): Promise<Job> {
    return this.call('POST', `/api/v1/vms/${encodeURIComponent(id)}/shutdown`, 'job', options);
  }
  job(id: string): Promise<Job> {
    return this.call('GET', `/api/v1/jobs/${encodeURIComponent(id)}`, 'job');
  }
  cancelJob(id: string): Promise<Job> {
    return this.call('POST', `/api/v1/jobs/${encodeURIComponent(id)}/cancel`, 'job');
  }
  network(): Promise<NetworkState> {
    return this.call('GET', '/api/v1/host/network', 'networkState');
  }
  applyNetwork(change: NetworkApply): Promise<Job> {
    return this.call('POST', '/api/v1/host/network/apply', 'job', change);
  }
  confirmNetwork(): Promise<NetworkState> {
    return this.call('POST', '/api/v1/host/network/confirm', 'networkState');
  }
  testNetwork(): Promise<NetworkTestResult> {
    return this.call('POST', '/api/v1/host/network/test', 'networkTestResult', undefined, 30_000);
  }
  ssh(): Promise<SshState> {
    return this.call('GET', '/api/v1/ssh', 'sshState');
  }
  setSsh(update: SshUpdate): Promise<SshState> {
    return this.call('PUT', '/api/v1/ssh', 'sshState', update);
  }
  registrationToken(): Promise<RegistrationToken> {
    return this.call('GET', '/api/v1/registration/token', 'registrationToken');
  }
  regenerateRegistrationToken(): Promise<RegistrationToken> {
    return this.call('POST', '/api/v1/registration/token', 'registrationToken');
  }
  async setAdminPassword(newPassword: string): Promise<void> {
    await this.send('POST', '/api/v1/auth/password', { newPassword }, this.timeoutMs);
  }
  async close(): Promise<void> {
    await this.client?.close();
    this.client = null;
  }
}
