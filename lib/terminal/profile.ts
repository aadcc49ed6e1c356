import { z } from 'zod';

/**
 * How a terminal can draw: which glyphs, how many colours, how big. Chosen from TERM and the locale
 * (or forced), so the same screens work on a serial line, the Linux VT console and xterm over SSH.
 */
export const profileKind = z.enum(['serial', 'linux', 'xterm']);
export type ProfileKind = z.infer<typeof profileKind>;
export const profileChoice = z.enum(['serial', 'linux', 'xterm', 'auto']);
export type ProfileChoice = z.infer<typeof profileChoice>;

export interface Glyphs {
  /** Ink border style: "classic" is +-| only. */
  border: 'classic' | 'single' | 'round';
  barFull: string;
  barEmpty: string;
  bullet: string;
  ok: string;
  fail: string;
  horizontal: string;
  ellipsis: string;
  arrowUp: string;
  arrowDown: string;
}

/** Named colours a view may ask for; undefined when the terminal should get none. */
export interface Palette {
  accent: string | undefined;
  good: string | undefined;
  warn: string | undefined;
  bad: string | undefined;
  dim: string | undefined;
}

export interface TerminalProfile {
  kind: ProfileKind;
  unicode: boolean;
  /** 0: no colour at all (the screen must read the same without it). */
  colors: 0 | 8 | 256;
  /** The terminal's size; 80x24 when it reports nothing (serial lines often report 0). */
  rows: number;
  cols: number;
  /** Lines the console may draw: one less than the rows, so a frame never scrolls the screen. */
  height: number;
  glyphs: Glyphs;
  palette: Palette;
}

const ascii: Glyphs = {
  border: 'classic',
  barFull: '#',
  barEmpty: '.',
  bullet: '*',
  ok: 'OK',
  fail: 'FAIL',
  horizontal: '-',
  ellipsis: '...',
  arrowUp: '^',
  arrowDown: 'v',
};

const boxDrawing: Glyphs = {
  border: 'single',
  barFull: '█',
  barEmpty: '░',
  bullet: '•',
  ok: '✓',
  fail: '✗',
  horizontal: '─',
  ellipsis: '…',
  arrowUp: '↑',
  arrowDown: '↓',
};

/** The Linux VT font has box drawing and blocks, but not every symbol xterm fonts have. */
const vtConsole: Glyphs = { ...boxDrawing, ok: 'OK', fail: 'FAIL', ellipsis: '...', arrowUp: '^', arrowDown: 'v' };

const SERIAL_TERMS = /^(vt1\d\d|vt2\d\d|vt[3-5]\d\d|dumb|ansi|unknown)(-.*)?$/;
export const DEFAULT_SIZE = { rows: 24, cols: 80 } as const;

export interface ProfileInput {
  env: Record<string, string | undefined>;
  /** What the tty reports; 0 or undefined when it does not know. */
  rows?: number | undefined;
  cols?: number | undefined;
  choice?: ProfileChoice;
}

function utf8Locale(env: Record<string, string | undefined>): boolean {
  // The first one set wins, as in setlocale(3).
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

export function detectKind(env: Record<string, string | undefined>): ProfileKind {
  const term = (env.TERM ?? '').toLowerCase();
  if (term === '' || SERIAL_TERMS.test(term)) return 'serial';
  if (term === 'linux' || term.startsWith('linux-')) return 'linux';
  return 'xterm';
}

function palette(colors: 0 | 8 | 256): Palette {
  if (colors === 0) return { accent: undefined, good: undefined, warn: undefined, bad: undefined, dim: undefined };
  return { accent: 'cyan', good: 'green', warn: 'yellow', bad: 'red', dim: colors === 256 ? 'gray' : undefined };
}

export function terminalProfile(input: ProfileInput): TerminalProfile {
  const { env } = input;
  const choice = profileChoice.parse(input.choice ?? 'auto');
  const kind: ProfileKind = choice === 'auto' ? detectKind(env) : choice;
  const rows = input.rows && input.rows > 0 ? input.rows : DEFAULT_SIZE.rows;
  const cols = input.cols && input.cols > 0 ? input.cols : DEFAULT_SIZE.cols;
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const term = (env.TERM ?? '').toLowerCase();

  let unicode: boolean;
  let colors: 0 | 8 | 256;
  let glyphs: Glyphs;
  if (kind === 'serial') {
    unicode = false;
    colors = term.startsWith('ansi') ? 8 : 0;
    glyphs = ascii;
  } else if (kind === 'linux') {
    unicode = true;
    colors = 8;
    glyphs = vtConsole;
  } else {
    unicode = utf8Locale(env);
    colors = /256|truecolor|direct/.test(term) || (env.COLORTERM ?? '') !== '' ? 256 : 8;
    glyphs = unicode ? boxDrawing : ascii;
  }
  if (noColor) colors = 0;
  return { kind, unicode, colors, rows, cols, height: Math.max(1, rows - 1), glyphs, palette: palette(colors) };
}

/** The profile with a new size (after a resize), everything else kept. */
export function resized(profile: TerminalProfile, rows: number | undefined, cols: number | undefined): TerminalProfile {
  const r = rows && rows > 0 ? rows : DEFAULT_SIZE.rows;
  const c = cols && cols > 0 ? cols : DEFAULT_SIZE.cols;
  return { ...profile, rows: r, cols: c, height: Math.max(1, r - 1) };
}

/** A bar like [#####.....] of exactly `width` glyphs (brackets not included). */
export function bar(profile: TerminalProfile, fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * width);
  return profile.glyphs.barFull.repeat(full) + profile.glyphs.barEmpty.repeat(width - full);
}
