import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { fit, layoutHints } from './format.ts';

export const FOOTER_LINES = 2;
/** Two borders, the header, two separators. */
const CHROME_LINES = 5;

export interface Hint {
  keys: string;
  label: string;
}

/** The body inside the frame, for a profile. */
export function bodySize(profile: TerminalProfile): { width: number; height: number } {
  return { width: Math.max(10, profile.cols - 4), height: Math.max(1, profile.height - CHROME_LINES - FOOTER_LINES) };
}

function Separator({ profile, width }: { profile: TerminalProfile; width: number }) {
  return (
    <Text color={profile.palette.dim} wrap="truncate-end">
      {profile.glyphs.horizontal.repeat(width)}
    </Text>
  );
}

/** The installer's frame: exactly `profile.cols` wide and `profile.height` (rows-1) high. */
export function Frame({ profile, title, step, hints, children }: { profile: TerminalProfile; title: string; step: string; hints: Hint[]; children: ReactNode }) {
  const inner = profile.cols - 2;
  const body = bodySize(profile);
  const lines = layoutHints(hints, body.width, FOOTER_LINES);
  while (lines.length < FOOTER_LINES) lines.push([]);
  const stepText = fit(step, Math.max(0, Math.floor(body.width / 3)));
  const titleText = fit(title, Math.max(0, body.width - stepText.length - 1));
  return (
    <Box flexDirection="column" width={profile.cols} height={profile.height} borderStyle={profile.glyphs.border} borderColor={profile.palette.dim}>
      <Box width={inner} paddingX={1} justifyContent="space-between">
        <Text bold color={profile.palette.accent} wrap="truncate-end">
          {titleText}
        </Text>
        <Text>{stepText}</Text>
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
