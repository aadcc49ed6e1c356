import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { STEP_TITLES } from '../engine/install-steps.ts';
import { Lines, type ScreenProps } from './common.tsx';

/** "Label:   text" wrapped, continuation lines indented under the text. */
function labelled(label: string, body: string, width: number): string[] {
  return wrapWords(body, width - 9, { paragraphs: true }).map((l, i) => `${(i === 0 ? label : '').padEnd(9)}${l}`);
}

/** What failed, where, with which command and output; the log's newest lines fill the rest. */
export function FailedScreen({ state, profile, width, height }: ScreenProps) {
  const f = state.failure;
  if (!f) return <Line width={width}>The installation failed.</Line>;
  const top = [
    `Step:    ${STEP_TITLES[f.step]}`,
    ...labelled('Error:', `${f.code}: ${f.message}`, width).slice(0, 3),
    ...(f.command ? labelled('Command:', f.command, width).slice(0, 2) : []),
    ...(f.stderrTail ? f.stderrTail.split('\n').slice(-3).map((l) => `  | ${l}`) : []),
    `Disk:    ${f.cleanup}`,
    `Log:     ${f.logFile}`,
  ];
  const room = Math.max(0, height - top.length - 3);
  return (
    <Box flexDirection="column">
      <Line width={width} bold color={profile.palette.bad}>{`${profile.glyphs.fail} The installation failed`}</Line>
      <Lines lines={top} width={width} height={top.length} />
      {room > 0 && <Line width={width} color={profile.palette.dim}>{`Last lines of the log:`}</Line>}
      <Lines lines={state.logTail.slice(-room).map((l) => l.replace(/^\S+Z /, ''))} width={width} height={room} color={profile.palette.dim} />
    </Box>
  );
}
