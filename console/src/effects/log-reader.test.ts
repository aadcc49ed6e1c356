import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLogReader, lastLines } from './log-reader.ts';

describe('log reader', () => {
  it('the last lines of a real file, big or small', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qx-console-log-'));
    try {
      const file = join(dir, 'qx-node.log');
      await writeFile(file, Array.from({ length: 5000 }, (_, i) => `line ${i + 1}\twith a tab ${'x'.repeat(40)}`).join('\n') + '\n');
      const t = await new FileLogReader().tail(file, 3);
      expect(t.missing).toBeNull();
      expect(t.lines).toHaveLength(3);
      expect(t.lines[2]).toMatch(/^line 5000  with a tab x+$/);
      const missing = await new FileLogReader().tail(join(dir, 'nope.log'), 3);
      expect(missing).toMatchObject({ lines: [], missing: `${join(dir, 'nope.log')} does not exist` });
      await writeFile(join(dir, 'syslog'), 'Nov 21 kernel: hello\n');
      expect((await new FileLogReader([join(dir, 'absent'), join(dir, 'syslog')]).systemLog(10)).lines).toEqual(['Nov 21 kernel: hello']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a syslog file it falls back to dmesg, or says why not', async () => {
    const t = await new FileLogReader(['/nonexistent/syslog']).systemLog(5);
    if (t.missing) expect(t.missing).toMatch(/no system log/);
    else expect(t.source).toBe('dmesg');
  });

  it('drops a line cut by the byte window and control characters', () => {
    expect(lastLines('tial\nfull 1\nfull\x1b[31m 2\n\n', 10, true)).toEqual(['full 1', 'full[31m 2']);
  });
});
