import { describe, expect, it } from 'vitest';
import { drawFrame, expectFits, NOW, profiles, text } from '../../testing/frames.tsx';
import { initialServices, reduceServices, type ServicesState } from './services-state.ts';

const ready = (running: boolean): ServicesState =>
  reduceServices(initialServices, { type: 'status', status: { running, pid: running ? 1234 : null, manager: 'process' } });

describe.each(Object.entries(profiles))('services frames (%s profile)', (_name, profile) => {
  it('says VMs keep running and what Enter does', () => {
    for (const running of [true, false]) {
      const lines = drawFrame('services', ready(running), profile);
      expectFits(lines, profile);
      const t = text(lines);
      expect(t).toContain('Running VMs keep running: libvirtd and QEMU are not restarted.');
      expect(t).toContain(running ? 'running (pid 1234)' : 'not running');
      expect(t).toContain(running ? 'Press Enter or Y to restart the management services.' : 'qx-node is not running. Press Enter or Y to start it.');
    }
  });

  it('shows progress and the result', () => {
    let s = reduceServices(reduceServices(ready(true), { type: 'confirm' }), { type: 'started', now: NOW - 2000 });
    s = reduceServices(reduceServices(s, { type: 'step', text: 'stopping qx-node (pid 1234)' }), { type: 'step', text: 'starting qx-node' });
    const running = drawFrame('services', s, profile);
    expectFits(running, profile);
    expect(text(running)).toContain('stopping qx-node (pid 1234)');
    expect(text(running)).toContain('starting qx-node ... 2 s');
    const done = drawFrame('services', reduceServices(s, { type: 'done', status: { running: true, pid: 999, manager: 'process' }, now: NOW }), profile);
    expectFits(done, profile);
    expect(text(done)).toContain('qx-node is running (pid 999) after 2 s.');
    const failed = drawFrame('services', reduceServices(s, { type: 'failed', error: { code: 'SERVICE_START_FAILED', message: 'it exited' }, now: NOW }), profile);
    expect(text(failed)).toContain('SERVICE_START_FAILED: it exited');
  });
});
