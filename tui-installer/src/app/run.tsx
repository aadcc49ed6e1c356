import { useEffect, useState, useSyncExternalStore } from 'react';
import { render, useStdin, useStdout } from 'ink';
import { resized, type TerminalProfile } from '@quantix/lib/terminal/profile';
import { sizeFallback, vt100Output } from '@quantix/lib/terminal/vt100';
import type { InstallerRuntime } from './runtime.ts';
import { WizardView } from './view.tsx';

const CLEAR = '\x1b[H\x1b[2J';
const SHOW_CURSOR = '\x1b[?25h';

/** Raw input to the runtime: Ink's own key parsing does not know every terminal's keys, lib/terminal/keymap does. */
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

function InstallerApp({ runtime, profile: initial }: { runtime: InstallerRuntime; profile: TerminalProfile }) {
  const state = useSyncExternalStore(runtime.subscribe, runtime.getState);
  const { stdout } = useStdout();
  const [profile, setProfile] = useState(initial);
  useEffect(() => {
    const onResize = () => setProfile((p) => resized(p, stdout.rows, stdout.columns));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  useRawInput(runtime.input);
  return <WizardView state={state} profile={profile} />;
}

/** Draws the installer on the terminal until the runtime says it is over; true: print the dry run's plan. */
export async function runInstaller(runtime: InstallerRuntime, profile: TerminalProfile, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Promise<boolean> {
  sizeFallback(stdout);
  if (profile.kind === 'serial') vt100Output(stdout);
  stdout.write(CLEAR);
  const ink = render(<InstallerApp runtime={runtime} profile={profile} />, { stdin, stdout, exitOnCtrlC: false, patchConsole: false, incrementalRendering: true, maxFps: 20 });
  process.on('SIGINT', () => undefined);
  const printPlan = await runtime.exited;
  ink.unmount();
  await ink.waitUntilExit().catch(() => undefined);
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  stdout.write(`${SHOW_CURSOR}${CLEAR}`);
  return printPlan;
}
