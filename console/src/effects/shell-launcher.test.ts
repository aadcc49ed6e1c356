import { describe, expect, it } from 'vitest';
import { SpawnShellLauncher } from './shell-launcher.ts';

describe('SpawnShellLauncher', () => {
  it('runs the shell, waits, returns the exit code and duration', async () => {
    const r = await new SpawnShellLauncher(['/bin/sh', '-c', 'sleep 0.1; exit 3']).run();
    expect(r).toMatchObject({ exitCode: 3, signal: null, command: ['/bin/sh', '-c', 'sleep 0.1; exit 3'], error: null });
    expect(r.durationMs).toBeGreaterThanOrEqual(90);
  });

  it('falls back when the configured shell is missing', async () => {
    const r = await new SpawnShellLauncher(['/nonexistent/zsh', '-l'], process.env, ['/bin/sh', '-c', 'exit 0']).run();
    expect(r).toMatchObject({ exitCode: 0, command: ['/bin/sh', '-c', 'exit 0'], error: null });
  });

  it('a signal is reported; Ctrl-C in the shell does not reach the console', async () => {
    const r = await new SpawnShellLauncher(['/bin/sh', '-c', 'kill -INT $PPID; kill -TERM $$']).run();
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
  });
});
