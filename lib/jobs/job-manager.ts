import { randomUUID } from 'node:crypto';
import type { ResourceRef } from '../api/common.ts';
import type { Job } from '../api/job.ts';
import { ApiError, toApiError } from '../errors/api-error.ts';

export interface JobContext {
  readonly id: string;
  /** Aborted when somebody cancels the job; long steps should pass it on or check it. */
  readonly signal: AbortSignal;
  /** Report progress between 0 and 1 with a short sentence of what is happening. */
  progress(fraction: number, message?: string): void;
}

export type JobRunner = (ctx: JobContext) => Promise<void>;

export interface JobManagerOptions {
  /** Called on every change (state and progress); the daemon pushes these on the event stream. */
  onChange?: (job: Job) => void;
  /** Called when a job is created or changes state; the daemon makes these durable. */
  persist?: (jobs: Job[]) => Promise<void>;
  /** Told when persist fails; the job itself goes on. */
  onPersistError?: (err: unknown) => void;
  /** How many finished jobs to remember. */
  keep?: number;
  /** Jobs a previous run left behind; unfinished ones are marked as interrupted. */
  previous?: Job[];
}

const terminal = new Set<Job['state']>(['succeeded', 'failed', 'cancelled']);

export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private readonly keep: number;

  constructor(private readonly options: JobManagerOptions = {}) {
    this.keep = options.keep ?? 500;
    const now = new Date().toISOString();
    for (const job of options.previous ?? []) {
      const restored = terminal.has(job.state)
        ? job
        : { ...job, state: 'failed' as const, finishedAt: now, error: new ApiError('JOB_INTERRUPTED').toEnvelope().error };
      this.jobs.set(restored.id, restored);
    }
  }

  /** Interrupted jobs from the previous run, for whoever needs to roll their resources back. */
  interrupted(): Job[] {
    return (this.options.previous ?? []).filter((j) => !terminal.has(j.state)).map((j) => this.jobs.get(j.id)!);
  }

  /**
   * Records a job and starts it. The promise resolves once the queued job is durable, so a job id
   * handed to a client is still known after a crash (as interrupted, if it never finished).
   */
  async submit(kind: string, resources: ResourceRef[], run: JobRunner, message = 'Queued'): Promise<Job> {
    const job: Job = {
      id: randomUUID(),
      kind,
      state: 'queued',
      progress: 0,
      message,
      error: null,
      resources,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.jobs.set(job.id, job);
    this.trim();
    const controller = new AbortController();
    this.controllers.set(job.id, controller);
    this.options.onChange?.({ ...job });
    const snapshot = { ...job };
    await this.options.persist?.(this.list()).catch((err: unknown) => this.options.onPersistError?.(err));
    const done = this.execute(job.id, run, controller).finally(() => {
      this.running.delete(done);
      this.controllers.delete(job.id);
    });
    this.running.add(done);
    return snapshot;
  }

  get(id: string): Job | undefined {
    const job = this.jobs.get(id);
    return job && { ...job };
  }

  list(): Job[] {
    return [...this.jobs.values()].reverse().map((j) => ({ ...j }));
  }

  cancel(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError('JOB_NOT_FOUND');
    const controller = this.controllers.get(id);
    if (terminal.has(job.state) || !controller) throw new ApiError('JOB_NOT_CANCELLABLE');
    controller.abort(new ApiError('JOB_CANCELLED'));
    return { ...job };
  }

  /** Resolves when every job started so far has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async execute(id: string, run: JobRunner, controller: AbortController): Promise<void> {
    await Promise.resolve();
    const job = this.jobs.get(id)!;
    if (controller.signal.aborted) return this.finish(job, 'cancelled', new ApiError('JOB_CANCELLED'));
    Object.assign(job, { state: 'running', startedAt: new Date().toISOString(), message: 'Running' });
    this.changed(job, true);
    const ctx: JobContext = {
      id,
      signal: controller.signal,
      progress: (fraction, message) => {
        if (terminal.has(job.state)) return;
        job.progress = Math.min(1, Math.max(job.progress, fraction));
        if (message) job.message = message;
        this.changed(job, false);
      },
    };
    try {
      await run(ctx);
      if (controller.signal.aborted) return this.finish(job, 'cancelled', new ApiError('JOB_CANCELLED'));
      this.finish(job, 'succeeded', null);
    } catch (err) {
      if (controller.signal.aborted) return this.finish(job, 'cancelled', new ApiError('JOB_CANCELLED'));
      this.finish(job, 'failed', toApiError(err));
    }
  }

  private finish(job: Job, state: Job['state'], error: ApiError | null): void {
    job.state = state;
    job.finishedAt = new Date().toISOString();
    if (state === 'succeeded') {
      job.progress = 1;
      job.message = 'Done';
    } else if (error) {
      job.error = error.toEnvelope().error;
      job.message = error.message;
    }
    this.changed(job, true);
  }

  private changed(job: Job, durable: boolean): void {
    this.options.onChange?.({ ...job });
    if (durable && this.options.persist) {
      this.options.persist(this.list()).catch((err: unknown) => this.options.onPersistError?.(err));
    }
  }

  private trim(): void {
    if (this.jobs.size <= this.keep) return;
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= this.keep) break;
      if (terminal.has(job.state)) this.jobs.delete(id);
    }
  }
}
