import { describe, expect, it } from 'vitest';
import { fit, formatPercent, layoutHints, pad, wrapWords } from './format.ts';

describe('lib/tui/format', () => {
  it('fit and pad never return more than the width', () => {
    expect(fit('abcdefgh', 6)).toBe('abc...');
    expect(fit('abcdefgh', 2)).toBe('ab');
    expect(fit('abc', 0)).toBe('');
    expect(pad('ab', 4)).toBe('ab  ');
    expect(pad('abcdefgh', 6)).toBe('abc...');
  });

  it('formatPercent: four columns, a dash without a number', () => {
    expect(formatPercent(0.425)).toBe(' 43%');
    expect(formatPercent(1.5)).toBe('100%');
    expect(formatPercent(null)).toBe('  -%');
    expect(formatPercent(Number.NaN)).toBe('  -%');
  });

  it('layoutHints never splits a hint and keeps to maxLines', () => {
    const hints = [
      { keys: 'F1', label: 'One' },
      { keys: 'F2', label: 'Two' },
      { keys: 'F3', label: 'Three' },
    ];
    expect(layoutHints(hints, 14, 2)).toEqual([[hints[0], hints[1]], [hints[2]]]);
    expect(layoutHints(hints, 8, 2)).toEqual([[hints[0]], [hints[1]]]);
  });

  it('wrapWords: a line break is a space, empty text no lines', () => {
    expect(wrapWords('one two three\nfour', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('a verylongword b', 6)).toEqual(['a', 'ver...', 'b']);
    expect(wrapWords('  ', 10)).toEqual([]);
  });

  it('wrapWords with paragraphs: every line of the text starts a line, empty ones stay', () => {
    expect(wrapWords('one two three\nfour', 9, { paragraphs: true })).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('one\n\ntwo', 9, { paragraphs: true })).toEqual(['one', '', 'two']);
    expect(wrapWords('', 10, { paragraphs: true })).toEqual(['']);
  });
});
