import { z } from 'zod';
import { isoTime } from './common.ts';
import { job } from './job.ts';
import { vm, vmState } from './vm.ts';

/**
 * Events carry a sequence number that is unique within one daemon run (epoch). A client that
 * reconnects with ?since=<epoch>:<seq> gets what it missed, or a "resync" event when the
 * daemon restarted or the gap is older than its buffer: then it must re-read state.
 */
export const eventCursor = z.string().regex(/^[A-Za-z0-9]+:\d+$/, 'a cursor like "k2x9:42" from an earlier event');

const base = { seq: z.number().int().nonnegative(), epoch: z.string(), cursor: z.string(), time: isoTime };

export const event = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('vm.state'),
    data: z.strictObject({ id: z.string(), name: z.string(), state: vmState, previous: vmState.nullable(), reason: z.string() }),
  }),
  z.strictObject({ ...base, type: z.literal('vm.created'), data: vm }),
  z.strictObject({ ...base, type: z.literal('vm.updated'), data: vm }),
  z.strictObject({ ...base, type: z.literal('vm.deleted'), data: z.strictObject({ id: z.string(), name: z.string() }) }),
  z.strictObject({ ...base, type: z.literal('job.updated'), data: job }),
  z.strictObject({ ...base, type: z.literal('resync'), data: z.strictObject({ reason: z.string() }) }),
]);
export type QxEvent = z.infer<typeof event>;
export type QxEventType = QxEvent['type'];

export const eventsQuery = z.strictObject({
  since: eventCursor.optional(),
  types: z.string().regex(/^[a-z.,]+$/).optional(),
  access_token: z.string().optional(),
});
