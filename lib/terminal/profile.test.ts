import { describe, expect, it } from 'vitest';
import { bar, detectKind, resized, terminalProfile } from './profile.ts';

describe('terminal profile', () => {
  it('serial terminals get ASCII borders and glyphs and no colour', () => {
    for (const TERM of ['vt100', 'vt220', 'vt102', 'dumb', 'vt100-am', '']) {
      const p = terminalProfile({ env: { TERM, LANG: 'en_US.UTF-8' }, rows: 24, cols: 80 });
      expect(p.kind, TERM).toBe('serial');
      expect(p.unicode).toBe(false);
      expect(p.colors).toBe(0);
      expect(p.glyphs.border).toBe('classic');
      expect(p.glyphs.barFull + p.glyphs.barEmpty + p.glyphs.bullet).toBe('#.*');
      expect(p.palette.accent).toBeUndefined();
    }
    expect(terminalProfile({ env: { TERM: 'ansi' } }).colors).toBe(8);
  });

  it('the Linux VT console has box drawing and 8 colours', () => {
    const p = terminalProfile({ env: { TERM: 'linux', LANG: 'C' }, rows: 30, cols: 100 });
    expect(p).toMatchObject({ kind: 'linux', unicode: true, colors: 8, rows: 30, cols: 100, height: 29 });
    expect(p.glyphs.border).toBe('single');
  });

  it('xterm with a UTF-8 locale is unicode with 256 colours; without one, ASCII', () => {
    const p = terminalProfile({ env: { TERM: 'xterm-256color', LC_ALL: 'C.UTF-8' } });
    expect(p).toMatchObject({ kind: 'xterm', unicode: true, colors: 256 });
    expect(p.glyphs.barFull).toBe('█');
    const q = terminalProfile({ env: { TERM: 'xterm', LANG: 'C' } });
    expect(q).toMatchObject({ kind: 'xterm', unicode: false, colors: 8 });
    expect(q.glyphs.border).toBe('classic');
    // LC_ALL wins over LANG.
    expect(terminalProfile({ env: { TERM: 'xterm', LANG: 'en_US.UTF-8', LC_ALL: 'C' } }).unicode).toBe(false);
    expect(terminalProfile({ env: { TERM: 'screen', LC_CTYPE: 'en_US.utf8' } }).unicode).toBe(true);
  });

  it('NO_COLOR and an explicit choice win', () => {
    expect(terminalProfile({ env: { TERM: 'xterm-256color', NO_COLOR: '1' } }).colors).toBe(0);
    expect(terminalProfile({ env: { TERM: 'xterm-256color', LANG: 'C.UTF-8' }, choice: 'serial' }).kind).toBe('serial');
    expect(terminalProfile({ env: { TERM: 'vt100' }, choice: 'linux' }).glyphs.border).toBe('single');
    expect(() => terminalProfile({ env: {}, choice: 'amiga' as never })).toThrow();
  });

  it('a tty that reports 0 rows or columns gets 80x24, drawn height rows-1', () => {
    expect(terminalProfile({ env: { TERM: 'vt100' }, rows: 0, cols: 0 })).toMatchObject({ rows: 24, cols: 80, height: 23 });
    expect(terminalProfile({ env: { TERM: 'vt100' } })).toMatchObject({ rows: 24, cols: 80, height: 23 });
    const p = resized(terminalProfile({ env: { TERM: 'linux' } }), 50, 132);
    expect(p).toMatchObject({ rows: 50, cols: 132, height: 49, kind: 'linux' });
    expect(resized(p, 0, 0)).toMatchObject({ rows: 24, cols: 80 });
  });

  it('detects kinds from TERM', () => {
    expect(detectKind({ TERM: 'rxvt-unicode' })).toBe('xterm');
    expect(detectKind({ TERM: 'tmux-256color' })).toBe('xterm');
    expect(detectKind({ TERM: 'linux' })).toBe('linux');
    expect(detectKind({ TERM: 'vt220' })).toBe('serial');
  });

  it('draws bars of a fixed width', () => {
    const serial = terminalProfile({ env: { TERM: 'vt100' } });
    expect(bar(serial, 0.5, 10)).toBe('#####.....');
    expect(bar(serial, 2, 4)).toBe('####');
    expect(bar(serial, Number.NaN, 3)).toBe('...');
    expect(bar(terminalProfile({ env: { TERM: 'xterm', LANG: 'C.UTF-8' } }), 0.25, 4)).toBe('█░░░');
  });
});
