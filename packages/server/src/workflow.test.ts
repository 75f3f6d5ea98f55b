import { openApiDocument } from '@nguon/api';
import { BulletinSchema } from '@nguon/bulletin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from './store';
import { ADMIN, DIALECTS, draft, emergencyDraft, type Harness, startHarness } from './test-support';

describe.each(DIALECTS)('workflow over HTTP on %s', (dialect) => {
  let h: Harness;
  let editor: string;
  let approver: string;
  let viewer: string;

  beforeAll(async () => {
    h = await startHarness(dialect);
    editor = await h.token('editor', ['52'], 'Biên tập viên tỉnh');
    approver = await h.token('approver', ['52'], 'Lãnh đạo Sở');
    viewer = await h.token('viewer', ['52']);
  });
  afterAll(() => h.close());

  it('answers /health, /openapi.json and a self-contained /docs page', async () => {
    const health = await h.json('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', checks: { database: 'ok' } });
    const doc = await h.json('GET', '/openapi.json');
    expect(doc.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    const docs = await h.call('GET', '/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    const html = await docs.text();
    for (const op of ['createBulletin', 'publishBulletin', 'getAtomFeed']) expect(html).toContain(op);
    expect(html).not.toMatch(/<script|https?:\/\/cdn/i);
  });

  it('creates tokens shown once and stored only as a hash', async () => {
    const res = await h.json('POST', '/v1/tokens', {
      token: ADMIN,
      body: { role: 'viewer', units: ['24065'], label: 'Xã Ia Rbol' },
    });
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^ngn_/);
    const rows = await h.db.kysely.selectFrom('tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(res.body.token);
    const ok = await h.json('GET', '/v1/bulletins', { token: res.body.token });
    expect(ok.status).toBe(200);
    const bad = await h.json('GET', '/v1/bulletins', { token: `${res.body.token}x` });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('unauthenticated');
  });

  it('stops accepting a token after its expiresAt', async () => {
    const expiresAt = new Date(h.clock.time + 3_600_000).toISOString();
    const res = await h.json('POST', '/v1/tokens', {
      token: ADMIN,
      body: { role: 'viewer', units: ['52'], label: 'tạm', expiresAt },
    });
    expect(res.body.expiresAt).toBe(expiresAt);
    expect((await h.call('GET', '/v1/bulletins', { token: res.body.token })).status).toBe(200);
    h.clock.time += 2 * 3_600_000;
    const late = await h.call('GET', '/v1/bulletins', { token: res.body.token });
    expect(late.status).toBe(401);
    expect(late.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('lets an admin create tokens only within its own scope (A-T1)', async () => {
    const admin = await h.token('admin', ['52']);
    const inside = await h.json('POST', '/v1/tokens', {
      token: admin,
      body: { role: 'editor', units: ['24065'], label: 'x' },
    });
    expect(inside.status).toBe(201);
    const outside = await h.json('POST', '/v1/tokens', {
      token: admin,
      body: { role: 'editor', units: ['01'], label: 'x' },
    });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('out_of_scope');
    expect(outside.body.detail).toContain('01');
    const unknown = await h.json('POST', '/v1/tokens', {
      token: admin,
      body: { role: 'editor', units: ['99999'], label: 'x' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('body.units[0]');
  });

  it('runs draft → submitted → rejected → draft → submitted → approved → published → revoked with an audit log', async () => {
    const created = await h.json('POST', '/v1/bulletins', { token: editor, body: draft(['24065']) });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/v1/bulletins/${id}`);
    expect(created.body).toMatchObject({
      status: 'draft',
      version: 1,
      author: { name: 'Biên tập viên tỉnh' },
    });

    const approveDraft = await h.json('POST', `/v1/bulletins/${id}/approve`, { token: approver, body: {} });
    expect(approveDraft.status).toBe(409);
    expect(approveDraft.body.code).toBe('state_conflict');

    let r = await h.json('POST', `/v1/bulletins/${id}/submit`, {
      token: editor,
      body: { note: 'Xin duyệt' },
    });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('submitted');
    r = await h.json('POST', `/v1/bulletins/${id}/reject`, {
      token: approver,
      body: { note: 'Thiếu giờ phát' },
    });
    expect(r.body.status).toBe('rejected');
    expect(r.body.approvals.at(-1)).toMatchObject({ decision: 'rejected', note: 'Thiếu giờ phát' });

    const stale = await h.json('PATCH', `/v1/bulletins/${id}`, {
      token: editor,
      body: { version: 1, priority: 'priority' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('version_conflict');
    r = await h.json('PATCH', `/v1/bulletins/${id}`, {
      token: editor,
      body: { version: r.body.version, priority: 'priority' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'draft', priority: 'priority' });

    r = await h.json('POST', `/v1/bulletins/${id}/submit`, { token: editor, body: {} });
    const notEditor = await h.json('POST', `/v1/bulletins/${id}/approve`, { token: editor, body: {} });
    expect(notEditor.status).toBe(403);
    r = await h.json('POST', `/v1/bulletins/${id}/approve`, { token: approver, body: { note: 'Đồng ý' } });
    expect(r.body.status).toBe('approved');
    r = await h.json('POST', `/v1/bulletins/${id}/publish`, { token: editor, body: {} });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('published');
    expect(r.body.publishedAt).toBeTypeOf('string');
    const again = await h.json('POST', `/v1/bulletins/${id}/publish`, { token: editor, body: {} });
    expect(again.status).toBe(409);
    r = await h.json('POST', `/v1/bulletins/${id}/revoke`, {
      token: approver,
      body: { reason: 'Đổi lịch tiêm' },
    });
    expect(r.body).toMatchObject({ status: 'revoked', revokeReason: 'Đổi lịch tiêm' });
    expect(BulletinSchema.safeParse(r.body).success).toBe(true);

    const got = await h.json('GET', `/v1/bulletins/${id}`, { token: viewer });
    expect(got.body).toEqual(r.body);

    const log = await auditLog(h.db, id);
    expect(log.map((e) => `${e.actorRole}:${e.action}:${e.from ?? '-'}>${e.to}`)).toEqual([
      'editor:create:->draft',
      'editor:submit:draft>submitted',
      'approver:reject:submitted>rejected',
      'editor:update:rejected>draft',
      'editor:submit:draft>submitted',
      'approver:approve:submitted>approved',
      'editor:publish:approved>published',
      'approver:revoke:published>revoked',
    ]);
    expect(new Set(log.map((e) => e.version)).size).toBe(log.length);
  });

  it('takes the emergency fast path (A-W1) only for an approver and an emergency bulletin', async () => {
    const e = await h.json('POST', '/v1/bulletins', { token: editor, body: emergencyDraft(['24065']) });
    expect(e.status).toBe(201);
    const byEditor = await h.json('POST', `/v1/bulletins/${e.body.id}/publish`, {
      token: editor,
      body: { approve: true },
    });
    expect(byEditor.status).toBe(403);
    expect(byEditor.body.code).toBe('forbidden');
    const fast = await h.json('POST', `/v1/bulletins/${e.body.id}/publish`, {
      token: approver,
      body: { approve: true, note: 'Phát ngay' },
    });
    expect(fast.status).toBe(200);
    expect(fast.body.status).toBe('published');
    expect(fast.body.approvals).toEqual([
      expect.objectContaining({ decision: 'approved', role: 'approver' }),
    ]);
    const log = await auditLog(h.db, e.body.id);
    expect(log.slice(1).map((x) => `${x.action}:${x.from}>${x.to}`)).toEqual([
      'approve:draft>approved',
      'publish:approved>published',
    ]);

    const normal = await h.json('POST', '/v1/bulletins', { token: editor, body: draft(['24065']) });
    const notEmergency = await h.json('POST', `/v1/bulletins/${normal.body.id}/publish`, {
      token: approver,
      body: { approve: true },
    });
    expect(notEmergency.status).toBe(409);
    expect(notEmergency.body.code).toBe('state_conflict');
  });

  it('refuses a duplicate client-chosen id with 409', async () => {
    const body = draft(['24065'], { id: `dup-${dialect}` });
    expect((await h.json('POST', '/v1/bulletins', { token: editor, body })).status).toBe(201);
    const second = await h.json('POST', '/v1/bulletins', { token: editor, body });
    expect(second.status).toBe(409);
  });

  it('answers one 201 and 409 for the rest when the same id is created concurrently', async () => {
    const body = draft(['24065'], { id: `race-${dialect}` });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.json('POST', '/v1/bulletins', { token: editor, body }).then((r) => r.status),
      ),
    );
    expect(statuses.sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('pages through bulletins with cursors and filters them', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await h.json('POST', '/v1/bulletins', {
        token: editor,
        body: draft(['24065'], {
          category: 'local_development',
          schedule: { start: `2027-01-0${i + 1}T00:00:00Z` },
        }),
      });
      ids.push(r.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/v1/bulletins?category=local_development&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
        await h.json('GET', q, { token: viewer });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((b: { id: string }) => b.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    const ranged = await h.json(
      'GET',
      '/v1/bulletins?category=local_development&from=2027-01-02T00:00:00Z&to=2027-01-04T00:00:00Z',
      {
        token: viewer,
      },
    );
    expect(ranged.body.items.map((b: { id: string }) => b.id)).toEqual([ids[2], ids[1]]);
    const published = await h.json('GET', '/v1/bulletins?status=published&category=local_development', {
      token: viewer,
    });
    expect(published.body.items).toEqual([]);
  });

  it('counts requests in /metrics for admins and operators only', async () => {
    const admin = await h.token('admin', ['52']);
    const res = await h.call('GET', '/metrics', { token: admin });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      /nguon_http_requests_total\{operation="createBulletin",method="POST",status="201"\} \d+/,
    );
    expect(text).toContain('nguon_http_request_duration_seconds_bucket');
    expect((await h.call('GET', '/metrics', { token: viewer })).status).toBe(403);
    expect((await h.call('GET', '/metrics')).status).toBe(401);
  });
});
