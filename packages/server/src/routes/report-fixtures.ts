// Rows the dispatcher writes in production (devices, presence_log, receipts), inserted directly by
// the plans and reports tests.
import type { Database } from '../db';
import { registeredDeviceRow } from './devices';

/**
 * Inserts a device row as the dispatcher would leave it (only the fields the reports read matter).
 *
 * @example
 * ```ts
 * await insertDevice(h.db, { id: 'r1', kind: 'radio', units: ['24065'], path: '|24065|52|', online: true });
 * ```
 */
export async function insertDevice(
  db: Database,
  d: {
    id: string;
    kind: 'radio' | 'board';
    units: string[];
    path: string;
    online: boolean;
    createdAt?: string;
    lastStatusAt?: string | null;
  },
): Promise<void> {
  const registered = registeredDeviceRow({
    id: d.id,
    kind: d.kind,
    units: d.units,
    vendor: 'test',
    model: 'm1',
    publicKey: 'A'.repeat(43),
    createdAt: d.createdAt ?? '2025-01-01T00:00:00.000Z',
    secretHash: 'x',
    unitPath: d.path,
  });
  await db.kysely
    .insertInto('devices')
    .values({
      ...registered,
      online: d.online ? 1 : 0,
      presence_session: 1,
      last_status_at: d.lastStatusAt ?? null,
    })
    .execute();
}

/**
 * Inserts one presence change, as the dispatcher logs it.
 *
 * @example
 * ```ts
 * await insertPresence(h.db, 'r1', true, '2026-11-20T00:00:00.000Z');
 * ```
 */
export async function insertPresence(
  db: Database,
  deviceId: string,
  online: boolean,
  at: string,
): Promise<void> {
  await db.kysely
    .insertInto('presence_log')
    .values({ device_id: deviceId, session: 1, online: online ? 1 : 0, at })
    .execute();
}

let receiptSeq = 0;

/**
 * Inserts one proof of play of a device (numbered in insertion order).
 *
 * @example
 * ```ts
 * await insertReceipt(h.db, { deviceId: 'r1', bulletinId: 'b-1', path: '|24065|52|', startedAt: '2026-11-05T01:00:00Z', durationSec: 120 });
 * ```
 */
export async function insertReceipt(
  db: Database,
  r: {
    deviceId: string;
    bulletinId: string;
    path: string;
    startedAt: string;
    durationSec: number;
    outcome?: string;
    verified?: boolean;
  },
): Promise<void> {
  receiptSeq += 1;
  const started = Date.parse(r.startedAt);
  await db.kysely
    .insertInto('receipts')
    .values({
      device_id: r.deviceId,
      seq: receiptSeq,
      bulletin_id: r.bulletinId,
      media_sha256: null,
      lang: 'vi',
      started_at: new Date(started).toISOString(),
      ended_at: new Date(started + r.durationSec * 1000).toISOString(),
      outcome: r.outcome ?? 'completed',
      reason: null,
      offline: 0,
      verified: r.verified === false ? 0 : 1,
      duration_sec: r.durationSec,
      unit_path: r.path,
      received_at: new Date(started + r.durationSec * 1000).toISOString(),
      jws: 'x.y.z',
    })
    .execute();
}
