import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openNodeStore } from '../node-store.ts';
import { AuthService } from './auth-service.ts';

async function setup(now = { t: 1_700_000_000_000 }) {
  const store = await openNodeStore(join(await mkdtemp(join(tmpdir(), 'qx-auth-')), 'node.json'));
  const auth = new AuthService(store, { sessionTtlSeconds: 60, maxFailures: 3, lockoutSeconds: 30, now: () => now.t });
  return { store, auth, now };
}

describe('AuthService', () => {
  it('refuses to log in before a password is set', async () => {
    const { auth } = await setup();
    await expect(auth.login('whatever', 'c')).rejects.toMatchObject({ code: 'ADMIN_PASSWORD_NOT_SET' });
  });

  it('issues session tokens that expire, stores only their hash', async () => {
    const { auth, store, now } = await setup();
    await auth.setPassword('sup3r secret');
    const { token, expiresAt } = await auth.login('sup3r secret', 'c');
    expect(token).toMatch(/^qxs_/);
    expect(JSON.stringify(store.read())).not.toContain(token);
    expect(Date.parse(expiresAt)).toBe(now.t + 60_000);
    await expect(auth.authenticate(token)).resolves.toMatchObject({ kind: 'session' });
    now.t += 61_000;
    await expect(auth.authenticate(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('locks a client out after repeated failures, then lets it try again', async () => {
    const { auth, now } = await setup();
    await auth.setPassword('sup3r secret');
    await expect(auth.login('bad', 'c')).rejects.toMatchObject({ code: 'LOGIN_FAILED', details: { attemptsLeft: 2 } });
    await expect(auth.login('bad', 'c')).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    await expect(auth.login('bad', 'c')).rejects.toMatchObject({ code: 'LOGIN_FAILED', details: { attemptsLeft: 0 } });
    await expect(auth.login('sup3r secret', 'c')).rejects.toMatchObject({ code: 'LOGIN_LOCKED' });
    await expect(auth.login('sup3r secret', 'other-client')).resolves.toHaveProperty('token');
    now.t += 31_000;
    await expect(auth.login('sup3r secret', 'c')).resolves.toHaveProperty('token');
  });

  it('ends sessions on password change and on logout', async () => {
    const { auth } = await setup();
    await auth.setPassword('first password');
    const a = await auth.login('first password', 'c');
    const b = await auth.login('first password', 'c');
    await auth.logout(await auth.authenticate(a.token));
    await expect(auth.authenticate(a.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await auth.setPassword('second password');
    await expect(auth.authenticate(b.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('creates, lists, uses and revokes API tokens', async () => {
    const { auth, now } = await setup();
    const created = await auth.createApiToken({ name: 'backup script', expiresInDays: 1 });
    expect(created.token).toMatch(/^qxt_/);
    await expect(auth.authenticate(created.token)).resolves.toEqual({ kind: 'api-token', id: created.id });
    const [listed] = auth.listApiTokens();
    expect(listed).toMatchObject({ id: created.id, name: 'backup script', lastUsedAt: new Date(now.t).toISOString() });
    expect(listed).not.toHaveProperty('tokenHash');
    await auth.deleteApiToken(created.id);
    await expect(auth.authenticate(created.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(auth.deleteApiToken(created.id)).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
  });
});
