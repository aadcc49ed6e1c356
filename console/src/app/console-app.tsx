import { useEffect, useSyncExternalStore } from 'react';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { bodySize } from '@quantix/lib/tui/frame';
import { useProfile, useRawInput } from '@quantix/lib/tui/render';
import { ConsoleView } from './console-view.tsx';
import type { ConsoleRuntime } from './runtime.ts';
import type { Registry } from './screen.ts';

export interface ConsoleAppProps {
  runtime: ConsoleRuntime;
  registry: Registry;
  profile: TerminalProfile;
  allowExit: boolean;
  onProfile: (profile: TerminalProfile) => void;
}

export function ConsoleApp({ runtime, registry, profile: initial, allowExit, onProfile }: ConsoleAppProps) {
  const state = useSyncExternalStore(runtime.subscribe, runtime.getState);
  const profile = useProfile(initial, onProfile);
  useEffect(() => runtime.dispatch({ type: 'resize', body: bodySize(profile) }), [runtime, profile]);
  useRawInput(runtime.input);
  return <ConsoleView registry={registry} state={state} profile={profile} allowExit={allowExit} externalClock />;
}
