import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from './audit-log.ts';

describe('AuditLog', () => {
  it('appends one JSON line per entry, private to root, and reads the tail back', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'qx-audit-')), 'sub/audit.log');
    const log = new AuditLog(path);
    await Promise.all(Array.from({ length: 30 }, (_, i) => log.write('console:tty1', 'shell.start', { n: i })));
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(30);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const tail = await log.tail(5);
    expect(tail).toHaveLength(5);
    expect(tail[0]).toMatchObject({ actor: 'console:tty1', action: 'shell.start' });
  });

  it('reads an absent log as empty', async () => {
    expect(await new AuditLog('/nonexistent/dir/audit.log').tail()).toEqual([]);
  });
});
