import { randomBytes } from 'node:crypto';
import type { QxEvent, QxEventType } from '../api/event.ts';

type DataOf<T extends QxEventType> = Extract<QxEvent, { type: T }>['data'];
export type Replay = { events: QxEvent[] } | { resync: string };

/**
 * Publishes events with a sequence number and keeps the latest ones so that a client that
 * reconnects can pick up where it left off. The epoch changes with every daemon start.
 */
export class EventBus {
  readonly epoch: string;
  private seq = 0;
  private readonly buffer: QxEvent[] = [];
  private readonly listeners = new Set<(e: QxEvent) => void>();

  constructor(
    private readonly capacity = 2000,
    epoch?: string,
  ) {
    this.epoch = epoch ?? randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
  }

  publish<T extends QxEventType>(type: T, data: DataOf<T>): QxEvent {
    this.seq += 1;
    const event = {
      seq: this.seq,
      epoch: this.epoch,
      cursor: `${this.epoch}:${this.seq}`,
      time: new Date().toISOString(),
      type,
      data,
    } as QxEvent;
    this.buffer.push(event);
    if (this.buffer.length > this.capacity) this.buffer.shift();
    for (const listener of this.listeners) listener(event);
    return event;
  }

  subscribe(listener: (e: QxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** What a client with this cursor missed, or why it must re-read everything. */
  since(cursor: string): Replay {
    const [epoch, seqText] = cursor.split(':');
    const after = Number(seqText);
    if (epoch !== this.epoch) return { resync: 'qx-node restarted since that cursor' };
    if (!Number.isInteger(after) || after > this.seq) return { resync: 'cursor is ahead of this daemon' };
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    if (after < oldest - 1) return { resync: 'cursor is older than the event buffer' };
    return { events: this.buffer.filter((e) => e.seq > after) };
  }
}
