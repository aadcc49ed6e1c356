import type { MiddlewareHandler } from 'hono';
import type { AuthService, Principal } from '../auth/auth-service.ts';
import type { AppEnv, Transport } from './types.ts';

export function bearerToken(header: string | undefined | null): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Clients on the unix socket are trusted like libvirt's own socket: the socket file is 0600 and
 * owned by the daemon's user, so reaching it already proves local administrator rights.
 */
export async function principalFor(auth: AuthService, transport: Transport, token: string | undefined): Promise<Principal> {
  if (transport === 'unix' && token === undefined) return { kind: 'local-socket' };
  return auth.authenticate(token);
}

export function requireAuth(auth: AuthService): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = await principalFor(auth, c.env.transport, bearerToken(c.req.header('authorization')));
    c.set('principal', principal);
    await next();
  };
}
