import { Box, Text } from 'ink';
import { bar } from '@quantix/lib/terminal/profile';
import { fit, formatPercent, pad } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { STEP_IDS, STEP_TITLES } from '../engine/install-steps.ts';
import { Lines, type ScreenProps } from './common.tsx';

const MARK = { pending: '    ', running: ' >> ', done: null, failed: null } as const;

/** A bar per step, then the newest lines of the install log. */
export function ProgressScreen({ state, profile, width, height }: ScreenProps) {
  const titleWidth = Math.min(36, Math.max(12, width - 28));
  const barWidth = Math.max(4, width - titleWidth - 6 - 2 - 5);
  const head = state.answerOrigin !== null ? `Unattended install from ${state.answerOrigin}` : `Installing onto ${state.disk?.path ?? ''}`;
  const logLines = Math.max(0, height - STEP_IDS.length - 3);
  return (
    <Box flexDirection="column">
      <Line width={width}>{head}</Line>
      <Line width={width}>{' '}</Line>
      {STEP_IDS.map((id) => {
        const s = state.steps[id];
        const mark = s.status === 'done' ? pad(profile.glyphs.ok, 4) : s.status === 'failed' ? pad(profile.glyphs.fail, 4) : MARK[s.status];
        const color = s.status === 'done' ? profile.palette.good : s.status === 'failed' ? profile.palette.bad : s.status === 'running' ? profile.palette.accent : profile.palette.dim;
        return (
          <Text key={id} wrap="truncate-end">
            <Text color={color}>{mark}</Text>
            {` ${pad(STEP_TITLES[id], titleWidth)} [${bar(profile, s.fraction, barWidth)}] ${formatPercent(s.fraction)}`}
          </Text>
        );
      })}
      <Line width={width}>{' '}</Line>
      <Lines lines={state.logTail.slice(-logLines).map((l) => fit(l.replace(/^\S+Z /, ''), width))} width={width} height={logLines} color={profile.palette.dim} />
    </Box>
  );
}
