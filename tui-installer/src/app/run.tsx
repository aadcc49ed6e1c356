import { useSyncExternalStore } from 'react';
import type { TerminalProfile } from '@quantix/lib/terminal/profile';
import { mountInk, takeTerminal, unmountInk, useProfile, useRawInput } from '@quantix/lib/tui/render';
import type { InstallerRuntime } from './runtime.ts';
import { WizardView } from './view.tsx';

function InstallerApp({ runtime, profile: initial }: { runtime: InstallerRuntime; profile: TerminalProfile }) {
  const state = useSyncExternalStore(runtime.subscribe, runtime.getState);
  const profile = useProfile(initial);
  useRawInput(runtime.input);
  return <WizardView state={state} profile={profile} />;
}

/** Draws the installer on the terminal until the runtime says it is over; true: print the dry run's plan. */
export async function runInstaller(runtime: InstallerRuntime, profile: TerminalProfile, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Promise<boolean> {
  takeTerminal(profile, stdout);
  const ink = mountInk(<InstallerApp runtime={runtime} profile={profile} />, stdin, stdout);
  const printPlan = await runtime.exited;
  await unmountInk(ink, stdin, stdout);
  return printPlan;
}
