// Registration over HTTP with the real MQTT side: the embedded broker, the dispatcher and a device.
import { randomBytes } from 'node:crypto';
import { DeliverySchema, DeviceCommandResultSchema, DeviceRegisteredSchema, DeviceSchema } from '@nguon/api';
import { DeviceClient, MemoryBlobStore, MemoryStore, NullAdapter } from '@nguon/device';
import { generateDeviceKey } from '@nguon/device/test';
import { nodeBackend } from '@nguon/protocol/node';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db';
import { type EmbeddedBroker, startEmbeddedBroker } from '../mqtt/broker';
import { anc, openTestDb, startApi, until } from '../mqtt/dispatch-test-support';
import { createDispatcher, type Dispatcher } from '../mqtt/dispatcher';
import { ADMIN, DIALECTS } from '../test-support';

describe.each(DIALECTS)('a device registered over HTTP on the embedded broker and %s', (dialect) => {
  let db: Database;
  let drop: () => Promise<void>;
  let broker: EmbeddedBroker;
  let dispatcher: Dispatcher;
  let api: Awaited<ReturnType<typeof startApi>>;
  let operator: string;
  const clients: DeviceClient[] = [];

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(dialect));
    const system = { username: 'nguon-system', password: randomBytes(24).toString('base64url') };
    broker = await startEmbeddedBroker({ db, province: '52', port: 0, wsPort: false, system });
    dispatcher = await createDispatcher({
      db,
      province: '52',
      mqtt: { url: broker.url, ...system, clientId: `nguon-52-test-${randomBytes(4).toString('hex')}` },
      endpoints: { url: broker.url },
      anc,
      onBrokerAuthChange: (id) => broker.refresh(id),
    });
    api = await startApi(db, dispatcher);
    operator = (
      await api.call('POST', '/v1/tokens', ADMIN, { role: 'operator', units: ['24065'], label: 'Xã Ia Rbol' })
    ).token;
  });
  afterAll(async () => {
    for (const c of clients) await c.stop();
    await api?.close();
    await dispatcher?.close();
    await broker?.close();
    await drop?.();
  });

  it('goes online with the credentials, topics and trust it got, takes a ping and plays a bulletin', async () => {
    const key = await generateDeviceKey('pending');
    const registered = DeviceRegisteredSchema.parse(
      await api.call('POST', '/v1/devices', operator, {
        kind: 'radio',
        units: ['24065'],
        vendor: 'Acme Audio',
        model: 'IPL-200',
        publicKey: key.anchor.publicKey,
      }),
    );
    // A wrong password is refused by the broker.
    const intruder = mqtt.connect(broker.url, {
      clientId: registered.id,
      username: registered.id,
      password: 'not-the-password',
      reconnectPeriod: 0,
    });
    const refused = await new Promise<boolean>((resolve) => {
      intruder.once('connect', () => resolve(false));
      intruder.once('error', () => resolve(true));
    });
    intruder.end(true);
    expect(refused).toBe(true);

    const client = new DeviceClient({
      deviceId: registered.id,
      province: '52',
      kind: 'radio',
      units: ['24065'],
      mqtt: registered.mqtt,
      trust: registered.trust,
      ...(registered.trustVersion ? { trustVersion: registered.trustVersion } : {}),
      privateKey: key.privateJwk,
      keyId: registered.id,
      store: new MemoryStore(),
      blobs: new MemoryBlobStore(),
      adapter: new NullAdapter({ kind: 'radio', defaultDurationSec: 1 }),
      vendor: 'Acme Audio',
      model: 'IPL-200',
      firmware: '2.4.1',
      verifyBackend: nodeBackend,
      reconnect: { minMs: 100, maxMs: 500 },
    });
    clients.push(client);
    await client.start();
    const device = await until(
      async () => DeviceSchema.parse(await api.call('GET', `/v1/devices/${registered.id}`, operator)),
      (d) => d.presence.online && d.firmware === '2.4.1',
    );
    expect(device.presence.since).toBeDefined();
    const online = await api.call('GET', '/v1/devices?online=true', operator);
    expect(online.items.map((d: { id: string }) => d.id)).toEqual([registered.id]);

    const ping = DeviceCommandResultSchema.parse(
      await api.call('POST', `/v1/devices/${registered.id}/commands`, operator, {
        type: 'device.ping',
        wait: true,
      }),
    );
    expect(ping.state).toBe('acked');
    expect(ping.ack?.ok).toBe(true);

    const published = await api.publish(['24065']);
    const delivery = await until(
      async () =>
        DeliverySchema.parse(await api.call('GET', `/v1/bulletins/${published.id}/delivery`, operator)),
      (d) => d.played === 1,
      15_000,
    );
    expect(delivery).toMatchObject({ targeted: 1, acked: 1, played: 1, failed: 0, pending: 0 });
    expect(delivery.byUnit).toEqual([
      { unitCode: '24065', targeted: 1, acked: 1, played: 1, failed: 0, pending: 0 },
    ]);
    expect(delivery.devices[0]).toMatchObject({
      deviceId: registered.id,
      state: 'played',
      outcome: 'completed',
    });
  }, 30_000);
});
