import { describe, expect, it } from 'vitest';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { sampleHost, sampleLocal } from '../../testing/fake-effects.ts';
import { auditLines, diagnosticsKey, initialDiagnostics, reduceDiagnostics, type DiagnosticsAction, type DiagnosticsState } from './diagnostics-state.ts';

const key = (s: string) => decodeKeys(s, true).keys[0]!;
const press = (s: DiagnosticsState, input: string) => {
  const a = diagnosticsKey(s, key(input));
  return a && a !== 'back' ? reduceDiagnostics(s, a as DiagnosticsAction) : s;
};
const log = (n: number) => ({ source: '/x.log', lines: Array.from({ length: n }, (_, i) => `line ${i + 1}`), missing: null });

describe('diagnostics reducer', () => {
  it('switches sections with 1-4, Tab and arrows', () => {
    const s = initialDiagnostics(16);
    expect(s.page).toBe(14);
    expect(press(s, '3').tab).toBe(2);
    expect(press(s, '\t').tab).toBe(1);
    expect(press(s, '\x1b[D').tab).toBe(3);
    expect(press(press(s, '4'), '\x1b[C').tab).toBe(0);
  });

  it('logs open at their end and scroll within bounds', () => {
    let s = reduceDiagnostics(initialDiagnostics(16), { type: 'logs', nodeLog: log(100), systemLog: log(5), audit: [] });
    expect(s.top).toEqual([0, 86, 0, 0]);
    s = press(s, '2');
    s = press(s, '\x1b[B');
    expect(s.top[1]).toBe(86);
    s = press(s, '\x1b[5~');
    expect(s.top[1]).toBe(73);
    s = press(s, '\x1b[H');
    expect(s.top[1]).toBe(0);
    s = press(s, '\x1b[A');
    expect(s.top[1]).toBe(0);
    s = press(s, '\x1b[F');
    expect(s.top[1]).toBe(86);
    // A reload keeps the position.
    s = reduceDiagnostics(s, { type: 'logs', nodeLog: log(100), systemLog: log(5), audit: [] });
    expect(s.top[1]).toBe(86);
  });

  it('hardware from qx-node, or from the host when it is down', () => {
    const up = reduceDiagnostics(initialDiagnostics(16), { type: 'hardware', host: sampleHost, hostError: null, local: sampleLocal });
    expect(up.lines[0]!.join('\n')).toContain('AMD EPYC 7302');
    expect(up.lines[0]!.join('\n')).toContain('/dev/nvme0n1  1000.0 GiB  nvme  Samsung 980');
    const down = reduceDiagnostics(initialDiagnostics(16), { type: 'hardware', host: null, hostError: { code: 'NODE_DOWN', message: 'x' }, local: sampleLocal });
    expect(down.lines[0]!.join('\n')).toContain('(from the host itself: qx-node is not running)');
  });

  it('the network test: T runs it once, shows each check', () => {
    let s = press(press(initialDiagnostics(16), '2'), 't');
    expect(s).toMatchObject({ tab: 0, net: { phase: 'running' } });
    expect(press(s, 't')).toBe(s);
    s = reduceDiagnostics(s, {
      type: 'netResult',
      result: { ok: false, testedAt: '2026-11-21T12:00:00.000Z', checks: [{ name: 'gateway', ok: false, detail: 'no answer from 10.0.0.1', ms: null }] },
    });
    expect(s.lines[0]!.join('\n')).toMatch(/FAILED at 2026-11-21T12:00:00.000Z\n.*gateway\s+FAIL no answer from 10.0.0.1/);
  });

  it('audit entries as one line each, never more than the facts', () => {
    expect(auditLines([{ time: '2026-11-21T12:00:00.000Z', actor: 'console:tty1', action: 'shell.start', detail: { tty: 'tty1' } }])).toEqual([
      '2026-11-21 12:00:00 console:tty1 shell.start {"tty":"tty1"}',
    ]);
  });
});
