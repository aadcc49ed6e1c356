import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';
import { expect } from 'vitest';
import { terminalProfile, type TerminalProfile } from '../terminal/profile.ts';

/** Helpers for frame tests: a whole screen drawn once at a profile's size, as plain text lines. */

export const profiles: Record<'serial' | 'unicode', TerminalProfile> = {
  serial: terminalProfile({ env: { TERM: 'vt100' }, rows: 24, cols: 80 }),
  unicode: terminalProfile({ env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' }, rows: 24, cols: 80 }),
};

const ANSI = /\x1b\[[0-9;]*m/g;

/** The last frame `element` draws, without colours, one string per line. */
export function frameLines(element: ReactElement): string[] {
  const r = render(element);
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
