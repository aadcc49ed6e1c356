export { JobManager, type JobContext, type JobRunner, type JobManagerOptions } from './job-manager.ts';
