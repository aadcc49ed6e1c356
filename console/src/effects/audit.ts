import { AuditLog, type AuditEntry } from '@quantix/lib/audit';

/** The shared audit log, written as this console ("console:tty1", "console:ttyS0", "console:pts/2"). */
export interface AuditTrail {
  readonly actor: string;
  record(action: string, detail?: Record<string, unknown>): Promise<void>;
  recent(limit: number): Promise<AuditEntry[]>;
}

export class FileAuditTrail implements AuditTrail {
  private readonly log: AuditLog;

  constructor(
    path: string,
    readonly actor: string,
  ) {
    this.log = new AuditLog(path);
  }

  async record(action: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.log.write(this.actor, action, detail);
  }

  recent(limit: number): Promise<AuditEntry[]> {
    return this.log.tail(limit);
  }
}
