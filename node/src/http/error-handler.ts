import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError, toApiError } from '@quantix/lib/errors';
import type { AppEnv } from './types.ts';

export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  if (err.code === 'LOGIN_LOCKED') {
    const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (retry) c.header('Retry-After', String(retry));
  }
  if (err.status === 401) c.header('WWW-Authenticate', 'Bearer realm="quantix"');
  return c.json(err.toEnvelope(), err.status as 400);
}

export function onError(log: (line: string) => void) {
  return (err: Error, c: Context<AppEnv>): Response => {
    if (err instanceof HTTPException && err.status === 413) return errorResponse(c, new ApiError('PAYLOAD_TOO_LARGE'));
    const apiError = toApiError(err);
    if (apiError.code === 'INTERNAL') log(`error ${c.req.method} ${c.req.path}: ${err.stack ?? err.message}`);
    return errorResponse(c, apiError);
  };
}
