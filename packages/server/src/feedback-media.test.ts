import { createHash } from 'node:crypto';
import { FeedbackSchema, MediaUploadedSchema } from '@nguon/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Harness, startHarness } from './test-support';

describe.each(DIALECTS)('feedback and media over HTTP on %s', (dialect) => {
  let h: Harness;
  let communeEditor: string;
  let provinceViewer: string;
  let neighbourViewer: string;

  beforeAll(async () => {
    h = await startHarness(dialect);
    communeEditor = await h.token('editor', ['24065']);
    provinceViewer = await h.token('viewer', ['52']);
    neighbourViewer = await h.token('viewer', ['21553']);
  });
  afterAll(() => h.close());

  it('takes a citizen’s feedback without a token and shows it only within the scope', async () => {
    const sent = await h.json('POST', '/v1/feedback', {
      body: { unitCode: '24065', subject: 'Loa thôn 3', text: 'Loa ở thôn 3 phát nhỏ.', channel: 'web' },
    });
    expect(sent.status).toBe(201);
    const fb = FeedbackSchema.parse(sent.body);
    expect(fb).toMatchObject({ status: 'open', replies: [] });
    const province = await h.json('GET', '/v1/feedback', { token: provinceViewer });
    expect(province.body.items.map((f: { id: string }) => f.id)).toEqual([fb.id]);
    const neighbour = await h.json('GET', '/v1/feedback', { token: neighbourViewer });
    expect(neighbour.body.items).toEqual([]);
    const unknownUnit = await h.json('POST', '/v1/feedback', { body: { unitCode: '99999', text: 'x' } });
    expect(unknownUnit.status).toBe(400);
    expect(unknownUnit.body.errors[0].path).toBe('body.unitCode');
  });

  it('lets the commune editor answer and close a feedback, then refuses more replies', async () => {
    const sent = await h.json('POST', '/v1/feedback', {
      body: { unitCode: '24065', text: 'Đường vào thôn 5 bị sạt lở.' },
    });
    const id = sent.body.id;
    const answered = await h.json('POST', `/v1/feedback/${id}/reply`, {
      token: communeEditor,
      body: { text: 'Xã đã cử người kiểm tra.', close: true },
    });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe('closed');
    expect(answered.body.replies[0]).toMatchObject({ text: 'Xã đã cử người kiểm tra.' });
    const again = await h.json('POST', `/v1/feedback/${id}/reply`, {
      token: communeEditor,
      body: { text: 'Thêm' },
    });
    expect(again.status).toBe(409);
    const closed = await h.json('GET', '/v1/feedback?status=closed', { token: provinceViewer });
    expect(closed.body.items.map((f: { id: string }) => f.id)).toEqual([id]);
  });

  it('stores an uploaded file by its sha256 and serves it whole, by range and with 304', async () => {
    const bytes = new Uint8Array(5000).map((_, i) => (i * 7) % 256);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const up = await h.json('POST', '/v1/media', {
      token: communeEditor,
      body: bytes,
      headers: { 'content-type': 'audio/mpeg' },
    });
    expect(up.status).toBe(201);
    expect(MediaUploadedSchema.parse(up.body)).toMatchObject({ sha256: sha, size: 5000, mime: 'audio/mpeg' });
    const whole = await h.call('GET', `/v1/media/${sha}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${sha}"`);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const part = await h.call('GET', `/v1/media/${sha}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/5000');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(100, 200));
    const tail = await h.call('GET', `/v1/media/${sha}`, { headers: { range: 'bytes=-10' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(4990));
    const outside = await h.call('GET', `/v1/media/${sha}`, { headers: { range: 'bytes=6000-' } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */5000');
    expect(outside.headers.get('content-type')).toBe('application/problem+json');
    expect(await outside.json()).toMatchObject({
      status: 416,
      code: 'range_not_satisfiable',
      type: 'urn:nguon:problem:range_not_satisfiable',
    });
    const cached = await h.call('GET', `/v1/media/${sha}`, { headers: { 'if-none-match': `"${sha}"` } });
    expect(cached.status).toBe(304);
    const missing = await h.json('GET', `/v1/media/${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
  });

  it('refuses an upload that is not audio, image or video with 415', async () => {
    const res = await h.json('POST', '/v1/media', {
      token: communeEditor,
      body: new TextEncoder().encode('#!/bin/sh'),
      headers: { 'content-type': 'application/x-sh' },
    });
    expect(res.status).toBe(415);
  });
});

describe('units', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('sqlite');
  });
  afterAll(() => h.close());

  it('lists the communes of Gia Lai in pages and finds one by name without diacritics', async () => {
    const codes: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { code: string; parent: string }[]; nextCursor: string | null };
      } = await h.json('GET', `/v1/units?parent=52&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      for (const u of page.body.items) expect(u.parent).toBe('52');
      codes.push(...page.body.items.map((u) => u.code));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(codes.length).toBe(135);
    expect(new Set(codes).size).toBe(135);
    const found = await h.json('GET', '/v1/units?q=ia%20rbol');
    expect(found.body.items.map((u: { code: string }) => u.code)).toContain('24065');
  });
});
