import { BroadcastReportSchema, DeviceReportSchema } from '@nguon/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type Harness, startHarness } from '../test-support';
import { insertDevice, insertPresence, insertReceipt } from './report-fixtures';
import { onlineMs, type PresenceEvent } from './reports';

const DAY = 24 * 3_600_000;

/** Brute force: the state at every whole time step of [from, to). */
function bruteOnline(events: readonly PresenceEvent[], from: number, to: number, before: boolean): number {
  let total = 0;
  for (let t = from; t < to; t++) {
    let online = before;
    for (const e of events) if (e.at <= t) online = e.online === 1;
    if (online) total++;
  }
  return total;
}

describe('onlineMs (uptime arithmetic)', () => {
  it('equals a brute-force count and stays within the window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.integer({ min: 0, max: 120 }), online: fc.integer({ min: 0, max: 1 }) }),
          {
            maxLength: 30,
          },
        ),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 120 }),
        fc.boolean(),
        (raw, a, b, before) => {
          const events = [...raw].sort((x, y) => x.at - y.at);
          const [from, to] = a <= b ? [a, b] : [b, a];
          const ms = onlineMs(events, from, to, before);
          expect(ms).toBe(bruteOnline(events, from, to, before));
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(to - from);
          if (to > from) {
            const pct = (ms / (to - from)) * 100;
            expect(pct).toBeGreaterThanOrEqual(0);
            expect(pct).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts an online spell until the next offline and a last online spell until the end', () => {
    expect(
      onlineMs(
        [
          { at: 10, online: 1 },
          { at: 30, online: 0 },
        ],
        0,
        100,
        false,
      ),
    ).toBe(20);
    expect(onlineMs([{ at: 90, online: 1 }], 0, 100, true)).toBe(100);
    expect(
      onlineMs(
        [
          { at: -5, online: 1 },
          { at: 50, online: 0 },
        ],
        0,
        100,
        false,
      ),
    ).toBe(50);
    expect(onlineMs([], 0, 100, false)).toBe(0);
  });
});

describe.each(DIALECTS)('reports on %s', (dialect) => {
  let h: Harness;
  let province: string;
  let commune: string;
  let pleiku: string;
  let t0: number;
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    h = await startHarness(dialect, { start: '2026-11-26T01:00:00Z' });
    province = await h.token('viewer', ['52']);
    commune = await h.token('operator', ['24065']);
    pleiku = await h.token('editor', ['23575']);
    t0 = h.clock.time;
    const old = iso(t0 - 40 * DAY);
    // Ia Rbol: r1 online 10→5 days ago and again for the last day (6 of 30 days); r2 never online.
    await insertDevice(h.db, {
      id: 'r1',
      kind: 'radio',
      units: ['24065'],
      path: '|24065|52|',
      online: true,
      createdAt: old,
    });
    await insertDevice(h.db, {
      id: 'r2',
      kind: 'radio',
      units: ['24065'],
      path: '|24065|52|',
      online: false,
      createdAt: old,
    });
    await insertPresence(h.db, 'r1', true, iso(t0 - 10 * DAY));
    await insertPresence(h.db, 'r1', false, iso(t0 - 5 * DAY));
    await insertPresence(h.db, 'r1', true, iso(t0 - DAY));
    // Phường Pleiku: r3 registered 10 days ago and online since.
    await insertDevice(h.db, {
      id: 'r3',
      kind: 'radio',
      units: ['23575'],
      path: '|23575|52|',
      online: true,
      createdAt: iso(t0 - 10 * DAY),
    });
    await insertPresence(h.db, 'r3', true, iso(t0 - 10 * DAY));
    // Quy Nhơn Bắc: b1 went offline before the window.
    await insertDevice(h.db, {
      id: 'b1',
      kind: 'board',
      units: ['21553'],
      path: '|21553|52|',
      online: false,
      createdAt: old,
    });
    await insertPresence(h.db, 'b1', true, iso(t0 - 40 * DAY));
    await insertPresence(h.db, 'b1', false, iso(t0 - 35 * DAY));
    // Another province.
    await insertDevice(h.db, {
      id: 'x1',
      kind: 'radio',
      units: ['00004'],
      path: '|00004|01|',
      online: true,
      createdAt: old,
    });
    await insertPresence(h.db, 'x1', true, iso(t0 - 3 * DAY));

    // Receipts of November 2026.
    await insertReceipt(h.db, {
      deviceId: 'r1',
      bulletinId: 'b-1',
      path: '|24065|52|',
      startedAt: '2026-11-05T01:00:00Z',
      durationSec: 120,
    });
    await insertReceipt(h.db, {
      deviceId: 'r1',
      bulletinId: 'b-2',
      path: '|24065|52|',
      startedAt: '2026-11-06T01:00:00Z',
      durationSec: 60,
      outcome: 'interrupted',
    });
    await insertReceipt(h.db, {
      deviceId: 'r1',
      bulletinId: 'b-9',
      path: '|24065|52|',
      startedAt: '2026-11-07T01:00:00Z',
      durationSec: 600,
      verified: false,
    });
    await insertReceipt(h.db, {
      deviceId: 'r1',
      bulletinId: 'b-8',
      path: '|24065|52|',
      startedAt: '2026-10-31T23:59:59Z',
      durationSec: 600,
    });
    await insertReceipt(h.db, {
      deviceId: 'r3',
      bulletinId: 'b-1',
      path: '|23575|52|',
      startedAt: '2026-11-10T01:00:00Z',
      durationSec: 300,
    });
    await insertReceipt(h.db, {
      deviceId: 'r3',
      bulletinId: 'b-3',
      path: '|23575|52|',
      startedAt: '2026-11-11T01:00:00Z',
      durationSec: 0,
      outcome: 'skipped',
    });
    await insertReceipt(h.db, {
      deviceId: 'x1',
      bulletinId: 'b-7',
      path: '|00004|01|',
      startedAt: '2026-11-12T01:00:00Z',
      durationSec: 60,
    });
    // December: one device serving two communes.
    await insertDevice(h.db, {
      id: 'm1',
      kind: 'radio',
      units: ['24065', '23575'],
      path: '|24065|23575|52|',
      online: false,
      createdAt: old,
    });
    await insertReceipt(h.db, {
      deviceId: 'm1',
      bulletinId: 'b-4',
      path: '|24065|23575|52|',
      startedAt: '2026-12-02T01:00:00Z',
      durationSec: 90,
    });
  });
  afterAll(() => h.close());

  const november = '/v1/reports/broadcasts?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';

  it('reports plays, minutes on air, bulletins and devices per commune from verified receipts in [from, to)', async () => {
    const res = await h.json('GET', november, { token: province });
    expect(res.status).toBe(200);
    const r = BroadcastReportSchema.parse(res.body);
    expect(r.units).toEqual([
      { unitCode: '23575', plays: 1, minutesOnAir: 5, bulletins: 1, devicesReporting: 1 },
      { unitCode: '24065', plays: 1, minutesOnAir: 3, bulletins: 2, devicesReporting: 1 },
    ]);
    expect(r.totals).toEqual({ plays: 2, minutesOnAir: 8, bulletins: 2, devicesReporting: 2 });
    expect(r.from).toBe('2026-11-01T00:00:00.000Z');
  });

  it('limits the broadcast report to the token scope and the unit asked for', async () => {
    const own = BroadcastReportSchema.parse((await h.json('GET', november, { token: commune })).body);
    expect(own.units.map((u) => u.unitCode)).toEqual(['24065']);
    expect(own.totals.plays).toBe(1);
    const one = BroadcastReportSchema.parse(
      (await h.json('GET', `${november}&unit=23575`, { token: province })).body,
    );
    expect(one.units.map((u) => u.unitCode)).toEqual(['23575']);
    expect(one.totals.minutesOnAir).toBe(5);
    const outside = await h.json('GET', `${november}&unit=23575`, { token: commune });
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('out_of_scope');
  });

  it('counts a device of two communes in each commune and once in the totals', async () => {
    const res = await h.json(
      'GET',
      '/v1/reports/broadcasts?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z',
      {
        token: province,
      },
    );
    const r = BroadcastReportSchema.parse(res.body);
    expect(r.units.map((u) => [u.unitCode, u.plays, u.minutesOnAir])).toEqual([
      ['23575', 1, 1.5],
      ['24065', 1, 1.5],
    ]);
    expect(r.totals).toEqual({ plays: 1, minutesOnAir: 1.5, bulletins: 1, devicesReporting: 1 });
    const pleikuOnly = BroadcastReportSchema.parse(
      (
        await h.json('GET', '/v1/reports/broadcasts?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z', {
          token: pleiku,
        })
      ).body,
    );
    expect(pleikuOnly.units.map((u) => u.unitCode)).toEqual(['23575']);
  });

  it('rejects a reversed window, a bad time and a missing token', async () => {
    const reversed = await h.json(
      'GET',
      '/v1/reports/broadcasts?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z',
      {
        token: province,
      },
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors[0].path).toBe('query.to');
    const bad = await h.json('GET', '/v1/reports/broadcasts?from=yesterday&to=2026-11-01T00:00:00Z', {
      token: province,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.from');
    expect((await h.json('GET', '/v1/reports/devices')).status).toBe(401);
    const unknown = await h.json('GET', '/v1/reports/devices?unit=99999', { token: province });
    expect(unknown.status).toBe(400);
  });

  it('reports devices, online, 30-day uptime and coverage per commune', async () => {
    const res = await h.json('GET', '/v1/reports/devices', { token: province });
    expect(res.status).toBe(200);
    const r = DeviceReportSchema.parse(res.body);
    const byCode = new Map(r.units.map((u) => [u.unitCode, u]));
    // r1: 6 of 30 days, r2: 0 of 30 days, m1: 0 of 30 days → 6 of 90 device-days.
    expect(byCode.get('24065')).toMatchObject({ devices: 3, online: 1, covered: true });
    expect(byCode.get('24065')?.uptimePct).toBeCloseTo((6 / 90) * 100, 1);
    // r3 registered 10 days ago and online since: 100 %; m1 offline: 0 of 30 days → 10 of 40.
    expect(byCode.get('23575')).toMatchObject({ devices: 2, online: 1, covered: true });
    expect(byCode.get('23575')?.uptimePct).toBeCloseTo(25, 1);
    expect(byCode.get('21553')).toMatchObject({ devices: 1, online: 0, uptimePct: 0, covered: false });
    expect(byCode.has('00004')).toBe(false);
    // Every commune of the province is listed; two of them are covered.
    const communes = r.units.length;
    expect(communes).toBeGreaterThan(100);
    expect(r.units.filter((u) => u.devices === 0).every((u) => !u.covered && u.uptimePct === 0)).toBe(true);
    expect(r.coveragePct).toBeCloseTo((2 / communes) * 100, 1);
  });

  it('never answers 500 to arbitrary report and progress queries (property)', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '2026-11-01T00:00:00Z',
        '2026-11-01T00:00:00+07:00',
        '9999-12-31T23:59:59Z',
        '52',
        '24065',
        '64',
        '622',
      ),
    );
    await fc.assert(
      fc.asyncProperty(text, text, text, async (from, to, unit) => {
        const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
        for (const path of [
          `/v1/reports/broadcasts?${q({ from, to, unit })}`,
          `/v1/reports/devices?${q({ unit })}`,
          `/v1/plans/gia-lai-2024/progress?${q({ year: from, unit })}`,
        ]) {
          const res = await h.call('GET', path, { token: commune });
          await res.arrayBuffer();
          expect(res.status, path).toBeLessThan(500);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('limits the device report to the scope and the unit asked for', async () => {
    const own = DeviceReportSchema.parse(
      (await h.json('GET', '/v1/reports/devices', { token: commune })).body,
    );
    expect(own.units.map((u) => u.unitCode)).toEqual(['24065']);
    expect(own.coveragePct).toBe(100);
    const asked = DeviceReportSchema.parse(
      (await h.json('GET', '/v1/reports/devices?unit=21553', { token: province })).body,
    );
    expect(asked.units).toEqual([{ unitCode: '21553', devices: 1, online: 0, uptimePct: 0, covered: false }]);
    expect(asked.coveragePct).toBe(0);
    const outside = await h.json('GET', '/v1/reports/devices?unit=21553', { token: commune });
    expect(outside.status).toBe(403);
  });
});
