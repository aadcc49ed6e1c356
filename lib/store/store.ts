/**
 * A small document store: one JSON document per store, read whole, changed through update().
 * lowdb with an fsync'ing file adapter is the embedded default; other backends implement the same.
 */
export interface Store<T> {
  /** A snapshot of the current document; do not mutate it. */
  read(): T;
  /** Apply a change and make it durable before the promise resolves. Updates run one at a time. */
  update<R>(change: (doc: T) => R): Promise<R>;
}
