import { ApiError } from '@nguon/api/lite';
import { IMPLEMENTED_OPERATIONS } from '@nguon/server';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ADMIN, draft, type Reference, startReference } from './__fixtures__/server';
import type { createClient } from './client';
import { ProblemError, SdkError } from './errors';

let ref: Reference;
let editor: ReturnType<typeof createClient>;
let approver: ReturnType<typeof createClient>;
let viewer: ReturnType<typeof createClient>;

beforeAll(async () => {
  ref = await startReference();
  editor = ref.client(await ref.token('editor', ['52']));
  approver = ref.client(await ref.token('approver', ['52']));
  viewer = ref.client(await ref.token('viewer', ['52']));
});
afterAll(() => ref.close());

async function rejection(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!ProblemError.isInstance(error)) throw new Error(`expected a ProblemError, found ${String(error)}`);
  return error;
}

describe('over HTTP against the reference server', () => {
  it('creates a token shown once, then acts with it', async () => {
    const created = await ref.admin.tokens.create({ role: 'viewer', units: ['24065'], label: 'Xã Ia Rbol' });
    expect(created.token.length).toBeGreaterThanOrEqual(20);
    expect(created).toMatchObject({ role: 'viewer', units: ['24065'] });
    const page = await ref.client(created.token).bulletins.list();
    expect(page.items).toEqual([]);
  });

  it('runs a bulletin through create → submit → approve → publish → revoke', async () => {
    const created = await editor.bulletins.create(draft(['24065']));
    expectTypeOf(created.id).toEqualTypeOf<string>();
    expect(created).toMatchObject({ status: 'draft', version: 1 });
    const submitted = await editor.bulletins.submit({ id: created.id }, { note: 'Xin duyệt' });
    expect(submitted.status).toBe('submitted');
    const approved = await approver.bulletins.approve({ id: created.id });
    expect(approved.status).toBe('approved');
    const published = await approver.publishBulletin({ params: { id: created.id }, body: {} });
    expect(published.status).toBe('published');
    const revoked = await approver.bulletins.revoke({ id: created.id }, { reason: 'Đã hoàn thành đợt tiêm' });
    expect(revoked.status).toBe('revoked');
    const read = await viewer.bulletins.get({ id: created.id });
    expect(read.status).toBe('revoked');
    const other = await editor.bulletins.create(draft(['24065']));
    await editor.bulletins.submit({ id: other.id });
    const rejected = await approver.bulletins.reject({ id: other.id }, { note: 'Sai địa bàn nhận tin' });
    expect(rejected.status).toBe('rejected');
  });

  it('iterates a list over several pages, following nextCursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await editor.bulletins.create(draft(['24065'], `Tin số ${i + 1}`))).id);
    const pages = [];
    for await (const page of viewer.bulletins.pages({ status: 'draft', limit: 3 })) pages.push(page);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const seen: string[] = [];
    for await (const b of viewer.bulletins.iterate({ status: 'draft', limit: 3 })) {
      expect(b.status).toBe('draft');
      seen.push(b.id);
    }
    for (const id of ids) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
    const viaCall: string[] = [];
    for await (const b of viewer.iterate('listBulletins', { query: { status: 'draft', limit: 2 } }))
      viaCall.push(b.id);
    expect(viaCall).toEqual(seen);
  });

  it('raises a 400 ProblemError listing every invalid field', async () => {
    const bad = { ...draft(['24065']), contents: [], channels: ['pigeon'] };
    const error = await rejection(editor.bulletins.create(bad as never));
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.operationId).toBe('createBulletin');
    const paths = error.errors.map((e) => e.path);
    expect(paths.some((p) => p.startsWith('body.contents'))).toBe(true);
    expect(paths.some((p) => p.startsWith('body.channels'))).toBe(true);
    expect(error.message).toContain('body.channels');
    expect(SdkError.isInstance(error)).toBe(true);
    expect(ApiError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(ApiError);
  });

  it('raises 401, 403, 404 and 409 problems with their codes', async () => {
    const unknown = await rejection(ref.client('ngn_not-a-real-token-at-all').bulletins.list());
    expect([unknown.status, unknown.code]).toEqual([401, 'unauthenticated']);
    const none = await rejection(ref.client().bulletins.list());
    expect(none.status).toBe(401);
    const forbidden = await rejection(viewer.bulletins.create(draft(['24065'])));
    expect([forbidden.status, forbidden.code]).toEqual([403, 'forbidden']);
    const missing = await rejection(viewer.bulletins.get({ id: '01JDXF1A2B3C4D5E6F7G8H9J0K' }));
    expect([missing.status, missing.code]).toEqual([404, 'not_found']);
    const { id } = await editor.bulletins.create(draft(['24065']));
    const conflict = await rejection(approver.bulletins.approve({ id }, {}));
    expect([conflict.status, conflict.code]).toEqual([409, 'state_conflict']);
    expect(conflict.detail).toBeTruthy();
  });

  it('refuses a call without its path parameter before sending it', async () => {
    const error = await editor.bulletins.get({ id: '' }).catch((e: unknown) => e);
    expect(SdkError.isInstance(error) && error.code).toBe('invalid_input');
    expect((error as Error).message).toContain('"id"');
  });

  it('exports and imports CAP XML as strings', async () => {
    const { id } = await editor.bulletins.create(draft(['24065']));
    const xml = await viewer.cap.export({ id });
    expectTypeOf(xml).toEqualTypeOf<string>();
    expect(xml).toContain('<alert');
    expect(xml).toContain('urn:oasis:names:tc:emergency:cap:1.2');
    const imported = await editor.cap.import(xml);
    expect(imported.bulletin).toMatchObject({ status: 'draft', version: 1 });
    expect(imported.bulletin.id).not.toBe(id);
    expect(imported.issues).toEqual([]);
    expect(imported.bulletin.contents[0]?.title).toContain('tiêm chủng');
  });

  it('reads the Atom and JSON feeds, units, health, metrics and the OpenAPI document', async () => {
    const { id } = await editor.bulletins.create(draft(['24065'], 'Tin công khai trên cổng xã'));
    await editor.bulletins.submit({ id });
    await approver.bulletins.approve({ id });
    await approver.bulletins.publish({ id });
    const atom = await ref.client().feeds.getAtom({ unitCode: '24065' });
    expect(atom).toContain('<feed');
    expect(atom).toContain('Tin công khai trên cổng xã');
    const json = await ref.client().feeds.getJson({ unitCode: '24065' });
    expect(json.items.some((item) => item.title === 'Tin công khai trên cổng xã')).toBe(true);
    const history = await viewer.bulletins.getHistory({ id });
    expect(history.items.map((e) => e.action)).toEqual(['create', 'submit', 'approve', 'publish']);
    expect(history.items.at(-1)).toMatchObject({
      from: 'approved',
      to: 'published',
      actor: { role: 'approver' },
    });
    const script = await ref.client().feeds.getScript();
    expectTypeOf(script).toEqualTypeOf<string>();
    expect(script).toContain('data-nguon-feed');
    const units = await ref.client().units.list({ parent: '52', limit: 5 });
    expect(units.items.length).toBe(5);
    expect(units.nextCursor).not.toBeNull();
    expect((await ref.client().operations.getHealth()).status).toBe('ok');
    const metrics = await ref.client(ADMIN).operations.getMetrics();
    expect(metrics).toMatch(/^# (HELP|TYPE) /m);
    const doc = await ref.client().operations.getOpenApi();
    expect(doc.openapi).toBe('3.1.0');
    expect(await ref.client().operations.getDocs()).toContain('publishBulletin');
  });

  it('edits a draft with its version and reports a stale version as 409 version_conflict', async () => {
    const { id, version } = await editor.bulletins.create(draft(['24065']));
    const edited = await editor.bulletins.update({ id }, { version, priority: 'priority' });
    expect([edited.priority, edited.version]).toEqual(['priority', version + 1]);
    const stale = await rejection(editor.bulletins.update({ id }, { version, priority: 'normal' }));
    expect([stale.status, stale.code]).toEqual([409, 'version_conflict']);
  });

  it('uploads media bytes and reads them back whole and by range', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7) % 256);
    const stored = await editor.media.upload(bytes, { contentType: 'audio/mpeg' });
    expect([stored.size, stored.mime]).toEqual([4096, 'audio/mpeg']);
    const whole = await ref.client().media.get({ sha256: stored.sha256 });
    expect(new Uint8Array(whole)).toEqual(bytes);
    const part = await ref
      .client()
      .media.get({ sha256: stored.sha256 }, { headers: { range: 'bytes=10-19' } });
    expect(new Uint8Array(part)).toEqual(bytes.slice(10, 20));
    const wrongType = await rejection(editor.media.upload(bytes, { contentType: 'text/plain' }));
    expect([wrongType.status, wrongType.code]).toEqual([415, 'unsupported_media_type']);
  });

  it('takes citizen feedback without a token and lets an editor list and reply', async () => {
    const sent = await ref
      .client()
      .feedback.create({ unitCode: '24065', text: 'Loa ở thôn 3 phát nhỏ, không nghe rõ', channel: 'web' });
    const seen: string[] = [];
    for await (const f of editor.feedback.iterate({ limit: 1 })) seen.push(f.id);
    expect(seen).toContain(sent.id);
    const replied = await editor.feedback.reply(
      { id: sent.id },
      { text: 'Xã đã điều chỉnh âm lượng cụm loa thôn 3.' },
    );
    expect(replied.id).toBe(sent.id);
    expect(JSON.stringify(replied)).toContain('điều chỉnh âm lượng');
  });

  it('answers a route the server has not implemented yet with a 501 ProblemError, else its page', async () => {
    const op = (['listDevices', 'listPlans'] as const).find((o) => !IMPLEMENTED_OPERATIONS.includes(o));
    if (op === undefined) {
      expect(Array.isArray((await viewer.devices.list()).items)).toBe(true);
      return;
    }
    const error = await rejection(viewer.call(op));
    expect([error.status, error.operationId]).toEqual([501, op]);
  });
});
