import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sizeFallback, toVt100, vt100Output } from './vt100.ts';

describe('vt100 output', () => {
  it('turns CHA column 1 into CR and CNL into CR LF, leaving the rest', () => {
    expect(toVt100('\x1b[1Gabc\x1b[K\x1b[E\x1b[2E\x1b[G')).toBe('\rabc\x1b[K\r\n\r\n\r\n\r');
    expect(toVt100('\x1b[2K\x1b[1A\x1b[10;5H plain')).toBe('\x1b[2K\x1b[1A\x1b[10;5H plain');
    expect(toVt100('no escapes')).toBe('no escapes');
    expect(toVt100('cut…\x1b[1G é😀')).toBe('cut.\r ??');
  });

  it('wraps a stream', () => {
    const s = new PassThrough() as unknown as NodeJS.WriteStream;
    let out = '';
    (s as unknown as PassThrough).on('data', (d) => (out += d));
    vt100Output(s);
    s.write('\x1b[1Gx\x1b[E');
    expect(out).toBe('\rx\r\n');
  });

  it('reads 0 rows/columns as 80x24 and keeps real sizes', () => {
    const s = { rows: 0, columns: 0 } as unknown as NodeJS.WriteStream;
    sizeFallback(s);
    expect([s.rows, s.columns]).toEqual([24, 80]);
    (s as { rows: number }).rows = 50;
    expect(s.rows).toBe(50);
  });
});
