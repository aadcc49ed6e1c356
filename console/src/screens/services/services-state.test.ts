import { describe, expect, it } from 'vitest';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { initialServices, reduceServices, servicesKey } from './services-state.ts';

const key = (s: string) => decodeKeys(s, true).keys[0]!;
const down = { running: false, pid: null, manager: 'process' as const };

describe('services reducer', () => {
  it('reads, confirms with Enter or Y, shows steps, ends with the new pid', () => {
    let s = reduceServices(initialServices, { type: 'status', status: down });
    expect(s.phase).toBe('ready');
    expect(servicesKey(initialServices, key('\r'))).toBeNull();
    expect(servicesKey(s, key('y'))).toEqual({ type: 'confirm' });
    s = reduceServices(s, { type: 'confirm' });
    s = reduceServices(s, { type: 'started', now: 1000 });
    expect(s).toMatchObject({ phase: 'running', startedAt: 1000 });
    expect(servicesKey(s, key('\r'))).toBeNull();
    s = reduceServices(s, { type: 'step', text: 'starting qx-node' });
    s = reduceServices(s, { type: 'done', status: { running: true, pid: 77, manager: 'process' }, now: 3000 });
    expect(s).toMatchObject({ phase: 'done', steps: ['starting qx-node'], after: { pid: 77 }, before: { running: true }, finishedAt: 3000 });
    expect(servicesKey(s, key('\r'))).toEqual({ type: 'confirm' });
  });

  it('a failure keeps its code', () => {
    let s = reduceServices(reduceServices(initialServices, { type: 'status', status: down }), { type: 'confirm' });
    s = reduceServices(s, { type: 'failed', error: { code: 'SERVICE_START_FAILED', message: 'no socket' }, now: 5 });
    expect(s).toMatchObject({ phase: 'failed', error: { code: 'SERVICE_START_FAILED' } });
  });
});
