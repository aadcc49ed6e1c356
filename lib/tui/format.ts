/** Text helpers for fixed-width screens: every function returns what fits, never more. */

/** Cuts `text` to `width` columns, ending in `ellipsis` when cut. */
export function fit(text: string, width: number, ellipsis = '...'): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= ellipsis.length) return chars.slice(0, width).join('');
  return chars.slice(0, width - [...ellipsis].length).join('') + ellipsis;
}

export function pad(text: string, width: number): string {
  const t = fit(text, width);
  return t + ' '.repeat(Math.max(0, width - [...t].length));
}

/** " 42%": four columns; "  -%" when there is no number. */
export function formatPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '  -%';
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`.padStart(4);
}

export interface Hint {
  keys: string;
  label: string;
}

/** Lays footer hints out in at most `maxLines` lines of `width` columns, never splitting a hint. */
export function layoutHints(hints: Hint[], width: number, maxLines: number): Hint[][] {
  const lines: Hint[][] = [[]];
  let used = 0;
  for (const h of hints) {
    const w = h.keys.length + 1 + h.label.length;
    const line = lines[lines.length - 1]!;
    const need = line.length === 0 ? w : used + 2 + w;
    if (need <= width || line.length === 0) {
      line.push(h);
      used = need;
    } else if (lines.length < maxLines) {
      lines.push([h]);
      used = w;
    }
  }
  return lines;
}

/**
 * Breaks text into lines of at most `width` columns at spaces (a longer word is cut). By default a
 * line break is just a space and empty text gives no lines; with `paragraphs`, every line of the
 * text starts a new paragraph and an empty one stays as an empty line.
 */
export function wrapWords(text: string, width: number, { paragraphs = false }: { paragraphs?: boolean } = {}): string[] {
  if (paragraphs) return text.split('\n').flatMap((para) => orEmptyLine(wrapWords(para, width)));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const w = fit(word, width);
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines;
}

const orEmptyLine = (lines: string[]) => (lines.length > 0 ? lines : ['']);
