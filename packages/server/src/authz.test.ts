import { authorizationMatrix, buildPath, type OperationId, ROUTES } from '@nguon/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, draft, type Harness, startHarness } from './test-support';

const ROLES = ['admin', 'editor', 'approver', 'operator', 'viewer'] as const;

describe.each(DIALECTS)('the role × route matrix over HTTP on %s', (dialect) => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  let bulletinId: string;

  beforeAll(async () => {
    h = await startHarness(dialect, { publicRateLimit: 10_000 });
    for (const role of ROLES) tokens[role] = await h.token(role, ['52']);
    const created = await h.json('POST', '/v1/bulletins', { token: tokens.editor, body: draft(['24065']) });
    bulletinId = created.body.id;
  });
  afterAll(() => h.close());

  function request(op: OperationId): {
    path: string;
    init: { body?: string | Uint8Array; headers?: Record<string, string> };
  } {
    const route = ROUTES[op] as { path: string; body?: { kind: string; contentType: readonly string[] } };
    const params: Record<string, string> = {};
    if (route.path.includes('{id}')) {
      params.id = route.path.startsWith('/v1/bulletins')
        ? bulletinId
        : route.path.startsWith('/v1/devices')
          ? 'loa-52001-001'
          : route.path.startsWith('/v1/plans')
            ? 'gia-lai-2024'
            : '01JDX3K9Q2ZP4W1T6V8B0C5N7M';
    }
    if (route.path.includes('{unitCode}')) params.unitCode = '52';
    if (route.path.includes('{sha256}')) params.sha256 = 'a'.repeat(64);
    const path = buildPath(op, params as never);
    if (!route.body) return { path, init: {} };
    if (route.body.kind === 'binary')
      return { path, init: { body: new Uint8Array([1, 2, 3]), headers: { 'content-type': 'audio/mpeg' } } };
    if (route.body.kind === 'text')
      return { path, init: { body: '<alert/>', headers: { 'content-type': 'application/cap+xml' } } };
    return { path, init: { body: '{}', headers: { 'content-type': 'application/json' } } };
  }

  it('answers every cell of authorizationMatrix() as the contract says', async () => {
    const mismatches: string[] = [];
    for (const cell of authorizationMatrix()) {
      const { path, init } = request(cell.operationId);
      const res = await h.call(ROUTES[cell.operationId].method, path, {
        ...init,
        token: tokens[cell.role] as string,
      });
      const body = res.status === 304 || res.status === 204 ? '' : await res.text();
      const code = res.headers.get('content-type')?.includes('problem+json')
        ? JSON.parse(body).code
        : undefined;
      const denied = res.status === 401 || (res.status === 403 && code === 'forbidden');
      if (denied === cell.allowed) {
        mismatches.push(
          `${cell.role} ${cell.operationId}: expected ${cell.allowed ? 'allowed' : 'denied'}, got ${res.status} ${code ?? ''}`,
        );
      }
      if (!cell.allowed) expect(res.status, `${cell.role} ${cell.operationId}`).toBe(403);
    }
    expect(mismatches).toEqual([]);
  });

  it('answers 401 without a token on every route that needs one, and lets public routes through', async () => {
    for (const op of Object.keys(ROUTES) as OperationId[]) {
      const { path, init } = request(op);
      const route = ROUTES[op];
      const res = await h.call(route.method, path, init);
      await res.arrayBuffer();
      if (route.auth.kind === 'public') expect(res.status, op).not.toBe(401);
      else {
        expect(res.status, op).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
  });
});
