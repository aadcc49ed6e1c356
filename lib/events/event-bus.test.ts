import { describe, expect, it } from 'vitest';
import { EventBus } from './event-bus.ts';

const deleted = (n: number) => ({ id: `id-${n}`, name: `vm-${n}` });

describe('EventBus', () => {
  it('numbers events and delivers them to subscribers', () => {
    const bus = new EventBus(10, 'ep1');
    const seen: number[] = [];
    const off = bus.subscribe((e) => seen.push(e.seq));
    bus.publish('vm.deleted', deleted(1));
    const e2 = bus.publish('vm.deleted', deleted(2));
    off();
    bus.publish('vm.deleted', deleted(3));
    expect(seen).toEqual([1, 2]);
    expect(e2.cursor).toBe('ep1:2');
  });

  it('replays what a cursor missed', () => {
    const bus = new EventBus(10, 'ep1');
    for (let i = 1; i <= 5; i++) bus.publish('vm.deleted', deleted(i));
    const replay = bus.since('ep1:3');
    expect('events' in replay && replay.events.map((e) => e.seq)).toEqual([4, 5]);
    const none = bus.since('ep1:5');
    expect('events' in none && none.events).toEqual([]);
  });

  it('asks for a resync after a restart, a future cursor or a gap beyond the buffer', () => {
    const bus = new EventBus(3, 'ep2');
    for (let i = 1; i <= 6; i++) bus.publish('vm.deleted', deleted(i));
    expect(bus.since('ep1:2')).toEqual({ resync: 'qx-node restarted since that cursor' });
    expect(bus.since('ep2:9')).toEqual({ resync: 'cursor is ahead of this daemon' });
    expect(bus.since('ep2:1')).toEqual({ resync: 'cursor is older than the event buffer' });
    const ok = bus.since('ep2:3');
    expect('events' in ok && ok.events.map((e) => e.seq)).toEqual([4, 5, 6]);
  });
});
