/**
 * One keymap for every terminal the console meets: raw input (chunks that may hold several keys or
 * half a sequence) becomes key events. Knows the xterm, Linux VT, vt100/vt220 and rxvt forms of
 * the function keys, cursor and editing keys.
 */

export type FunctionKey = 'f1' | 'f2' | 'f3' | 'f4' | 'f5' | 'f6' | 'f7' | 'f8' | 'f9' | 'f10' | 'f11' | 'f12';

export type KeyName =
  | FunctionKey
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'insert'
  | 'delete'
  | 'enter'
  | 'tab'
  | 'backtab'
  | 'backspace'
  | 'escape'
  /** A printable character: see `char`. */
  | 'char'
  /** Ctrl plus a letter other than the named ones (Ctrl-C is `ctrl` + char "c"). */
  | 'ctrl'
  /** A sequence this keymap does not know; ignored by the console. */
  | 'unknown';

export interface Key {
  name: KeyName;
  /** For "char": the character; for "ctrl": the lower-case letter. */
  char?: string;
  shift?: boolean;
  alt?: boolean;
  ctrl?: boolean;
  /** The bytes it came from. */
  sequence: string;
}

const ESC = '\x1b';

const tildeKeys: Record<number, KeyName> = {
  1: 'home',
  2: 'insert',
  3: 'delete',
  4: 'end',
  5: 'pageup',
  6: 'pagedown',
  7: 'home',
  8: 'end',
  11: 'f1',
  12: 'f2',
  13: 'f3',
  14: 'f4',
  15: 'f5',
  17: 'f6',
  18: 'f7',
  19: 'f8',
  20: 'f9',
  21: 'f10',
  23: 'f11',
  24: 'f12',
};

const letterKeys: Record<string, KeyName> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  P: 'f1',
  Q: 'f2',
  R: 'f3',
  S: 'f4',
  M: 'enter',
  Z: 'backtab',
};

/** Linux VT: ESC [ [ A … E are F1 … F5. */
const linuxFKeys: Record<string, KeyName> = { A: 'f1', B: 'f2', C: 'f3', D: 'f4', E: 'f5' };

/** rxvt: shifted and ctrl'd keys end in $ and ^ instead of ~; arrows with shift are lower case. */
const rxvtArrows: Record<string, KeyName> = { a: 'up', b: 'down', c: 'right', d: 'left' };

function withModifier(key: Key, modifier: number | undefined): Key {
  if (modifier === undefined || modifier < 2) return key;
  const bits = modifier - 1;
  if (bits & 1) key.shift = true;
  if (bits & 2) key.alt = true;
  if (bits & 4) key.ctrl = true;
  return key;
}

type Parsed = { key: Key; length: number } | 'incomplete' | null;

/** ESC [ … : parameters (digits ; ? >), then one final byte. */
function parseCsi(input: string, start: number): Parsed {
  let i = start + 2;
  if (input[i] === '[') {
    // Linux VT function keys.
    const final = input[i + 1];
    if (final === undefined) return 'incomplete';
    const sequence = input.slice(start, i + 2);
    return { key: { name: linuxFKeys[final] ?? 'unknown', sequence }, length: sequence.length };
  }
  while (i < input.length && /[0-9;?>]/.test(input[i]!)) i++;
  if (i >= input.length) return 'incomplete';
  const final = input[i]!;
  const sequence = input.slice(start, i + 1);
  const params = sequence.slice(2, -1);
  const numbers = params.split(';').map((p) => (p === '' ? undefined : Number(p)));
  if (final === '~' || final === '$' || final === '^') {
    const name = tildeKeys[numbers[0] ?? -1] ?? 'unknown';
    const key: Key = { name, sequence };
    if (final === '$') key.shift = true;
    if (final === '^') key.ctrl = true;
    return { key: withModifier(key, numbers[1]), length: sequence.length };
  }
  if (!/[\x40-\x7e]/.test(final)) return { key: { name: 'unknown', sequence }, length: sequence.length };
  const rxvt = rxvtArrows[final];
  if (rxvt) return { key: { name: rxvt, shift: true, sequence }, length: sequence.length };
  const name = letterKeys[final] ?? 'unknown';
  const key: Key = { name, sequence };
  if (final === 'Z') return { key, length: sequence.length };
  // "ESC [ 1 ; 5 A": the first number is 1, the second the modifier.
  return { key: withModifier(key, numbers[1]), length: sequence.length };
}

/** ESC O …: SS3, with an optional modifier digit some terminals put in between (ESC O 2 P). */
function parseSs3(input: string, start: number): Parsed {
  let i = start + 2;
  while (i < input.length && /[0-9;]/.test(input[i]!)) i++;
  if (i >= input.length) return 'incomplete';
  const final = input[i]!;
  const sequence = input.slice(start, i + 1);
  const digits = sequence.slice(2, -1);
  const name = letterKeys[final] ?? 'unknown';
  const modifier = digits === '' ? undefined : Number(digits.split(';').pop());
  return { key: withModifier({ name, sequence }, modifier), length: sequence.length };
}

function controlKey(ch: string): Key | null {
  const code = ch.charCodeAt(0);
  if (ch === '\r' || ch === '\n') return { name: 'enter', sequence: ch };
  if (ch === '\t') return { name: 'tab', sequence: ch };
  if (ch === '\x7f' || ch === '\b') return { name: 'backspace', sequence: ch };
  if (code === 0) return { name: 'unknown', sequence: ch };
  if (code < 0x20) return { name: 'ctrl', char: String.fromCharCode(code + 0x60), ctrl: true, sequence: ch };
  if (code >= 0x80 && code < 0xa0) return { name: 'unknown', sequence: ch };
  return null;
}

/**
 * Decodes as many whole keys as `input` holds. `rest` is an unfinished escape sequence to prepend
 * to the next chunk. With `final`, an unfinished sequence is decoded as it stands (a lone ESC is the
 * Escape key): call it when no more bytes came within the escape timeout.
 */
export function decodeKeys(input: string, final = false): { keys: Key[]; rest: string } {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === ESC) {
      const next = input[i + 1];
      if (next === undefined) {
        if (!final) return { keys, rest: input.slice(i) };
        keys.push({ name: 'escape', sequence: ESC });
        i += 1;
        continue;
      }
      if (next === '[' || next === 'O') {
        const parsed = next === '[' ? parseCsi(input, i) : parseSs3(input, i);
        if (parsed === 'incomplete') {
          if (!final) return { keys, rest: input.slice(i) };
          // Cut short for good: it was Escape followed by typed characters.
          keys.push({ name: 'escape', sequence: ESC });
          i += 1;
          continue;
        }
        if (parsed) {
          keys.push(parsed.key);
          i += parsed.length;
          continue;
        }
      }
      if (next === ESC) {
        keys.push({ name: 'escape', sequence: ESC });
        i += 1;
        continue;
      }
      // ESC then another character: the Escape key, then that character. (Terminals send Alt+x this
      // way too, but the console has no Alt keys, and an operator typing Esc then a letter is common.)
      keys.push({ name: 'escape', sequence: ESC });
      i += 1;
      continue;
    }
    if (ch === '\r' && input[i + 1] === '\n') {
      // CR LF from a terminal set to send both for Return: one Enter.
      keys.push({ name: 'enter', sequence: '\r\n' });
      i += 2;
      continue;
    }
    const control = controlKey(ch);
    if (control) {
      keys.push(control);
      i += 1;
      continue;
    }
    const cp = input.codePointAt(i)!;
    const char = String.fromCodePoint(cp);
    keys.push({ name: 'char', char, sequence: char });
    i += char.length;
  }
  return { keys, rest: '' };
}

export interface KeyDecoderOptions {
  /** How long a lone ESC waits for the rest of a sequence before it counts as the Escape key. */
  escapeTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** A stateful decoder over a stream of chunks; calls `onKey` for every key, in order. */
export class KeyDecoder {
  private pending = '';
  private timer: unknown = null;
  private readonly escapeTimeoutMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly onKey: (key: Key) => void,
    options: KeyDecoderOptions = {},
  ) {
    this.escapeTimeoutMs = options.escapeTimeoutMs ?? 50;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  push(chunk: string | Buffer): void {
    this.cancelTimer();
    const { keys, rest } = decodeKeys(this.pending + chunk.toString());
    this.pending = rest;
    for (const key of keys) this.onKey(key);
    if (rest) this.timer = this.setTimer(() => this.flush(), this.escapeTimeoutMs);
  }

  /** Decodes what is pending as it stands. */
  flush(): void {
    this.cancelTimer();
    if (!this.pending) return;
    const { keys } = decodeKeys(this.pending, true);
    this.pending = '';
    for (const key of keys) this.onKey(key);
  }

  reset(): void {
    this.cancelTimer();
    this.pending = '';
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
  }
}

/** "F2", "Up", "Ctrl-C", "a": for logs and tests. */
export function keyLabel(key: Key): string {
  const mods = `${key.ctrl && key.name !== 'ctrl' ? 'Ctrl-' : ''}${key.alt ? 'Alt-' : ''}${key.shift ? 'Shift-' : ''}`;
  if (key.name === 'char') return `${mods}${key.char}`;
  if (key.name === 'ctrl') return `${mods}Ctrl-${(key.char ?? '').toUpperCase()}`;
  return `${mods}${key.name.replace(/^f(\d+)$/, 'F$1')}`;
}

export const isCtrlC = (key: Key): boolean => key.name === 'ctrl' && key.char === 'c';
