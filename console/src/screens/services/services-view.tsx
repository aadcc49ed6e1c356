import { Box, Text } from 'ink';
import type { ViewProps } from '../../app/screen.ts';
import { Banner, Field } from '../../ui/widgets.tsx';
import type { ServicesState } from './services-state.ts';

export function ServicesView({ state: s, profile, width, now }: ViewProps<ServicesState>) {
  const b = profile.glyphs.bullet;
  const st = s.before;
  const running = st?.running ?? false;
  const elapsed = s.startedAt !== null ? Math.round(((s.finishedAt ?? now) - s.startedAt) / 1000) : 0;
  return (
    <Box flexDirection="column" width={width}>
      <Field label="qx-node" width={width}>
        {st === null ? 'reading...' : running ? `running${st.pid ? ` (pid ${st.pid})` : ''}` : 'not running'}
      </Field>
      <Field label="Managed by" width={width}>
        {st === null ? '' : st.manager === 'systemd' ? 'systemd' : 'qx-console (pid file, no systemd)'}
      </Field>
      <Text> </Text>
      <Text wrap="truncate-end">{`${b} qx-node (API, local socket, jobs) is stopped and started again.`}</Text>
      <Text wrap="truncate-end">{`${b} Running VMs keep running: libvirtd and QEMU are not restarted.`}</Text>
      <Text wrap="truncate-end">{`${b} Jobs running at that moment are reported as interrupted.`}</Text>
      <Text> </Text>
      {s.phase === 'ready' ? (
        <Text bold wrap="truncate-end">
          {running ? 'Press Enter or Y to restart the management services.' : 'qx-node is not running. Press Enter or Y to start it.'}
        </Text>
      ) : null}
      {s.phase === 'running' || s.phase === 'done' || s.phase === 'failed' ? (
        <>
          {s.steps.map((step, i) => (
            <Text key={i} wrap="truncate-end">{`${b} ${step}${i === s.steps.length - 1 && s.phase === 'running' ? ` ... ${elapsed} s` : ''}`}</Text>
          ))}
        </>
      ) : null}
      {s.phase === 'done' ? (
        <Banner profile={profile} width={width} tone="good">
          {`qx-node is running${s.after?.pid ? ` (pid ${s.after.pid})` : ''} after ${elapsed} s. Enter: restart again.`}
        </Banner>
      ) : null}
      {s.phase === 'failed' ? (
        <Banner profile={profile} width={width} tone="bad">
          {`${s.error?.code}: ${s.error?.message ?? ''}`}
        </Banner>
      ) : null}
    </Box>
  );
}
