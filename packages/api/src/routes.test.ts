import { describe, expect, it } from 'vitest';
import { ROUTE_LIST, ROUTES } from './routes';

// Every route of api-v1.md (the fixed paths), written out by hand from the spec.
const SPEC_ROUTES = [
  'POST /v1/tokens',
  'POST /v1/devices',
  'GET /v1/devices',
  'GET /v1/devices/{id}',
  'POST /v1/devices/{id}/commands',
  'POST /v1/media',
  'GET /v1/media/{sha256}',
  'POST /v1/bulletins',
  'GET /v1/bulletins',
  'GET /v1/bulletins/{id}',
  'PATCH /v1/bulletins/{id}',
  'POST /v1/bulletins/{id}/submit',
  'POST /v1/bulletins/{id}/approve',
  'POST /v1/bulletins/{id}/reject',
  'POST /v1/bulletins/{id}/publish',
  'POST /v1/bulletins/{id}/revoke',
  'GET /v1/bulletins/{id}/delivery',
  'POST /v1/cap',
  'GET /v1/bulletins/{id}/cap',
  'POST /v1/feedback',
  'GET /v1/feedback',
  'POST /v1/feedback/{id}/reply',
  'GET /v1/units',
  'GET /v1/feeds/{unitCode}.atom',
  'GET /v1/feeds/{unitCode}.json',
  'GET /v1/plans',
  'GET /v1/plans/{id}',
  'GET /v1/plans/{id}/progress',
  'POST /v1/plans/{id}/actuals',
  'GET /v1/reports/broadcasts',
  'GET /v1/reports/devices',
  'GET /health',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
  // Added to the contract after api-v1 was written: the audit log and the embeddable feed script.
  'GET /v1/bulletins/{id}/history',
  'GET /v1/feeds/embed.js',
];

describe('route table', () => {
  it('has every route of api-v1 with its exact method and path, and no other', () => {
    const ours = ROUTE_LIST.map((r) => `${r.method} ${r.path}`);
    expect([...ours].sort()).toEqual([...SPEC_ROUTES].sort());
  });

  it('has unique camelCase operationIds equal to their keys', () => {
    const ids = ROUTE_LIST.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ROUTE_LIST) expect(r.operationId).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(Object.keys(ROUTES)).toEqual(ids);
  });

  it('has no two routes with the same method and path', () => {
    const keys = ROUTE_LIST.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('lists the roles of every route that needs a token', () => {
    for (const r of ROUTE_LIST) {
      if (r.auth.kind === 'bearer') {
        expect(r.auth.roles.length, r.operationId).toBeGreaterThan(0);
        expect(r.auth.rules.length, r.operationId).toBeGreaterThan(0);
      }
    }
  });

  it('declares a params schema with exactly the {names} of each path template', () => {
    for (const r of ROUTE_LIST) {
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(Object.keys(r.params?.shape ?? {}).sort(), r.operationId).toEqual(names);
    }
  });

  it('answers 401 and 403 on every route that needs a token, and 404 on every route with an id', () => {
    for (const r of ROUTE_LIST) {
      if (r.auth.kind === 'bearer')
        expect(r.errors, r.operationId).toEqual(expect.arrayContaining([401, 403]));
      if (r.params) expect(r.errors, r.operationId).toContain(404);
      if (r.body || r.query || r.params) expect(r.errors, r.operationId).toContain(400);
    }
  });

  it('has examples that the zod schemas accept', () => {
    let checked = 0;
    for (const r of ROUTE_LIST) {
      for (const content of [r.body, r.success.content]) {
        if (content?.kind === 'json' && content.schema && content.example !== undefined) {
          const result = content.schema.safeParse(content.example);
          expect(result.success, `${r.operationId}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('has the workflow steps the spec names, each recorded through its own route', () => {
    const steps = ROUTE_LIST.filter((r) => r.tags.includes('workflow')).map((r) => r.path.split('/').at(-1));
    expect(steps).toEqual(['submit', 'approve', 'reject', 'publish', 'revoke']);
  });
});

describe('package entry', () => {
  it('imports nothing from node: so that it runs in browsers', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('./', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources).toContain('index.ts');
    for (const file of sources)
      expect(readFileSync(new URL(file, dir), 'utf8'), file).not.toMatch(/from ['"]node:/);
  });
});
