import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error.ts';
import type { Job } from '../api/job.ts';
import { JobManager } from './job-manager.ts';

const vm = [{ type: 'vm' as const, id: 'x' }];

describe('JobManager', () => {
  it('runs a job through queued, running and succeeded with progress', async () => {
    const seen: Job[] = [];
    const jobs = new JobManager({ onChange: (j) => seen.push(j) });
    const job = await jobs.submit('vm.create', vm, async (ctx) => {
      ctx.progress(0.5, 'Half way');
    });
    expect(job.state).toBe('queued');
    await jobs.idle();
    expect(jobs.get(job.id)).toMatchObject({ state: 'succeeded', progress: 1, error: null });
    expect(seen.map((j) => j.state)).toEqual(['queued', 'running', 'running', 'succeeded']);
    expect(seen[2]).toMatchObject({ progress: 0.5, message: 'Half way' });
  });

  it('records a failure with its error code and hides unknown errors', async () => {
    const jobs = new JobManager();
    const a = await jobs.submit('a', vm, async () => {
      throw new ApiError('SHUTDOWN_TIMEOUT');
    });
    const b = await jobs.submit('b', vm, async () => {
      throw new Error('secret internals');
    });
    await jobs.idle();
    expect(jobs.get(a.id)?.error?.code).toBe('SHUTDOWN_TIMEOUT');
    expect(jobs.get(b.id)?.error).toMatchObject({ code: 'INTERNAL' });
    expect(JSON.stringify(jobs.get(b.id))).not.toContain('secret internals');
  });

  it('cancels a running job through its abort signal', async () => {
    const jobs = new JobManager();
    const job = await jobs.submit('slow', vm, (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))));
    await new Promise((r) => setTimeout(r, 5));
    jobs.cancel(job.id);
    await jobs.idle();
    expect(jobs.get(job.id)?.state).toBe('cancelled');
    expect(() => jobs.cancel(job.id)).toThrow(expect.objectContaining({ code: 'JOB_NOT_CANCELLABLE' }));
    expect(() => jobs.cancel('nope')).toThrow(expect.objectContaining({ code: 'JOB_NOT_FOUND' }));
  });

  it('marks jobs a previous run left unfinished as interrupted', () => {
    const old: Job = {
      id: '00000000-0000-4000-8000-000000000001',
      kind: 'vm.create',
      state: 'running',
      progress: 0.3,
      message: 'Creating disk',
      error: null,
      resources: vm,
      createdAt: new Date().toISOString(),
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    const jobs = new JobManager({ previous: [old] });
    expect(jobs.get(old.id)).toMatchObject({ state: 'failed', error: { code: 'JOB_INTERRUPTED' } });
    expect(jobs.interrupted().map((j) => j.id)).toEqual([old.id]);
  });

  it('makes a job durable before handing out its id', async () => {
    const saved: Job[][] = [];
    const jobs = new JobManager({ persist: async (all) => void saved.push(all) });
    const job = await jobs.submit('d', vm, () => new Promise(() => undefined));
    expect(saved[0]?.map((j) => [j.id, j.state])).toEqual([[job.id, 'queued']]);
  });

  it('persists on state changes only, not on every progress tick', async () => {
    let writes = 0;
    const jobs = new JobManager({ persist: async () => void writes++ });
    await jobs.submit('p', vm, async (ctx) => {
      for (let i = 1; i <= 10; i++) ctx.progress(i / 10);
    });
    await jobs.idle();
    expect(writes).toBe(3);
  });
});
