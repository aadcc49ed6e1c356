import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { Lines, type ScreenProps } from './common.tsx';

/** The dry run's plan as wrapped lines: `[step] command`. */
export function planLines(state: ScreenProps['state'], width: number): string[] {
  return state.plan.flatMap((p) => wrapWords(`[${p.step}] ${p.line}`, width - 4, { paragraphs: true }).map((l, i) => (i === 0 ? l : `    ${l}`)));
}

export function PlanScreen({ state, profile, width, height }: ScreenProps) {
  const lines = planLines(state, width);
  const room = Math.max(1, height - 2);
  const top = Math.min(state.planTop, Math.max(0, lines.length - room));
  return (
    <Box flexDirection="column">
      <Line width={width} bold color={profile.palette.accent}>{`Dry run: what the install would do (lines ${top + 1}-${Math.min(lines.length, top + room)} of ${lines.length})`}</Line>
      <Line width={width}>{' '}</Line>
      <Lines lines={lines.slice(top, top + room)} width={width} height={room} />
    </Box>
  );
}
