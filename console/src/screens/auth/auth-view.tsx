import { Box, Text } from 'ink';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import type { ViewProps } from '../../app/screen.ts';
import { formatCountdown } from '../../ui/format.ts';
import { Banner } from '../../ui/widgets.tsx';
import { targetPurpose, type AuthState } from './auth-state.ts';

/** The rules of lib/auth passwordProblems, as the operator reads them before typing. */
export const PASSWORD_RULES = 'At least 8 characters (at most 1024), at least 4 different ones.';

function Message({ s, profile, width }: { s: AuthState; profile: TerminalProfile; width: number }) {
  if (!s.message) return null;
  return (
    <>
      <Text> </Text>
      <Banner profile={profile} width={width} tone={s.messageTone}>
        {s.message}
      </Banner>
    </>
  );
}

/** No admin password yet: offer to set it here (first run), or start qx-node first. */
function NoPassword({ s, profile, width }: { s: AuthState; profile: TerminalProfile; width: number }) {
  const busy = s.phase === 'starting-node' ? 'Starting qx-node...' : s.phase === 'setting' ? 'Setting the admin password through qx-node...' : null;
  return (
    <>
      <Banner profile={profile} width={width} tone="warn">
        No admin password is set on this host.
      </Banner>
      <Text> </Text>
      <Text wrap="truncate-end">Set it here now. It becomes the admin password of qx-node (web UI, API)</Text>
      <Text wrap="truncate-end">and of this console.</Text>
      <Text> </Text>
      {busy ? (
        <Text wrap="truncate-end">{busy}</Text>
      ) : (
        <>
          <Text wrap="truncate-end">Press Enter or S to set it, Esc or Q to go back.</Text>
          {s.nodeDown && !s.message ? <Text wrap="truncate-end">qx-node is not running, and it sets the password: press M to start it.</Text> : null}
        </>
      )}
      <Message s={s} profile={profile} width={width} />
      <Text> </Text>
      <Text wrap="truncate-end" color={profile.palette.dim}>
        Or as root on another terminal: qx-node set-password
      </Text>
    </>
  );
}

/** The new password, typed twice, nothing echoed. */
function NewPassword({ s, profile, width }: { s: AuthState; profile: TerminalProfile; width: number }) {
  return (
    <>
      <Banner profile={profile} width={width} tone="warn">
        No admin password is set on this host.
      </Banner>
      <Text> </Text>
      <Text wrap="truncate-end">
        <Text bold>{s.phase === 'new-password' ? 'New password: ' : 'Repeat it: '}</Text>
      </Text>
      <Text> </Text>
      <Text wrap="truncate-end">{PASSWORD_RULES}</Text>
      <Text wrap="truncate-end" color={profile.palette.dim}>
        Nothing is shown as you type. Backspace corrects, Ctrl-U starts over.
      </Text>
      <Text wrap="truncate-end" color={profile.palette.dim}>
        Esc goes back without setting it.
      </Text>
      <Message s={s} profile={profile} width={width} />
    </>
  );
}

export function AuthView({ state: s, profile, width, now }: ViewProps<AuthState>) {
  const setup = s.phase === 'no-password' || s.phase === 'new-password' || s.phase === 'repeat-password' || s.phase === 'setting' || s.phase === 'starting-node';
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{setup ? `To ${targetPurpose[s.target]}, set the admin password first.` : `To ${targetPurpose[s.target]}, enter the admin password.`}</Text>
      <Text> </Text>
      {s.phase === 'new-password' || s.phase === 'repeat-password' ? (
        <NewPassword s={s} profile={profile} width={width} />
      ) : setup ? (
        <NoPassword s={s} profile={profile} width={width} />
      ) : s.phase === 'locked' ? (
        <>
          <Banner profile={profile} width={width} tone="bad">
            {`Locked after too many wrong passwords. Try again in ${formatCountdown((s.lockedUntil ?? now) - now)}.`}
          </Banner>
          <Text wrap="truncate-end">The lockout holds across console restarts.</Text>
        </>
      ) : (
        <>
          <Text wrap="truncate-end">
            <Text bold>Password: </Text>
            {s.phase === 'verifying' ? 'checking...' : ''}
          </Text>
          <Text> </Text>
          <Text wrap="truncate-end" color={profile.palette.dim}>
            Nothing is shown as you type. Backspace corrects, Ctrl-U starts over.
          </Text>
          <Message s={s} profile={profile} width={width} />
        </>
      )}
    </Box>
  );
}
