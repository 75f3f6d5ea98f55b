import {
  ActualsResultSchema,
  PlanProgressSchema,
  PlanSchema,
  PlanSummarySchema,
  ProblemSchema,
  pageOf,
} from '@nguon/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Harness, startHarness } from '../test-support';
import { insertDevice, insertPresence } from './report-fixtures';

const PLAN = 'gia-lai-2024';
const row = <R extends { indicator: string; unitCode: string; year: number }>(
  rows: R[],
  indicator: string,
  unitCode: string,
  year: number,
) => rows.find((r) => r.indicator === indicator && r.unitCode === unitCode && r.year === year);

describe.each(DIALECTS)('plans on %s', (dialect) => {
  let h: Harness;
  let provinceViewer: string;
  let provinceEditor: string;
  let communeEditor: string;
  let otherProvince: string;

  beforeAll(async () => {
    // 2025 is a year of the plan, so the registry-proven actuals appear in its progress.
    h = await startHarness(dialect, { start: '2025-11-20T03:00:00Z' });
    provinceViewer = await h.token('viewer', ['52']);
    provinceEditor = await h.token('editor', ['52']);
    communeEditor = await h.token('editor', ['24065']);
    otherProvince = await h.token('viewer', ['01']);
    // New Xã Ia Rbol (24065) was formed from old Xã Ia RBol (24064) and Xã Chư Băh (24065) of
    // Thị xã Ayun Pa (624): its online radio proves both old communes.
    await insertDevice(h.db, {
      id: 'radio-iarbol',
      kind: 'radio',
      units: ['24065'],
      path: '|24065|52|',
      online: true,
    });
    // New Phường Pleiku (23575): four old wards and Xã Trà Đa of Pleiku (622); the board is offline
    // but sent a status two hours ago, so it still works.
    await insertDevice(h.db, {
      id: 'board-pleiku',
      kind: 'board',
      units: ['23575'],
      path: '|23575|52|',
      online: false,
      lastStatusAt: '2025-11-20T01:00:00.000Z',
    });
    // A radio of An Bình (An Khê, 623) silent for three days does not count.
    await insertDevice(h.db, {
      id: 'radio-silent',
      kind: 'radio',
      units: ['23614'],
      path: '|23614|52|',
      online: false,
      lastStatusAt: '2025-11-17T00:00:00.000Z',
    });
    // A Pleiku radio offline now, without status, whose presence changed 3 hours ago: it works.
    await insertDevice(h.db, {
      id: 'radio-recent',
      kind: 'radio',
      units: ['23575'],
      path: '|23575|52|',
      online: false,
    });
    await insertPresence(h.db, 'radio-recent', false, '2025-11-20T00:00:00.000Z');
    // A province-level board proves nothing about a commune.
    await insertDevice(h.db, { id: 'board-52', kind: 'board', units: ['52'], path: '|52|', online: true });
  });
  afterAll(() => h.close());

  it('lists the Gia Lai plan for a token of the new province and nothing for another province', async () => {
    const list = await h.json('GET', '/v1/plans', { token: provinceViewer });
    expect(list.status).toBe(200);
    const page = pageOf(PlanSummarySchema).parse(list.body);
    expect(page.items.map((p) => [p.id, p.indicatorCount, p.province])).toEqual([[PLAN, 9, '64']]);
    expect(page.nextCursor).toBeNull();
    const other = await h.json('GET', '/v1/plans', { token: otherProvince });
    expect(other.body.items).toEqual([]);
    expect((await h.json('GET', '/v1/plans')).status).toBe(401);
    const bad = await h.json('GET', '/v1/plans?cursor=zzz', { token: provinceViewer });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.cursor');
  });

  it('answers one plan, 404 for an unknown id or a plan outside the scope', async () => {
    const one = await h.json('GET', `/v1/plans/${PLAN}`, { token: provinceViewer });
    expect(one.status).toBe(200);
    expect(PlanSchema.parse(one.body).document.number).toContain('1055');
    expect((await h.json('GET', '/v1/plans/ha-noi-2024', { token: provinceViewer })).status).toBe(404);
    const outside = await h.json('GET', `/v1/plans/${PLAN}`, { token: otherProvince });
    expect(outside.status).toBe(404);
    expect(ProblemSchema.parse(outside.body).code).toBe('not_found');
  });

  it('derives the current year’s actuals from working devices, attributed to the old 2024 units', async () => {
    const res = await h.json('GET', `/v1/plans/${PLAN}/progress?year=2025`, { token: provinceViewer });
    expect(res.status).toBe(200);
    const { rows, year } = PlanProgressSchema.parse(res.body);
    expect(year).toBe(2025);
    // Ayun Pa: the two old communes of new Ia Rbol; status `estimated` marks registry actuals.
    expect(row(rows, 'commune_radio', '624', 2025)).toMatchObject({
      actual: 2,
      actualStatus: 'estimated',
      source: 'registry',
    });
    expect(row(rows, 'commune_radio_ict', '624', 2025)).toMatchObject({
      actual: 2,
      actualStatus: 'estimated',
      source: 'registry',
    });
    // Pleiku: the board of new Phường Pleiku proves four old wards and one commune (Trà Đa), the
    // recently seen radio all five of them.
    expect(row(rows, 'ward_board', '622', 2025)).toMatchObject({ actual: 4, actualStatus: 'estimated' });
    expect(row(rows, 'commune_board', '622', 2025)).toMatchObject({ actual: 1 });
    expect(row(rows, 'commune_radio', '622', 2025)).toMatchObject({ actual: 5, actualStatus: 'estimated' });
    // An Khê: the silent radio proves nothing; the province board no commune's board.
    expect(row(rows, 'commune_radio', '623', 2025)?.actual).toBeNull();
    expect(row(rows, 'commune_radio', '623', 2025)).not.toHaveProperty('source');
    expect(row(rows, 'ward_board', '64', 2025)?.actual).toBe(4);
    expect(row(rows, 'commune_radio', '64', 2025)).toMatchObject({ actual: 7, actualStatus: 'estimated' });
    // Other years get no registry actuals.
    const y2024 = PlanProgressSchema.parse(
      (await h.json('GET', `/v1/plans/${PLAN}/progress?year=2024`, { token: provinceViewer })).body,
    );
    expect(row(y2024.rows, 'commune_radio', '624', 2024)?.actual).toBeNull();
  });

  it('lets a recorded actual replace the registry one, and a later value replace an earlier one', async () => {
    const first = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: provinceEditor,
      body: {
        actuals: [
          { indicator: 'commune_radio', unitCode: '624', year: 2025, value: 4 },
          { indicator: 'commune_radio', unitCode: '624', year: 2025, value: 5 },
        ],
      },
    });
    expect(first.status).toBe(200);
    expect(ActualsResultSchema.parse(first.body).stored).toBe(1);
    let rows = PlanProgressSchema.parse(
      (await h.json('GET', `/v1/plans/${PLAN}/progress?year=2025&unit=624`, { token: provinceViewer })).body,
    ).rows;
    expect(new Set(rows.map((r) => r.unitCode))).toEqual(new Set(['624']));
    expect(row(rows, 'commune_radio', '624', 2025)).toMatchObject({
      actual: 5,
      actualStatus: 'normal',
      source: 'recorded',
    });
    // The registry still supplies the indicator nobody typed.
    expect(row(rows, 'commune_radio_ict', '624', 2025)).toMatchObject({
      actual: 2,
      actualStatus: 'estimated',
      source: 'registry',
    });
    await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: provinceEditor,
      body: { actuals: [{ indicator: 'commune_radio', unitCode: '624', year: 2025, value: 6 }] },
    });
    rows = PlanProgressSchema.parse(
      (await h.json('GET', `/v1/plans/${PLAN}/progress?year=2025&unit=624`, { token: provinceViewer })).body,
    ).rows;
    expect(row(rows, 'commune_radio', '624', 2025)?.actual).toBe(6);
    const stored = await h.db.kysely
      .selectFrom('plan_actuals')
      .select('body')
      .where('plan_id', '=', PLAN)
      .where('unit_code', '=', '624')
      .execute();
    expect(stored.map((s) => JSON.parse(s.body).value)).toEqual([6]);
  });

  it('answers the validator’s findings on recorded actuals', async () => {
    const res = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: provinceEditor,
      body: {
        actuals: [
          { indicator: 'commune_radio', unitCode: '622', year: 2024, value: 100 },
          { indicator: 'ward_board', unitCode: '24064', year: 2024, value: 1 },
          { indicator: 'commune_board', unitCode: '24064', year: 2024, value: 3 },
        ],
      },
    });
    expect(res.status).toBe(200);
    const { stored, findings } = ActualsResultSchema.parse(res.body);
    expect(stored).toBe(3);
    expect(findings.map((f) => [f.kind, f.indicator, f.unitCode])).toEqual(
      expect.arrayContaining([
        ['count_exceeds_universe', 'commune_radio', '622'],
        ['count_exceeds_universe', 'ward_board', '24064'],
        ['count_exceeds_universe', 'commune_board', '24064'],
      ]),
    );
  });

  it('rejects unknown indicators, units and years with every path', async () => {
    const res = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: provinceEditor,
      body: {
        actuals: [
          { indicator: 'commune_wifi', unitCode: '622', year: 2024, value: 1 },
          { indicator: 'commune_radio', unitCode: '24065', year: 2030, value: 1 },
          { indicator: 'commune_radio', unitCode: '21553', year: 2024, value: 1 },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'body.actuals[0].indicator',
      'body.actuals[1].year',
      'body.actuals[2].unitCode',
    ]);
    const schema = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: provinceEditor,
      body: { actuals: [{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: -1 }] },
    });
    expect(schema.status).toBe(400);
    expect(schema.body.errors[0].path).toMatch(/^body\.actuals\[0\]\.value/);
    const year = await h.json('GET', `/v1/plans/${PLAN}/progress?year=2030`, { token: provinceViewer });
    expect(year.status).toBe(400);
    expect(year.body.errors[0].path).toBe('query.year');
    const unknownPlan = await h.json('POST', '/v1/plans/nowhere-2024/actuals', {
      token: provinceEditor,
      body: { actuals: [{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 1 }] },
    });
    expect(unknownPlan.status).toBe(404);
  });

  it('keeps roles and scope: viewers do not record, a commune token reaches only what went wholly into it', async () => {
    const viewer = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: provinceViewer,
      body: { actuals: [{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 1 }] },
    });
    expect(viewer.status).toBe(403);
    // Old Xã Ia RBol (24064) went wholly into new Xã Ia Rbol (24065): in the commune editor's scope.
    const own = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: communeEditor,
      body: { actuals: [{ indicator: 'commune_radio', unitCode: '24064', year: 2024, value: 1 }] },
    });
    expect(own.status).toBe(200);
    // Its district is not.
    const district = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: communeEditor,
      body: { actuals: [{ indicator: 'commune_radio', unitCode: '624', year: 2024, value: 1 }] },
    });
    expect(district.status).toBe(403);
    expect(district.body.code).toBe('out_of_scope');
    expect(district.body.detail).toContain('body.actuals[0].unitCode');
    // Progress rows are district and province rows: none of them lies within one commune.
    const rows = await h.json('GET', `/v1/plans/${PLAN}/progress?year=2024`, { token: communeEditor });
    expect(rows.status).toBe(200);
    expect(rows.body.rows).toEqual([]);
    const outside = await h.json('GET', `/v1/plans/${PLAN}/progress?unit=624`, { token: communeEditor });
    expect(outside.status).toBe(403);
    // A province token sees the province and all 17 districts.
    const all = PlanProgressSchema.parse(
      (await h.json('GET', `/v1/plans/${PLAN}/progress?year=2024`, { token: provinceViewer })).body,
    );
    expect(new Set(all.rows.map((r) => r.unitCode)).size).toBe(18);
    // And every year when none is asked for.
    const years = PlanProgressSchema.parse(
      (await h.json('GET', `/v1/plans/${PLAN}/progress`, { token: provinceViewer })).body,
    );
    expect(new Set(years.rows.map((r) => r.year))).toEqual(new Set([2021, 2022, 2023, 2024, 2025]));
    expect(years.year).toBeUndefined();
  });

  it('says where each actual came from: recorded by a person, proven by the registry, or both in a sum', async () => {
    // Xã Gào (23611) of Pleiku, recorded for 2024 (no registry actuals) and 2025 (Pleiku's other
    // communes are proven by the registry).
    const recorded = await h.json('POST', `/v1/plans/${PLAN}/actuals`, {
      token: provinceEditor,
      body: {
        actuals: [
          { indicator: 'commune_radio_ict', unitCode: '23611', year: 2024, value: 1 },
          { indicator: 'commune_radio', unitCode: '23611', year: 2025, value: 1 },
        ],
      },
    });
    expect(recorded.status).toBe(200);
    const read = async (year: number) =>
      PlanProgressSchema.parse(
        (await h.json('GET', `/v1/plans/${PLAN}/progress?year=${year}`, { token: provinceViewer })).body,
      ).rows;
    const y2024 = await read(2024);
    // A sum of recorded actuals only (with communes missing) is recorded.
    expect(row(y2024, 'commune_radio_ict', '622', 2024)).toMatchObject({
      actual: 1,
      actualStatus: 'provisional',
      source: 'recorded',
    });
    expect(row(y2024, 'commune_radio_ict', '64', 2024)).toMatchObject({ actual: 1, source: 'recorded' });
    // No actual, no source.
    const empty = row(y2024, 'commune_radio_ict', '623', 2024);
    expect(empty?.actual).toBeNull();
    expect(empty).not.toHaveProperty('source');
    const y2025 = await read(2025);
    // Pleiku 2025 sums Xã Gào's recorded actual and the communes the registry proves: registry.
    expect(row(y2025, 'commune_radio', '622', 2025)).toMatchObject({
      actual: 6,
      actualStatus: 'estimated',
      source: 'registry',
    });
    // Ayun Pa's own recorded actual hides the registry-proven communes under it.
    expect(row(y2025, 'commune_radio', '624', 2025)).toMatchObject({ actual: 6, source: 'recorded' });
    expect(row(y2025, 'commune_radio', '64', 2025)).toMatchObject({ source: 'registry' });
    for (const r of [...y2024, ...y2025]) expect(r.actual === null, r.unitCode).toBe(r.source === undefined);
  });
});
