import type { ApiCallError } from '@quantix/lib/client';

/** The console's own error codes; qx-node's codes (lib/errors/catalog.ts) pass through unchanged. */
export const consoleErrorCatalog = {
  NODE_DOWN: 'qx-node is not running: its socket does not answer.',
  NODE_TIMEOUT: 'qx-node did not answer in time.',
  NODE_BAD_RESPONSE: 'qx-node sent an answer this console does not understand.',
  ADMIN_PASSWORD_NOT_SET: 'No admin password is set on this host.',
  AUTH_LOCKED: 'Too many wrong passwords: the console is locked for a while.',
  STATE_FILE_INVALID: 'A state file of the console is damaged.',
  COMMAND_FAILED: 'The command failed.',
  SERVICE_STOP_TIMEOUT: 'qx-node did not stop in time.',
  SERVICE_START_FAILED: 'qx-node did not come up.',
} as const;

export type ConsoleErrorCode = keyof typeof consoleErrorCatalog;

export class ConsoleError extends Error {
  constructor(
    readonly code: ConsoleErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? consoleErrorCatalog[code]);
    this.name = 'ConsoleError';
  }
}

/** qx-node's error answer (lib/client, loaded lazily, so recognised by its name). */
function isApiCallError(err: unknown): err is ApiCallError {
  return err instanceof Error && err.name === 'ApiCallError' && typeof (err as { code?: unknown }).code === 'string';
}

/** The stable code of any error the console meets: its own, qx-node's, or "INTERNAL". */
export function errorCode(err: unknown): string {
  if (err instanceof ConsoleError) return err.code;
  if (isApiCallError(err)) return err.code;
  return 'INTERNAL';
}

/** One line for the screen: the message of a known error, or the text of an unknown one. */
export function errorText(err: unknown): string {
  if (err instanceof ConsoleError || isApiCallError(err)) return err.message.replace(/^[A-Z_]+: /, '');
  return err instanceof Error ? err.message : String(err);
}

/** A value as it crosses into a reducer: what went wrong, as plain data. */
export interface ErrorInfo {
  code: string;
  message: string;
}

export function errorInfo(err: unknown): ErrorInfo {
  return { code: errorCode(err), message: errorText(err) };
}
