import { Box, Text } from 'ink';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { Line } from '@quantix/lib/tui/frame';
import type { WizardState } from '../app/wizard.ts';

export interface ScreenProps {
  state: WizardState;
  profile: TerminalProfile;
  width: number;
  height: number;
}

/** Lines of plain text, each cut to the width, at most `height` of them. */
export function Lines({ lines, width, height, color }: { lines: string[]; width: number; height: number; color?: string | undefined }) {
  return (
    <Box flexDirection="column">
      {lines.slice(0, Math.max(0, height)).map((l, i) => (
        <Line key={i} width={width} color={color}>
          {l}
        </Line>
      ))}
    </Box>
  );
}

/** A labelled input: `> Label   [value      ]`, the focused one marked. */
export function InputRow({ profile, label, value, focused, width, problem }: { profile: TerminalProfile; label: string; value: string; focused: boolean; width: number; problem?: string | undefined }) {
  const boxWidth = Math.min(32, Math.max(8, width - 16));
  const shown = value.length > boxWidth - 1 ? value.slice(value.length - boxWidth + 1) : value;
  const cursor = focused ? '_' : ' ';
  const field = `[${(shown + cursor).padEnd(boxWidth)}]`;
  const note = problem ? ` ${profile.glyphs.fail} ${problem}` : '';
  return (
    <Text wrap="truncate-end">
      <Text bold={focused}>{`${focused ? '>' : ' '} ${label.padEnd(10)} `}</Text>
      <Text inverse={focused && profile.kind !== 'serial'}>{field}</Text>
      <Text color={profile.palette.bad}>{note.slice(0, Math.max(0, width - 13 - field.length))}</Text>
    </Text>
  );
}

/** `> Label   < choice >`. */
export function ChoiceRow({ profile, label, value, focused, width, detail }: { profile: TerminalProfile; label: string; value: string; focused: boolean; width: number; detail?: string }) {
  const text = `${focused ? '>' : ' '} ${label.padEnd(10)} < ${value} >${detail ? `  ${detail}` : ''}`;
  return (
    <Line width={width} bold={focused} color={focused ? profile.palette.accent : undefined}>
      {text}
    </Line>
  );
}
