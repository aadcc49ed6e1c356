import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiToken, ApiTokenCreate } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import type { NodeStore, SessionRecord } from '../node-store.ts';
import { hashPassword, verifyPassword } from '@quantix/lib/auth';

export interface AuthOptions {
  sessionTtlSeconds: number;
  maxFailures: number;
  lockoutSeconds: number;
  now?: () => number;
  /** Told every new password hash once the store has it (qx-node keeps /quantix/admin.json in step). */
  onPasswordHash?: (hash: string) => Promise<void>;
}

export type Principal = { kind: 'session'; id: string } | { kind: 'api-token'; id: string } | { kind: 'local-socket' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Prefixes make leaked tokens recognisable (and greppable by secret scanners). */
const newSecret = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** Admin password, expiring login sessions, API tokens for scripts, and lockout after failures. */
export class AuthService {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();
  private readonly now: () => number;

  constructor(
    private readonly store: NodeStore,
    private readonly options: AuthOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get hasPassword(): boolean {
    return this.store.read().admin.passwordHash !== null;
  }

  async setPassword(password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.setPasswordHash(hash);
    await this.options.onPasswordHash?.(hash);
  }

  /** A hash made elsewhere (the installer's admin.json); the caller has checked it with passwordHashProblem. */
  async setPasswordHash(hash: string): Promise<void> {
    // A new password ends every open session; API tokens are separate credentials and stay.
    await this.store.update((doc) => {
      doc.admin.passwordHash = hash;
      doc.sessions = [];
    });
  }

  async passwordMatches(password: string): Promise<boolean> {
    const hash = this.store.read().admin.passwordHash;
    return hash !== null && (await verifyPassword(password, hash));
  }

  async login(password: string, client: string): Promise<{ token: string; expiresAt: string }> {
    const entry = this.failures.get(client);
    if (entry && entry.lockedUntil > this.now()) {
      const seconds = Math.ceil((entry.lockedUntil - this.now()) / 1000);
      throw new ApiError('LOGIN_LOCKED', `Too many failed logins; try again in ${seconds} s.`, { retryAfterSeconds: seconds });
    }
    if (!this.hasPassword) throw new ApiError('ADMIN_PASSWORD_NOT_SET');
    if (!(await this.passwordMatches(password))) {
      const count = (entry?.count ?? 0) + 1;
      const locked = count >= this.options.maxFailures;
      this.failures.set(client, { count: locked ? 0 : count, lockedUntil: locked ? this.now() + this.options.lockoutSeconds * 1000 : 0 });
      throw new ApiError('LOGIN_FAILED', undefined, { attemptsLeft: locked ? 0 : this.options.maxFailures - count });
    }
    this.failures.delete(client);
    const token = newSecret('qxs');
    const session: SessionRecord = {
      id: randomUUID(),
      tokenHash: sha256(token),
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: new Date(this.now() + this.options.sessionTtlSeconds * 1000).toISOString(),
    };
    await this.store.update((doc) => {
      doc.sessions = doc.sessions.filter((s) => Date.parse(s.expiresAt) > this.now());
      doc.sessions.push(session);
    });
    return { token, expiresAt: session.expiresAt };
  }

  /** Who a bearer token belongs to; throws UNAUTHENTICATED or TOKEN_EXPIRED. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new ApiError('UNAUTHENTICATED');
    const hash = sha256(token);
    const doc = this.store.read();
    const record: SessionRecord | undefined = token.startsWith('qxs_')
      ? doc.sessions.find((s) => s.tokenHash === hash)
      : doc.apiTokens.find((t) => t.tokenHash === hash);
    if (!record) throw new ApiError('UNAUTHENTICATED', 'That token is not valid; log in again or create a new API token.');
    if (Date.parse(record.expiresAt) <= this.now()) throw new ApiError('TOKEN_EXPIRED');
    if (token.startsWith('qxs_')) return { kind: 'session', id: record.id };
    await this.touchApiToken(record.id);
    return { kind: 'api-token', id: record.id };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.kind !== 'session') return;
    await this.store.update((doc) => void (doc.sessions = doc.sessions.filter((s) => s.id !== principal.id)));
  }

  listApiTokens(): ApiToken[] {
    return this.store.read().apiTokens.map(({ tokenHash: _hash, ...rest }) => rest);
  }

  async createApiToken(input: ApiTokenCreate): Promise<ApiToken & { token: string }> {
    const token = newSecret('qxt');
    const record = {
      id: randomUUID(),
      name: input.name,
      tokenHash: sha256(token),
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: new Date(this.now() + input.expiresInDays * 86_400_000).toISOString(),
      lastUsedAt: null,
    };
    await this.store.update((doc) => void doc.apiTokens.push(record));
    const { tokenHash: _hash, ...visible } = record;
    return { ...visible, token };
  }

  async deleteApiToken(id: string): Promise<void> {
    const found = await this.store.update((doc) => {
      const before = doc.apiTokens.length;
      doc.apiTokens = doc.apiTokens.filter((t) => t.id !== id);
      return doc.apiTokens.length !== before;
    });
    if (!found) throw new ApiError('TOKEN_NOT_FOUND');
  }

  /** lastUsedAt is kept to the minute, so that using a token does not write to disk on every call. */
  private async touchApiToken(id: string): Promise<void> {
    const record = this.store.read().apiTokens.find((t) => t.id === id);
    if (record?.lastUsedAt && this.now() - Date.parse(record.lastUsedAt) < 60_000) return;
    await this.store.update((doc) => {
      const t = doc.apiTokens.find((x) => x.id === id);
      if (t) t.lastUsedAt = new Date(this.now()).toISOString();
    });
  }
}
