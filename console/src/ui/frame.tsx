import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { fit, layoutHints } from './format.ts';

export const FOOTER_LINES = 2;
/** "2026-11-21 12:34:56" */
export const CLOCK_WIDTH = 19;

/** Where the clock is on the terminal (1-based row and column), for drawing it without a render. */
export function clockPosition(profile: TerminalProfile): { row: number; col: number } {
  // Border, padding, then the clock flush right: it ends two columns before the right edge.
  return { row: 2, col: profile.cols - 1 - CLOCK_WIDTH };
}
/** Lines the frame itself takes: two borders, header, two separators. */
const CHROME_LINES = 5;

/** The size of the body inside the frame, for a profile. */
export function bodySize(profile: TerminalProfile): { width: number; height: number } {
  return { width: Math.max(10, profile.cols - 4), height: Math.max(1, profile.height - CHROME_LINES - FOOTER_LINES) };
}

export interface FrameProps {
  profile: TerminalProfile;
  /** Left of the header: product, version, screen title. */
  title: string;
  /** Right of the header: the clock; null keeps its place blank for a clock drawn from outside. */
  clock: string | null;
  hints: { keys: string; label: string }[];
  children: ReactNode;
}

function Separator({ profile, width }: { profile: TerminalProfile; width: number }) {
  return (
    <Text color={profile.palette.dim} wrap="truncate-end">
      {profile.glyphs.horizontal.repeat(width)}
    </Text>
  );
}

/**
 * The console's frame: exactly `profile.cols` wide and `profile.height` (rows-1) high, whatever the
 * body holds, so every redraw changes only the lines whose text changed.
 */
export function Frame({ profile, title, clock, hints, children }: FrameProps) {
  const inner = profile.cols - 2;
  const body = bodySize(profile);
  const lines = layoutHints(hints, body.width, FOOTER_LINES);
  while (lines.length < FOOTER_LINES) lines.push([]);
  const clockText = fit(clock ?? ' '.repeat(CLOCK_WIDTH), Math.max(0, body.width - 10));
  const titleText = fit(title, Math.max(0, body.width - clockText.length - 1));
  return (
    <Box flexDirection="column" width={profile.cols} height={profile.height} borderStyle={profile.glyphs.border} borderColor={profile.palette.dim}>
      <Box width={inner} paddingX={1} justifyContent="space-between">
        <Text bold color={profile.palette.accent} wrap="truncate-end">
          {titleText}
        </Text>
        <Text>{clockText}</Text>
      </Box>
      <Separator profile={profile} width={inner} />
      <Box width={inner} height={body.height} paddingX={1} flexDirection="column" overflow="hidden">
        {children}
      </Box>
      <Separator profile={profile} width={inner} />
      {lines.map((line, i) => (
        <Box key={i} width={inner} paddingX={1}>
          <Text wrap="truncate-end">
            {line.map((h, j) => (
              <Text key={h.keys}>
                {j > 0 ? '  ' : ''}
                <Text bold inverse={profile.kind === 'serial'} color={profile.palette.accent}>
                  {h.keys}
                </Text>{' '}
                {h.label}
              </Text>
            ))}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
