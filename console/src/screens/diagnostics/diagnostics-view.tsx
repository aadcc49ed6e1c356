import { Box, Text } from 'ink';
import type { ViewProps } from '../../app/screen.ts';
import { ScrollText } from '../../ui/widgets.tsx';
import { TABS, type DiagnosticsState } from './diagnostics-state.ts';

export function DiagnosticsView({ state: s, profile, width, height }: ViewProps<DiagnosticsState>) {
  const lines = s.lines[s.tab] ?? [];
  const bullet = profile.glyphs.bullet;
  const shown = s.tab !== 0 || bullet === '*' ? lines : lines.map((l) => l.replace(/^(\s*)\* /, `$1${bullet} `));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {TABS.map((t, i) => (
          <Text key={t}>
            {i > 0 ? '  ' : ''}
            <Text bold={i === s.tab} inverse={i === s.tab} color={i === s.tab ? undefined : profile.palette.dim}>
              {`${i + 1} ${t}`}
            </Text>
          </Text>
        ))}
      </Text>
      <Text> </Text>
      <ScrollText profile={profile} lines={shown} offset={s.top[s.tab] ?? 0} width={width} height={Math.min(s.page, height - 2)} />
    </Box>
  );
}
