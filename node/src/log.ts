import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const MAX_BYTES = 5 * 1024 * 1024;

/**
 * qx-node's log: one timestamped line to stdout and to a file the console can show. The file
 * is rotated once (to .1) when it passes 5 MiB, so it never fills the disk.
 */
export function createLog(file: string): (line: string) => void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let size = (() => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  })();
  return (line: string) => {
    const text = `${new Date().toISOString()} ${line}\n`;
    process.stdout.write(text);
    try {
      if (size > MAX_BYTES) {
        renameSync(file, `${file}.1`);
        size = 0;
      }
      appendFileSync(file, text, { mode: 0o600 });
      size += Buffer.byteLength(text);
    } catch {
      // Logging must never take the daemon down; stdout still has the line.
    }
  };
}
