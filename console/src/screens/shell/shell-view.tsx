import { Box, Text } from 'ink';
import type { ViewProps } from '../../app/screen.ts';
import { Banner } from '../../ui/widgets.tsx';
import { describeEnd, type ShellState } from './shell-state.ts';

export function ShellView({ state: s, profile, width }: ViewProps<ShellState>) {
  return (
    <Box flexDirection="column" width={width}>
      {s.phase === 'ended' && s.result ? (
        <>
          <Banner profile={profile} width={width} tone={s.result.exitCode === 0 ? 'good' : 'warn'}>
            {`The emergency shell ended: ${describeEnd(s.result)}.`}
          </Banner>
          <Text> </Text>
          {s.result.error ? <Text wrap="truncate-end">{s.result.error}</Text> : null}
          <Text wrap="truncate-end">Its start and end are in the audit log (F7/D, section 4).</Text>
          <Text wrap="truncate-end">Enter: open another shell.</Text>
        </>
      ) : (
        <Text wrap="truncate-end">Opening the emergency shell on this terminal...</Text>
      )}
    </Box>
  );
}
