import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError, zodIssues } from '@quantix/lib/errors';

function check<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ApiError('VALIDATION_FAILED', `The request ${where} is not valid; see details for each problem.`, {
      issues: zodIssues(result.error),
    });
  }
  return result.data;
}

/** The JSON body parsed and checked; an empty body counts as {} so that all-optional bodies may be left out. */
export async function jsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (text.trim() === '') return check(schema, {}, 'body');
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError('UNSUPPORTED_MEDIA_TYPE');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('BAD_JSON');
  }
  return check(schema, value, 'body');
}

export function pathParams<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return check(schema, c.req.param(), 'path');
}

export function queryParams<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  return check(schema, c.req.query(), 'query');
}
