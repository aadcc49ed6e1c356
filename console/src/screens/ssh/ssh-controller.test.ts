import { afterEach, describe, expect, it } from 'vitest';
import type { SshState, SshUpdate } from '@quantix/lib/api';
import { ApiCallError } from '@quantix/lib/client';
import { registry } from '../../app/registry.ts';
import { ConsoleRuntime } from '../../app/runtime.ts';
import type { Effects } from '../../effects/index.ts';
import { ConsoleError } from '../../errors.ts';
import { fakeEffects, settle, sampleSshDisabled } from '../../testing/fake-effects.ts';
import { testConfig } from '../../testing/frames.tsx';
import type { SshScreenState } from './ssh-state.ts';

let runtime: ConsoleRuntime | null = null;
afterEach(() => runtime?.stop());

const base = sampleSshDisabled;

/** A qx-node double that applies updates the way qx-node does (a window opens from now). */
function sshNode(initial: SshState = base, minuteMs = 60_000) {
  let current = initial;
  const updates: SshUpdate[] = [];
  let reads = 0;
  return {
    updates,
    reads: () => reads,
    set: (s: SshState) => (current = s),
    node: {
      ssh: async () => (reads++, current),
      setSsh: async (u: SshUpdate) => {
        updates.push(u);
        const until = u.mode === 'timed' ? new Date(Date.now() + u.minutes! * minuteMs).toISOString() : null;
        current = {
          ...current,
          mode: u.mode,
          enabledUntil: until,
          remainingSeconds: until ? Math.round((u.minutes! * minuteMs) / 1000) : null,
          idleTimeoutMinutes: u.idleTimeoutMinutes ?? current.idleTimeoutMinutes,
          accepting: u.mode !== 'disabled',
          changedAt: new Date().toISOString(),
          changedBy: 'api:local-socket',
        };
        return current;
      },
    },
  };
}

function open(node: Partial<Effects['node']>) {
  const effects = fakeEffects({ node });
  runtime = new ConsoleRuntime({ registry, config: testConfig, effects, tty: 'test', escapeTimeoutMs: 5 });
  runtime.start();
  runtime.dispatch({ type: 'auth.granted', then: 'ssh', now: Date.now() });
  return { runtime, effects, screen: () => runtime!.getState().screens.ssh as SshScreenState };
}

describe('ssh controller', () => {
  it('is F3/S, behind the password', () => {
    expect(registry.ssh).toMatchObject({ id: 'ssh', shortcut: { fkey: 'f3', letter: 's', label: 'SSH' }, requiresAuth: true });
  });

  it('reads the state when the screen opens', async () => {
    const q = sshNode();
    const { runtime, screen } = open(q.node);
    await settle();
    expect(runtime.getState().current).toBe('ssh');
    expect(screen()).toMatchObject({ phase: 'ready', ssh: { mode: 'disabled' } });
  });

  it('enables for 5 minutes, audits it, then disables', async () => {
    const q = sshNode();
    const { runtime, effects, screen } = open(q.node);
    await settle();
    runtime.input('5');
    runtime.input('e');
    await settle();
    expect(q.updates).toEqual([{ mode: 'timed', minutes: 5 }]);
    expect(screen()).toMatchObject({ phase: 'ready', notice: 'SSH enabled for 5 minutes.', ssh: { mode: 'timed', accepting: true } });
    runtime.input('d');
    await settle();
    expect(q.updates.at(-1)).toEqual({ mode: 'disabled' });
    expect(screen()).toMatchObject({ phase: 'ready', ssh: { mode: 'disabled' }, notice: 'SSH disabled: no new logins are accepted.' });
    expect(effects.audited.map((e) => [e.action, e.detail])).toEqual([
      ['ssh.enable', { mode: 'timed', minutes: 5, enabledUntil: expect.any(String) }],
      ['ssh.disable', { enabledUntil: null }],
    ]);
  });

  it('enables permanently only after Y', async () => {
    const q = sshNode();
    const { runtime, screen } = open(q.node);
    await settle();
    runtime.input('p');
    await settle();
    expect(q.updates).toEqual([]);
    runtime.input('n');
    runtime.input('p');
    runtime.input('y');
    await settle();
    expect(q.updates).toEqual([{ mode: 'permanent' }]);
    expect(screen().ssh?.mode).toBe('permanent');
  });

  it('sets the idle timeout keeping the mode', async () => {
    const q = sshNode({ ...base, mode: 'permanent', accepting: true });
    const { runtime, screen } = open(q.node);
    await settle();
    runtime.input('i');
    runtime.input('20\r');
    await settle();
    expect(q.updates).toEqual([{ mode: 'permanent', idleTimeoutMinutes: 20 }]);
    expect(screen()).toMatchObject({ phase: 'ready', ssh: { idleTimeoutMinutes: 20 }, notice: 'Idle timeout set to 20 minutes.' });
  });

  it('shows what qx-node refused, with its code, and audits the failure', async () => {
    const { runtime, effects, screen } = open({
      ssh: async () => base,
      setSsh: async () => {
        throw new ApiCallError(500, { code: 'SSHD_FAILED', message: 'sshd did not start: port 22 is in use', details: null });
      },
    });
    await settle();
    runtime.input('e');
    await settle();
    expect(screen()).toMatchObject({ phase: 'ready', error: { code: 'SSHD_FAILED', message: 'sshd did not start: port 22 is in use' } });
    expect(effects.audited.map((e) => e.action)).toEqual(['ssh.enable.failed']);
  });

  it('reads again just after a window ends', async () => {
    const q = sshNode(base, 20);
    const { runtime, screen } = open(q.node);
    await settle();
    runtime.input('5e');
    await settle();
    expect(screen().ssh?.mode).toBe('timed');
    q.set(base);
    const before = q.reads();
    await settle(1300);
    expect(q.reads()).toBeGreaterThan(before);
    expect(screen().ssh?.mode).toBe('disabled');
  });

  it('qx-node down: the error is shown; F5 reads again', async () => {
    let up = false;
    const { runtime, screen } = open({
      ssh: async () => {
        if (!up) throw new ConsoleError('NODE_DOWN');
        return base;
      },
    });
    await settle();
    expect(screen().readError?.code).toBe('NODE_DOWN');
    up = true;
    runtime.input('\x1b[15~');
    await settle();
    expect(screen()).toMatchObject({ ssh: { mode: 'disabled' }, readError: null });
  });
});
