export type { Store } from './store.ts';
export { LowdbStore } from './lowdb-store.ts';
export { FsyncJsonFileAdapter } from './fsync-file-adapter.ts';
