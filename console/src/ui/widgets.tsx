import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { bar, type TerminalProfile } from '@quantix/lib/terminal/profile';
import { fit, formatPercent } from '@quantix/lib/tui/format';

export const LABEL_WIDTH = 14;

/** "Label         value": one line, cut to the width. */
export function Field({ label, width, children, color }: { label: string; width: number; children: ReactNode; color?: string | undefined }) {
  return (
    <Box width={width}>
      <Box width={LABEL_WIDTH} flexShrink={0}>
        <Text bold>{label}</Text>
      </Box>
      <Box width={width - LABEL_WIDTH}>
        <Text wrap="truncate-end" color={color}>
          {children}
        </Text>
      </Box>
    </Box>
  );
}

/** "[#####.....]  42%  detail": a bar that reads the same without colour. */
export function Meter({ profile, fraction, barWidth, detail }: { profile: TerminalProfile; fraction: number | null; barWidth: number; detail: string }) {
  const f = fraction ?? 0;
  const color = fraction === null ? undefined : f >= 0.9 ? profile.palette.bad : f >= 0.75 ? profile.palette.warn : profile.palette.good;
  return (
    <Text wrap="truncate-end">
      [<Text color={color}>{fraction === null ? ' '.repeat(barWidth) : bar(profile, f, barWidth)}</Text>] {formatPercent(fraction)}
      {detail ? `  ${detail}` : ''}
    </Text>
  );
}

/** A line that must be noticed: marked with "!" so it stands out without colour. */
export function Banner({ profile, width, tone, children }: { profile: TerminalProfile; width: number; tone: 'bad' | 'warn' | 'good'; children: string }) {
  const mark = tone === 'good' ? profile.glyphs.ok : '!';
  return (
    <Text bold inverse={tone !== 'good'} color={profile.palette[tone]} wrap="truncate-end">
      {fit(` ${mark} ${children} `, width)}
    </Text>
  );
}

/** A heading line inside the body. */
export function Heading({ profile, children }: { profile: TerminalProfile; children: string }) {
  return (
    <Text bold underline={profile.kind !== 'serial'} color={profile.palette.accent} wrap="truncate-end">
      {children}
    </Text>
  );
}

/** Lines [offset, offset+height) of a long text, with a scroll position at the right of the last line. */
export function ScrollText({ profile, lines, offset, width, height }: { profile: TerminalProfile; lines: string[]; offset: number; width: number; height: number }) {
  const visible = lines.slice(offset, offset + height);
  const more = lines.length > height;
  const pos = more ? ` ${offset + 1}-${Math.min(lines.length, offset + height)}/${lines.length}` : '';
  return (
    <Box flexDirection="column" width={width} height={height}>
      {visible.map((l, i) => {
        const last = i === visible.length - 1 && more;
        const up = i === 0 && offset > 0 ? profile.glyphs.arrowUp : '';
        const down = last && offset + height < lines.length ? profile.glyphs.arrowDown : '';
        const suffix = last ? pos : '';
        const marker = up || down;
        const room = width - [...suffix].length - (marker ? 2 : 0);
        return (
          <Text key={i} wrap="truncate-end">
            {fit(l, room).padEnd(room)}
            {marker ? ` ${marker}` : ''}
            <Text color={profile.palette.dim}>{suffix}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
