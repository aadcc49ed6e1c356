import { Hono } from 'hono';
import { systemReboot, systemUpdateQuery } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import type { JobManager } from '@quantix/lib/jobs';
import type { SystemService } from '../../system/system-service.ts';
import type { AppEnv } from '../types.ts';
import { jsonBody, queryParams } from '../validate.ts';
import { actorOf } from './actor.ts';

/** The appliance's own system (mounted at /api/v1/system, behind auth): version, A/B slots, update, reboot. */
export function systemRoutes(system: SystemService, jobs: JobManager) {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json(await system.state()))
    .post('/update', async (c) => {
      const { sha256 } = queryParams(c, systemUpdateQuery);
      if (!/^application\/octet-stream\b/i.test(c.req.header('content-type') ?? '')) {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the image as the request body with Content-Type: application/octet-stream.');
      }
      const header = c.req.header('content-length');
      const contentLength = header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : null;
      // The body is streamed from the socket into the slot: never buffered (bodyLimit skips this route).
      const { job, consumed } = await system.update(sha256, { body: c.env.incoming, contentLength }, actorOf(c));
      await consumed;
      return c.json(jobs.get(job.id) ?? job, 202);
    })
    .post('/reboot', async (c) => {
      await jsonBody(c, systemReboot);
      return c.json(await system.reboot(actorOf(c)), 202);
    });
}
