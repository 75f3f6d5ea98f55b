// Times the report routes at national size: 10,000 devices over every commune in force today,
// 3 presence changes and 5 receipts each. Run from packages/server:
//   npx tsx --conditions=@nguon/source scripts/reports-bench.ts [sqlite|postgres] [start time]
// With a start time in 2025 (a year of the Gia Lai plan) the progress includes the registry actuals.
import { loadUnits } from '@nguon/areas';
import { registeredDeviceRow } from '../src/routes/devices';
import { ADMIN, startHarness, type TestDialect } from '../src/test-support';

const dialect = (process.argv[2] ?? 'sqlite') as TestDialect;
const DAY = 24 * 3_600_000;
const h = await startHarness(dialect, process.argv[3] ? { start: process.argv[3] } : {});
const t0 = h.clock.time;
const registry = loadUnits();
const today = new Date(t0 + 7 * 3_600_000).toISOString().slice(0, 10);
const communes = registry.unitsAt(today, { level: 'commune' });
const iso = (ms: number) => new Date(ms).toISOString();
const devices = [];
const presence = [];
const receipts = [];
for (let i = 0; i < 10_000; i++) {
  const c = communes[i % communes.length]!;
  const path = `|${c.code}|${c.parent}|`;
  const id = `dev-${i}`;
  devices.push({
    ...registeredDeviceRow({
      id,
      kind: i % 3 === 0 ? 'board' : 'radio',
      units: [c.code],
      vendor: 'bench',
      model: 'm',
      publicKey: 'A'.repeat(43),
      createdAt: iso(t0 - 60 * DAY),
      secretHash: 'x',
      unitPath: path,
    }),
    online: i % 4 === 0 ? 0 : 1,
    presence_session: 1,
  });
  presence.push(
    { device_id: id, session: 1, online: 1, at: iso(t0 - 40 * DAY) },
    { device_id: id, session: 1, online: 0, at: iso(t0 - (5 + (i % 20)) * DAY) },
    { device_id: id, session: 1, online: 1, at: iso(t0 - (i % 5) * DAY) },
  );
  for (let j = 0; j < 5; j++) {
    receipts.push({
      device_id: id,
      seq: j + 1,
      bulletin_id: `b-${(i + j) % 200}`,
      media_sha256: null,
      lang: 'vi',
      started_at: iso(t0 - (j + 1) * DAY),
      ended_at: iso(t0 - (j + 1) * DAY + 60_000),
      outcome: j === 4 ? 'interrupted' : 'completed',
      reason: null,
      offline: 0,
      verified: 1,
      duration_sec: 60,
      unit_path: path,
      received_at: iso(t0),
      jws: 'x',
    });
  }
}
const insert = async (table: 'devices' | 'presence_log' | 'receipts', rows: Record<string, unknown>[]) => {
  for (let i = 0; i < rows.length; i += 500) {
    await h.db.kysely
      .insertInto(table)
      .values(rows.slice(i, i + 500) as never)
      .execute();
  }
};
await insert('devices', devices);
await insert('presence_log', presence);
await insert('receipts', receipts);
const time = async (label: string, path: string) => {
  const times = [];
  let status = 0;
  let size = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    const res = await h.call('GET', path, { token: ADMIN });
    size = (await res.text()).length;
    status = res.status;
    times.push(Math.round(performance.now() - start));
  }
  console.log(`${dialect} ${label}: ${status}, ${size} bytes, ${times.join(' / ')} ms`);
};
await time('devices report (national admin)', '/v1/reports/devices');
await time('devices report (province 52)', '/v1/reports/devices?unit=52');
await time(
  'broadcast report, 7 days (national admin)',
  `/v1/reports/broadcasts?from=${iso(t0 - 7 * DAY)}&to=${iso(t0)}`,
);
await time('plan progress, all years', '/v1/plans/gia-lai-2024/progress');
await h.close();
