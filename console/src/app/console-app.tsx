import { useEffect, useState, useSyncExternalStore } from 'react';
import { useStdin, useStdout } from 'ink';
import { resized, type TerminalProfile } from '@quantix/lib/terminal/profile';
import { bodySize } from '../ui/frame.tsx';
import { ConsoleView } from './console-view.tsx';
import type { ConsoleRuntime } from './runtime.ts';
import type { Registry } from './screen.ts';

/**
 * Raw input from Ink's stdin: Ink's own key parsing (useInput) does not know function keys, so the
 * chunks go to the console's keymap instead.
 */
function useRawInput(onInput: (chunk: string) => void): void {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: emitter } = useStdin();
  useEffect(() => {
    if (isRawModeSupported) setRawMode(true);
    emitter.on('input', onInput);
    return () => {
      emitter.off('input', onInput);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [emitter, isRawModeSupported, onInput, setRawMode]);
}

function useProfile(initial: TerminalProfile, onChange: (p: TerminalProfile) => void): TerminalProfile {
  const { stdout } = useStdout();
  const [profile, setProfile] = useState(initial);
  useEffect(() => {
    const onResize = () =>
      setProfile((p) => {
        const next = resized(p, stdout.rows, stdout.columns);
        onChange(next);
        return next;
      });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, onChange]);
  return profile;
}

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
