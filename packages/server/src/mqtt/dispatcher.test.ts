import { randomBytes } from 'node:crypto';
import { type Bulletin, exampleFloodWarning } from '@nguon/bulletin';
import { MemoryStore } from '@nguon/device';
import { startBroker, type TestBroker } from '@nguon/device/test';
import { eventTopic, presenceTopic } from '@nguon/protocol';
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db';
import { ServerError } from '../errors';
import { newUlid } from '../ids';
import { DIALECTS } from '../test-support';
import {
  makeDevice,
  openTestDb,
  registerDevice,
  scope,
  startApi,
  type TestDevice,
  until,
} from './dispatch-test-support';
import { createDispatcher, type Dispatcher } from './dispatcher';

const P = '52';
const C1 = '24065'; // Xã Ia Rbol
const C2 = '21553'; // Phường Quy Nhơn Bắc
const C3 = '21583'; // Phường Quy Nhơn

describe.each(DIALECTS)('dispatcher on aedes and %s', (dialect) => {
  let db: Database;
  let drop: () => Promise<void>;
  let broker: TestBroker;
  let dispatcher: Dispatcher;
  let api: Awaited<ReturnType<typeof startApi>>;
  let raw: MqttClient;
  const devices: TestDevice[] = [];
  const keys = new Map<string, Awaited<ReturnType<typeof registerDevice>>>();
  const areaPublishes: string[] = [];
  const run = randomBytes(3).toString('hex');
  const id = (name: string) => `${name}-${run}`;

  async function device(
    name: string,
    units: string[],
    options: { kind?: 'radio' | 'board'; playSec?: number; start?: boolean } = {},
  ): Promise<TestDevice> {
    const deviceId = id(name);
    const key = await registerDevice(db, deviceId, units, options.kind);
    keys.set(deviceId, key);
    const { trust, trustVersion } = await dispatcher.trust();
    const d = makeDevice({
      url: broker.url,
      province: P,
      id: deviceId,
      units,
      trust,
      trustVersion,
      privateJwk: key.privateJwk,
      ...(options.kind ? { kind: options.kind } : {}),
      ...(options.playSec ? { playSec: options.playSec } : {}),
    });
    devices.push(d);
    if (options.start !== false) {
      await d.client.start();
      await d.waitFor((e) => e.type === 'welcome');
    }
    return d;
  }

  const delivery = (bulletinId: string, deviceId: string) =>
    db.kysely
      .selectFrom('deliveries')
      .selectAll()
      .where('bulletin_id', '=', bulletinId)
      .where('device_id', '=', deviceId)
      .executeTakeFirst();

  beforeAll(async () => {
    ({ db, drop } = await openTestDb(dialect));
    broker = await startBroker();
    dispatcher = await createDispatcher({
      db,
      province: P,
      mqtt: { url: broker.url, clientId: `nguon-test-${run}` },
      endpoints: { url: broker.url },
      units: scope,
      statusFlushMs: 100,
      receipts: { threads: 1 },
      logger: pino({ level: 'warn' }),
    });
    api = await startApi(db, dispatcher);
    raw = await mqtt.connectAsync(broker.url, { clientId: `raw-${run}` });
    // Watches what the broker routes on area topics: one message per area publish.
    raw.on('message', (topic) => {
      if (topic.startsWith(`nguon/v1/${P}/area/`)) areaPublishes.push(topic);
    });
    await raw.subscribeAsync(`nguon/v1/${P}/area/#`, { qos: 1 });
  });

  afterAll(async () => {
    for (const d of devices) await d.stop().catch(() => undefined);
    await raw?.endAsync();
    await api?.close();
    await dispatcher?.close();
    await broker?.close();
    await drop?.();
  });

  it('answers hello with a welcome carrying trust and config, and records the hello', async () => {
    const d = await device('loa-hello', [C1]);
    const welcome = d.events.find((e) => e.type === 'welcome');
    expect(welcome).toMatchObject({ configVersion: 1, trustVersion: 1 });
    const row = await db.kysely
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', id('loa-hello'))
      .executeTakeFirstOrThrow();
    expect(row.firmware).toBe('2.3.1');
    expect(row.vendor).toBe('acme');
    expect(row.last_hello_at).not.toBeNull();
    expect(Math.abs(row.clock_offset_ms ?? 1e9)).toBeLessThan(5_000);
    expect(JSON.parse(row.body).hello).toMatchObject({ model: 'L-100', units: expect.arrayContaining([C1]) });
    const online = await until(
      () =>
        db.kysely
          .selectFrom('devices')
          .select(['online', 'presence_session'])
          .where('id', '=', id('loa-hello'))
          .executeTakeFirstOrThrow(),
      (r) => r.online === 1,
    );
    expect(online.presence_session).toBe(1);
  });

  it('publishes once per area (province + one of its communes → one publish) and records the acks', async () => {
    const a = await device('loa-a', [C1]);
    const b = await device('loa-b', [C2]);
    const before = areaPublishes.length;
    const bulletin = await api.publish([P, C1]);
    for (const d of [a, b]) {
      await d.waitFor((e) => e.type === 'ack' && e.ok && e.topic.endsWith(`/area/${P}`));
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(areaPublishes.slice(before)).toEqual([`nguon/v1/${P}/area/${P}`]);
    for (const d of ['loa-a', 'loa-b']) {
      const row = await until(
        () => delivery(bulletin.id, id(d)),
        (r) => r?.state === 'acked',
      );
      expect(row?.acked_at).not.toBeNull();
    }
    expect((await delivery(bulletin.id, id('loa-a')))?.unit_code).toBe(C1);
    const commands = await db.kysely
      .selectFrom('commands')
      .selectAll()
      .where('bulletin_id', '=', bulletin.id)
      .execute();
    expect(commands.map((c) => c.target)).toEqual([`area:${P}`]);
    // Two sibling communes are two areas.
    const mark = areaPublishes.length;
    await api.publish([C1, C2]);
    await until(
      async () => areaPublishes.length,
      (n) => n >= mark + 2,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(areaPublishes.slice(mark).sort()).toEqual(
      [`nguon/v1/${P}/area/${C2}`, `nguon/v1/${P}/area/${C1}`].sort(),
    );
  });

  it('delivers only to the device kinds of the channels (radio_ip → radio, board → board)', async () => {
    await device('bang-k', [C1], { kind: 'board' });
    const radioOnly = await api.publish([C1], { channels: ['radio_ip'] });
    await until(
      () => delivery(radioOnly.id, id('loa-a')),
      (r) => r?.state === 'acked',
    );
    expect(await delivery(radioOnly.id, id('bang-k'))).toBeUndefined();
  });

  it('devices named in the targets get the bulletin on their own topic unless an area reaches them', async () => {
    const named = await device('loa-named', [C3]);
    const bulletin: Bulletin = {
      ...exampleFloodWarning,
      id: newUlid(),
      contents: [{ lang: 'vi', title: 'Thông báo', text: 'Họp dân lúc 19 giờ.' }],
      targets: { units: { at: '2025-07-01', codes: [C1] }, devices: [id('loa-named'), id('loa-a')] },
      schedule: {
        start: new Date(Date.now() - 60_000).toISOString(),
        end: new Date(Date.now() + 600_000).toISOString(),
      },
    };
    await dispatcher.publishBulletin(bulletin);
    const command = await named.waitFor((e) => e.type === 'command' && e.bulletinId === bulletin.id);
    expect(command).toMatchObject({ ok: true, topic: `nguon/v1/${P}/dev/${id('loa-named')}/cmd` });
    await until(
      () => delivery(bulletin.id, id('loa-named')),
      (r) => r?.state === 'acked',
    );
    await until(
      () => delivery(bulletin.id, id('loa-a')),
      (r) => r?.state === 'acked',
    );
    const targets = await db.kysely
      .selectFrom('commands')
      .select('target')
      .where('bulletin_id', '=', bulletin.id)
      .orderBy('target')
      .execute();
    expect(targets.map((t) => t.target)).toEqual([`area:${C1}`, `dev:${id('loa-named')}`]);
  });

  it('re-sends a missed bulletin after hello; a device registered later gets its delivery row', async () => {
    const late = await device('loa-late', [C1], { start: false });
    const bulletin = await api.publish([C1]);
    expect((await delivery(bulletin.id, id('loa-late')))?.state).toBe('pending');
    const newcomerKey = await registerDevice(db, id('loa-new'), [C1]);
    await late.client.start();
    await late.waitFor((e) => e.type === 'command' && e.bulletinId === bulletin.id && e.ok);
    await until(
      () => delivery(bulletin.id, id('loa-late')),
      (r) => r?.state === 'acked',
    );
    const { trust, trustVersion } = await dispatcher.trust();
    const newcomer = makeDevice({
      url: broker.url,
      province: P,
      id: id('loa-new'),
      units: [C1],
      trust,
      trustVersion,
      privateJwk: newcomerKey.privateJwk,
    });
    devices.push(newcomer);
    await newcomer.client.start();
    await newcomer.waitFor((e) => e.type === 'command' && e.bulletinId === bulletin.id && e.ok);
    const row = await until(
      () => delivery(bulletin.id, id('loa-new')),
      (r) => r?.state === 'acked',
    );
    expect(row?.unit_code).toBe(C1);
  });

  it('an emergency missed while offline is played on reconnect', async () => {
    const d = await device('loa-emg', [C2], { start: false });
    const bulletin = await api.publish([C2], { emergency: true });
    await d.client.start();
    const play = await d.waitFor((e) => e.type === 'play.start' && e.bulletinId === bulletin.id);
    expect(play).toMatchObject({ priority: 'emergency' });
    await until(
      () => delivery(bulletin.id, id('loa-emg')),
      (r) => r?.state !== 'pending',
    );
    // The play's receipt is stored once, verified, the delivery counts as played and the device's
    // journal empties after receipts.commit (P-R2).
    const receipt = await d.waitFor((e) => e.type === 'receipt' && e.bulletinId === bulletin.id);
    const seq = (receipt as { seq: number }).seq;
    const stored = await until(
      () =>
        db.kysely
          .selectFrom('receipts')
          .selectAll()
          .where('device_id', '=', id('loa-emg'))
          .where('bulletin_id', '=', bulletin.id)
          .execute(),
      (r) => r.length === 1,
    );
    expect(stored[0]).toMatchObject({ seq, verified: 1, outcome: 'completed' });
    // Earlier bulletins of its commune were re-sent and played too: every receipt is committed.
    await until(
      async () => d.client.pendingReceipts(),
      (p) => p.length === 0,
    );
    const row = await db.kysely
      .selectFrom('devices')
      .select('receipts_committed')
      .where('id', '=', id('loa-emg'))
      .executeTakeFirstOrThrow();
    expect(row.receipts_committed).toBeGreaterThanOrEqual(seq);
    const all = await db.kysely
      .selectFrom('receipts')
      .select('seq')
      .where('device_id', '=', id('loa-emg'))
      .execute();
    expect(all.length).toBe(row.receipts_committed);
    expect((await delivery(bulletin.id, id('loa-emg')))?.state).toBe('played');
  });

  it('a revoke reaches the devices and stops the play', async () => {
    const d = await device('loa-rev', [C3], { playSec: 30 });
    const bulletin = await api.publish([C3], { emergency: true });
    await d.waitFor((e) => e.type === 'play.start' && e.bulletinId === bulletin.id);
    await api.revoke(bulletin.id);
    await d.waitFor((e) => e.type === 'command' && e.commandType === 'bulletin.revoke' && e.ok);
    const end = await d.waitFor((e) => e.type === 'play.end' && e.bulletinId === bulletin.id);
    expect(end).toMatchObject({ outcome: 'interrupted' });
  });

  it('a revoke missed while offline reaches the device after its hello and stops the bulletin it held', async () => {
    const deviceId = id('loa-rev2');
    const key = await registerDevice(db, deviceId, [C3]);
    const store = new MemoryStore();
    const options = {
      url: broker.url,
      province: P,
      id: deviceId,
      units: [C3],
      ...(await dispatcher.trust()),
      privateJwk: key.privateJwk,
      playSec: 30,
      store,
    };
    const first = makeDevice(options);
    devices.push(first);
    await first.client.start();
    await first.waitFor((e) => e.type === 'welcome');
    const bulletin = await api.publish([C3], { emergency: true });
    await first.waitFor((e) => e.type === 'play.start' && e.bulletinId === bulletin.id);
    await first.stop();
    await api.revoke(bulletin.id);
    const second = makeDevice(options); // the same storage: it still holds the bulletin
    devices.push(second);
    await second.client.start();
    await second.waitFor((e) => e.type === 'command' && e.commandType === 'bulletin.revoke' && e.ok);
    await new Promise((r) => setTimeout(r, 300));
    const playing = second.events.filter(
      (e) => e.type === 'play.start' && e.bulletinId === bulletin.id,
    ).length;
    const ended = second.events.filter((e) => e.type === 'play.end' && e.bulletinId === bulletin.id).length;
    expect(ended).toBe(playing); // whatever started again was stopped
  });

  it('sendCommand waits for the ack; an offline device times out; an unknown one is not_found', async () => {
    await device('loa-ping', [C1]);
    const pong = await dispatcher.sendCommand(id('loa-ping'), 'device.ping', {}, { waitMs: 5_000 });
    expect(pong.state).toBe('acked');
    expect(pong.ack).toMatchObject({ ok: true, deviceTime: expect.any(String) });
    await registerDevice(db, id('loa-off'), [C1]);
    const started = Date.now();
    const silent = await dispatcher.sendCommand(id('loa-off'), 'device.ping', {}, { waitMs: 300 });
    expect(silent.state).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const stored = await db.kysely
      .selectFrom('commands')
      .select('state')
      .where('id', '=', silent.id)
      .executeTakeFirst();
    expect(stored?.state).toBe('timeout');
    const error = await dispatcher.sendCommand(id('nobody'), 'device.ping', {}).catch((e: unknown) => e);
    expect(ServerError.isInstance(error) && error.code).toBe('not_found');
    const bad = await dispatcher
      .sendCommand(id('loa-ping'), 'config.set', { volume: 101 })
      .catch((e: unknown) => e);
    expect(ServerError.isInstance(bad) && bad.code).toBe('invalid');
  });

  it('config.set raises configVersion, the device applies it and a later welcome carries it', async () => {
    const d = await device('loa-cfg', [C1]);
    const first = await dispatcher.sendCommand(
      id('loa-cfg'),
      'config.set',
      { volume: 40 },
      { waitMs: 5_000 },
    );
    expect(first.state).toBe('acked');
    const second = await dispatcher.sendCommand(
      id('loa-cfg'),
      'config.set',
      { configVersion: 1, languages: ['jra', 'vi'] },
      { waitMs: 5_000 },
    );
    expect(second.state).toBe('acked');
    expect(d.client.config).toMatchObject({ configVersion: 3, volume: 40, languages: ['jra', 'vi'] });
    const row = await db.kysely
      .selectFrom('devices')
      .select('config_version')
      .where('id', '=', id('loa-cfg'))
      .executeTakeFirstOrThrow();
    expect(row.config_version).toBe(3);
    // A refused config changes nothing: no version spent, nothing stored for the next welcome.
    const refused = await dispatcher
      .sendCommand(id('loa-cfg'), 'config.set', { volume: 400 })
      .catch((e: unknown) => e);
    expect(ServerError.isInstance(refused) && refused.code).toBe('invalid');
    expect((refused as Error).message).toMatch(/volume/);
    const after = await db.kysely
      .selectFrom('devices')
      .select(['config_version', 'body'])
      .where('id', '=', id('loa-cfg'))
      .executeTakeFirstOrThrow();
    expect(after.config_version).toBe(3);
    expect(JSON.parse(after.body).config).toEqual({ volume: 40, languages: ['jra', 'vi'] });
    // A reconnect: the welcome carries the whole stored configuration.
    await d.stop();
    const again = makeDevice({
      url: broker.url,
      province: P,
      id: id('loa-cfg'),
      units: [C1],
      ...(await dispatcher.trust()),
      privateJwk: keys.get(id('loa-cfg'))?.privateJwk ?? {},
    });
    devices.push(again);
    await again.client.start();
    await again.waitFor((e) => e.type === 'welcome');
    expect(again.client.config).toMatchObject({ configVersion: 3, volume: 40, languages: ['jra', 'vi'] });
  });

  it('takes presence in session order: a late will of an older session is ignored', async () => {
    const deviceId = id('loa-pres');
    await registerDevice(db, deviceId, [C1]);
    const topic = presenceTopic(P, deviceId);
    const send = (online: boolean, session: number) =>
      raw.publishAsync(topic, JSON.stringify({ online, session, ts: new Date().toISOString() }), { qos: 1 });
    const read = () =>
      db.kysely
        .selectFrom('devices')
        .select(['online', 'presence_session'])
        .where('id', '=', deviceId)
        .executeTakeFirstOrThrow();
    await send(true, 5);
    await until(read, (r) => r.online === 1 && r.presence_session === 5);
    await send(false, 4); // the will of session 4 arrives late
    await send(true, 5); // a repeat changes nothing
    await send(false, 5);
    await until(read, (r) => r.online === 0 && r.presence_session === 5);
    const log = await db.kysely
      .selectFrom('presence_log')
      .select(['session', 'online'])
      .where('device_id', '=', deviceId)
      .orderBy('seq')
      .execute();
    expect(log).toEqual([
      { session: 5, online: 1 },
      { session: 5, online: 0 },
    ]);
  });

  it('counts garbage on event topics without crashing, and stays responsive', async () => {
    const deviceId = id('loa-ping');
    const before = dispatcher.stats().badMessages;
    await raw.publishAsync(eventTopic(P, deviceId, 'hello'), 'not json', { qos: 1 });
    await raw.publishAsync(eventTopic(P, deviceId, 'status'), '{"v":1,"type":"status"}', { qos: 1 });
    await raw.publishAsync(eventTopic(P, deviceId, 'ack'), Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 });
    await raw.publishAsync(`nguon/v1/${P}/dev/${deviceId}/evt/unknown`, '{}', { qos: 1 });
    await until(
      async () => dispatcher.stats().badMessages,
      (n) => n >= before + 4,
    );
    const pong = await dispatcher.sendCommand(deviceId, 'device.ping', {}, { waitMs: 5_000 });
    expect(pong.state).toBe('acked');
    expect(dispatcher.stats().events.hello).toBeGreaterThan(0);
  });

  it('a status sets the last status and the clock offset from deviceTime', async () => {
    const deviceId = id('loa-stat');
    await registerDevice(db, deviceId, [C1]);
    const body = {
      state: 'idle',
      volume: 55,
      configVersion: 1,
      uptimeSec: 12,
      deviceTime: new Date(Date.now() + 120_000).toISOString(),
    };
    const event = {
      v: 1,
      id: '01JF0000000000000000000000',
      type: 'status',
      ts: new Date().toISOString(),
      seq: 999,
      body,
    };
    await raw.publishAsync(eventTopic(P, deviceId, 'status'), JSON.stringify(event), { qos: 1 });
    const row = await until(
      () =>
        db.kysely
          .selectFrom('devices')
          .select(['last_status', 'clock_offset_ms'])
          .where('id', '=', deviceId)
          .executeTakeFirstOrThrow(),
      (r) => r.last_status !== null && JSON.parse(r.last_status).volume === 55,
    );
    expect(row.clock_offset_ms).toBeGreaterThan(110_000);
    expect(row.clock_offset_ms).toBeLessThan(130_000);
  });

  it('an alarm is stored', async () => {
    const deviceId = id('loa-ping');
    const event = {
      v: 1,
      id: '01JF0000000000000000000001',
      type: 'alarm',
      ts: new Date().toISOString(),
      seq: 1000,
      body: { code: 'media_integrity', bulletinId: 'b-1' },
    };
    await raw.publishAsync(eventTopic(P, deviceId, 'alarm'), JSON.stringify(event), { qos: 1 });
    const alarms = await until(
      () => db.kysely.selectFrom('alarms').selectAll().where('device_id', '=', deviceId).execute(),
      (r) => r.length > 0,
    );
    expect(alarms[0]).toMatchObject({ code: 'media_integrity', bulletin_id: 'b-1' });
    expect(dispatcher.stats()).toMatchObject({
      commandsSent: expect.any(Number),
      publishLatencyMs: { count: expect.any(Number) },
    });
  });
  it('property: every payload on an event or presence topic is counted once, as an event or as bad', async () => {
    // Alone on the broker: the other devices stop, so that every event counted comes from here.
    for (const d of devices) await d.stop().catch(() => undefined);
    const deviceId = id('loa-prop');
    await registerDevice(db, deviceId, [C1]);
    const total = () => {
      const s = dispatcher.stats();
      return s.badMessages + Object.values(s.events).reduce((a, n) => a + n, 0);
    };
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      fc.string({ maxLength: 200 }).map((t) => Buffer.from(t)),
      fc.json().map((t) => Buffer.from(t)),
      fc
        .record({
          v: fc.oneof(fc.constant(1), fc.integer()),
          id: fc.string(),
          type: fc.string(),
          seq: fc.integer(),
          body: fc.object(),
        })
        .map((o) => Buffer.from(JSON.stringify(o))),
    );
    const leaf = fc.constantFrom(
      'evt/hello',
      'evt/status',
      'evt/ack',
      'evt/alarm',
      'evt/receipt',
      'presence',
    );
    let sent = 0;
    await until(
      async () => {
        const t0 = total();
        await new Promise((r) => setTimeout(r, 300));
        return total() - t0;
      },
      (changed) => changed === 0,
    );
    const before = total();
    await fc.assert(
      fc.asyncProperty(leaf, payload, async (where, bytes) => {
        if (where === 'presence' && bytes.length === 0) return; // clearing a retained presence is no message
        await raw.publishAsync(`nguon/v1/${P}/dev/${deviceId}/${where}`, bytes, { qos: 1 });
        sent++;
      }),
      { numRuns: 60 },
    );
    await until(
      async () => total() - before,
      (n) => n >= sent,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(total() - before).toBe(sent);
    // Still working: a presence after all that is taken.
    await raw.publishAsync(
      `nguon/v1/${P}/dev/${deviceId}/presence`,
      JSON.stringify({ online: true, session: 1_000_000, ts: new Date().toISOString() }),
      { qos: 1 },
    );
    await until(
      () =>
        db.kysely
          .selectFrom('devices')
          .select('presence_session')
          .where('id', '=', deviceId)
          .executeTakeFirstOrThrow(),
      (r) => r.presence_session === 1_000_000,
    );
  });
});
