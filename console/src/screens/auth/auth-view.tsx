import { Box, Text } from 'ink';
import type { ViewProps } from '../../app/screen.ts';
import { formatCountdown } from '../../ui/format.ts';
import { Banner } from '../../ui/widgets.tsx';
import { targetPurpose, type AuthState } from './auth-state.ts';

export function AuthView({ state: s, profile, width, now }: ViewProps<AuthState>) {
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">{`To ${targetPurpose[s.target]}, enter the admin password.`}</Text>
      <Text> </Text>
      {s.phase === 'no-password' ? (
        <>
          <Banner profile={profile} width={width} tone="warn">
            No admin password is set on this host.
          </Banner>
          <Text> </Text>
          <Text wrap="truncate-end">Set one as root on this host (another virtual terminal, e.g. Alt-F2):</Text>
          <Text wrap="truncate-end">{'    qx-node set-password'}</Text>
          <Text wrap="truncate-end">or start qx-node once with QX_ADMIN_PASSWORD=... in its environment.</Text>
        </>
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
          {s.message ? (
            <>
              <Text> </Text>
              <Banner profile={profile} width={width} tone="bad">
                {s.message}
              </Banner>
            </>
          ) : null}
        </>
      )}
    </Box>
  );
}
