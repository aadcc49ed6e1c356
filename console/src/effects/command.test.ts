import { describe, expect, it } from 'vitest';
import { runCommand, splitCommand } from './command.ts';

describe('splitCommand', () => {
  it('splits words, keeps quoted spaces, expands nothing', () => {
    expect(splitCommand('/bin/bash -l')).toEqual(['/bin/bash', '-l']);
    expect(splitCommand(`touch "/tmp/a b" 'c d' e\\ f $HOME`)).toEqual(['touch', '/tmp/a b', 'c d', 'e f', '$HOME']);
    expect(splitCommand('  node   x.mjs  ')).toEqual(['node', 'x.mjs']);
    expect(splitCommand('say "a \\"quoted\\" word" ""')).toEqual(['say', 'a "quoted" word', '']);
    expect(() => splitCommand('echo "open')).toThrow(/unbalanced/);
  });
});

describe('runCommand', () => {
  it('runs argv without a shell and reports the exit code and output', async () => {
    expect(await runCommand(['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
    expect(await runCommand(['echo', '$HOME;', 'x'])).toMatchObject({ code: 0, stdout: '$HOME; x\n' });
  });

  it('a command that cannot start has no exit code and says why', async () => {
    const r = await runCommand(['/nonexistent/qx-reboot']);
    expect(r.code).toBeNull();
    expect(r.stderr).toMatch(/qx-reboot.*ENOENT/);
  });

  it('a timeout kills it', async () => {
    const r = await runCommand(['sleep', '5'], { timeoutMs: 100 });
    expect(r).toMatchObject({ code: null, signal: 'SIGTERM' });
  });
});
