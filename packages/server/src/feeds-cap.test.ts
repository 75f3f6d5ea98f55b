import { CapImportResultSchema, JsonFeedSchema } from '@nguon/api';
import { parseCap } from '@nguon/bulletin';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capAlert,
  DIALECTS,
  draft,
  emergencyDraft,
  type Harness,
  postCap,
  startHarness,
} from './test-support';

// A CAP 1.2 alert written for these tests: a whirlwind warning for one commune of Gia Lai.
const CAP_ALERT = capAlert({
  identifier: 'TEST-GL-LOC-0001',
  event: 'Lốc xoáy',
  urgency: 'Immediate',
  severity: 'Severe',
  certainty: 'Observed',
  more: `
    <expires>2026-11-26T22:00:00+07:00</expires>
    <senderName>Ban Chỉ huy phòng chống thiên tai tỉnh</senderName>`,
  headline: 'Cảnh báo lốc xoáy tại xã Ia Rbol',
  description: 'Lốc xoáy kèm mưa đá có thể xảy ra trong chiều tối nay.',
});

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' });

describe.each(DIALECTS)('public feeds and CAP over HTTP on %s', (dialect) => {
  let h: Harness;
  let editor: string;
  let approver: string;
  const published: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness(dialect);
    editor = await h.token('editor', ['52']);
    approver = await h.token('approver', ['52']);
    const make = async (body: Record<string, unknown>) => {
      const r = await h.json('POST', '/v1/bulletins', { token: editor, body });
      const p = await h.json('POST', `/v1/bulletins/${r.body.id}/publish`, {
        token: approver,
        body: { approve: true },
      });
      expect(p.status).toBe(200);
      return r.body.id as string;
    };
    published.commune = await make(emergencyDraft(['24065']));
    published.province = await make(emergencyDraft(['52']));
    published.neighbour = await make(emergencyDraft(['21553']));
    const unpublished = await h.json('POST', '/v1/bulletins', { token: editor, body: draft(['24065']) });
    published.draft = unpublished.body.id;
  });
  afterAll(() => h.close());

  it('serves a well-formed Atom feed of the unit and its ancestors, with caching headers and 304', async () => {
    const res = await h.call('GET', '/v1/feeds/24065.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/atom+xml');
    expect(res.headers.get('cache-control')).toContain('max-age');
    expect(res.headers.get('last-modified')).toMatch(/GMT$/);
    const etag = res.headers.get('etag') as string;
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parser.parse(xml).feed;
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    const ids = feed.entry.map((e: { id: string }) => e.id);
    expect(new Set(ids)).toEqual(
      new Set([`urn:nguon:bulletin:${published.commune}`, `urn:nguon:bulletin:${published.province}`]),
    );
    expect(feed.entry[0].title).toBe('Cảnh báo lốc xoáy');
    const again = await h.call('GET', '/v1/feeds/24065.atom', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves the JSON Feed of the contract; the province feed leaves out commune bulletins', async () => {
    const res = await h.json('GET', '/v1/feeds/52.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/feed+json');
    const feed = JsonFeedSchema.parse(res.body);
    expect(feed.items.map((i) => i._nguon.bulletinId)).toEqual([published.province]);
    expect(feed.items[0]?._nguon).toMatchObject({ status: 'published', priority: 'emergency' });
  });

  it('drops a revoked bulletin from the feeds and changes the ETag', async () => {
    const before = await h.call('GET', '/v1/feeds/24065.json');
    const etag = before.headers.get('etag') as string;
    await before.arrayBuffer();
    const r = await h.json('POST', `/v1/bulletins/${published.commune}/revoke`, {
      token: approver,
      body: { reason: 'Hết nguy cơ' },
    });
    expect(r.status).toBe(200);
    const after = await h.call('GET', '/v1/feeds/24065.json', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    const feed = JsonFeedSchema.parse(await after.json());
    expect(feed.items.map((i) => i._nguon.bulletinId)).toEqual([published.province]);
  });

  it('answers 404 for a unit code no unit ever had and 400 for a malformed one', async () => {
    const missing = await h.json('GET', '/v1/feeds/99999.atom');
    expect(missing.status).toBe(404);
    const bad = await h.json('GET', '/v1/feeds/abc.json');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('params.unitCode');
  });

  it('imports a CAP alert as a draft and exports it back as CAP 1.2', async () => {
    const res = await postCap(h, editor, CAP_ALERT);
    expect(res.status).toBe(201);
    expect(res.body.bulletin).toMatchObject({
      status: 'draft',
      priority: 'emergency',
      targets: { units: { codes: ['24065'] } },
    });
    const id = res.body.bulletin.id;
    const out = await h.call('GET', `/v1/bulletins/${id}/cap`, { token: editor });
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toContain('application/cap+xml');
    const alert = parseCap(await out.text());
    expect(alert.identifier).toBe('TEST-GL-LOC-0001');
    expect(alert.infos[0]?.headline).toBe('Cảnh báo lốc xoáy tại xã Ia Rbol');
  });

  it('says where an alert without a Vietnamese unit geocode needs one, and invents no target', async () => {
    // A foreign alert: one area described by a polygon and a FIPS code, one by its name only.
    const foreign = CAP_ALERT.replace('TEST-GL-LOC-0001', 'TEST-FOREIGN-0002').replace(
      /<area>[\s\S]*<\/area>/,
      `<area>
      <areaDesc>Ia Rbol và vùng lân cận</areaDesc>
      <polygon>13.40,108.40 13.50,108.40 13.50,108.50 13.40,108.40</polygon>
      <geocode><valueName>FIPS6</valueName><value>006113</value></geocode>
    </area>
    <area>
      <areaDesc>Thị xã Ayun Pa</areaDesc>
    </area>`,
    );
    const res = await postCap(h, editor, foreign);
    expect(res.status).toBe(201);
    const { bulletin, issues } = CapImportResultSchema.parse(res.body);
    expect(bulletin.targets).toEqual({});
    const areaIssues = issues.filter((i) => i.code === 'cap_area_without_unit');
    expect(areaIssues.map((i) => i.at)).toEqual(['alert/info[0]/area[0]', 'alert/info[0]/area[1]']);
    expect(areaIssues[0]?.message).toContain('<geocode><valueName>VN-GSO</valueName>');
    expect(areaIssues[0]?.message).toContain('Ia Rbol và vùng lân cận');
    expect(areaIssues[0]?.message).toContain('FIPS6');
    expect(issues.find((i) => i.at === 'targets')).toMatchObject({
      code: 'cap_no_target',
      message: expect.stringMatching(/no target unit.*import the alert again/),
    });
    // Not even the province editor who imported it reaches the untargeted draft: what the issue says.
    expect((await h.json('GET', `/v1/bulletins/${bulletin.id}`, { token: editor })).status).toBe(404);
  });

  it('notes the one area without a unit geocode of an alert whose other area has one', async () => {
    const mixed = CAP_ALERT.replace('TEST-GL-LOC-0001', 'TEST-GL-LOC-0003').replace(
      '</area>',
      `</area>
    <area>
      <areaDesc>Vùng hạ lưu sông Ba</areaDesc>
    </area>`,
    );
    const res = await postCap(h, editor, mixed);
    expect(res.status).toBe(201);
    const { bulletin, issues } = CapImportResultSchema.parse(res.body);
    expect(bulletin.targets).toEqual({ units: { at: '2026-11-26', codes: ['24065'] } });
    expect(issues.map((i) => [i.at, i.code])).toEqual([['alert/info[0]/area[1]', 'cap_area_without_unit']]);
    expect(issues[0]?.message).toContain('Vùng hạ lưu sông Ba');
    expect(issues[0]?.message).toContain('or add its units to targets.units of the draft');
  });

  it('refuses a CAP alert outside the editor’s scope and broken XML', async () => {
    const communeEditor = await h.token('editor', ['21553']);
    const outside = await h.json('POST', '/v1/cap', {
      token: communeEditor,
      body: CAP_ALERT,
      headers: { 'content-type': 'application/xml' },
    });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('out_of_scope');
    const broken = await postCap(h, editor, '<alert><identifier>x</alert>');
    expect(broken.status).toBe(400);
    expect(broken.body.errors.length).toBeGreaterThan(0);
    expect(broken.body.errors[0].path).toMatch(/^body/);
  });
});
