import { readlinkSync } from 'node:fs';

/** "tty1", "ttyS0", "pts/3" for the terminal on fd 0; "console" when it cannot tell. */
export function ttyName(fd = 0): string {
  try {
    const target = readlinkSync(`/proc/self/fd/${fd}`);
    const m = /^\/dev\/(.+)$/.exec(target);
    return m ? m[1]! : 'console';
  } catch {
    return 'console';
  }
}
