import { Hono } from 'hono';
import { apiTokenCreate, loginRequest, passwordChange, tokenIdParam } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import { passwordProblems } from '@quantix/lib/auth';
import type { AuthService } from '../../auth/auth-service.ts';
import type { AppEnv } from '../types.ts';
import { jsonBody, pathParams } from '../validate.ts';

export function clientKey(c: { env: AppEnv['Bindings'] }): string {
  return c.env.transport === 'unix' ? 'unix' : (c.env.incoming.socket.remoteAddress ?? 'unknown');
}

export function publicAuthRoutes(auth: AuthService) {
  return new Hono<AppEnv>().post('/login', async (c) => {
    const body = await jsonBody(c, loginRequest);
    return c.json(await auth.login(body.password, clientKey(c)));
  });
}

export function authRoutes(auth: AuthService) {
  return new Hono<AppEnv>()
    .post('/logout', async (c) => {
      await auth.logout(c.get('principal'));
      return c.body(null, 204);
    })
    .post('/password', async (c) => {
      const body = await jsonBody(c, passwordChange);
      if (c.get('principal').kind !== 'local-socket' && !(await auth.passwordMatches(body.currentPassword ?? ''))) {
        throw new ApiError('LOGIN_FAILED', 'The current password is wrong; the password was not changed.');
      }
      const problems = passwordProblems(body.newPassword);
      if (problems.length) {
        throw new ApiError('VALIDATION_FAILED', `The new password is too weak: ${problems.join('; ')}.`, {
          issues: problems.map((message) => ({ path: 'newPassword', code: 'weak_password', message })),
        });
      }
      await auth.setPassword(body.newPassword);
      return c.body(null, 204);
    })
    .get('/tokens', (c) => c.json({ items: auth.listApiTokens() }))
    .post('/tokens', async (c) => c.json(await auth.createApiToken(await jsonBody(c, apiTokenCreate)), 201))
    .delete('/tokens/:id', async (c) => {
      await auth.deleteApiToken(pathParams(c, tokenIdParam).id);
      return c.body(null, 204);
    });
}
