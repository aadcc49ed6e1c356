import { Box, Text } from 'ink';
import type { SshState } from '@quantix/lib/api';
import { bar, type TerminalProfile } from '@quantix/lib/terminal/profile';
import { wrapWords } from '@quantix/lib/tui/format';
import type { ViewProps } from '../../app/screen.ts';
import type { ErrorInfo } from '../../errors.ts';
import { formatClock } from '../../ui/format.ts';
import { Banner, Field } from '../../ui/widgets.tsx';
import { MAX_IDLE, MAX_WINDOW, MIN_WINDOW, minutesLeft, windowMinutes, type SshScreenState } from './ssh-state.ts';

const BAR = 20;

/** "29:41", "119:59": minutes and seconds, rounded up so that 0:00 means over. */
export function formatMinSec(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** "13:04": the local time of day of an ISO instant. */
export function clockOf(iso: string): string {
  return formatClock(Date.parse(iso)).slice(11, 16);
}

function serviceLine(ssh: SshState, profile: TerminalProfile, now: number): string {
  if (ssh.mode === 'disabled') return 'Disabled';
  if (ssh.mode === 'permanent') return 'Enabled permanently';
  if (!ssh.enabledUntil) return 'Enabled for a window';
  const until = Date.parse(ssh.enabledUntil);
  const left = until - now;
  if (left <= 0) return `Window ended at ${clockOf(ssh.enabledUntil)}: closing...`;
  const since = ssh.changedAt ? Date.parse(ssh.changedAt) : until - MAX_WINDOW * 60_000;
  const fraction = left / Math.max(1, until - since);
  return `Enabled until ${clockOf(ssh.enabledUntil)}  [${bar(profile, fraction, BAR)}] ${formatMinSec(left)} left`;
}

function loginsLine(ssh: SshState): string {
  const where = ssh.listen.map((l) => (l === '0.0.0.0' || l === '::' ? 'all addresses' : l)).join(', ');
  if (ssh.accepting) return `accepted on port ${ssh.port} (${where})`;
  if (ssh.mode === 'disabled') return 'not accepted (SSH is disabled)';
  return 'NOT accepted: sshd is not running (F7 shows the logs)';
}

function idleLine(ssh: SshState): string {
  const m = ssh.idleTimeoutMinutes;
  return m === 0 ? 'none: idle sessions stay open' : `${m} minute${m === 1 ? '' : 's'}: idle sessions are closed`;
}

function ErrorLines({ profile, width, error, lines = 2 }: { profile: TerminalProfile; width: number; error: ErrorInfo; lines?: number }) {
  return (
    <>
      <Banner profile={profile} width={width} tone="bad">
        {`Error ${error.code}`}
      </Banner>
      {wrapWords(error.message, width).slice(0, lines).map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </>
  );
}

function Paragraph({ text, width }: { text: string; width: number }) {
  return (
    <>
      {wrapWords(text, width).map((l, i) => (
        <Text key={i} wrap="truncate-end">
          {l}
        </Text>
      ))}
    </>
  );
}

function NumberBox({ text, width, active }: { text: string; width: number; active: boolean }) {
  return (
    <Text>
      [<Text inverse={active}>{` ${text.padStart(width)} `}</Text>]
    </Text>
  );
}

export function SshView({ state: s, profile, width, now }: ViewProps<SshScreenState>) {
  const ssh = s.ssh;
  const dash = profile.unicode ? '—' : '-';
  const minutes = windowMinutes(s);
  const error = s.error ?? s.readError;
  const clock = Math.max(now, s.readAt ?? 0);
  return (
    <Box flexDirection="column" width={width}>
      <Field label="SSH" width={width}>
        {ssh ? serviceLine(ssh, profile, clock) : s.phase === 'reading' ? 'reading...' : 'unknown'}
      </Field>
      <Field label="New logins" width={width}>
        {ssh ? loginsLine(ssh) : ''}
      </Field>
      <Field label="Idle timeout" width={width}>
        {ssh ? idleLine(ssh) : ''}
      </Field>
      <Field label="Last change" width={width}>
        {ssh?.changedAt ? `${formatClock(Date.parse(ssh.changedAt))} by ${ssh.changedBy ?? 'unknown'}` : ssh ? 'never' : ''}
      </Field>
      <Text> </Text>
      {s.phase === 'ready' || s.phase === 'reading' || s.phase === 'working' ? (
        <>
          <Text wrap="truncate-end">
            <Text bold>{'Window'.padEnd(14)}</Text>
            <NumberBox text={s.minutesText} width={3} active={s.phase === 'ready'} />
            {` minutes  (+/- or type ${MIN_WINDOW}-${MAX_WINDOW})`}
          </Text>
          <Text> </Text>
          <Text wrap="truncate-end">{`  E  Enable SSH for ${minutes ?? '?'} minutes ${dash} then no new logins; open sessions go on`}</Text>
          <Text wrap="truncate-end">{'  P  Enable SSH permanently'}</Text>
          <Text wrap="truncate-end">{'  I  Set the idle timeout for sessions'}</Text>
          <Text wrap="truncate-end">{'  D  Disable SSH now'}</Text>
        </>
      ) : null}
      {s.phase === 'confirm-permanent' ? (
        <>
          <Text bold wrap="truncate-end">
            Enable SSH permanently?
          </Text>
          <Text> </Text>
          <Paragraph
            width={width}
            text="It stays on until someone disables it (here with D, or through the API): across reboots of the host and restarts of qx-node and of this console. Anyone holding a key for root can log in at any time."
          />
          <Text> </Text>
          <Text bold wrap="truncate-end">
            Y: enable permanently. N or Esc: cancel.
          </Text>
        </>
      ) : null}
      {s.phase === 'idle' ? (
        <>
          <Text wrap="truncate-end">
            <Text bold>{'Idle timeout'.padEnd(14)}</Text>
            <NumberBox text={s.idleText} width={4} active />
            {` minutes  (+/- or type 0-${MAX_IDLE}; 0 = never)`}
          </Text>
          <Text> </Text>
          <Text wrap="truncate-end">Sessions idle this long are closed. Enter saves, Esc cancels.</Text>
          {ssh?.mode === 'timed' ? (
            <Paragraph
              width={width}
              text={`Saving restarts the SSH window with the ${minutesLeft(ssh, clock)} minutes it has left (at least ${MIN_WINDOW}).`}
            />
          ) : null}
        </>
      ) : null}
      <Text> </Text>
      {s.phase === 'working' ? <Text wrap="truncate-end">Asking qx-node...</Text> : null}
      {s.problem ? (
        <Banner profile={profile} width={width} tone="warn">
          {s.problem}
        </Banner>
      ) : null}
      {error && s.phase !== 'working' ? <ErrorLines profile={profile} width={width} error={error} /> : null}
      {s.notice && !error && !s.problem && s.phase !== 'working' ? (
        <Banner profile={profile} width={width} tone="good">
          {s.notice}
        </Banner>
      ) : null}
    </Box>
  );
}
