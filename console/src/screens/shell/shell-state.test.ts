import { describe, expect, it } from 'vitest';
import { decodeKeys } from '@quantix/lib/terminal/keymap';
import { describeEnd, initialShell, reduceShell, shellKey } from './shell-state.ts';

const result = { exitCode: 0, signal: null, durationMs: 12_400, command: ['/bin/bash', '-l'], error: null };

describe('shell reducer', () => {
  it('starting, running, ended; Enter opens another', () => {
    let s = reduceShell(initialShell, { type: 'started' });
    expect(s.phase).toBe('running');
    expect(shellKey(s, decodeKeys('\r', true).keys[0]!)).toBeNull();
    s = reduceShell(s, { type: 'ended', result });
    expect(shellKey(s, decodeKeys('\r', true).keys[0]!)).toEqual({ type: 'again' });
    expect(reduceShell(s, { type: 'again' }).phase).toBe('starting');
  });

  it('describes how it ended', () => {
    expect(describeEnd(result)).toBe('exit code 0 after 12 s');
    expect(describeEnd({ ...result, exitCode: null, signal: 'SIGKILL' })).toBe('killed by SIGKILL after 12 s');
    expect(describeEnd({ ...result, exitCode: null, error: '/bin/zsh: spawn ENOENT' })).toBe('/bin/zsh: spawn ENOENT after 12 s');
  });
});
