import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { hostname } from 'node:os';
import { PRODUCT_VERSION, type RegistrationDiscovery, type RegistrationToken } from '@quantix/lib/api';
import type { AuditLog } from '@quantix/lib/audit';
import { ApiError } from '@quantix/lib/errors';
import type { NodeStore } from '../node-store.ts';

export interface RegistrationOptions {
  store: NodeStore;
  audit: AuditLog;
  fingerprint256: string | null;
  accel: 'kvm' | 'tcg';
  hardware: () => Promise<{ cpuThreads: number; memoryBytes: number }>;
  validitySeconds?: number;
  now?: () => number;
}

/** Token words are grouped for reading aloud from a console screen: "QX-7KQ2-M9TA-…". */
function newToken(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return `QX-${chars.match(/.{4}/g)!.join('-')}`;
}

/**
 * The host's registration token: a vDC admin types it (with the host's address) to add the
 * host; the vDC then calls /registration/discovery with it and compares the fingerprint.
 */
export class RegistrationService {
  private readonly validity: number;
  private readonly now: () => number;

  constructor(private readonly o: RegistrationOptions) {
    this.validity = (o.validitySeconds ?? 3600) * 1000;
    this.now = o.now ?? Date.now;
  }

  async hostId(): Promise<string> {
    const existing = this.o.store.read().hostId;
    if (existing) return existing;
    return this.o.store.update((doc) => (doc.hostId ??= randomUUID()));
  }

  private view(token: string, expiresAt: string): RegistrationToken {
    return {
      token,
      expiresAt,
      remainingSeconds: Math.max(0, Math.round((Date.parse(expiresAt) - this.now()) / 1000)),
      hostname: hostname(),
      fingerprint256: this.o.fingerprint256,
    };
  }

  /** The valid token, or a new one when there is none. */
  async current(actor: string): Promise<RegistrationToken> {
    const { token, expiresAt } = this.o.store.read().registration;
    if (token && expiresAt && Date.parse(expiresAt) > this.now()) return this.view(token, expiresAt);
    return this.regenerate(actor);
  }

  async regenerate(actor: string): Promise<RegistrationToken> {
    const token = newToken();
    const expiresAt = new Date(this.now() + this.validity).toISOString();
    await this.o.store.update((doc) => void (doc.registration = { token, expiresAt }));
    await this.o.audit.write(actor, 'registration.token.new', { expiresAt });
    return this.view(token, expiresAt);
  }

  async discovery(presented: string | undefined): Promise<RegistrationDiscovery> {
    const { token, expiresAt } = this.o.store.read().registration;
    const valid =
      presented !== undefined &&
      token !== null &&
      expiresAt !== null &&
      Date.parse(expiresAt) > this.now() &&
      presented.length === token.length &&
      timingSafeEqual(Buffer.from(presented), Buffer.from(token));
    if (!valid) throw new ApiError('REGISTRATION_TOKEN_INVALID');
    const hardware = await this.o.hardware();
    return {
      hostId: await this.hostId(),
      hostname: hostname(),
      product: 'Quantix',
      version: PRODUCT_VERSION,
      fingerprint256: this.o.fingerprint256,
      ...hardware,
      accel: this.o.accel,
      tokenExpiresAt: expiresAt!,
    };
  }
}
