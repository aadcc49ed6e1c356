import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

export const auditEntry = z.strictObject({
  time: z.string(),
  /** Who: "console:tty1", "api:session", "api:local-socket", "qx-node" … */
  actor: z.string(),
  /** What, as a dotted verb: "ssh.enable", "shell.start", "network.apply" … */
  action: z.string(),
  /** Facts about it; never secrets. */
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/**
 * An append-only JSON-lines audit log shared by qx-node and the console. Each entry is one
 * write(2) with O_APPEND, so writers in several processes never interleave within a line.
 */
export class AuditLog {
  constructor(readonly path: string) {}

  async write(actor: string, action: string, detail: Record<string, unknown> = {}): Promise<AuditEntry> {
    const entry: AuditEntry = { time: new Date().toISOString(), actor, action, detail };
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await appendFile(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600, flag: 'a' });
    return entry;
  }

  /** The last `limit` entries, oldest first; unreadable lines are skipped. */
  async tail(limit = 100): Promise<AuditEntry[]> {
    let text: string;
    try {
      const file = await open(this.path, 'r');
      try {
        const { size } = await file.stat();
        const length = Math.min(size, 256 * 1024);
        const buffer = Buffer.alloc(length);
        await file.read(buffer, 0, length, size - length);
        text = buffer.toString('utf8');
      } finally {
        await file.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = auditEntry.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data);
      } catch {
        // a line cut by the 256 KiB window, or damaged: skip it
      }
    }
    return entries.slice(-limit);
  }
}
