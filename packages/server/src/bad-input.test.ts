import { type OperationId, ROUTES } from '@nguon/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPLEMENTED_OPERATIONS } from './app';
import { ADMIN, DIALECTS, draft, type Harness, startHarness } from './test-support';

interface Case {
  name: string;
  method: string;
  path: (id: string) => string;
  token: 'admin' | 'editor' | 'approver' | 'viewer' | 'none';
  body?: unknown;
  paths: string[];
}

// One bad request per implemented route that takes input; every listed path must be in the 400 answer.
const CASES: Case[] = [
  {
    name: 'createToken',
    method: 'POST',
    path: () => '/v1/tokens',
    token: 'admin',
    body: { role: 'boss', units: [], label: '' },
    paths: ['body.role', 'body.units', 'body.label'],
  },
  {
    name: 'createBulletin',
    method: 'POST',
    path: () => '/v1/bulletins',
    token: 'editor',
    body: { ...draft(['24065']), category: 'gossip', contents: [{ lang: 'vi' }], extra: 1 },
    paths: ['body.category', 'body.contents[0].title', 'body'],
  },
  {
    name: 'createBulletin (cross-field)',
    method: 'POST',
    path: () => '/v1/bulletins',
    token: 'editor',
    body: draft(['24065'], {
      priority: 'emergency',
      schedule: { start: '2026-12-01T00:00:00Z', windows: [{ from: '06:00', to: '06:30' }] },
    }),
    paths: ['body.category', 'body.schedule.end', 'body.schedule.windows'],
  },
  {
    name: 'listBulletins',
    method: 'GET',
    path: () => '/v1/bulletins?limit=0&priority=loud&from=yesterday',
    token: 'viewer',
    paths: ['query.limit', 'query.priority', 'query.from'],
  },
  {
    name: 'listBulletins cursor',
    method: 'GET',
    path: () => '/v1/bulletins?cursor=not-a-cursor',
    token: 'viewer',
    paths: ['query.cursor'],
  },
  {
    name: 'getBulletin',
    method: 'GET',
    path: () => '/v1/bulletins/bad%20id!',
    token: 'viewer',
    paths: ['params.id'],
  },
  {
    name: 'updateBulletin',
    method: 'PATCH',
    path: (id) => `/v1/bulletins/${id}`,
    token: 'editor',
    body: { priority: 'loud' },
    paths: ['body.version', 'body.priority'],
  },
  {
    name: 'submitBulletin',
    method: 'POST',
    path: (id) => `/v1/bulletins/${id}/submit`,
    token: 'editor',
    body: { note: 5 },
    paths: ['body.note'],
  },
  {
    name: 'approveBulletin',
    method: 'POST',
    path: (id) => `/v1/bulletins/${id}/approve`,
    token: 'approver',
    body: { version: 0, x: 1 },
    paths: ['body.version', 'body'],
  },
  {
    name: 'rejectBulletin',
    method: 'POST',
    path: (id) => `/v1/bulletins/${id}/reject`,
    token: 'approver',
    body: {},
    paths: ['body.note'],
  },
  {
    name: 'publishBulletin',
    method: 'POST',
    path: (id) => `/v1/bulletins/${id}/publish`,
    token: 'approver',
    body: { approve: 'yes' },
    paths: ['body.approve'],
  },
  {
    name: 'revokeBulletin',
    method: 'POST',
    path: (id) => `/v1/bulletins/${id}/revoke`,
    token: 'approver',
    body: {},
    paths: ['body.reason'],
  },
  {
    name: 'exportCap',
    method: 'GET',
    path: () => '/v1/bulletins/-x-/cap',
    token: 'viewer',
    paths: ['params.id'],
  },
  {
    name: 'importCap',
    method: 'POST',
    path: () => '/v1/cap',
    token: 'editor',
    body: undefined,
    paths: ['body'],
  },
  {
    name: 'listUnits',
    method: 'GET',
    path: () => '/v1/units?at=2025-13-01&level=hamlet',
    token: 'none',
    paths: ['query.at', 'query.level'],
  },
  {
    name: 'getAtomFeed',
    method: 'GET',
    path: () => '/v1/feeds/5.atom',
    token: 'none',
    paths: ['params.unitCode'],
  },
  {
    name: 'getJsonFeed',
    method: 'GET',
    path: () => '/v1/feeds/5x.json',
    token: 'none',
    paths: ['params.unitCode'],
  },
];

describe.each(DIALECTS)('bad input over HTTP on %s', (dialect) => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  let id: string;

  beforeAll(async () => {
    h = await startHarness(dialect, { maxBodyBytes: 64 * 1024, publicRateLimit: 3 });
    tokens.admin = ADMIN;
    for (const role of ['editor', 'approver', 'viewer']) tokens[role] = await h.token(role, ['52']);
    id = (await h.json('POST', '/v1/bulletins', { token: tokens.editor, body: draft(['24065']) })).body.id;
  });
  afterAll(() => h.close());

  it.each(CASES)('$name answers 400 listing every issue with its path', async (c) => {
    const res = await h.json(c.method, c.path(id), {
      ...(c.token === 'none' ? {} : { token: tokens[c.token] as string }),
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('invalid_request');
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    for (const p of c.paths) expect(paths, JSON.stringify(res.body.errors)).toContain(p);
  });

  it('answers 400 for a body that is not JSON, naming the body', async () => {
    const res = await h.json('POST', '/v1/bulletins', {
      token: tokens.editor,
      body: '{"category": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body');
  });

  it('answers 415 for a body of the wrong type and 413 for one too large', async () => {
    const wrongType = await h.json('POST', '/v1/bulletins', {
      token: tokens.editor,
      body: JSON.stringify(draft(['24065'])),
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.code).toBe('unsupported_media_type');
    const big = await h.json('POST', '/v1/bulletins', {
      token: tokens.editor,
      body: draft(['24065'], { contents: [{ lang: 'vi', title: 'x', text: 'a'.repeat(70_000) }] }),
    });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('payload_too_large');
    // Without Content-Length (a streamed body) the limit holds too.
    const chunk = new TextEncoder().encode('a'.repeat(16 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const streamed = await fetch(`${h.url}/v1/bulletins`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.editor}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await streamed.arrayBuffer();
  });

  it('refuses device groups as targets, which API v1 has no registry of, on create and edit', async () => {
    const grouped = await h.json('POST', '/v1/bulletins', {
      token: tokens.editor,
      body: draft(['24065'], {
        targets: { units: { at: '2025-07-01', codes: ['24065'] }, deviceGroups: ['loa-trung-tam'] },
      }),
    });
    expect(grouped.status).toBe(400);
    expect(grouped.body.errors).toEqual([
      {
        path: 'body.targets.deviceGroups',
        message: expect.stringMatching(/^expected no device groups: .*targets\.units.*targets\.devices/),
      },
    ]);
    const plain = await h.json('POST', '/v1/bulletins', { token: tokens.editor, body: draft(['24065']) });
    expect(plain.status).toBe(201);
    const edit = await h.json('PATCH', `/v1/bulletins/${plain.body.id}`, {
      token: tokens.editor,
      body: { version: 1, targets: { deviceGroups: ['loa-trung-tam'], devices: ['loa-24065-001'] } },
    });
    expect(edit.status).toBe(400);
    expect(edit.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.targets.deviceGroups']);
    // An empty list names no group and is accepted.
    const empty = await h.json('PATCH', `/v1/bulletins/${plain.body.id}`, {
      token: tokens.editor,
      body: { version: 1, targets: { units: { at: '2025-07-01', codes: ['24065'] }, deviceGroups: [] } },
    });
    expect(empty.status).toBe(200);
  });

  it('answers 429 with Retry-After past the rate of public writes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await h.call('POST', '/v1/feedback', { body: { unitCode: '24065', text: 'Loa nhỏ quá' } });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      await res.arrayBuffer();
    }
    expect(statuses.slice(3)).toEqual([429, 429]);
  });

  it('has a handler for every route of the contract, so no route answers 501', () => {
    // A route added to @nguon/api without a handler here would answer 501 not_implemented.
    const missing = (Object.keys(ROUTES) as OperationId[]).filter(
      (op) => !IMPLEMENTED_OPERATIONS.includes(op),
    );
    expect(missing).toEqual([]);
  });

  it('never fails with 500 on arbitrary cursors, queries and JSON bodies (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.oneof(fc.json(), fc.string({ maxLength: 200 })),
        async (cursor, body) => {
          const list = await h.call(
            'GET',
            `/v1/bulletins?cursor=${encodeURIComponent(cursor)}&unit=${encodeURIComponent(cursor)}`,
            {
              token: tokens.viewer,
            },
          );
          await list.arrayBuffer();
          expect([200, 400, 403]).toContain(list.status);
          const create = await h.call('POST', '/v1/bulletins', {
            token: tokens.editor,
            body,
            headers: { 'content-type': 'application/json' },
          });
          const text = await create.text();
          expect([400, 201], text).toContain(create.status);
        },
      ),
      { numRuns: 60 },
    );
  });
});
