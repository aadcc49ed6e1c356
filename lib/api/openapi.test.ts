import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from './openapi.ts';
import { routes } from './routes.ts';
import { PRODUCT_VERSION } from './version.ts';

describe('docs/openapi.json', () => {
  it('is generated from the current schemas (run `npm run openapi` when this fails)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildOpenApi(PRODUCT_VERSION))));
  });

  it('describes every route with auth and error responses', () => {
    const doc = buildOpenApi(PRODUCT_VERSION) as { paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>> };
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.security.length > 0).toBe(r.auth);
      if (r.auth) expect(op!.responses['401']).toBeDefined();
    }
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
