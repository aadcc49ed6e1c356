import { Low } from 'lowdb';
import { FsyncJsonFileAdapter } from './fsync-file-adapter.ts';
import type { Store } from './store.ts';

/** The embedded store: one JSON file, written durably on every update, updates serialised. */
export class LowdbStore<T extends object> implements Store<T> {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Low<T>) {}

  static async open<T extends object>(path: string, defaults: T): Promise<LowdbStore<T>> {
    const db = new Low<T>(new FsyncJsonFileAdapter<T>(path), defaults);
    await db.read();
    // Fill in top-level keys added by newer versions without touching existing data.
    db.data = { ...structuredClone(defaults), ...db.data };
    return new LowdbStore(db);
  }

  read(): T {
    return this.db.data;
  }

  update<R>(change: (doc: T) => R): Promise<R> {
    const run = this.queue.then(async () => {
      const draft = structuredClone(this.db.data);
      const result = change(draft);
      this.db.data = draft;
      await this.db.write();
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
