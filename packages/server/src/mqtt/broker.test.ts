import { createServer } from 'node:net';
import { DeviceClient, MemoryBlobStore, MemoryStore, NullAdapter } from '@nguon/device';
import { generateDeviceKey } from '@nguon/device/test';
import { deviceAcl, generateSigningKey } from '@nguon/protocol';
import type { Client, PublishPacket } from 'aedes';
import fc from 'fast-check';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../db';
import { ServerError } from '../errors';
import { DIALECTS } from '../test-support';
import { type EmbeddedBroker, startEmbeddedBroker } from './broker';
import {
  COMMUNES,
  collect,
  connect,
  deviceId,
  insertDevice,
  openTestDb,
  sleep,
  subscribeGranted,
  until,
} from './broker-test-support';

const SYSTEM = { username: 'nguon-system', password: 'system-password-for-tests-0001' };
const P = '52';

describe.each(DIALECTS)('embedded broker on %s', (dialect) => {
  let db: Database;
  let drop: () => Promise<void>;
  let broker: EmbeddedBroker;
  let system: MqttClient;
  let seen: ReturnType<typeof collect>;
  const open: MqttClient[] = [];
  const a = deviceId();
  const b = deviceId();
  let passA = '';
  let passB = '';

  const device = async (id: string, password: string, url = broker.url) => {
    const client = await connect(url, { clientId: id, username: id, password });
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(dialect));
    passA = await insertDevice(db, a, [COMMUNES[0] as string]);
    passB = await insertDevice(db, b, [COMMUNES[1] as string]);
    broker = await startEmbeddedBroker({ db, province: P, port: 0, wsPort: 0, system: SYSTEM });
    system = await connect(broker.url, { clientId: 'nguon-system-test', ...SYSTEM });
    seen = collect(system);
    // the system's own subscription, shared as the dispatcher does it
    await system.subscribeAsync({
      [`$share/nguon/nguon/v1/${P}/dev/+/evt/+`]: { qos: 1 },
      [`$share/nguon/nguon/v1/${P}/dev/+/presence`]: { qos: 1 },
    });
  });

  afterAll(async () => {
    for (const client of open) client.end(true);
    system?.end(true);
    await broker?.close();
    await drop?.();
  });

  test('the broker listens where it says', () => {
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(broker.wsUrl).toBe(`ws://127.0.0.1:${broker.wsPort}`);
    expect(COMMUNES).toHaveLength(2);
  });

  test('a device logs in with its id and password; wrong ones are refused with "bad username or password"', async () => {
    const client = await device(a, passA);
    expect(client.connected).toBe(true);
    client.end(true);
    await expect(connect(broker.url, { clientId: a, username: a, password: passB })).rejects.toThrow(
      /bad username or password/i,
    );
    await expect(connect(broker.url, { clientId: a, username: a })).rejects.toThrow(
      /bad username or password/i,
    );
    const unknown = deviceId();
    await expect(
      connect(broker.url, { clientId: unknown, username: unknown, password: passA }),
    ).rejects.toThrow(/bad username or password/i);
    await expect(connect(broker.url, { clientId: b, username: a, password: passA })).rejects.toThrow(
      /bad username or password/i,
    );
    await expect(
      connect(broker.url, { clientId: 'x', username: SYSTEM.username, password: 'wrong' }),
    ).rejects.toThrow(/bad username or password/i);
    // the broker is still up
    expect((await device(b, passB)).connected).toBe(true);
  });

  test('a device gets its cmd and area topics, and nothing of another device or the whole province', async () => {
    const client = await device(a, passA);
    const got = collect(client);
    const cmdA = `nguon/v1/${P}/dev/${a}/cmd`;
    const area = `nguon/v1/${P}/area/${COMMUNES[0]}`;
    const cmdB = `nguon/v1/${P}/dev/${b}/cmd`;
    expect(await subscribeGranted(client, { [cmdA]: { qos: 1 }, [area]: { qos: 1 } })).toEqual([1, 1]);
    expect(await subscribeGranted(client, { [cmdB]: { qos: 1 }, [`nguon/v1/${P}/#`]: { qos: 0 } })).toEqual([
      128, 128,
    ]);
    await system.publishAsync(cmdB, 'for b', { qos: 1 });
    await system.publishAsync(`nguon/v1/${P}/area/${COMMUNES[1]}`, 'other commune', { qos: 1 });
    await system.publishAsync(cmdA, 'for a', { qos: 1 });
    await system.publishAsync(area, 'area a', { qos: 1 });
    await until(() => got.length >= 2, 5_000, 'the allowed messages');
    await sleep(200);
    expect(got.map((m) => m.payload)).toEqual(['for a', 'area a']);
  });

  test('a device publishes its own events; another device’s topics and area topics never reach the system', async () => {
    const own = `nguon/v1/${P}/dev/${a}/evt/status`;
    for (const topic of [`nguon/v1/${P}/dev/${b}/evt/status`, `nguon/v1/${P}/area/${COMMUNES[0]}`]) {
      const client = await device(a, passA);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish(topic, 'forged', { qos: 0 });
      await closed; // aedes drops a client whose publish is refused
    }
    const client = await device(a, passA);
    await client.publishAsync(own, 'real', { qos: 1 });
    await until(() => seen.some((m) => m.topic === own && m.payload === 'real'), 5_000, 'own event');
    expect(seen.filter((m) => m.payload === 'forged')).toEqual([]);
  });

  test('retained only for presence (P-T4), payloads up to 256 KiB (P-T3)', async () => {
    const presence = `nguon/v1/${P}/dev/${b}/presence`;
    const status = `nguon/v1/${P}/dev/${b}/evt/status`;
    let client = await device(b, passB);
    let closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(status, 'retained status', { qos: 0, retain: true });
    await closed;
    client = await device(b, passB);
    closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(status, Buffer.alloc(256 * 1024 + 1, 120), { qos: 0 });
    await closed;
    client = await device(b, passB);
    await client.publishAsync(status, Buffer.alloc(256 * 1024, 121), { qos: 1 });
    await client.publishAsync(presence, '{"online":true}', { qos: 1, retain: true });
    await until(() => seen.some((m) => m.topic === presence), 5_000, 'presence');
    await until(
      () => seen.some((m) => m.topic === status && m.payload.length === 256 * 1024),
      5_000,
      'status',
    );
    expect(seen.filter((m) => m.payload === 'retained status' || m.payload.length > 256 * 1024)).toEqual([]);
    // the retained presence is kept for a late subscriber
    const late = await connect(broker.url, { clientId: 'late-system', ...SYSTEM });
    open.push(late);
    const lateSeen = collect(late);
    await late.subscribeAsync(presence, { qos: 1 });
    await until(() => lateSeen.length > 0, 5_000, 'retained presence');
    expect(lateSeen[0]).toMatchObject({ topic: presence, retain: true });
  });

  test('MQTT over WebSocket has the same login and ACL', async () => {
    expect(broker.wsUrl).toBeDefined();
    const ws = broker.wsUrl as string;
    await expect(connect(ws, { clientId: a, username: a, password: 'nope' })).rejects.toThrow(
      /bad username or password/i,
    );
    const client = await device(a, passA, ws);
    const granted = await subscribeGranted(client, {
      [`nguon/v1/${P}/dev/${a}/cmd`]: { qos: 1 },
      [`nguon/v1/${P}/dev/${b}/cmd`]: { qos: 1 },
    });
    expect(granted).toEqual([1, 128]);
    await client.publishAsync(`nguon/v1/${P}/dev/${a}/evt/alarm`, 'via ws', { qos: 1 });
    await until(() => seen.some((m) => m.payload === 'via ws'), 5_000, 'ws event');
  });

  test('property: any topic outside the device ACL is refused for subscribe and publish', async () => {
    const client = await device(a, passA);
    expect(client.connected).toBe(true);
    const aedesClient = (broker.aedes as unknown as { clients: Record<string, Client> }).clients[a] as Client;
    const acl = deviceAcl(P, a, [COMMUNES[0] as string]);
    const canSubscribe = (topic: string) =>
      new Promise<boolean>((resolve) =>
        broker.aedes.authorizeSubscribe(aedesClient, { topic, qos: 1 }, (error, sub) =>
          resolve(!error && !!sub),
        ),
      );
    const canPublish = (topic: string, retain = false) =>
      new Promise<boolean>((resolve) =>
        broker.aedes.authorizePublish(
          aedesClient,
          { cmd: 'publish', topic, payload: Buffer.from('{}'), qos: 1, retain, dup: false } as PublishPacket,
          (error) => resolve(!error),
        ),
      );
    const level = fc.oneof(
      fc.constantFrom('nguon', 'v1', P, 'dev', a, b, 'cmd', 'evt', 'area', '+', '#', ''),
      fc.string(),
    );
    const topic = fc.oneof(
      fc.array(level, { minLength: 1, maxLength: 7 }).map((parts) => parts.join('/')),
      fc.constantFrom(...acl.subscribe, ...acl.publish).map((t) => `${t}/x`),
      fc.constantFrom(...acl.subscribe, ...acl.publish).map((t) => `$share/g/${t}`),
    );
    await fc.assert(
      fc.asyncProperty(topic, async (t) => {
        expect(await canSubscribe(t)).toBe(acl.subscribe.includes(t));
        expect(await canPublish(t)).toBe(acl.publish.includes(t));
      }),
      { numRuns: 300 },
    );
    for (const t of acl.subscribe) expect(await canSubscribe(t)).toBe(true);
    for (const t of acl.publish) expect(await canPublish(t, t.endsWith('/presence'))).toBe(true);
  });

  test('refresh() lets a device registered after a refused login connect', async () => {
    const id = deviceId();
    await expect(connect(broker.url, { clientId: id, username: id, password: 'x' })).rejects.toThrow(
      /bad username or password/i,
    );
    const password = await insertDevice(db, id, [COMMUNES[0] as string]);
    // still remembered as unknown
    await expect(connect(broker.url, { clientId: id, username: id, password })).rejects.toThrow(
      /bad username or password/i,
    );
    await broker.refresh(id);
    expect((await device(id, password)).connected).toBe(true);
  });

  test('refresh() disconnects a device whose row is gone', async () => {
    const id = deviceId();
    const password = await insertDevice(db, id, [COMMUNES[0] as string]);
    const client = await device(id, password);
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await db.kysely.deleteFrom('devices').where('id', '=', id).execute();
    await broker.refresh(id);
    await closed;
    await expect(connect(broker.url, { clientId: id, username: id, password })).rejects.toThrow(
      /bad username or password/i,
    );
  });

  test('a real DeviceClient runs its session (presence, hello) with its credentials', async () => {
    const id = deviceId();
    const password = await insertDevice(db, id, [COMMUNES[0] as string]);
    const key = await generateDeviceKey(id);
    const signing = await generateSigningKey('gl-test-1');
    const client = new DeviceClient({
      deviceId: id,
      province: P,
      kind: 'radio',
      units: [COMMUNES[0] as string],
      mqtt: { url: broker.url, password },
      trust: [signing.anchor],
      trustVersion: 1,
      privateKey: key.privateJwk,
      store: new MemoryStore(),
      blobs: new MemoryBlobStore(),
      adapter: new NullAdapter({ kind: 'radio' }),
      vendor: 'acme',
      model: 'L-100',
      firmware: '2.3.1',
      reconnect: { minMs: 100, maxMs: 500 },
    });
    const events: string[] = [];
    client.on('event', (e) => events.push(e.type));
    try {
      await client.start();
      await until(() => events.includes('connected'), 10_000, 'device connected');
      await until(
        () => seen.some((m) => m.topic === `nguon/v1/${P}/dev/${id}/evt/hello`),
        10_000,
        'hello at the system',
      );
      const presence = seen.filter((m) => m.topic === `nguon/v1/${P}/dev/${id}/presence`);
      expect(presence.length).toBeGreaterThan(0);
      expect(JSON.parse(presence[0]?.payload ?? '{}')).toMatchObject({ online: true });
      expect(events).not.toContain('error');
    } finally {
      await client.stop();
    }
  });
});

describe('embedded broker configuration', () => {
  test('a busy port is a clear ServerError, not a crash', async () => {
    const { db, drop } = await openTestDb('sqlite');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startEmbeddedBroker({ db, province: P, port, wsPort: false, system: SYSTEM }).catch(
        (e: unknown) => e,
      );
      expect(ServerError.isInstance(error)).toBe(true);
      expect((error as ServerError).code).toBe('config');
      expect((error as Error).message).toContain(`MQTT port ${port} on 127.0.0.1 is busy`);
      expect((error as Error).message).toContain('--mqtt-port / MQTT_PORT');
      // the WebSocket port is checked the same way
      const wsError = await startEmbeddedBroker({
        db,
        province: P,
        port: 0,
        wsPort: port,
        system: SYSTEM,
      }).catch((e: unknown) => e);
      expect((wsError as Error).message).toContain(`MQTT WebSocket port ${port} on 127.0.0.1 is busy`);
      // and nothing was left listening: a broker on any free port still starts
      const ok = await startEmbeddedBroker({ db, province: P, port: 0, wsPort: false, system: SYSTEM });
      expect(ok.wsUrl).toBeUndefined();
      await ok.close();
    } finally {
      blocker.close();
      await drop();
    }
  });

  test('messages never touch the database: devices keep publishing after it is closed', async () => {
    const { db, drop } = await openTestDb('sqlite');
    const ids = Array.from({ length: 50 }, () => deviceId());
    const passwords = await Promise.all(ids.map((id) => insertDevice(db, id, [COMMUNES[0] as string])));
    const broker = await startEmbeddedBroker({ db, province: P, port: 0, wsPort: false, system: SYSTEM });
    const clients: MqttClient[] = [];
    try {
      const system = await connect(broker.url, { clientId: 'sys-db', ...SYSTEM });
      clients.push(system);
      const got = collect(system);
      await system.subscribeAsync(`nguon/v1/${P}/dev/+/evt/status`, { qos: 1 });
      const started = performance.now();
      for (const [i, id] of ids.entries()) {
        clients.push(
          await connect(broker.url, { clientId: id, username: id, password: passwords[i] as string }),
        );
      }
      const loginMs = (performance.now() - started) / ids.length;
      await drop(); // from here on, a database read would fail
      await Promise.all(
        clients
          .slice(1)
          .flatMap((client, i) =>
            Array.from({ length: 20 }, () =>
              client.publishAsync(`nguon/v1/${P}/dev/${ids[i]}/evt/status`, '{"s":1}', { qos: 1 }),
            ),
          ),
      );
      await until(() => got.length === ids.length * 20, 10_000, 'every status');
      expect(loginMs).toBeLessThan(200);
    } finally {
      for (const client of clients) client.end(true);
      await broker.close();
    }
  });

  test('an empty system password is refused', async () => {
    const { db, drop } = await openTestDb('sqlite');
    try {
      await expect(
        startEmbeddedBroker({ db, province: P, port: 0, system: { username: 'nguon-system', password: '' } }),
      ).rejects.toThrow(/system username and password/);
    } finally {
      await drop();
    }
  });
});
