import { describe, expect, it } from 'vitest';
import { drawFrame, expectFits, profiles, text } from '../../testing/frames.tsx';
import { initialShell, reduceShell } from './shell-state.ts';

describe.each(Object.entries(profiles))('shell frames (%s profile)', (_name, profile) => {
  it('before and after the shell', () => {
    const opening = drawFrame('shell', initialShell, profile);
    expectFits(opening, profile);
    expect(text(opening)).toContain('Opening the emergency shell on this terminal...');
    const ended = drawFrame('shell', reduceShell(initialShell, { type: 'ended', result: { exitCode: 3, signal: null, durationMs: 61_000, command: ['/bin/sh'], error: null } }), profile);
    expectFits(ended, profile);
    expect(text(ended)).toContain('The emergency shell ended: exit code 3 after 61 s.');
    expect(text(ended)).toContain('Enter Open another shell');
  });
});
