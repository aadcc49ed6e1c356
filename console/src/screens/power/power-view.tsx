import { Box, Text } from 'ink';
import { wrapWords } from '@quantix/lib/tui/format';
import type { ViewProps } from '../../app/screen.ts';
import { Banner, Field } from '../../ui/widgets.tsx';
import { actionWord, vmConsequence, type PowerState } from './power-state.ts';

export function PowerView({ state: s, profile, width }: ViewProps<PowerState>) {
  const w = actionWord[s.choice];
  const mark = (c: PowerState['choice']) => (s.choice === c && s.phase === 'choose' ? '>' : ' ');
  return (
    <Box flexDirection="column" width={width}>
      <Field label="Running VMs" width={width}>
        {s.running === null ? (s.phase === 'reading' ? 'reading...' : 'unknown (qx-node is not running)') : `${s.running} of ${s.total ?? '?'}`}
      </Field>
      <Text> </Text>
      {s.phase === 'choose' || s.phase === 'reading' ? (
        <>
          <Text wrap="truncate-end" inverse={s.choice === 'reboot'}>{`${mark('reboot')} R  Reboot the host`}</Text>
          <Text wrap="truncate-end" inverse={s.choice === 'poweroff'}>{`${mark('poweroff')} S  Shut down (power off) the host`}</Text>
        </>
      ) : null}
      {s.phase === 'confirm' ? (
        <>
          <Text bold wrap="truncate-end">{`${w.verb} this host?`}</Text>
          <Text> </Text>
          {wrapWords(vmConsequence(s), width).map((line, i) => (
            <Text key={i} wrap="truncate-end">
              {line}
            </Text>
          ))}
          <Text> </Text>
          <Text bold wrap="truncate-end">{`Y or Enter: ${w.noun} now.   N or Esc: cancel.`}</Text>
        </>
      ) : null}
      {s.phase === 'stopping-vms' ? (
        <>
          <Text wrap="truncate-end">{`Shutting down VMs: ${s.progress.stopped} of ${s.progress.of} stopped (up to ${s.vmTimeoutSeconds} s each)...`}</Text>
          {s.progress.failed.length ? <Text wrap="truncate-end">{`Powered off hard: ${s.progress.failed.join(', ')}`}</Text> : null}
        </>
      ) : null}
      {s.phase === 'running-command' ? <Text wrap="truncate-end">{`VMs are down. ${w.progressive[0]!.toUpperCase()}${w.progressive.slice(1)} the host...`}</Text> : null}
      {s.phase === 'done' ? (
        <Banner profile={profile} width={width} tone="good">
          {`The ${w.noun} command ran: the host is going down.`}
        </Banner>
      ) : null}
      {s.phase === 'failed' ? (
        <>
          <Banner profile={profile} width={width} tone="bad">
            {`${w.verb} failed: ${s.error?.message ?? ''}`}
          </Banner>
          <Text wrap="truncate-end">Enter: choose again.</Text>
        </>
      ) : null}
    </Box>
  );
}
