import { errorCatalog, type ErrorCode } from './catalog.ts';

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An error meant for the wire: a stable code, a sentence a person can act on, optional details. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? errorCatalog[code].message);
    this.name = 'ApiError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.details = details;
  }

  toEnvelope(): ErrorEnvelope {
    const body: ErrorEnvelope = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** Anything thrown becomes an ApiError; unknown errors never leak their message or stack. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError('INTERNAL');
}
