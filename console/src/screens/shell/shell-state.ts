import type { Key } from '@quantix/lib/terminal/keymap';
import type { KeyResult } from '../../app/screen.ts';
import type { ShellResult } from '../../effects/shell-launcher.ts';

export interface ShellState {
  phase: 'starting' | 'running' | 'ended';
  result: ShellResult | null;
}

export type ShellAction = { type: 'started' } | { type: 'ended'; result: ShellResult } | { type: 'again' };

export const initialShell: ShellState = { phase: 'starting', result: null };

export function reduceShell(s: ShellState, a: ShellAction): ShellState {
  switch (a.type) {
    case 'started':
      return { phase: 'running', result: null };
    case 'ended':
      return { phase: 'ended', result: a.result };
    case 'again':
      return s.phase === 'ended' ? { phase: 'starting', result: null } : s;
  }
}

export function shellKey(s: ShellState, key: Key): KeyResult<ShellAction> {
  return s.phase === 'ended' && key.name === 'enter' ? { type: 'again' } : null;
}

/** "exit code 0 after 12 s", "killed by SIGKILL after 3 s" */
export function describeEnd(r: ShellResult): string {
  const how = r.error && r.exitCode === null ? r.error : r.signal ? `killed by ${r.signal}` : `exit code ${r.exitCode}`;
  return `${how} after ${Math.round(r.durationMs / 1000)} s`;
}
