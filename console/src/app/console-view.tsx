import { PRODUCT_VERSION } from '@quantix/lib/api/version';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { bodySize } from '@quantix/lib/tui/frame';
import { ConsoleFrame } from '../ui/frame.tsx';
import { formatClock } from '../ui/format.ts';
import type { RootState } from './root.ts';
import type { Hint, Registry } from './screen.ts';

export interface ConsoleViewProps {
  registry: Registry;
  state: RootState;
  profile: TerminalProfile;
  allowExit: boolean;
  /** The clock is drawn from outside the render (see clock-overlay.ts): keep its place blank. */
  externalClock?: boolean;
}

/** The whole screen from the root state: frame, the open screen's view, its keys in the footer. */
export function ConsoleView({ registry, state, profile, allowExit, externalClock = false }: ConsoleViewProps) {
  const def = registry[state.current];
  const screenState = state.screens[state.current];
  const hints: Hint[] = [...def.hints(screenState)];
  if (state.current !== 'status') hints.push({ keys: 'Esc/Q', label: 'Back' });
  if (allowExit) hints.push({ keys: 'Ctrl-C', label: 'Exit' });
  const title = state.current === 'status' ? `Quantix ${PRODUCT_VERSION}` : `Quantix ${PRODUCT_VERSION} - ${def.title}`;
  const body = bodySize(profile);
  const View = def.View;
  return (
    <ConsoleFrame profile={profile} title={title} clock={externalClock ? null : formatClock(state.now)} hints={hints}>
      <View state={screenState} profile={profile} width={body.width} height={body.height} now={state.now} />
    </ConsoleFrame>
  );
}
