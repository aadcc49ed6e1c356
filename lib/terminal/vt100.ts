/**
 * Rewrites the few ECMA-48 cursor controls a real VT100/VT220 lacks into ones it has, so output
 * written for xterm draws right on a serial terminal: CHA to column 1 becomes CR, CNL becomes CR LF.
 * Characters outside ASCII (which only a slip in a view would send) become ASCII.
 */
export function toVt100(output: string): string {
  // A VT100 shows ASCII only: an ellipsis becomes a dot, anything else a question mark.
  const ascii = /[^\x00-\x7f]/.test(output) ? output.replace(/…/g, '.').replace(/[^\x00-\x7f]/gu, '?') : output;
  if (!ascii.includes('\x1b[')) return ascii;
  return ascii.replace(/\x1b\[(?:1)?G/g, '\r').replace(/\x1b\[(\d*)E/g, (_m, n: string) => '\r\n'.repeat(Math.max(1, Number(n || '1'))));
}

/** Makes every string written to `stream` go through toVt100. */
export function vt100Output(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? toVt100(chunk) : chunk, ...rest)) as typeof stream.write;
}

/**
 * A tty that reports 0 rows or columns (serial lines often do) is read as 80x24, so programs that
 * size themselves from it (Ink) draw a sane frame. Real sizes reported later (SIGWINCH) still count.
 */
export function sizeFallback(stream: NodeJS.WriteStream, fallback = { rows: 24, columns: 80 }): void {
  for (const prop of ['rows', 'columns'] as const) {
    let reported = stream[prop] as number | undefined;
    Object.defineProperty(stream, prop, {
      configurable: true,
      enumerable: true,
      get: () => (reported && reported > 0 ? reported : fallback[prop]),
      set: (v: number) => {
        reported = v;
      },
    });
  }
}
