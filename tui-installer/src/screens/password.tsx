import { Box } from 'ink';
import { Line } from '@quantix/lib/tui/frame';
import { passwordIssues } from '../app/wizard.ts';
import { InputRow, type ScreenProps } from './common.tsx';

export function PasswordScreen({ state, profile, width, height }: ScreenProps) {
  const [a, b] = state.password;
  const problems = state.showPwProblems ? passwordIssues(state.password) : [];
  const lines = problems.map((p) => `${profile.glyphs.fail} ${p}`);
  return (
    <Box flexDirection="column">
      <Line width={width}>The admin password: for the web UI, the API and the console.</Line>
      <Line width={width}>{' '}</Line>
      <InputRow profile={profile} label="Password" value={'*'.repeat(a.length)} focused={state.pwFocus === 0} width={width} />
      <InputRow profile={profile} label="Again" value={'*'.repeat(b.length)} focused={state.pwFocus === 1} width={width} />
      <Line width={width}>{' '}</Line>
      <Line width={width} color={profile.palette.dim}>
        Rules: at least 8 characters, at most 1024, at least 4 different characters.
      </Line>
      {lines.slice(0, Math.max(0, height - 6)).map((l, i) => (
        <Line key={i} width={width} color={profile.palette.bad}>
          {l}
        </Line>
      ))}
    </Box>
  );
}
