import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { verifyPassword } from '@quantix/lib/auth';
import { JsonStateFile } from './state-file.ts';

export type AuthResult =
  | { ok: true }
  | { ok: false; reason: 'wrong-password'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; lockedUntil: number }
  | { ok: false; reason: 'no-password' }
  | { ok: false; reason: 'error'; message: string };

export interface AuthStatus {
  hasPassword: boolean;
  /** Epoch ms until which every attempt is refused; null when not locked. */
  lockedUntil: number | null;
}

/** Checks the admin password at the console, with a lockout after repeated failures. */
export interface Authenticator {
  status(): Promise<AuthStatus>;
  verify(password: string): Promise<AuthResult>;
}

/** Only what the console needs from qx-node's store file; the rest is qx-node's business. */
const nodeDocAdmin = z.object({ admin: z.object({ passwordHash: z.string().nullable() }) });

const lockoutState = z.strictObject({
  failures: z.number().int().min(0),
  lockedUntil: z.number().nullable(),
});
type LockoutState = z.infer<typeof lockoutState>;

export interface StoreFileAuthenticatorOptions {
  /** qx-node's store: <node data dir>/node.json, with admin.passwordHash (scrypt). */
  storeFile: string;
  /** The console's own lockout state, so restarting the console does not reset it. */
  stateFile: string;
  maxFailures?: number;
  lockoutMs?: number;
  now?: () => number;
}

/**
 * Verifies against the scrypt hash in qx-node's store file directly, so the console can
 * authenticate while qx-node is down. The failure count and lockout live in a state file.
 */
export class StoreFileAuthenticator implements Authenticator {
  private readonly state: JsonStateFile<typeof lockoutState>;
  private readonly maxFailures: number;
  private readonly lockoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: StoreFileAuthenticatorOptions) {
    this.state = new JsonStateFile(options.stateFile, lockoutState, () => ({ failures: 0, lockedUntil: null }));
    this.maxFailures = options.maxFailures ?? 5;
    this.lockoutMs = options.lockoutMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private async passwordHash(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.options.storeFile, 'utf8');
    } catch {
      return null;
    }
    try {
      const doc = nodeDocAdmin.safeParse(JSON.parse(text));
      return doc.success ? doc.data.admin.passwordHash : null;
    } catch {
      return null;
    }
  }

  private locked(s: LockoutState): number | null {
    return s.lockedUntil !== null && s.lockedUntil > this.now() ? s.lockedUntil : null;
  }

  async status(): Promise<AuthStatus> {
    const [hash, s] = await Promise.all([this.passwordHash(), this.state.read()]);
    return { hasPassword: hash !== null, lockedUntil: this.locked(s) };
  }

  async verify(password: string): Promise<AuthResult> {
    const s = await this.state.read();
    const lockedUntil = this.locked(s);
    if (lockedUntil !== null) return { ok: false, reason: 'locked', lockedUntil };
    const hash = await this.passwordHash();
    if (hash === null) return { ok: false, reason: 'no-password' };
    if (await verifyPassword(password, hash)) {
      if (s.failures !== 0 || s.lockedUntil !== null) await this.state.write({ failures: 0, lockedUntil: null });
      return { ok: true };
    }
    const failures = s.failures + 1;
    if (failures >= this.maxFailures) {
      const until = this.now() + this.lockoutMs;
      await this.state.write({ failures: 0, lockedUntil: until });
      return { ok: false, reason: 'locked', lockedUntil: until };
    }
    await this.state.write({ failures, lockedUntil: null });
    return { ok: false, reason: 'wrong-password', attemptsLeft: this.maxFailures - failures };
  }
}
