import { Hono } from 'hono';
import { jobIdParam } from '@quantix/lib/api';
import { ApiError } from '@quantix/lib/errors';
import type { JobManager } from '@quantix/lib/jobs';
import type { AppEnv } from '../types.ts';
import { pathParams } from '../validate.ts';

export function jobRoutes(jobs: JobManager) {
  return new Hono<AppEnv>()
    .get('/', (c) => c.json({ items: jobs.list() }))
    .get('/:id', (c) => {
      const job = jobs.get(pathParams(c, jobIdParam).id);
      if (!job) throw new ApiError('JOB_NOT_FOUND');
      return c.json(job);
    })
    .post('/:id/cancel', (c) => c.json(jobs.cancel(pathParams(c, jobIdParam).id), 202));
}
