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

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

export function formatPercent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '  -%';
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`.padStart(4);
}

/** "3 days 04:12", "0 days 00:07": to the minute, so the line changes once a minute. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const hh = String(Math.floor((s % 86400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  return `${d} ${d === 1 ? 'day' : 'days'} ${hh}:${mm}`;
}

/** "59:58", "1:02:03": a countdown. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Local date and time, "2026-11-21 12:34:56". */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
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

/** Breaks a paragraph into lines of at most `width` columns at spaces (a longer word is cut). */
export function wrapWords(text: string, width: number): string[] {
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
