import { describe, expect, it } from 'vitest';
import { sampleHost, sampleLocal } from '../../testing/fake-effects.ts';
import { drawFrame, expectFits, NOW, profiles, text } from '../../testing/frames.tsx';
import { initialStatus, reduceStatus } from './status-state.ts';

const up = reduceStatus(initialStatus(8443), {
  type: 'loaded',
  at: NOW,
  host: sampleHost,
  nodeError: null,
  local: sampleLocal,
  boot: { slot: 'B', version: '0.1.0' },
  configuredNic: null,
});
const down = reduceStatus(up, { type: 'loaded', at: NOW, host: null, nodeError: { code: 'NODE_DOWN', message: 'x' }, local: sampleLocal, boot: null, configuredNic: null });

describe.each(Object.entries(profiles))('status frames (%s profile)', (_name, profile) => {
  it('shows the real values of a running host', () => {
    const lines = drawFrame('status', up, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toContain('Quantix 0.1.0');
    expect(t).toContain('2026-11-21 12:34:56');
    expect(t).toMatch(/Hostname\s+node7/);
    expect(t).toMatch(/Cluster\s+Standalone/);
    expect(t).toContain('https://10.1.2.3:8443  (eno1 10.1.2.3)');
    expect(t).toMatch(/CPU\s+\[.{24}\]\s+37%\s+32 threads, load 2.50/);
    expect(t).toMatch(/Memory\s+\[.{24}\]\s+25%\s+16.0 GiB of 64.0 GiB/);
    expect(t).toMatch(/VMs\s+3 running \/ 5 total/);
    expect(t).toContain('qx-local: 700.0 GiB free of 900.0 GiB');
    expect(t).toMatch(/Uptime\s+3 days 04:12/);
    expect(t).toMatch(/Boot slot\s+B  \(Quantix 0.1.0\)/);
    expect(t).toContain('F2/N Network  F3/S SSH  F4/C Cluster  F5/R Refresh  F6/M Restart services');
    expect(t).toContain('F7/D Diagnostics  F10/P Power  F12/X Shell');
    expect(t).not.toContain('not running');
    if (profile.kind === 'serial') expect(t).toContain('[#########...............]');
    else expect(t).toContain('█████████░░░');
  });

  it('says clearly when qx-node is down and still shows the local facts', () => {
    const lines = drawFrame('status', down, profile);
    expectFits(lines, profile);
    const t = text(lines);
    expect(t).toMatch(/qx-node is not running (—|-) press F6\/M to start it/);
    expect(t).toMatch(/Hostname\s+node7/);
    expect(t).toMatch(/VMs\s+unknown \(qx-node is not running\)/);
    expect(t).toMatch(/Memory\s+\[/);
  });

  it('shows no boot slot line when the host has none, and a placeholder before the first answer', () => {
    const t = text(drawFrame('status', initialStatus(8443), profile));
    expect(t).not.toContain('Boot slot');
    expect(t).toMatch(/Hostname\s+reading\.\.\./);
  });
});
