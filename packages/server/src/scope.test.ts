import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, draft, type Harness, startHarness } from './test-support';

describe.each(DIALECTS)('unit scope over HTTP on %s', (dialect) => {
  let h: Harness;
  let provinceEditor: string;
  let communeViewer: string;
  let otherProvinceViewer: string;
  let communeApprover: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness(dialect);
    provinceEditor = await h.token('editor', ['52']);
    communeViewer = await h.token('viewer', ['24065']);
    otherProvinceViewer = await h.token('viewer', ['01']);
    communeApprover = await h.token('approver', ['24065']);
    for (const [name, codes] of Object.entries({
      commune: ['24065'],
      otherCommune: ['21553'],
      province: ['52'],
    })) {
      const r = await h.json('POST', '/v1/bulletins', { token: provinceEditor, body: draft(codes) });
      expect(r.status).toBe(201);
      ids[name] = r.body.id;
    }
  });
  afterAll(() => h.close());

  it('shows a commune token its own bulletins and the province-wide ones, not a neighbour’s (A-S3, A-S4)', async () => {
    const list = await h.json('GET', '/v1/bulletins', { token: communeViewer });
    expect(new Set(list.body.items.map((b: { id: string }) => b.id))).toEqual(
      new Set([ids.commune, ids.province]),
    );
    expect((await h.json('GET', `/v1/bulletins/${ids.province}`, { token: communeViewer })).status).toBe(200);
    const hidden = await h.json('GET', `/v1/bulletins/${ids.otherCommune}`, { token: communeViewer });
    expect(hidden.status).toBe(404);
    expect(hidden.body.code).toBe('not_found');
    expect(
      (await h.json('GET', `/v1/bulletins/${ids.otherCommune}/cap`, { token: communeViewer })).status,
    ).toBe(404);
  });

  it('shows nothing of Gia Lai to a Hà Nội token', async () => {
    const list = await h.json('GET', '/v1/bulletins', { token: otherProvinceViewer });
    expect(list.body.items).toEqual([]);
    expect(
      (await h.json('GET', `/v1/bulletins/${ids.province}`, { token: otherProvinceViewer })).status,
    ).toBe(404);
  });

  it('refuses a list filter outside the scope with 403 out_of_scope and applies one inside', async () => {
    const outside = await h.json('GET', '/v1/bulletins?unit=21553', { token: communeViewer });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('out_of_scope');
    const inside = await h.json('GET', '/v1/bulletins?unit=21553', { token: provinceEditor });
    expect(new Set(inside.body.items.map((b: { id: string }) => b.id))).toEqual(
      new Set([ids.otherCommune, ids.province]),
    );
  });

  it('lets a commune approver act on its commune’s bulletins but not on a province-wide one (A-S2)', async () => {
    for (const id of [ids.commune, ids.province]) {
      expect(
        (await h.json('POST', `/v1/bulletins/${id}/submit`, { token: provinceEditor, body: {} })).status,
      ).toBe(200);
    }
    const own = await h.json('POST', `/v1/bulletins/${ids.commune}/approve`, {
      token: communeApprover,
      body: {},
    });
    expect(own.status).toBe(200);
    const wide = await h.json('POST', `/v1/bulletins/${ids.province}/approve`, {
      token: communeApprover,
      body: {},
    });
    expect(wide.status).toBe(403);
    expect(wide.body.code).toBe('out_of_scope');
    expect(wide.body.detail).toContain('52');
  });

  it('refuses to create a bulletin for units outside the editor’s scope', async () => {
    const communeEditor = await h.token('editor', ['24065']);
    const res = await h.json('POST', '/v1/bulletins', {
      token: communeEditor,
      body: draft(['24065', '21553']),
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('out_of_scope');
    expect(res.body.detail).toContain('21553');
  });
});

describe.each(DIALECTS)('district scope before the 2025 reform on %s', (dialect) => {
  let h: Harness;
  const body = (codes: string[]) =>
    draft(codes, {
      targets: { units: { at: '2025-03-01', codes } },
      schedule: { start: '2025-03-10T00:00:00+07:00' },
      issuer: { name: 'Ủy ban nhân dân thành phố Pleiku', unitCode: '622' },
    });

  beforeAll(async () => {
    h = await startHarness(dialect, { start: '2025-03-01T01:00:00Z' });
  });
  afterAll(() => h.close());

  it('lets a token of district 622 (Pleiku) see and act on its wards only', async () => {
    const provinceEditor = await h.token('editor', ['64']);
    const districtEditor = await h.token('editor', ['622']);
    const districtViewer = await h.token('viewer', ['622']);
    const ward = await h.json('POST', '/v1/bulletins', { token: districtEditor, body: body(['23557']) });
    expect(ward.status).toBe(201);
    const other = await h.json('POST', '/v1/bulletins', { token: districtEditor, body: body(['23614']) });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('out_of_scope');
    const elsewhere = await h.json('POST', '/v1/bulletins', { token: provinceEditor, body: body(['23614']) });
    expect(elsewhere.status).toBe(201);
    const list = await h.json('GET', '/v1/bulletins', { token: districtViewer });
    expect(list.body.items.map((b: { id: string }) => b.id)).toEqual([ward.body.id]);
    const submit = await h.json('POST', `/v1/bulletins/${elsewhere.body.id}/submit`, {
      token: districtEditor,
      body: {},
    });
    expect(submit.status).toBe(404);
  });
});
