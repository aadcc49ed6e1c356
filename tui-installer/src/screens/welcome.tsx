import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { Lines, type ScreenProps } from './common.tsx';

export function WelcomeScreen({ state, profile, width, height }: ScreenProps) {
  const lines = [
    ...wrapWords(`This installs ${state.product} ${state.version} onto one disk of this machine. Everything on that disk is erased.`, width),
    '',
    'You will choose:',
    '  1. the disk to install to',
    '  2. the management network',
    '  3. the admin password',
    '',
    ...wrapWords("Nothing is written until you confirm by typing the disk's name.", width),
  ];
  if (state.dryRun) lines.push('', ...wrapWords('DRY RUN: nothing will be written; the plan is shown instead.', width));
  return (
    <Box flexDirection="column">
      <Line width={width} bold color={profile.palette.accent}>{`Welcome to the ${state.product} installer`}</Line>
      <Line width={width}>{' '}</Line>
      <Lines lines={lines} width={width} height={height - 2} />
    </Box>
  );
}
