import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { Lines, type ScreenProps } from './common.tsx';

/** The installer cannot go on: an answer file it cannot use, no disk for "auto". */
export function FatalScreen({ state, profile, width, height }: ScreenProps) {
  const lines = (state.fatal?.lines ?? []).flatMap((l) => wrapWords(l, width, { paragraphs: true }));
  return (
    <Box flexDirection="column">
      <Line width={width} bold color={profile.palette.bad}>{`${profile.glyphs.fail} ${state.fatal?.title ?? 'The installer cannot go on'}`}</Line>
      <Line width={width}>{' '}</Line>
      <Lines lines={lines} width={width} height={height - 2} />
    </Box>
  );
}
