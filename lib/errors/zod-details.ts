import type { z } from 'zod';

export interface ValidationIssue {
  path: string;
  code: string;
  message: string;
}

/** zod issues as plain wire data: a dotted path, zod's issue code and its message. */
export function zodIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    code: issue.code,
    message: issue.message,
  }));
}
