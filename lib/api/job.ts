import { z } from 'zod';
import { isoTime, resourceRef, uuid } from './common.ts';
import { errorBody } from './error.ts';

export const jobState = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof jobState>;

export const job = z.strictObject({
  id: uuid,
  kind: z.string(),
  state: jobState,
  progress: z.number().min(0).max(1),
  message: z.string(),
  error: errorBody.nullable(),
  resources: z.array(resourceRef),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});
export type Job = z.infer<typeof job>;

export const jobList = z.strictObject({ items: z.array(job) });
export const jobIdParam = z.strictObject({ id: uuid });
export const terminalJobStates: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];
