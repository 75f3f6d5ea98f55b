import { randomBytes } from 'node:crypto';
import { type Bulletin, exampleFloodWarning } from '@nguon/bulletin';
import { mosquittoUrl } from '@nguon/device/test';
import { presenceTopic } from '@nguon/protocol';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db';
import { newUlid } from '../ids';
import { makeDevice, openTestDb, registerDevice, type TestDevice, until } from './dispatch-test-support';
import { createDispatcher, type Dispatcher } from './dispatcher';

// A province code no real test uses, random device ids and a group of this run only: parallel runs on
// the shared Mosquitto do not see each other.
const P = '96';
const UNITS = ['96001', '96002'];
const anc = (code: string) => (code === P ? [] : [P]);

describe('two dispatchers on one Mosquitto and one PostgreSQL schema', () => {
  const run = randomBytes(3).toString('hex');
  const clientIds = [`nguon-${P}-a-${run}`, `nguon-${P}-b-${run}`];
  const url = mosquittoUrl();
  let db: Database;
  let drop: () => Promise<void>;
  let a: Dispatcher;
  let b: Dispatcher;
  const devices: TestDevice[] = [];
  const ids = Array.from({ length: 4 }, (_, i) => `loa-${run}-${i}`);

  beforeAll(async () => {
    ({ db, drop } = await openTestDb('postgres'));
    // A speaks MQTT 3.1.1, B MQTT 5: shared subscriptions and persistent sessions work on both.
    const make = (clientId: string, i: number) =>
      createDispatcher({
        db,
        province: P,
        mqtt: { url, clientId, protocolVersion: i === 0 ? 4 : 5 },
        endpoints: { url },
        anc,
        sharedGroup: `nguon${run}`,
        statusFlushMs: 100,
        receipts: { threads: 1 },
        logger: pino({ level: 'warn' }),
      });
    [a, b] = (await Promise.all(clientIds.map(make))) as [Dispatcher, Dispatcher];
    const trustA = await a.trust();
    expect(await b.trust()).toEqual(trustA);
    for (const [i, id] of ids.entries()) {
      const units = [UNITS[i % 2] as string];
      const key = await registerDevice(db, id, units, 'radio', anc);
      devices.push(
        makeDevice({ url, province: P, id, units, ...trustA, privateJwk: key.privateJwk, playSec: 1 }),
      );
    }
  });

  afterAll(async () => {
    for (const d of devices) await d.stop().catch(() => undefined);
    await a?.close();
    await b?.close();
    // Leave nothing behind on the shared broker: retained presence and the persistent sessions.
    const cleaner = await mqtt.connectAsync(url, { clientId: `cleaner-${run}`, clean: true });
    for (const id of ids) await cleaner.publishAsync(presenceTopic(P, id), '', { qos: 1, retain: true });
    await cleaner.endAsync();
    for (const clientId of clientIds) {
      const c = await mqtt.connectAsync(url, { clientId, clean: true });
      await c.endAsync();
    }
    await drop?.();
  });

  it('answers each hello with exactly one welcome, and takes each presence once', async () => {
    await Promise.all(devices.map((d) => d.client.start()));
    await Promise.all(devices.map((d) => d.waitFor((e) => e.type === 'welcome')));
    await new Promise((r) => setTimeout(r, 500));
    for (const d of devices) expect(d.events.filter((e) => e.type === 'welcome')).toHaveLength(1);
    const hellos = (a.stats().events.hello ?? 0) + (b.stats().events.hello ?? 0);
    expect(hellos).toBe(devices.length);
    // The shared subscription spreads the hellos over both instances.
    expect(a.stats().events.hello ?? 0).toBeGreaterThan(0);
    expect(b.stats().events.hello ?? 0).toBeGreaterThan(0);
    // Both instances see every presence; the conditional update lets one of them log it.
    const log = await until(
      () => db.kysely.selectFrom('presence_log').select(['device_id', 'session', 'online']).execute(),
      (rows) => rows.length >= devices.length,
    );
    await new Promise((r) => setTimeout(r, 300));
    const again = await db.kysely.selectFrom('presence_log').select(['device_id']).execute();
    expect(again.length).toBe(devices.length);
    expect(new Set(log.map((r) => r.device_id))).toEqual(new Set(ids));
  });

  it('a bulletin published by A is acked whichever instance handles the acks; receipts are stored once and committed', async () => {
    const bulletin: Bulletin = {
      ...exampleFloodWarning,
      id: newUlid(),
      contents: [{ lang: 'vi', title: 'Cảnh báo lũ', text: 'Người dân di chuyển đến nơi cao.' }],
      targets: { units: { at: '2025-07-01', codes: [P, UNITS[0] as string] } },
      schedule: {
        start: new Date(Date.now() - 60_000).toISOString(),
        end: new Date(Date.now() + 3_600_000).toISOString(),
      },
    };
    const sentBefore = a.stats().commandsSent;
    await a.publishBulletin(bulletin);
    expect(a.stats().commandsSent - sentBefore).toBe(1); // one area publish (P-TP3)
    const acked = await until(
      () =>
        db.kysely
          .selectFrom('deliveries')
          .select(['device_id', 'state'])
          .where('bulletin_id', '=', bulletin.id)
          .execute(),
      (rows) => rows.length === devices.length && rows.every((r) => r.state !== 'pending'),
    );
    expect(acked.map((r) => r.state).every((s) => s === 'acked' || s === 'played')).toBe(true);
    // Each device plays once and sends one receipt; each is stored once and committed.
    await Promise.all(
      devices.map((d) => d.waitFor((e) => e.type === 'receipt' && e.bulletinId === bulletin.id)),
    );
    await until(
      async () => devices.map((d) => d.client.pendingReceipts().length),
      (pending) => pending.every((n) => n === 0),
    );
    const receipts = await db.kysely
      .selectFrom('receipts')
      .select(['device_id', 'seq', 'verified'])
      .where('bulletin_id', '=', bulletin.id)
      .execute();
    expect(receipts).toHaveLength(devices.length);
    expect(receipts.every((r) => r.verified === 1)).toBe(true);
    const committed = await db.kysely
      .selectFrom('devices')
      .select(['id', 'receipts_committed'])
      .where('id', 'in', ids)
      .execute();
    expect(committed.every((r) => r.receipts_committed === 1)).toBe(true);
    const played = await until(
      () =>
        db.kysely.selectFrom('deliveries').select('state').where('bulletin_id', '=', bulletin.id).execute(),
      (rows) => rows.every((r) => r.state === 'played'),
    );
    expect(played).toHaveLength(devices.length);
    const handled = (a.stats().receipts.received ?? 0) + (b.stats().receipts.received ?? 0);
    expect(handled).toBe(devices.length);
  });

  it('sendCommand waiting on A returns acked when B handled the ack', async () => {
    const target = ids[0] as string;
    let byB = 0;
    for (let i = 0; i < 10 && byB === 0; i++) {
      const beforeA = a.stats().events.ack ?? 0;
      const beforeB = b.stats().events.ack ?? 0;
      const sent = await a.sendCommand(target, 'device.ping', {}, { waitMs: 5_000 });
      expect(sent.state).toBe('acked');
      await new Promise((r) => setTimeout(r, 50));
      if ((b.stats().events.ack ?? 0) > beforeB && (a.stats().events.ack ?? 0) === beforeA) byB++;
    }
    expect(byB).toBe(1);
  });
});
