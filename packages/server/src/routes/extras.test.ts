import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { BulletinHistorySchema, CapImportResultSchema } from '@nguon/api';
import { BulletinSchema } from '@nguon/bulletin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFeedWidget, renderFeedWidgetModule } from '../../scripts/embed-bundle';
import { FEED_WIDGET_JS } from '../embed/generated/feed-widget';
import { capAlert, DIALECTS, draft, type Harness, postCap, startHarness } from '../test-support';

const CAP_ALERT = capAlert({
  identifier: 'TEST-GL-HIST-0001',
  event: 'Mưa lớn',
  headline: 'Cảnh báo mưa lớn tại xã Ia Rbol',
  description: 'Mưa lớn kéo dài đến sáng mai.',
});

describe('the generated feed widget', () => {
  it('is the current bundle of src/embed/feed-widget.ts (npm run generate -w @nguon/server)', async () => {
    const committed = readFileSync(new URL('../embed/generated/feed-widget.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderFeedWidgetModule(await bundleFeedWidget()));
  });

  it('stays under 3 KB gzip', () => {
    const gzip = gzipSync(FEED_WIDGET_JS, { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(3 * 1024);
  });
});

describe.each(DIALECTS)('bulletin history and the feed script over HTTP on %s', (dialect) => {
  let h: Harness;
  let editor: string;
  let approver: string;
  let id: string;

  beforeAll(async () => {
    h = await startHarness(dialect);
    editor = await h.token('editor', ['52']);
    approver = await h.token('approver', ['52']);
    const created = await h.json('POST', '/v1/bulletins', { token: editor, body: draft(['24065']) });
    id = created.body.id;
    const edit = await h.json('PATCH', `/v1/bulletins/${id}`, {
      token: editor,
      body: { version: 1, priority: 'priority' },
    });
    expect(edit.status).toBe(200);
    expect(
      (await h.json('POST', `/v1/bulletins/${id}/submit`, { token: editor, body: { note: 'Nhờ duyệt' } }))
        .status,
    ).toBe(200);
    const approved = await h.json('POST', `/v1/bulletins/${id}/approve`, { token: approver, body: {} });
    expect(approved.status).toBe(200);
    const published = await h.json('POST', `/v1/bulletins/${id}/publish`, { token: approver, body: {} });
    expect(published.status).toBe(200);
    const revoked = await h.json('POST', `/v1/bulletins/${id}/revoke`, {
      token: approver,
      body: { reason: 'Đổi lịch tiêm' },
    });
    expect(revoked.status).toBe(200);
  });
  afterAll(() => h.close());

  it('answers who moved the bulletin through the workflow, oldest first, in the contract’s shape', async () => {
    const viewer = await h.token('viewer', ['24065']);
    const res = await h.json('GET', `/v1/bulletins/${id}/history`, { token: viewer });
    expect(res.status).toBe(200);
    const history = BulletinHistorySchema.parse(res.body);
    expect(history.items.map((e) => [e.action, e.from, e.to])).toEqual([
      ['create', null, 'draft'],
      ['update', 'draft', 'draft'],
      ['submit', 'draft', 'submitted'],
      ['approve', 'submitted', 'approved'],
      ['publish', 'approved', 'published'],
      ['revoke', 'published', 'revoked'],
    ]);
    expect(history.items[0]?.actor.role).toBe('editor');
    expect(history.items.at(-1)?.actor.role).toBe('approver');
    expect(history.items.at(-1)?.note).toBe('Đổi lịch tiêm');
    expect(history.items[2]?.note).toBe('Nhờ duyệt');
    expect(history.items[0]).not.toHaveProperty('note');
    const times = history.items.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('answers 404 outside the scope and for no bulletin, 401 without a token, 400 for a malformed id', async () => {
    const neighbour = await h.token('viewer', ['21553']);
    const outside = await h.json('GET', `/v1/bulletins/${id}/history`, { token: neighbour });
    expect([outside.status, outside.body.code]).toEqual([404, 'not_found']);
    const missing = await h.json('GET', '/v1/bulletins/no-such-bulletin/history', { token: editor });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain('no-such-bulletin');
    const anonymous = await h.json('GET', `/v1/bulletins/${id}/history`);
    expect(anonymous.status).toBe(401);
    const malformed = await h.json('GET', `/v1/bulletins/${encodeURIComponent('-bad id')}/history`, {
      token: editor,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].path).toBe('params.id');
  });

  it('records a CAP import as import_cap and answers the contract’s {bulletin, issues} with Location', async () => {
    const res = await postCap(h, editor, CAP_ALERT);
    expect(res.status).toBe(201);
    const answer = CapImportResultSchema.parse(res.body);
    expect(res.headers.get('location')).toBe(`/v1/bulletins/${answer.bulletin.id}`);
    expect(answer.bulletin).toMatchObject({ status: 'draft', version: 1 });
    expect(answer.issues).toEqual([]);
    const history = await h.json('GET', `/v1/bulletins/${answer.bulletin.id}/history`, { token: editor });
    expect(history.body.items).toEqual([
      expect.objectContaining({ action: 'import_cap', from: null, to: 'draft', note: 'TEST-GL-HIST-0001' }),
    ]);
  });

  it('keeps a foreign CAP alert as an incomplete draft and lists what it lacks, as the contract says', async () => {
    const foreign = CAP_ALERT.replace('TEST-GL-HIST-0001', 'TEST-FOREIGN-0001')
      .replace('<language>vi</language>', '<language>en-US</language>')
      .replace(/<description>.*<\/description>/, '');
    const res = await postCap(h, editor, foreign);
    expect(res.status).toBe(201);
    const answer = CapImportResultSchema.parse(res.body);
    expect(answer.issues.length).toBeGreaterThan(0);
    for (const issue of answer.issues) expect(issue.message.length).toBeGreaterThan(0);
    expect(answer.issues.map((i) => i.at)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^contents/)]),
    );
    expect(BulletinSchema.safeParse(answer.bulletin).success).toBe(false);
    expect(answer.bulletin).toMatchObject({ status: 'draft', version: 1, contents: [{ lang: 'en-US' }] });
    const stored = await h.json('GET', `/v1/bulletins/${answer.bulletin.id}`, { token: editor });
    expect(stored.body.origin.identifier).toBe('TEST-FOREIGN-0001');
  });

  it('serves the feed script with caching headers, 304 and CORS for any origin', async () => {
    const res = await h.call('GET', '/v1/feeds/embed.js', { headers: { origin: 'https://xa.example.vn' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect(await res.text()).toBe(FEED_WIDGET_JS);
    const etag = res.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await h.call('GET', '/v1/feeds/embed.js', { headers: { 'if-none-match': `W/${etag}` } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('sends Access-Control-Allow-Origin: * on the public feeds, also on 304', async () => {
    const feed = await h.call('GET', '/v1/feeds/24065.json', {
      headers: { origin: 'https://xa.example.vn' },
    });
    expect(feed.status).toBe(200);
    expect(feed.headers.get('access-control-allow-origin')).toBe('*');
    const etag = feed.headers.get('etag') as string;
    await feed.arrayBuffer();
    const same = await h.call('GET', '/v1/feeds/24065.json', { headers: { 'if-none-match': etag } });
    expect(same.status).toBe(304);
    expect(same.headers.get('access-control-allow-origin')).toBe('*');
    const atom = await h.call('GET', '/v1/feeds/24065.atom');
    expect(atom.headers.get('access-control-allow-origin')).toBe('*');
    await atom.arrayBuffer();
  });
});

describe('feeds on a server whose CORS option names other origins', () => {
  it('still lets any commune website read the feeds and the script', async () => {
    const h = await startHarness('sqlite', { cors: { origins: ['https://quantri.example.vn'] } });
    try {
      for (const path of ['/v1/feeds/24065.json', '/v1/feeds/24065.atom', '/v1/feeds/embed.js']) {
        const res = await h.call('GET', path, { headers: { origin: 'https://xa-iarbol.example.vn' } });
        expect([path, res.status, res.headers.get('access-control-allow-origin')]).toEqual([path, 200, '*']);
        await res.arrayBuffer();
      }
      const admin = await h.call('GET', '/v1/bulletins', {
        headers: { origin: 'https://xa-iarbol.example.vn' },
      });
      expect(admin.headers.get('access-control-allow-origin')).toBeNull();
      await admin.arrayBuffer();
    } finally {
      await h.close();
    }
  });
});
