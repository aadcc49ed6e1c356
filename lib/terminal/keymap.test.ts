import { describe, expect, it } from 'vitest';
import { decodeKeys, isCtrlC, KeyDecoder, keyLabel, type Key } from './keymap.ts';

const labels = (input: string, final = true) => decodeKeys(input, final).keys.map(keyLabel);
const one = (input: string) => {
  const { keys, rest } = decodeKeys(input, true);
  expect(rest).toBe('');
  expect(keys).toHaveLength(1);
  return keys[0]!;
};

describe('function keys', () => {
  it('xterm SS3 form for F1-F4', () => {
    expect(labels('\x1bOP\x1bOQ\x1bOR\x1bOS')).toEqual(['F1', 'F2', 'F3', 'F4']);
  });

  it('xterm CSI ~ form for F5-F12', () => {
    expect(labels('\x1b[15~\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~')).toEqual([
      'F5',
      'F6',
      'F7',
      'F8',
      'F9',
      'F10',
      'F11',
      'F12',
    ]);
  });

  it('xterm with modifiers', () => {
    expect(one('\x1b[1;2P')).toMatchObject({ name: 'f1', shift: true });
    expect(one('\x1b[1;5Q')).toMatchObject({ name: 'f2', ctrl: true });
    expect(one('\x1b[15;2~')).toMatchObject({ name: 'f5', shift: true });
    expect(one('\x1b[24;3~')).toMatchObject({ name: 'f12', alt: true });
    expect(one('\x1bO2R')).toMatchObject({ name: 'f3', shift: true });
  });

  it('Linux VT form: ESC [ [ A … E for F1-F5, CSI ~ for F6 and up', () => {
    expect(labels('\x1b[[A\x1b[[B\x1b[[C\x1b[[D\x1b[[E')).toEqual(['F1', 'F2', 'F3', 'F4', 'F5']);
    expect(labels('\x1b[17~\x1b[21~\x1b[24~')).toEqual(['F6', 'F10', 'F12']);
  });

  it('vt100/vt220 and rxvt forms: SS3 for F1-F4, ESC [ 11~ … 15~ for F1-F5', () => {
    expect(labels('\x1b[11~\x1b[12~\x1b[13~\x1b[14~\x1b[15~')).toEqual(['F1', 'F2', 'F3', 'F4', 'F5']);
    expect(one('\x1b[12$')).toMatchObject({ name: 'f2', shift: true });
    expect(one('\x1b[12^')).toMatchObject({ name: 'f2', ctrl: true });
  });
});

describe('cursor and editing keys', () => {
  it('arrows in CSI and SS3 (application cursor) form', () => {
    expect(labels('\x1b[A\x1b[B\x1b[C\x1b[D')).toEqual(['up', 'down', 'right', 'left']);
    expect(labels('\x1bOA\x1bOB\x1bOC\x1bOD')).toEqual(['up', 'down', 'right', 'left']);
    expect(one('\x1b[1;5A')).toMatchObject({ name: 'up', ctrl: true });
    expect(one('\x1b[a')).toMatchObject({ name: 'up', shift: true });
  });

  it('Home/End/PgUp/PgDn/Insert/Delete in every form', () => {
    expect(labels('\x1b[H\x1b[F\x1bOH\x1bOF')).toEqual(['home', 'end', 'home', 'end']);
    expect(labels('\x1b[1~\x1b[4~\x1b[7~\x1b[8~')).toEqual(['home', 'end', 'home', 'end']);
    expect(labels('\x1b[5~\x1b[6~\x1b[2~\x1b[3~')).toEqual(['pageup', 'pagedown', 'insert', 'delete']);
  });

  it('Enter, Tab, Backspace, Shift-Tab', () => {
    expect(labels('\r')).toEqual(['enter']);
    expect(labels('\n')).toEqual(['enter']);
    expect(labels('\r\n')).toEqual(['enter']);
    expect(labels('\r\r')).toEqual(['enter', 'enter']);
    expect(labels('\x1bOM')).toEqual(['enter']);
    expect(labels('\t\x1b[Z')).toEqual(['tab', 'backtab']);
    expect(labels('\x7f\b')).toEqual(['backspace', 'backspace']);
  });

  it('Ctrl-C and other control letters', () => {
    const k = one('\x03');
    expect(isCtrlC(k)).toBe(true);
    expect(keyLabel(k)).toBe('Ctrl-C');
    expect(one('\x15')).toMatchObject({ name: 'ctrl', char: 'u' });
  });

  it('unknown sequences are one unknown key, not garbage characters', () => {
    expect(labels('\x1b[99~x')).toEqual(['unknown', 'x']);
    expect(labels('\x1b[[Zq')).toEqual(['unknown', 'q']);
  });
});

describe('printable characters', () => {
  it('ASCII and UTF-8, several per chunk', () => {
    expect(labels('aZ9 ')).toEqual(['a', 'Z', '9', ' ']);
    expect(labels('é€😀')).toEqual(['é', '€', '😀']);
  });

  it('ESC followed by a character is Escape, then the character', () => {
    expect(labels('\x1bx')).toEqual(['escape', 'x']);
    expect(labels('\x1b\r')).toEqual(['escape', 'enter']);
  });

  it('mixed keys in one chunk keep their order', () => {
    expect(labels('ab\x1b[[Bc\x1bOQ\r')).toEqual(['a', 'b', 'F2', 'c', 'F2', 'enter']);
  });
});

describe('escape and split sequences', () => {
  it('a lone ESC waits; final decoding makes it Escape', () => {
    expect(decodeKeys('\x1b')).toEqual({ keys: [], rest: '\x1b' });
    expect(labels('\x1b', true)).toEqual(['escape']);
    expect(labels('\x1b\x1b', true)).toEqual(['escape', 'escape']);
  });

  it('unfinished sequences are kept for the next chunk', () => {
    expect(decodeKeys('a\x1b[1')).toEqual({ keys: [expect.objectContaining({ char: 'a' })], rest: '\x1b[1' });
    expect(decodeKeys('\x1bO').rest).toBe('\x1bO');
    expect(decodeKeys('\x1b[[').rest).toBe('\x1b[[');
    expect(decodeKeys('\x1b[1;').rest).toBe('\x1b[1;');
  });

  function collect(timeout = 50) {
    const keys: Key[] = [];
    const timers: { fn: () => void; ms: number }[] = [];
    const decoder = new KeyDecoder((k) => keys.push(k), {
      escapeTimeoutMs: timeout,
      setTimer: (fn, ms) => {
        const t = { fn, ms };
        timers.push(t);
        return t;
      },
      clearTimer: (h) => {
        const i = timers.indexOf(h as (typeof timers)[number]);
        if (i >= 0) timers.splice(i, 1);
      },
    });
    return { keys, timers, decoder, labels: () => keys.map(keyLabel) };
  }

  it('joins a sequence split over chunks, byte by byte', () => {
    const c = collect();
    for (const byte of '\x1b[24~\x1b[[A\x1bOQ') c.decoder.push(byte);
    expect(c.labels()).toEqual(['F12', 'F1', 'F2']);
    expect(c.timers).toHaveLength(0);
  });

  it('Escape alone comes out when the timer fires', () => {
    const c = collect(30);
    c.decoder.push('\x1b');
    expect(c.keys).toHaveLength(0);
    expect(c.timers).toEqual([expect.objectContaining({ ms: 30 })]);
    c.timers[0]!.fn();
    expect(c.labels()).toEqual(['escape']);
  });

  it('an ESC followed by more bytes before the timeout is not Escape', () => {
    const c = collect();
    c.decoder.push('\x1b');
    c.decoder.push('[');
    c.decoder.push('[E');
    expect(c.labels()).toEqual(['F5']);
    expect(c.timers).toHaveLength(0);
  });

  it('works with the real timer', async () => {
    const keys: string[] = [];
    const d = new KeyDecoder((k) => keys.push(keyLabel(k)), { escapeTimeoutMs: 10 });
    d.push('q\x1b');
    expect(keys).toEqual(['q']);
    await new Promise((r) => setTimeout(r, 40));
    expect(keys).toEqual(['q', 'escape']);
  });
});
