import type { Context } from 'hono';
import type { AppEnv } from '../types.ts';

/** Who made a request, for the audit log: "api:session:<id>", "api:api-token:<id>", "api:local-socket". */
export function actorOf(c: Context<AppEnv>): string {
  const p = c.get('principal');
  return p.kind === 'local-socket' ? 'api:local-socket' : `api:${p.kind}:${p.id.slice(0, 8)}`;
}
