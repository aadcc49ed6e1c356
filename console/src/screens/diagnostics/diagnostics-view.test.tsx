import { describe, expect, it } from 'vitest';
import { sampleHost, sampleLocal } from '../../testing/fake-effects.ts';
import { drawFrame, expectFits, profiles, text } from '../../testing/frames.tsx';
import { initialDiagnostics, reduceDiagnostics } from './diagnostics-state.ts';

const loaded = reduceDiagnostics(
  reduceDiagnostics(initialDiagnostics(16), { type: 'hardware', host: sampleHost, hostError: null, local: sampleLocal }),
  {
    type: 'logs',
    nodeLog: { source: '/var/lib/quantix/node/logs/qx-node.log', lines: Array.from({ length: 40 }, (_, i) => `2026-11-21T12:00:${String(i).padStart(2, '0')}Z qx-node line ${i + 1} ${'x'.repeat(90)}`), missing: null },
    systemLog: { source: 'dmesg', lines: [], missing: 'no system log: /var/log/syslog missing' },
    audit: [{ time: '2026-11-21T12:00:00.000Z', actor: 'console:tty1', action: 'services.restart', detail: {} }],
  },
);

describe.each(Object.entries(profiles))('diagnostics frames (%s profile)', (_name, profile) => {
  it('every section fits and shows its content', () => {
    const hw = drawFrame('diagnostics', loaded, profile);
    expectFits(hw, profile);
    expect(text(hw)).toContain('1 Hardware  2 qx-node log  3 System log  4 Audit');
    expect(text(hw)).toContain('AMD EPYC 7302');
    expect(text(hw)).toContain(`${profile.glyphs.bullet} eno1  52:54:00:12:34:56  up 10000 Mb/s  10.1.2.3`);
    const node = drawFrame('diagnostics', { ...loaded, tab: 1 }, profile);
    expectFits(node, profile);
    expect(text(node)).toContain('qx-node line 40');
    expect(text(node)).toMatch(/27-40\/40/);
    expect(text(node)).not.toContain('qx-node line 26 ');
    const sys = drawFrame('diagnostics', { ...loaded, tab: 2 }, profile);
    expect(text(sys)).toContain('no system log: /var/log/syslog missing');
    const audit = drawFrame('diagnostics', { ...loaded, tab: 3 }, profile);
    expect(text(audit)).toContain('2026-11-21 12:00:00 console:tty1 services.restart');
    expect(text(audit)).toContain('T Test network');
  });
});
