import { Box, Text } from 'ink';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { wrapWords } from '@quantix/lib/tui/format';
import type { ViewProps } from '../../app/screen.ts';
import type { ErrorInfo } from '../../errors.ts';
import { formatClock, formatCountdown } from '../../ui/format.ts';
import { Banner, Field, Heading } from '../../ui/widgets.tsx';
import { fingerprintLines, type ClusterState } from './cluster-state.ts';

/** Lines the bottom area (join a vDC, or a question, a message) always takes. */
const BOTTOM_LINES = 4;

function ErrorLines({ profile, width, error }: { profile: TerminalProfile; width: number; error: ErrorInfo }) {
  return (
    <>
      <Banner profile={profile} width={width} tone="bad">
        {`Error ${error.code}`}
      </Banner>
      {wrapWords(error.message, width)
        .slice(0, BOTTOM_LINES - 1)
        .map((l, i) => (
          <Text key={i} wrap="truncate-end">
            {l}
          </Text>
        ))}
    </>
  );
}

function Lines({ lines, bold }: { lines: string[]; bold?: boolean }) {
  return (
    <>
      {lines.map((l, i) => (
        <Text key={i} bold={bold ?? false} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </>
  );
}

/** The join area: laid out for the vDC, and saying plainly that it does not work yet. */
function JoinArea({ profile, width }: { profile: TerminalProfile; width: number }) {
  const box = (n: number) => `[${' not available yet'.padEnd(n)}]`;
  return (
    <>
      <Heading profile={profile}>Join a vDC</Heading>
      <Text wrap="truncate-end" color={profile.palette.dim}>
        {`vDC URL  ${box(24)}  Token  ${box(22)}`}
      </Text>
      <Lines lines={wrapWords('Joining from this console comes with the vDC. Until then the vDC admin adds this host with the address and token above.', width)} />
    </>
  );
}

export function ClusterView({ state: s, profile, width, now }: ViewProps<ClusterState>) {
  const t = s.token;
  const left = t ? Date.parse(t.expiresAt) - Math.max(now, s.readAt ?? 0) : 0;
  const dash = profile.unicode ? '—' : '-';
  const fp = t?.fingerprint256 ?? null;
  const fpLines = fp ? fingerprintLines(fp, width - 2) : [];
  const readError = s.readError;
  return (
    <Box flexDirection="column" width={width}>
      <Field label="Cluster" width={width}>
        {`Standalone ${dash} this host is not in a vDC yet`}
      </Field>
      <Field label="Hostname" width={width}>
        {t?.hostname ?? (s.phase === 'reading' ? 'reading...' : 'unknown')}
      </Field>
      <Field label="Management" width={width}>
        {s.management ? `${s.management.url}  (${s.management.nic})` : s.addressKnown ? 'no IPv4 address on any NIC' : 'reading...'}
      </Field>
      <Text> </Text>
      <Heading profile={profile}>Registration token (the vDC admin adds this host with it)</Heading>
      <Field label="Token" width={width}>
        <Text bold>{t ? t.token : s.phase === 'reading' ? 'reading...' : 'unavailable'}</Text>
      </Field>
      <Field label="Expires in" width={width}>
        {!t
          ? ''
          : s.renewing || left <= 0
            ? `0:00 ${dash} getting the new token...`
            : `${formatCountdown(left)}  (at ${formatClock(Date.parse(t.expiresAt)).slice(11, 16)}; then a new one is made)`}
      </Field>
      <Text> </Text>
      <Heading profile={profile}>TLS certificate SHA-256 fingerprint (compare it in the vDC)</Heading>
      {fp ? (
        fpLines.slice(0, 2).map((l, i) => <Text key={i} wrap="truncate-end">{`  ${l}`}</Text>)
      ) : (
        <>
          <Text wrap="truncate-end">{t ? '  none: qx-node serves plain HTTP (no certificate)' : '  '}</Text>
          <Text> </Text>
        </>
      )}
      {fp && fpLines.length < 2 ? <Text> </Text> : null}
      <Text> </Text>
      <Box flexDirection="column" height={BOTTOM_LINES}>
        {s.phase === 'confirm' ? (
          <>
            <Lines
              lines={wrapWords(`Make a new registration token? The current one (${t?.token ?? ''}) stops working at once: a vDC admin who has it needs the new one.`, width).slice(0, BOTTOM_LINES - 1)}
            />
            <Text bold wrap="truncate-end">
              Y: new token. N or Esc: keep the current one.
            </Text>
          </>
        ) : s.phase === 'regenerating' ? (
          <Text wrap="truncate-end">Asking qx-node for a new token...</Text>
        ) : s.error ? (
          <ErrorLines profile={profile} width={width} error={s.error} />
        ) : readError ? (
          <ErrorLines profile={profile} width={width} error={readError} />
        ) : s.notice ? (
          <Banner profile={profile} width={width} tone="good">
            {s.notice}
          </Banner>
        ) : (
          <JoinArea profile={profile} width={width} />
        )}
      </Box>
    </Box>
  );
}
