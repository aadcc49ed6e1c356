import { useEffect, useState, type ReactNode } from 'react';
import { render, useStdin, useStdout, type Instance } from 'ink';
import { resized, type TerminalProfile } from '../terminal/profile.ts';
import { sizeFallback, vt100Output } from '../terminal/vt100.ts';

/** How a full-screen Ink app takes a terminal, draws on it, follows its size and reads its keys. */

const CLEAR = '\x1b[H\x1b[2J';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Before the first mount: a size when the terminal reports none, VT100-safe output on a serial line.
 * Ctrl-C arrives as a key in raw mode; a stray SIGINT (e.g. between mounts) must not end the program.
 */
export function takeTerminal(profile: TerminalProfile, stdout: NodeJS.WriteStream): void {
  sizeFallback(stdout);
  if (profile.kind === 'serial') vt100Output(stdout);
  process.on('SIGINT', () => undefined);
}

/** Clears the screen and draws `app` with incremental rendering; keys are the app's (no Ctrl-C exit). */
export function mountInk(app: ReactNode, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Instance {
  stdout.write(CLEAR);
  return render(app, { stdin, stdout, exitOnCtrlC: false, patchConsole: false, incrementalRendering: true, maxFps: 20 });
}

/** Unmounts, gives the terminal back cooked, with the cursor shown, cleared. */
export async function unmountInk(ink: Instance, stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Promise<void> {
  ink.unmount();
  await ink.waitUntilExit().catch(() => undefined);
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  stdout.write(`${SHOW_CURSOR}${CLEAR}`);
}

/**
 * Raw input from Ink's stdin: Ink's own key parsing (useInput) does not know every terminal's keys
 * (function keys among them), so the chunks go to lib/terminal/keymap through `onInput` instead.
 */
export function useRawInput(onInput: (chunk: string) => void): void {
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

/** The profile, resized with the terminal; `onChange` hears every new one. */
export function useProfile(initial: TerminalProfile, onChange?: (profile: TerminalProfile) => void): TerminalProfile {
  const { stdout } = useStdout();
  const [profile, setProfile] = useState(initial);
  useEffect(() => {
    const onResize = () =>
      setProfile((p) => {
        const next = resized(p, stdout.rows, stdout.columns);
        onChange?.(next);
        return next;
      });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, onChange]);
  return profile;
}
