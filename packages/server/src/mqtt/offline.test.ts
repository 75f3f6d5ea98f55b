import { randomBytes } from 'node:crypto';
import { type Bulletin, exampleFloodWarning } from '@nguon/bulletin';
import { startBroker, type TestBroker } from '@nguon/device/test';
import { presenceTopic } from '@nguon/protocol';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../db';
import { newUlid } from '../ids';
import { DIALECTS } from '../test-support';
import {
  makeDevice,
  openTestDb,
  registerDevice,
  scope,
  type TestDevice,
  until,
} from './dispatch-test-support';
import { createDispatcher, type Dispatcher } from './dispatcher';

const P = '52';
const C1 = '24065';

describe.each(DIALECTS)('dispatcher while the broker is away, on %s', (dialect) => {
  let db: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  let broker: TestBroker | undefined;
  let dispatcher: Dispatcher | undefined;
  let device: TestDevice | undefined;

  afterAll(async () => {
    await device?.stop().catch(() => undefined);
    await dispatcher?.close();
    await broker?.close();
    await drop?.();
  });

  it('a publish with the broker down returns within seconds; the bulletin reaches the device after the restart', async () => {
    ({ db, drop } = await openTestDb(dialect));
    broker = await startBroker();
    const port = broker.port;
    dispatcher = await createDispatcher({
      db,
      province: P,
      mqtt: { url: broker.url, clientId: `nguon-offline-${randomBytes(3).toString('hex')}` },
      endpoints: { url: broker.url },
      units: scope,
      receipts: { threads: 1 },
      logger: pino({ level: 'error' }),
    });
    const id = `loa-off-${randomBytes(3).toString('hex')}`;
    const key = await registerDevice(db, id, [C1]);
    device = makeDevice({
      url: broker.url,
      province: P,
      id,
      units: [C1],
      ...(await dispatcher.trust()),
      privateJwk: key.privateJwk,
    });
    await device.client.start();
    await device.waitFor((e) => e.type === 'welcome');

    await device.stop();
    await broker.close();
    const bulletin: Bulletin = {
      ...exampleFloodWarning,
      id: newUlid(),
      contents: [{ lang: 'vi', title: 'Cảnh báo', text: 'Người dân di chuyển đến nơi cao.' }],
      targets: { units: { at: '2025-07-01', codes: [C1] } },
      schedule: {
        start: new Date(Date.now() - 60_000).toISOString(),
        end: new Date(Date.now() + 600_000).toISOString(),
      },
    };
    // What the workflow stores before it calls the hub.
    const at = new Date().toISOString();
    await db.kysely
      .insertInto('bulletins')
      .values({
        id: bulletin.id,
        version: bulletin.version,
        status: 'published',
        priority: bulletin.priority,
        category: bulletin.category,
        start_at: bulletin.schedule.start,
        created_at: at,
        updated_at: at,
        published_at: at,
        body: JSON.stringify(bulletin),
        cap: null,
      })
      .execute();
    const started = Date.now();
    await dispatcher.publishBulletin(bulletin);
    expect(Date.now() - started).toBeLessThan(7_000);
    const stored = await db.kysely
      .selectFrom('commands')
      .select('target')
      .where('bulletin_id', '=', bulletin.id)
      .execute();
    expect(stored).toEqual([{ target: `area:${C1}` }]);

    broker = await startBroker({ port });
    // The dispatcher is back (reconnected and subscribed again) once it takes a presence.
    const probe = `probe-${randomBytes(3).toString('hex')}`;
    await registerDevice(db, probe, [C1]);
    const raw = await mqtt.connectAsync(broker.url, { clientId: `raw-${probe}` });
    let session = 0;
    await until(
      async () => {
        session++;
        await raw.publishAsync(
          presenceTopic(P, probe),
          JSON.stringify({ online: true, session, ts: new Date().toISOString() }),
          { qos: 1 },
        );
        await new Promise((r) => setTimeout(r, 100));
        return (db as Database).kysely
          .selectFrom('presence_log')
          .select('seq')
          .where('device_id', '=', probe)
          .execute();
      },
      (rows) => rows.length > 0,
      20_000,
    );
    await raw.endAsync();
    // The device restarts (a reboot: new memory store) and says hello: the bulletin is re-sent.
    device = makeDevice({
      url: broker.url,
      province: P,
      id,
      units: [C1],
      ...(await dispatcher.trust()),
      privateJwk: key.privateJwk,
    });
    await device.client.start();
    const command = await device.waitFor(
      (e) => e.type === 'command' && e.bulletinId === bulletin.id && e.ok && e.duplicate !== true,
      20_000,
    );
    expect(command).toBeDefined();
    await until(
      () =>
        (db as Database).kysely
          .selectFrom('deliveries')
          .select('state')
          .where('bulletin_id', '=', bulletin.id)
          .where('device_id', '=', id)
          .executeTakeFirst(),
      (r) => r?.state === 'acked' || r?.state === 'played',
      20_000,
    );
  }, 60_000);
});
