import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, toApiError } from './api-error.ts';
import { errorCatalog } from './catalog.ts';
import { zodIssues } from './zod-details.ts';

describe('errors', () => {
  it('maps codes to HTTP statuses and an envelope', () => {
    const err = new ApiError('VM_NOT_FOUND');
    expect(err.status).toBe(404);
    expect(err.toEnvelope()).toEqual({ error: { code: 'VM_NOT_FOUND', message: errorCatalog.VM_NOT_FOUND.message } });
  });

  it('never puts an unknown error message or stack on the wire', () => {
    const wire = JSON.stringify(toApiError(new Error('ENOENT /etc/secret at foo.ts:12')).toEnvelope());
    expect(wire).toBe(JSON.stringify({ error: { code: 'INTERNAL', message: errorCatalog.INTERNAL.message } }));
  });

  it('turns zod issues into path/code/message details', () => {
    const result = z.strictObject({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: 'x' }, c: 1 });
    expect(result.success).toBe(false);
    const issues = zodIssues(result.error!);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'a.b', code: 'invalid_type' }));
    expect(issues).toContainEqual(expect.objectContaining({ path: '(root)', code: 'unrecognized_keys' }));
  });

  it('has a sentence for every code and only sensible statuses', () => {
    for (const [code, { status, message }] of Object.entries(errorCatalog)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(status >= 400 && status < 600).toBe(true);
      expect(message.length).toBeGreaterThan(10);
    }
  });
});
