import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { Frame, type FrameProps } from '@quantix/lib/tui/frame';

/** "2026-11-21 12:34:56" */
export const CLOCK_WIDTH = 19;

/** Where the clock is on the terminal (1-based row and column), for drawing it without a render. */
export function clockPosition(profile: TerminalProfile): { row: number; col: number } {
  // Border, padding, then the clock flush right: it ends two columns before the right edge.
  return { row: 2, col: profile.cols - 1 - CLOCK_WIDTH };
}

export interface ConsoleFrameProps extends Omit<FrameProps, 'aside' | 'asideWidth'> {
  /** Left of the header: product, version, screen title. */
  title: string;
  /** Right of the header: the clock; null keeps its place blank for a clock drawn from outside. */
  clock: string | null;
}

/** The console's frame (lib/tui/frame.tsx) with the clock right of the header. */
export function ConsoleFrame({ clock, ...frame }: ConsoleFrameProps) {
  return <Frame {...frame} aside={clock ?? ' '.repeat(CLOCK_WIDTH)} asideWidth={(bodyWidth) => bodyWidth - 10} />;
}
