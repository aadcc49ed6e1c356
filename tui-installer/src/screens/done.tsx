import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { Lines, type ScreenProps } from './common.tsx';
import { networkLine } from './summary.tsx';

export function DoneScreen({ state, profile, width, height }: ScreenProps) {
  const lines = [
    ...wrapWords(`${state.product} ${state.version} is installed on ${state.disk?.path ?? 'the disk'}.`, width),
    `Network: ${networkLine(state)}; hostname ${state.net.hostname}`,
    '',
  ];
  if (state.finishing !== null) lines.push(state.finishing === 'poweroff' ? 'Powering off...' : 'Rebooting...');
  else if (state.answerOrigin !== null) lines.push(state.finish === 'poweroff' ? 'Powering off shortly.' : 'Rebooting shortly.');
  else lines.push(...wrapWords('Remove the installation medium, then press R to reboot into Quantix, or P to power off.', width));
  return (
    <Box flexDirection="column">
      <Line width={width} bold color={profile.palette.good}>{`${profile.glyphs.ok} Installation complete`}</Line>
      <Line width={width}>{' '}</Line>
      <Lines lines={lines} width={width} height={height - 2} />
    </Box>
  );
}
