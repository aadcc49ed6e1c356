import type { ReactElement } from 'react';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { bodySize, Frame, type Hint } from '@quantix/lib/tui/frame';
import type { ScreenProps } from '../screens/common.tsx';
import { ConfirmScreen } from '../screens/confirm.tsx';
import { DisksScreen } from '../screens/disks.tsx';
import { DoneScreen } from '../screens/done.tsx';
import { FailedScreen } from '../screens/failed.tsx';
import { FatalScreen } from '../screens/fatal.tsx';
import { NetworkScreen } from '../screens/network.tsx';
import { PasswordScreen } from '../screens/password.tsx';
import { PlanScreen } from '../screens/plan.tsx';
import { ProgressScreen } from '../screens/progress.tsx';
import { SummaryScreen } from '../screens/summary.tsx';
import { WelcomeScreen } from '../screens/welcome.tsx';
import type { Phase, WizardState } from './wizard.ts';

const screens: Record<Phase, { title: string; step: number | null; View: (p: ScreenProps) => ReactElement }> = {
  welcome: { title: 'Welcome', step: 1, View: WelcomeScreen },
  disks: { title: 'Disk', step: 2, View: DisksScreen },
  network: { title: 'Network', step: 3, View: NetworkScreen },
  password: { title: 'Admin password', step: 4, View: PasswordScreen },
  summary: { title: 'Summary', step: 5, View: SummaryScreen },
  confirm: { title: 'Confirm', step: 6, View: ConfirmScreen },
  installing: { title: 'Installing', step: null, View: ProgressScreen },
  done: { title: 'Done', step: null, View: DoneScreen },
  failed: { title: 'Failed', step: null, View: FailedScreen },
  plan: { title: 'Dry run', step: null, View: PlanScreen },
  fatal: { title: 'Cannot install', step: null, View: FatalScreen },
};

const back: Hint = { keys: 'Esc', label: 'Back' };

export function hintsFor(s: WizardState): Hint[] {
  switch (s.phase) {
    case 'welcome':
      return [{ keys: 'Enter/N', label: 'Next' }, { keys: 'Q', label: 'Quit' }];
    case 'disks':
      return [{ keys: 'Up/Down', label: 'Move' }, { keys: '1-9', label: 'Choose' }, { keys: 'Enter/N', label: 'Next' }, { keys: 'R', label: 'Rescan' }, back];
    case 'network':
      return [{ keys: 'Tab/Up/Down', label: 'Field' }, { keys: 'Left/Right', label: 'Choose' }, { keys: 'Enter', label: 'Next' }, back];
    case 'password':
      return [{ keys: 'Tab', label: 'Other field' }, { keys: 'Enter', label: 'Next' }, back];
    case 'summary':
      return [{ keys: 'Enter/C', label: 'Continue' }, { keys: '1', label: 'Disk' }, { keys: '2', label: 'Network' }, { keys: '3', label: 'Password' }, back];
    case 'confirm':
      return [{ keys: 'Enter', label: s.dryRun ? 'Show the plan' : 'Install' }, back];
    case 'installing':
      return [{ keys: '', label: 'Installing; this takes a few minutes.' }];
    case 'done':
      return s.answerOrigin !== null ? [] : [{ keys: 'R', label: 'Reboot' }, { keys: 'P', label: 'Power off' }];
    case 'failed':
    case 'fatal':
      return [{ keys: 'R', label: 'Reboot' }, { keys: 'P', label: 'Power off' }, { keys: 'Q', label: 'Quit to a shell' }];
    case 'plan':
      return [{ keys: 'Up/Down/PgUp/PgDn', label: 'Scroll' }, { keys: 'Q', label: 'Quit (prints the plan)' }, back];
  }
}

/** The whole screen for a state. */
export function WizardView({ state, profile }: { state: WizardState; profile: TerminalProfile }) {
  const def = screens[state.phase];
  const body = bodySize(profile);
  const step = def.step !== null && state.answerOrigin === null ? `Step ${def.step} of 6` : state.dryRun ? 'DRY RUN' : '';
  const View = def.View;
  return (
    <Frame profile={profile} title={`${state.product} ${state.version} installer - ${def.title}`} aside={step} asideWidth={(bodyWidth) => Math.floor(bodyWidth / 3)} hints={hintsFor(state)}>
      <View state={state} profile={profile} width={body.width} height={body.height} />
    </Frame>
  );
}
