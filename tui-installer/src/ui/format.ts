/** Text helpers for fixed-width screens: every function returns what fits, never more. */

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

export function percent(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`.padStart(4);
}

/** Breaks a paragraph into lines of at most `width` columns at spaces (a longer word is cut). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter((w) => w !== '')) {
      if (line === '') line = fit(word, width);
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        lines.push(line);
        line = fit(word, width);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Lays footer hints out in at most `maxLines` lines of `width` columns, never splitting a hint. */
export function layoutHints(hints: { keys: string; label: string }[], width: number, maxLines: number): { keys: string; label: string }[][] {
  const lines: { keys: string; label: string }[][] = [[]];
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
