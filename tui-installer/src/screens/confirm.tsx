import { Box } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import { Line } from '@quantix/lib/tui/frame';
import { confirmName } from '../app/wizard.ts';
import { formatBytes } from '../engine/disks.ts';
import { Lines, type ScreenProps } from './common.tsx';

export function ConfirmScreen({ state, profile, width }: ScreenProps) {
  const d = state.disk;
  if (!d) return <Line width={width}>No disk chosen.</Line>;
  const warning = wrapWords(`ALL DATA ON ${d.path} (${formatBytes(d.sizeBytes)}${d.model ? `, ${d.model}` : ''}) WILL BE ERASED.`, width);
  return (
    <Box flexDirection="column">
      <Lines lines={warning} width={width} height={3} color={profile.palette.bad} />
      <Line width={width}>{' '}</Line>
      <Line width={width}>{`Type the disk's name, ${confirmName(d)}, and press Enter${state.dryRun ? ' (dry run: shows the plan)' : ' to install'}:`}</Line>
      <Line width={width}>{' '}</Line>
      <Line width={width} bold>{`  > ${state.confirmText}_`}</Line>
      <Line width={width}>{' '}</Line>
      {state.confirmWrong ? (
        <Line width={width} color={profile.palette.bad}>{`${profile.glyphs.fail} That is not ${confirmName(d)}. Type it exactly, or press Esc to go back.`}</Line>
      ) : (
        <Line width={width}>{' '}</Line>
      )}
    </Box>
  );
}
