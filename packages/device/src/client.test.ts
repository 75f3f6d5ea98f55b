import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandBody, commandTopic, createCommand, generateSigningKey } from '@nguon/protocol';
import { nodeBackend } from '@nguon/protocol/node';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient, type DeviceClientOptions } from './client';
import type { DeviceEvent } from './events';
import { FileStore } from './file-store';
import { MemoryBlobStore } from './media';
import { NullAdapter } from './null-adapter';
import { TestClock } from './scheduler';
import { MemoryStore } from './store';
import {
  generateDeviceKey,
  generateTrustKey,
  mosquittoUrl,
  startBroker,
  type TestBroker,
  type TestKey,
  TestSystem,
} from './test';

// ── A real HTTP server for media ────────────────────────────────────────────────────────────────

const media = new Map<string, Uint8Array>();
let http: Server;
let httpBase = '';
function serve(bytes: Uint8Array, servedBytes = bytes) {
  const name = `/m/${randomBytes(6).toString('hex')}.mp3`;
  media.set(name, servedBytes);
  return {
    url: `${httpBase}${name}`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    mime: 'audio/mpeg',
  };
}

let broker: TestBroker;
let systemKey: TestKey;
const dirs: string[] = [];

beforeAll(async () => {
  broker = await startBroker();
  systemKey = await generateTrustKey('test-system-1');
  http = createServer((req, res) => {
    const bytes = media.get(req.url ?? '');
    if (bytes === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': bytes.byteLength }).end(bytes);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await broker.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

// ── Harness ─────────────────────────────────────────────────────────────────────────────────────

let counter = 0;
function uniqueDevice(): { deviceId: string; province: string; unit: string } {
  counter++;
  const province = String(10 + Math.floor(Math.random() * 89));
  return {
    deviceId: `t-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`,
    province,
    unit: `${province}${String(100 + Math.floor(Math.random() * 899))}`,
  };
}

interface Harness {
  device: DeviceClient;
  system: TestSystem;
  adapter: NullAdapter;
  events: DeviceEvent[];
  deviceId: string;
  province: string;
  unit: string;
  deviceKey: TestKey;
  options: DeviceClientOptions;
  restart(overrides?: Partial<DeviceClientOptions>): Promise<DeviceClient>;
  close(): Promise<void>;
}

type Target = { name: string; url: () => string; protocolVersion: 4 | 5 };

async function setup(
  target: Target,
  overrides: Partial<DeviceClientOptions> = {},
  systemOptions: { autoCommit?: boolean; welcome?: Partial<CommandBody<'welcome'>> } = {},
): Promise<Harness> {
  const { deviceId, province, unit } = uniqueDevice();
  const deviceKey = await generateDeviceKey(deviceId);
  const system = await TestSystem.connect({
    url: target.url(),
    province,
    key: systemKey,
    protocolVersion: target.protocolVersion,
    ...systemOptions,
  });
  await system.register(deviceId, deviceKey.anchor);
  const adapter = new NullAdapter({ kind: 'radio', defaultDurationSec: 0.05 });
  const options: DeviceClientOptions = {
    deviceId,
    province,
    kind: 'radio',
    units: [unit],
    mqtt: { url: target.url(), protocolVersion: target.protocolVersion },
    trust: [systemKey.anchor],
    privateKey: deviceKey.privateJwk,
    store: new MemoryStore(),
    blobs: new MemoryBlobStore(),
    adapter,
    vendor: 'nguon-test',
    model: 'null',
    firmware: '0.0.0',
    verifyBackend: nodeBackend,
    reconnect: { minMs: 50, maxMs: 200 },
    ...overrides,
  };
  const events: DeviceEvent[] = [];
  const h: Harness = {
    device: new DeviceClient(options),
    system,
    adapter,
    events,
    deviceId,
    province,
    unit,
    deviceKey,
    options,
    async restart(more = {}) {
      await h.device.stop();
      h.options = { ...h.options, ...more };
      h.device = new DeviceClient(h.options);
      h.device.on('event', (e) => events.push(e));
      await h.device.start();
      return h.device;
    },
    async close() {
      await h.device.stop();
      await system.close();
    },
  };
  h.device.on('event', (e) => events.push(e));
  await h.device.start();
  await system.waitFor((m) => m.deviceId === deviceId && m.type === 'status');
  return h;
}

function deliverBody(
  id: string,
  overrides: {
    priority?: 'normal' | 'priority' | 'emergency';
    media?: ReturnType<typeof serve>[];
    durationSec?: number;
    repeat?: { count: number; intervalSec: number };
  } = {},
): CommandBody<'bulletin.deliver'> {
  const priority = overrides.priority ?? 'normal';
  const m = overrides.media?.map((x) => ({ ...x, durationSec: overrides.durationSec ?? 0.05 })) ?? [];
  return {
    bulletin: {
      id,
      version: 1,
      category: 'news',
      priority,
      title: `Thông báo ${id}`,
      contents: [
        {
          lang: 'vi',
          title: 'Thông báo',
          text: 'Nội dung',
          ...(m[0] === undefined ? {} : { mediaSha256: m[0].sha256 }),
        },
      ],
    },
    playout: {
      priority,
      startAt: new Date(Date.now() - 1000).toISOString(),
      ...(overrides.repeat === undefined ? {} : { repeat: overrides.repeat }),
    },
    media: m,
  };
}

const targets: Target[] = [
  { name: 'aedes (MQTT 3.1.1)', url: () => broker.url, protocolVersion: 4 },
  { name: 'Mosquitto MQTT 3.1.1', url: mosquittoUrl, protocolVersion: 4 },
  { name: 'Mosquitto MQTT 5', url: mosquittoUrl, protocolVersion: 5 },
];

describe.each(targets)('DeviceClient on $name', (target) => {
  it('P-H1/P-H2/P-TP1: subscribes, publishes presence with the session, then hello; welcome is acked', async () => {
    const h = await setup(target);
    try {
      const presence = h.system.of(h.deviceId, 'presence')[0];
      expect(presence?.message).toMatchObject({ online: true, session: 1 });
      const hello = h.system.of(h.deviceId, 'hello')[0];
      expect(hello?.message).toMatchObject({
        v: 1,
        type: 'hello',
        body: { kind: 'radio', protocols: [1], units: [h.unit, h.province], receiptsPendingFrom: 1 },
      });
      const welcome = h.events.find((e) => e.type === 'welcome');
      expect(welcome).toBeDefined();
      const ack = await h.system.waitFor((m) => m.type === 'ack' && m.deviceId === h.deviceId);
      expect(ack.message.body).toMatchObject({ ok: true });
      // event seq: +1 per event, starting at 1
      const seqs = h.system.received
        .filter((m) => m.deviceId === h.deviceId && m.type !== 'presence')
        .map((m) => m.message.seq as number);
      expect(seqs[0]).toBe(1);
      expect(new Set(seqs).size).toBe(seqs.length);
      // restart: session grows, seq continues
      await h.restart();
      const presence2 = await h.system.waitFor((m) => m.type === 'presence' && m.message.session === 2);
      expect(presence2.message.online).toBe(true);
      const hello2 = await h.system.waitFor((m) => m.type === 'hello' && m !== hello);
      expect(hello2.message.seq as number).toBeGreaterThan(Math.max(...seqs));
    } finally {
      await h.close();
    }
  });

  it('P-M3/P-M1/P-R1/P-S4: delivers, acks at once, plays verified media, sends a signed receipt that is committed', async () => {
    const h = await setup(target);
    try {
      const ref = serve(randomBytes(5000));
      const sent = Date.now();
      const { id } = await h.system.send(
        h.deviceId,
        'bulletin.deliver',
        deliverBody('b-1', { media: [ref] }),
        {
          ttlSec: 600,
        },
      );
      const ack = await h.system.waitForAck(id);
      expect(ack).toMatchObject({ ok: true });
      expect(Date.now() - sent).toBeLessThan(5000);
      const receipt = await h.system.waitFor((m) => m.type === 'receipt' && m.deviceId === h.deviceId);
      expect(receipt.verified).toBe(true);
      expect(receipt.message.body).toMatchObject({
        seq: 1,
        bulletinId: 'b-1',
        mediaSha256: ref.sha256,
        lang: 'vi',
        outcome: 'completed',
        offline: false,
      });
      expect(h.adapter.plays[0]?.item.media?.sha256).toBe(ref.sha256);
      await waitUntil(() => h.device.pendingReceipts().length === 0);
    } finally {
      await h.close();
    }
  });

  it('P-S2: refuses forged, tampered, unknown-key, expired, not-yet-valid, misrouted and unknown-type commands, with alarms', async () => {
    const h = await setup(target);
    try {
      const topic = commandTopic(h.province, h.deviceId);
      const impostor = await generateSigningKey(systemKey.anchor.kid); // same kid, other key
      const stranger = await generateTrustKey('stranger-1');
      const now = Date.now();
      const cases: { name: string; jws: string; code: string; alarm: boolean }[] = [];
      const ping = (o: Parameters<typeof createCommand>[2]) => createCommand('device.ping', {}, o);
      cases.push({
        name: 'forged',
        jws: await impostor.signer.sign(ping({ to: `dev:${h.deviceId}`, ttlSec: 60 })),
        code: 'bad_signature',
        alarm: true,
      });
      const good = await systemKey.signer.sign(ping({ to: `dev:${h.deviceId}`, ttlSec: 60 }));
      const [head, payload, sig] = good.split('.') as [string, string, string];
      const tamperedPayload = Buffer.from(
        Buffer.from(payload, 'base64url').toString('utf8').replace('"device.ping"', '"device.selftest"'),
      ).toString('base64url');
      cases.push({
        name: 'tampered',
        jws: `${head}.${tamperedPayload}.${sig}`,
        code: 'bad_signature',
        alarm: true,
      });
      cases.push({
        name: 'unknown key',
        jws: await stranger.signer.sign(ping({ to: `dev:${h.deviceId}`, ttlSec: 60 })),
        code: 'unknown_key',
        alarm: true,
      });
      cases.push({
        name: 'expired',
        jws: await systemKey.signer.sign(ping({ to: `dev:${h.deviceId}`, ttlSec: 60, now: now - 3_600_000 })),
        code: 'expired',
        alarm: false,
      });
      cases.push({
        name: 'not yet valid',
        jws: await systemKey.signer.sign(ping({ to: `dev:${h.deviceId}`, ttlSec: 60, now: now + 600_000 })),
        code: 'not_yet_valid',
        alarm: false,
      });
      cases.push({
        name: 'misrouted',
        jws: await systemKey.signer.sign(ping({ to: 'dev:someone-else', ttlSec: 60 })),
        code: 'misrouted',
        alarm: true,
      });
      const unknownType = { ...ping({ to: `dev:${h.deviceId}`, ttlSec: 60 }), type: 'device.reboot' };
      cases.push({
        name: 'unknown type',
        jws: await systemKey.signer.sign(unknownType),
        code: 'unsupported_type',
        alarm: false,
      });
      cases.push({
        name: 'live on a device without live relay',
        jws: await systemKey.signer.sign(
          createCommand(
            'live.start',
            {
              url: 'http://127.0.0.1/live',
              format: 'icecast',
              priority: 'normal',
              until: new Date(now + 60_000).toISOString(),
            },
            { to: `dev:${h.deviceId}`, ttlSec: 60 },
          ),
        ),
        code: 'unsupported_capability',
        alarm: false,
      });
      for (const c of cases) {
        await h.system.publish(topic, c.jws);
        const id = JSON.parse(Buffer.from(c.jws.split('.')[1] ?? '', 'base64url').toString('utf8'))
          .id as string;
        const ack = await h.system.waitForAck(id);
        expect({ name: c.name, ok: ack.ok, code: ack.code }).toEqual({
          name: c.name,
          ok: false,
          code: c.code,
        });
        if (c.alarm) {
          const alarm = await h.system.waitFor((m) => m.type === 'alarm' && m.message.body?.ref === id);
          expect(alarm.message.body?.code).toBe(c.code);
        } else {
          await h.device.idle();
          expect(h.system.of(h.deviceId, 'alarm').some((m) => m.message.body?.ref === id)).toBe(false);
        }
      }
      expect(h.adapter.plays).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('§9/P-T3: drops malformed and oversize payloads without an id, counts them in status, keeps working', async () => {
    const h = await setup(target);
    try {
      const topic = commandTopic(h.province, h.deviceId);
      await h.system.publish(topic, 'not json at all');
      await h.system.publish(topic, new Uint8Array([0xff, 0xfe, 0x00]));
      await h.system.publish(topic, 'x'.repeat(256 * 1024 + 1));
      const withId = Buffer.from(JSON.stringify({ id: '01JF0000000000000000000000' })).toString('base64url');
      await h.system.publish(topic, `e30.${withId}.%%%`);
      const ack = await h.system.waitForAck('01JF0000000000000000000000');
      expect(ack).toMatchObject({ ok: false, code: 'invalid_message' });
      const plain = JSON.stringify({ v: 1, id: '01JF0000000000000000000001', type: 'device.ping', body: {} });
      await h.system.publish(topic, plain);
      expect(await h.system.waitForAck('01JF0000000000000000000001')).toMatchObject({
        ok: false,
        code: 'invalid_message',
      });
      await waitUntil(() => h.device.badMessages === 3);
      const { id } = await h.system.send(h.deviceId, 'config.set', { configVersion: 5, volume: 40 });
      await h.system.waitForAck(id);
      const status = await h.system.waitFor(
        (m) => m.type === 'status' && m.message.body?.configVersion === 5,
      );
      expect(status.message.body).toMatchObject({
        badMessages: 3,
        volume: 40,
        storageFreeBytes: 512 * 1024 * 1024,
      });
    } finally {
      await h.close();
    }
  });

  it('P-M2/P-S5: a duplicate delivery (area and device topic, redelivery) is acked duplicate and played once', async () => {
    const h = await setup(target);
    try {
      const body = deliverBody('b-dup');
      const { id, jws } = await h.system.sendArea(h.unit, 'bulletin.deliver', body, { ttlSec: 600 });
      expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
      await h.system.publish(commandTopic(h.province, h.deviceId), jws);
      await h.system.publish(commandTopic(h.province, h.deviceId), jws);
      await waitUntil(
        () => h.system.of(h.deviceId, 'ack').filter((m) => m.message.body?.ref === id).length === 3,
      );
      const acks = h.system.of(h.deviceId, 'ack').filter((m) => m.message.body?.ref === id);
      expect(acks.map((a) => a.message.body?.duplicate ?? false)).toEqual([false, true, true]);
      await h.system.waitFor((m) => m.type === 'receipt' && m.deviceId === h.deviceId);
      await h.device.idle();
      expect(h.adapter.plays.length).toBe(1);
    } finally {
      await h.close();
    }
  });
  it('P-Q1: an emergency preempts a normal play, which ends preempted and plays again afterwards', async () => {
    const h = await setup(target);
    try {
      const long = serve(randomBytes(1000));
      await h.system.send(
        h.deviceId,
        'bulletin.deliver',
        deliverBody('b-normal', { media: [long], durationSec: 5 }),
        {
          ttlSec: 600,
        },
      );
      await waitUntil(() => h.adapter.plays.length === 1);
      await h.system.send(h.deviceId, 'bulletin.deliver', deliverBody('b-alert', { priority: 'emergency' }), {
        ttlSec: 600,
      });
      await waitUntil(() => h.system.of(h.deviceId, 'receipt').length >= 2);
      const outcomes = h.system
        .of(h.deviceId, 'receipt')
        .map((r) => [r.message.body?.bulletinId, r.message.body?.outcome]);
      expect(outcomes.slice(0, 2)).toEqual([
        ['b-normal', 'preempted'],
        ['b-alert', 'completed'],
      ]);
      expect(h.adapter.plays[1]?.item).toMatchObject({ bulletinId: 'b-alert', emergency: true, volume: 100 });
      await waitUntil(() => h.adapter.plays.length === 3, 10_000);
      expect(h.adapter.plays[2]?.item.bulletinId).toBe('b-normal');
      await h.system.send(h.deviceId, 'bulletin.revoke', { bulletinId: 'b-normal' });
      const last = await h.system.waitFor(
        (m) =>
          m.type === 'receipt' &&
          m.message.body?.bulletinId === 'b-normal' &&
          m.message.body?.outcome === 'interrupted',
      );
      expect(last.message.body?.reason).toBe('revoked');
    } finally {
      await h.close();
    }
  });

  it('P-R2/P-S5: receipts and executed ids survive a restart with FileStore: re-sent identical, stored once, never re-executed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nguon-device-'));
    dirs.push(dir);
    const h = await setup(target, { store: new FileStore(dir), receiptResendMs: 500 }, { autoCommit: false });
    try {
      const { id, jws } = await h.system.send(h.deviceId, 'bulletin.deliver', deliverBody('b-once'), {
        ttlSec: 600,
      });
      const first = await h.system.waitFor((m) => m.type === 'receipt');
      expect(first.message.body?.seq).toBe(1);
      expect(h.device.pendingReceipts()).toEqual([1]);
      // the system "loses" it (a crash before its database commit): the welcome commits nothing
      h.system.receipts.delete(h.deviceId);
      await h.restart({ store: new FileStore(dir) });
      const hello = await h.system.waitFor(
        (m) => m.type === 'hello' && m.message.body?.receiptsPendingFrom === 1 && m.message.seq !== 1,
      );
      expect(hello).toBeDefined();
      await waitUntil(() => h.system.of(h.deviceId, 'receipt').length === 2);
      const [a, b] = h.system.of(h.deviceId, 'receipt');
      expect(b?.raw).toBe(a?.raw);
      // the resend timer sends it again while uncommitted; the system still holds it once
      await waitUntil(() => h.system.of(h.deviceId, 'receipt').length === 3, 3000);
      expect(h.system.receipts.get(h.deviceId)?.size).toBe(1);
      // the same command replayed after the reboot is a duplicate, not a second play
      await h.system.publish(commandTopic(h.province, h.deviceId), jws);
      await waitUntil(
        () => h.system.of(h.deviceId, 'ack').filter((m) => m.message.body?.ref === id).length === 2,
      );
      expect(
        h.system.of(h.deviceId, 'ack').filter((m) => m.message.body?.ref === id)[1]?.message.body?.duplicate,
      ).toBe(true);
      // commit, restart: nothing pending, numbering continues at 2
      const commit = await h.system.send(h.deviceId, 'receipts.commit', { upTo: 1 });
      await h.system.waitForAck(commit.id);
      await h.device.idle();
      expect(h.device.pendingReceipts()).toEqual([]);
      await h.restart({ store: new FileStore(dir) });
      await h.system.waitFor((m) => m.type === 'hello' && m.message.body?.receiptsPendingFrom === 2);
      await h.device.idle();
      expect(h.adapter.plays.length).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('DeviceClient on aedes, rule by rule', () => {
  const aedes = targets[0] as Target;

  it('P-M1: a media hash mismatch raises media_integrity, never plays, and ends in a failed receipt', async () => {
    const h = await setup(aedes);
    try {
      const ref = serve(randomBytes(2000), randomBytes(2000));
      const { id } = await h.system.send(
        h.deviceId,
        'bulletin.deliver',
        deliverBody('b-bad', { media: [ref] }),
        {
          ttlSec: 600,
        },
      );
      expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
      const alarm = await h.system.waitFor(
        (m) => m.type === 'alarm' && m.message.body?.code === 'media_integrity',
      );
      expect(alarm.message.body?.bulletinId).toBe('b-bad');
      const receipt = await h.system.waitFor((m) => m.type === 'receipt');
      expect(receipt.message.body).toMatchObject({ bulletinId: 'b-bad', outcome: 'failed' });
      expect(h.adapter.plays).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('P-D8: an unreachable media file is retried, then raises media_unavailable and a failed receipt', async () => {
    const h = await setup(aedes, { mediaRetry: { retries: 2, delayMs: 50 } });
    try {
      const ref = { ...serve(randomBytes(100)), url: `${httpBase}/m/missing.mp3` };
      await h.system.send(h.deviceId, 'bulletin.deliver', deliverBody('b-404', { media: [ref] }), {
        ttlSec: 600,
      });
      const alarm = await h.system.waitFor(
        (m) => m.type === 'alarm' && m.message.body?.code === 'media_unavailable',
      );
      expect(alarm.message.body?.bulletinId).toBe('b-404');
      const receipt = await h.system.waitFor((m) => m.type === 'receipt');
      expect(receipt.message.body).toMatchObject({ bulletinId: 'b-404', outcome: 'failed' });
      expect(String(receipt.message.body?.reason)).toContain('media_unavailable');
      expect(String(receipt.message.body?.reason)).toContain('after 3 attempts');
    } finally {
      await h.close();
    }
  });

  it('§9: arbitrary payloads never crash the device; each is refused with an ack or dropped and counted', async () => {
    const h = await setup(aedes);
    try {
      const topic = commandTopic(h.province, h.deviceId);
      const payloads = fc.sample(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ maxLength: 300 }),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc
            .tuple(fc.base64String(), fc.base64String(), fc.base64String())
            .map((parts) => parts.map((p) => p.replace(/[+/=]/g, '')).join('.')),
        ),
        { numRuns: 60, seed: 42 },
      );
      for (const p of payloads) await h.system.publish(topic, p);
      await waitUntil(
        () => h.device.badMessages + h.system.of(h.deviceId, 'ack').length - 1 >= payloads.length,
      );
      expect(
        h.system
          .of(h.deviceId, 'ack')
          .slice(1)
          .every((a) => a.message.body?.ok === false),
      ).toBe(true);
      const { id } = await h.system.send(h.deviceId, 'device.ping', {});
      expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
      expect(h.adapter.plays).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('P-S3: keys.update rotates trust; an old key is then unknown and an older list is ignored', async () => {
    const h = await setup(aedes);
    try {
      const next = await generateTrustKey('test-system-2');
      const { id } = await h.system.send(h.deviceId, 'keys.update', {
        trust: [next.anchor],
        trustVersion: 2,
      });
      expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
      expect(h.device.trustVersion).toBe(2);
      const old = await h.system.send(h.deviceId, 'device.ping', {}, { ttlSec: 60 });
      expect(await h.system.waitForAck(old.id)).toMatchObject({ ok: false, code: 'unknown_key' });
      const back = await h.system.send(
        h.deviceId,
        'keys.update',
        { trust: [systemKey.anchor], trustVersion: 1 },
        { key: next },
      );
      expect(await h.system.waitForAck(back.id)).toMatchObject({ ok: true });
      expect(h.device.trustVersion).toBe(2);
      const stillOld = await h.system.send(h.deviceId, 'device.ping', {}, { ttlSec: 60 });
      expect(await h.system.waitForAck(stillOld.id)).toMatchObject({ ok: false, code: 'unknown_key' });
    } finally {
      await h.close();
    }
  });

  it('P-H5: a device whose clock is an hour slow accepts the welcome and judges later commands by server time', async () => {
    const slow = { now: () => Date.now() - 3_600_000, setTimeout, clearTimeout } as never;
    const h = await setup(aedes, { clock: slow });
    try {
      expect(h.device.clockOffsetMs).toBeGreaterThan(3_590_000);
      const { id } = await h.system.send(h.deviceId, 'device.ping', {}, { ttlSec: 60 });
      const ack = await h.system.waitForAck(id);
      expect(ack.ok).toBe(true);
      expect(Date.parse(ack.deviceTime ?? '')).toBeLessThan(Date.now() - 3_500_000);
      // a stale welcome (old helloId) is refused
      const stale = await h.system.welcome(h.deviceId, '01JF0000000000000000000000');
      expect(await h.system.waitForAck(stale.id)).toMatchObject({ ok: false, code: 'expired' });
    } finally {
      await h.close();
    }
  });

  it('config.set: configVersion only grows; volume reaches the adapter and status', async () => {
    const h = await setup(aedes);
    try {
      const a = await h.system.send(h.deviceId, 'config.set', {
        configVersion: 3,
        volume: 55,
        languages: ['jra'],
      });
      await h.system.waitForAck(a.id);
      expect(h.adapter.volume).toBe(55);
      const b = await h.system.send(h.deviceId, 'config.set', { configVersion: 2, volume: 10 });
      expect(await h.system.waitForAck(b.id)).toMatchObject({ ok: true });
      expect(h.device.config).toMatchObject({ configVersion: 3, volume: 55, languages: ['jra'] });
      // P-B1: config.languages order decides the content
      const body = deliverBody('b-lang');
      body.bulletin.contents.push({ lang: 'jra', text: 'Jrai' });
      await h.system.send(h.deviceId, 'bulletin.deliver', body, { ttlSec: 600 });
      const receipt = await h.system.waitFor((m) => m.type === 'receipt');
      expect(receipt.message.body?.lang).toBe('jra');
    } finally {
      await h.close();
    }
  });

  it('P-D2/P-R2: survives a broker restart: reconnects with a new session, and a receipt made offline arrives once', async () => {
    const first = await startBroker();
    const h = await setup({ name: 'restart', url: () => first.url, protocolVersion: 4 });
    let second: TestBroker | undefined;
    let system2: TestSystem | undefined;
    try {
      const ref = serve(randomBytes(300));
      const { id } = await h.system.send(
        h.deviceId,
        'bulletin.deliver',
        deliverBody('b-outage', { media: [ref], durationSec: 0.5 }),
        {
          ttlSec: 600,
        },
      );
      await h.system.waitForAck(id);
      await waitUntil(() => h.adapter.plays.length === 1);
      await h.system.close().catch(() => undefined);
      await first.close();
      await waitUntil(() => h.events.some((e) => e.type === 'receipt' && e.sent === false));
      second = await startBroker({ port: first.port });
      system2 = await TestSystem.connect({ url: second.url, province: h.province, key: systemKey });
      await system2.register(h.deviceId, h.deviceKey.anchor);
      const receipt = await system2.waitFor((m) => m.type === 'receipt');
      expect(receipt.verified).toBe(true);
      expect(receipt.message.body).toMatchObject({
        seq: 1,
        bulletinId: 'b-outage',
        outcome: 'completed',
        offline: true,
      });
      const presence = system2.of(h.deviceId, 'presence').find((m) => m.message.online === true);
      expect(presence?.message.session as number).toBeGreaterThan(1);
      await waitUntil(() => h.device.pendingReceipts().length === 0);
      expect(system2.receipts.get(h.deviceId)?.size).toBe(1);
    } finally {
      await h.device.stop();
      await system2?.close();
      await second?.close();
    }
  });

  it('P-T1: connects over TLS (mqtts) with the broker certificate as CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nguon-tls-'));
    dirs.push(dir);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const key = await readFile(join(dir, 'key.pem'));
    const cert = await readFile(join(dir, 'cert.pem'));
    const secure = await startBroker({ tls: { key, cert } });
    try {
      const h = await setup(
        { name: 'tls', url: () => secure.url, protocolVersion: 4 },
        {
          mqtt: { url: secure.tlsUrl ?? '', ca: cert },
        },
      );
      try {
        expect(h.events.find((e) => e.type === 'connected')).toMatchObject({ url: secure.tlsUrl });
        const { id } = await h.system.send(h.deviceId, 'device.ping', {});
        expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
      } finally {
        await h.close();
      }
    } finally {
      await secure.close();
    }
  });

  it('P-T1: works over MQTT WebSocket and reconnects with a new session after the broker drops it; the will says offline', async () => {
    const h = await setup({ name: 'ws', url: () => broker.wsUrl, protocolVersion: 4 });
    try {
      const client = [
        ...Object.values(
          (broker.aedes as unknown as { clients: Record<string, { id: string; conn: { destroy(): void } }> })
            .clients,
        ),
      ].find((c) => c.id === h.deviceId);
      expect(client).toBeDefined();
      client?.conn.destroy();
      const will = await h.system.waitFor((m) => m.type === 'presence' && m.message.online === false);
      expect(will.message.session).toBe(1);
      const back = await h.system.waitFor(
        (m) => m.type === 'presence' && m.message.online === true && m.message.session === 2,
      );
      expect(back).toBeDefined();
      await waitUntil(() => h.events.filter((e) => e.type === 'welcome').length === 2);
      const { id } = await h.system.send(h.deviceId, 'device.ping', {});
      expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
    } finally {
      await h.close();
    }
  });
});

describe('DeviceClient commands on aedes', () => {
  const aedes = targets[0] as Target;

  it('live.start relays under the scheduler (state live), live.stop ends it; playback.stop stops a play', async () => {
    const adapter = new NullAdapter({ kind: 'radio', live: true, defaultDurationSec: 0.05 });
    const h = await setup(aedes, { adapter });
    try {
      const until = new Date(Date.now() + 60_000).toISOString();
      const start = await h.system.send(h.deviceId, 'live.start', {
        url: 'http://127.0.0.1:9/live.mp3',
        format: 'icecast',
        priority: 'priority',
        until,
      });
      expect(await h.system.waitForAck(start.id)).toMatchObject({ ok: true });
      await h.system.waitFor((m) => m.type === 'status' && m.message.body?.state === 'live');
      expect(adapter.relays.map((r) => r.url)).toEqual(['http://127.0.0.1:9/live.mp3']);
      const stop = await h.system.send(h.deviceId, 'live.stop', {});
      expect(await h.system.waitForAck(stop.id)).toMatchObject({ ok: true });
      await waitUntil(() => adapter.relays[0]?.result !== undefined);
      const past = await h.system.send(h.deviceId, 'live.start', {
        url: 'http://127.0.0.1:9/live.mp3',
        format: 'hls',
        priority: 'normal',
        until: new Date(Date.now() - 1000).toISOString(),
      });
      expect(await h.system.waitForAck(past.id)).toMatchObject({ ok: false, code: 'expired' });
      // playback.stop: a long play ends interrupted, reason stopped
      const long = serve(randomBytes(500));
      await h.system.send(
        h.deviceId,
        'bulletin.deliver',
        deliverBody('b-long', { media: [long], durationSec: 30 }),
        {
          ttlSec: 600,
        },
      );
      await waitUntil(() => adapter.plays.length === 1);
      await h.system.send(h.deviceId, 'playback.stop', {});
      const receipt = await h.system.waitFor(
        (m) => m.type === 'receipt' && m.message.body?.bulletinId === 'b-long',
      );
      expect(receipt.message.body).toMatchObject({ outcome: 'interrupted', reason: 'stopped' });
    } finally {
      await h.close();
    }
  });

  it('device.selftest reports a failing adapter through status error and an alarm; ping acks with deviceTime', async () => {
    const adapter = new NullAdapter({ kind: 'board' });
    adapter.selfTest = async () => ({
      ok: false,
      checks: [{ name: 'screen', ok: false, message: 'no HDMI signal' }],
    });
    const h = await setup(aedes, { adapter, kind: 'board' });
    try {
      const { id } = await h.system.send(h.deviceId, 'device.selftest', {});
      expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
      const alarm = await h.system.waitFor(
        (m) => m.type === 'alarm' && m.message.body?.code === 'selftest_failed',
      );
      expect(alarm.message.body?.message).toContain('screen: no HDMI signal');
      await h.system.waitFor((m) => m.type === 'status' && m.message.body?.state === 'error');
      const ping = await h.system.send(h.deviceId, 'device.ping', {});
      const ack = await h.system.waitForAck(ping.id);
      expect(Math.abs(Date.parse(ack.deviceTime ?? '') - Date.now())).toBeLessThan(5000);
    } finally {
      await h.close();
    }
  });

  it('P-D4: an accepted bulletin with repeats left survives a restart and plays only the plays left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nguon-device-'));
    dirs.push(dir);
    const h = await setup(aedes, { store: new FileStore(dir) });
    try {
      const body = deliverBody('b-repeat', { repeat: { count: 3, intervalSec: 1 } });
      const { id } = await h.system.send(h.deviceId, 'bulletin.deliver', body, { ttlSec: 600 });
      expect(await h.system.waitForAck(id)).toMatchObject({ ok: true });
      const commands = h.events.filter((e) => e.type === 'command' && e.id === id);
      expect(commands[0]).toMatchObject({ bulletinId: 'b-repeat', commandType: 'bulletin.deliver' });
      await waitUntil(() => h.system.of(h.deviceId, 'receipt').length === 1);
      await h.restart({ store: new FileStore(dir) });
      await waitUntil(() => h.system.of(h.deviceId, 'receipt').length === 3, 8000);
      await new Promise((r) => setTimeout(r, 1300));
      const receipts = h.system.of(h.deviceId, 'receipt').map((r) => r.message.body);
      expect(receipts.map((r) => [r?.seq, r?.bulletinId, r?.outcome])).toEqual([
        [1, 'b-repeat', 'completed'],
        [2, 'b-repeat', 'completed'],
        [3, 'b-repeat', 'completed'],
      ]);
      const starts = receipts.map((r) => Date.parse(String(r?.startedAt)));
      expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(990);
    } finally {
      await h.close();
    }
  });
});

describe('DeviceClient session details on aedes', () => {
  const aedes = targets[0] as Target;

  it('P-TP1/P-H2: every subscription is in place before hello; P-H4: status every heartbeatSec', async () => {
    const order: string[] = [];
    const onSubscribe = (subs: { topic: string }[], client: { id: string } | null) => {
      if (client?.id.startsWith('t-'))
        order.push(...subs.map((x) => `sub ${x.topic.split('/').slice(3).join('/')}`));
    };
    const onPublish = (packet: { topic: string }, client: { id: string } | null) => {
      if (client?.id.startsWith('t-') && packet.topic.endsWith('/evt/hello')) order.push('hello');
    };
    broker.aedes.on('subscribe', onSubscribe as never);
    broker.aedes.on('publish', onPublish as never);
    const clock = new TestClock(Date.now());
    const h = await setup(aedes, { clock });
    try {
      broker.aedes.removeListener('subscribe', onSubscribe as never);
      broker.aedes.removeListener('publish', onPublish as never);
      const mine = order.filter((o) => o === 'hello' || o.includes(h.deviceId) || o.includes(`area/`));
      expect(mine.at(-1)).toBe('hello');
      expect(mine).toContain(`sub dev/${h.deviceId}/cmd`);
      expect(mine).toContain(`sub area/${h.unit}`);
      expect(mine).toContain(`sub area/${h.province}`);
      await h.device.idle();
      await h.system.waitFor((m) => m.type === 'ack' && m.deviceId === h.deviceId);
      const statuses = () => h.system.of(h.deviceId, 'status').length;
      const before = statuses();
      expect(before).toBe(1);
      await clock.advance(60_000);
      await waitUntil(() => statuses() === before + 1);
      await clock.advance(60_000);
      await waitUntil(() => statuses() === before + 2);
      const last = h.system.of(h.deviceId, 'status').at(-1);
      expect(last?.message.body).toMatchObject({ state: 'idle', uptimeSec: 120, configVersion: 1 });
    } finally {
      await h.close();
    }
  });
});

async function waitUntil(test: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`waitUntil: condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
