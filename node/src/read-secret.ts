import { createInterface } from 'node:readline';

/** A line from stdin; on a terminal the typed characters are not echoed. */
export function readSecret(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const tty = process.stdin.isTTY;
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
    if (tty) {
      process.stdout.write(prompt);
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
    }
    rl.once('line', (line) => {
      if (tty) process.stdout.write('\n');
      resolve(line); // before close(), whose handler would otherwise settle the promise with ''
      rl.close();
    });
    rl.once('close', () => resolve(''));
  });
}
