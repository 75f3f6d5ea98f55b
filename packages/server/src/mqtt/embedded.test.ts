import { randomBytes } from 'node:crypto';
import { type Bulletin, exampleFloodWarning } from '@nguon/bulletin';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db';
import { ServerError } from '../errors';
import { newUlid } from '../ids';
import { DIALECTS } from '../test-support';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker';
import {
  makeDevice,
  openTestDb,
  registerDevice,
  scope,
  type TestDevice,
  until,
} from './dispatch-test-support';
import { createDispatcher, type Dispatcher } from './dispatcher';
import { hashMqttPassword, newMqttPassword } from './secrets';

const P = '52';
const C1 = '24065';

describe.each(DIALECTS)('dispatcher on the embedded authenticated broker and %s', (dialect) => {
  let db: Database;
  let drop: () => Promise<void>;
  let broker: EmbeddedBroker;
  let dispatcher: Dispatcher;
  const refreshed: string[] = [];
  const devices: TestDevice[] = [];
  const run = randomBytes(3).toString('hex');

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(dialect));
    const system = { username: `nguon-system-${run}`, password: newMqttPassword() };
    broker = await startEmbeddedBroker({ db, province: P, port: 0, wsPort: false, system });
    dispatcher = await createDispatcher({
      db,
      province: P,
      mqtt: { url: broker.url, clientId: system.username, ...system },
      endpoints: { url: broker.url },
      units: scope,
      receipts: { threads: 1 },
      logger: pino({ level: 'warn' }),
      onBrokerAuthChange: async (deviceId) => {
        refreshed.push(deviceId);
        await broker.refresh(deviceId);
      },
    });
  });

  afterAll(async () => {
    for (const d of devices) await d.stop().catch(() => undefined);
    await dispatcher?.close();
    await broker?.close();
    await drop?.();
  });

  it('a wrong system password is a clear error, not a hang', async () => {
    const error = await createDispatcher({
      db,
      province: P,
      mqtt: {
        url: broker.url,
        clientId: `intruder-${run}`,
        username: `nguon-system-${run}`,
        password: 'wrong',
        connectTimeoutMs: 1_500,
      },
      endpoints: { url: broker.url },
      units: scope,
    }).catch((e: unknown) => e);
    expect(ServerError.isInstance(error) && error.code).toBe('config');
    expect((error as Error).message).toContain(`could not connect to ${broker.url}`);
  });

  it('a device registered while running logs in after deviceChanged, is welcomed and acks a bulletin', async () => {
    const id = `loa-emb-${run}`;
    const password = newMqttPassword();
    const key = await registerDevice(db, id, [C1]);
    await db.kysely
      .updateTable('devices')
      .set({ secret_hash: hashMqttPassword(password) })
      .where('id', '=', id)
      .execute();
    await dispatcher.deviceChanged(id);
    expect(refreshed).toEqual([id]);
    const d = makeDevice({
      url: broker.url,
      province: P,
      id,
      units: [C1],
      ...(await dispatcher.trust()),
      privateJwk: key.privateJwk,
      password,
    });
    devices.push(d);
    await d.client.start();
    await d.waitFor((e) => e.type === 'welcome');
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
    await dispatcher.publishBulletin(bulletin);
    await d.waitFor((e) => e.type === 'ack' && e.ok && e.topic.endsWith(`/area/${C1}`));
    const row = await until(
      () =>
        db.kysely
          .selectFrom('deliveries')
          .select('state')
          .where('bulletin_id', '=', bulletin.id)
          .where('device_id', '=', id)
          .executeTakeFirst(),
      (r) => r?.state === 'acked' || r?.state === 'played',
    );
    expect(row).toBeDefined();
    // The receipt of the play is stored and committed through the authenticated broker too.
    await d.waitFor((e) => e.type === 'receipt' && e.bulletinId === bulletin.id);
    await until(
      async () => d.client.pendingReceipts(),
      (p) => p.length === 0,
    );
  });
});
