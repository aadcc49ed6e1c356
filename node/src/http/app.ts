import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { ApiError } from '@quantix/lib/errors';
import type { JobManager } from '@quantix/lib/jobs';
import type { AuthService } from '../auth/auth-service.ts';
import type { HostInfo } from '../host/host-info.ts';
import type { NetworkService } from '../network/network-service.ts';
import type { SshService } from '../ssh/ssh-service.ts';
import type { RegistrationService } from '../registration/registration-service.ts';
import type { SystemService } from '../system/system-service.ts';
import type { VmService } from '../vms/vm-service.ts';
import { requireAuth } from './auth-middleware.ts';
import { errorResponse, onError } from './error-handler.ts';
import { authRoutes, publicAuthRoutes } from './routes/auth-routes.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { networkRoutes } from './routes/network-routes.ts';
import { sshRoutes } from './routes/ssh-routes.ts';
import { publicRegistrationRoutes, registrationRoutes } from './routes/registration-routes.ts';
import { systemRoutes } from './routes/system-routes.ts';
import { vmRoutes } from './routes/vm-routes.ts';
import type { AppEnv } from './types.ts';

export interface AppDeps {
  auth: AuthService;
  vms: VmService;
  jobs: JobManager;
  host: HostInfo;
  registration: RegistrationService;
  network: NetworkService;
  ssh: SshService;
  system: SystemService;
  log: (line: string) => void;
}

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', secureHeaders());
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  const limit = bodyLimit({ maxSize: 1024 * 1024, onError: (c) => errorResponse(c as never, new ApiError('PAYLOAD_TOO_LARGE')) });
  // A system image (up to a slot, 2 GiB) is streamed to its partition by the route itself, never held in memory.
  const streamed = new Set(['/api/v1/system/update']);
  app.use('/api/*', (c, next) => (streamed.has(c.req.path) ? next() : limit(c, next)));

  app.route('/api/v1/registration', publicRegistrationRoutes(deps.registration));
  app.route('/api/v1/auth', publicAuthRoutes(deps.auth));

  app.use('/api/*', requireAuth(deps.auth));
  app.route('/api/v1/auth', authRoutes(deps.auth));
  app.get('/api/v1/host', async (c) => c.json(await deps.host.read()));
  app.route('/api/v1/vms', vmRoutes(deps.vms));
  app.route('/api/v1/jobs', jobRoutes(deps.jobs));
  app.route('/api/v1/registration', registrationRoutes(deps.registration));
  app.route('/api/v1/host/network', networkRoutes(deps.network));
  app.route('/api/v1/ssh', sshRoutes(deps.ssh));
  app.route('/api/v1/system', systemRoutes(deps.system, deps.jobs));

  app.notFound((c) => errorResponse(c, new ApiError('ROUTE_NOT_FOUND', `There is no API route ${c.req.method} ${c.req.path}.`)));
  app.onError(onError(deps.log));
  return app;
}
