import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { bodySize } from '@quantix/lib/tui/frame';
import { frameLines } from '@quantix/lib/tui/testing';
import { ConsoleView } from '../app/console-view.tsx';
import { registry } from '../app/registry.ts';
import type { RootState } from '../app/root.ts';
import type { ScreenId } from '../app/screen.ts';
import { resolveConfig, type ConsoleConfig } from '../config.ts';

/** Helpers for frame tests: the whole console drawn from a state, as text, under a profile (lib/tui/testing.tsx). */

export { expectFits, profiles, text } from '@quantix/lib/tui/testing';

export const testConfig: ConsoleConfig = resolveConfig({ nodeDataDir: '/var/lib/quantix/node' }, '/opt/quantix');

/** A fixed moment: 2026-11-21 12:34:56 local time. */
export const NOW = new Date(2026, 10, 21, 12, 34, 56).getTime();

export function drawFrame(current: ScreenId, screenState: unknown, profile: TerminalProfile, extra: Partial<RootState> = {}): string[] {
  const state: RootState = { current, screens: { [current]: screenState }, authUntil: 0, now: NOW, body: bodySize(profile), ...extra };
  return frameLines(<ConsoleView registry={registry} state={state} profile={profile} allowExit={false} />);
}

/** The frame's text without borders, as one line with single spaces: for sentences the view wraps. */
export const flat = (lines: string[]) =>
  lines
    .map((l) => l.slice(1, -1).trim())
    .join(' ')
    .replace(/\s+/g, ' ');
