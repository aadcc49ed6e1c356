import { render } from 'ink-testing-library';
import { expect } from 'vitest';
import { terminalProfile, type TerminalProfile } from '@quantix/lib/terminal/profile';
import { ConsoleView } from '../app/console-view.tsx';
import { registry } from '../app/registry.ts';
import type { RootState } from '../app/root.ts';
import type { ScreenId } from '../app/screen.ts';
import { resolveConfig, type ConsoleConfig } from '../config.ts';
import { bodySize } from '../ui/frame.tsx';

/** Helpers for frame tests: the whole console drawn from a state, as text, under a profile. */

export const profiles: Record<'serial' | 'unicode', TerminalProfile> = {
  serial: terminalProfile({ env: { TERM: 'vt100' }, rows: 24, cols: 80 }),
  unicode: terminalProfile({ env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' }, rows: 24, cols: 80 }),
};

export const testConfig: ConsoleConfig = resolveConfig({ nodeDataDir: '/var/lib/quantix/node' }, '/opt/quantix');

/** A fixed moment: 2026-11-21 12:34:56 local time. */
export const NOW = new Date(2026, 10, 21, 12, 34, 56).getTime();

const ANSI = /\x1b\[[0-9;]*m/g;

export function drawFrame(current: ScreenId, screenState: unknown, profile: TerminalProfile, extra: Partial<RootState> = {}): string[] {
  const state: RootState = { current, screens: { [current]: screenState }, authUntil: 0, now: NOW, body: bodySize(profile), ...extra };
  const r = render(<ConsoleView registry={registry} state={state} profile={profile} allowExit={false} />);
  const frame = (r.lastFrame() ?? '').replace(ANSI, '');
  r.unmount();
  return frame.split('\n');
}

/** Nothing wider than the terminal, never more than rows-1 lines, ASCII only on a serial line. */
export function expectFits(lines: string[], profile: TerminalProfile): void {
  expect(lines.length).toBeLessThanOrEqual(profile.rows - 1);
  for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(profile.cols);
  if (profile.kind === 'serial') for (const line of lines) expect(line, 'serial frames are ASCII').toMatch(/^[\x20-\x7e]*$/);
}

export const text = (lines: string[]) => lines.join('\n');

/** The frame's text without borders, as one line with single spaces: for sentences the view wraps. */
export const flat = (lines: string[]) =>
  lines
    .map((l) => l.slice(1, -1).trim())
    .join(' ')
    .replace(/\s+/g, ' ');
