import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { TerminalProfile } from '../terminal/profile.ts';
import { fit, layoutHints, type Hint } from './format.ts';

export type { Hint } from './format.ts';

export const FOOTER_LINES = 2;
/** Lines the frame itself takes: two borders, header, two separators. */
const CHROME_LINES = 5;

/** The size of the body inside the frame, for a profile. */
export function bodySize(profile: TerminalProfile): { width: number; height: number } {
  return { width: Math.max(10, profile.cols - 4), height: Math.max(1, profile.height - CHROME_LINES - FOOTER_LINES) };
}

export interface FrameProps {
  profile: TerminalProfile;
  /** Left of the header, cut to what `aside` leaves. */
  title: string;
  /** Right of the header, e.g. a clock or "Step 2 of 6". */
  aside: string;
  /** The most columns `aside` may take, given the body's width. */
  asideWidth: (bodyWidth: number) => number;
  /** The footer: key hints laid out in FOOTER_LINES lines. */
  hints: Hint[];
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
 * The bordered frame of a full-screen app: exactly `profile.cols` wide and `profile.height` (rows-1)
 * high, whatever the body holds, so every redraw changes only the lines whose text changed.
 */
export function Frame({ profile, title, aside, asideWidth, hints, children }: FrameProps) {
  const inner = profile.cols - 2;
  const body = bodySize(profile);
  const lines = layoutHints(hints, body.width, FOOTER_LINES);
  while (lines.length < FOOTER_LINES) lines.push([]);
  const asideText = fit(aside, Math.max(0, asideWidth(body.width)));
  const titleText = fit(title, Math.max(0, body.width - asideText.length - 1));
  return (
    <Box flexDirection="column" width={profile.cols} height={profile.height} borderStyle={profile.glyphs.border} borderColor={profile.palette.dim}>
      <Box width={inner} paddingX={1} justifyContent="space-between">
        <Text bold color={profile.palette.accent} wrap="truncate-end">
          {titleText}
        </Text>
        <Text>{asideText}</Text>
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

/** One line of text cut to the width. */
export function Line({ children, width, color, bold, inverse }: { children: string; width: number; color?: string | undefined; bold?: boolean; inverse?: boolean }) {
  return (
    <Text color={color} bold={bold} inverse={inverse} wrap="truncate-end">
      {fit(children, width) || ' '}
    </Text>
  );
}
