/**
 * Black-box conformance of `nguon device run` against device protocol v1, written from the spec and
 * the user docs only. The device runs as a real process; the broker (aedes), the source system
 * (mqtt.js + jose) and the media server are in this process. Tests run in order against one device
 * data directory: session 1, then a restart (session 2) and two broker-side drops (sessions 3, 4).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  DeviceProcess,
  type GeneratedKey,
  generateKey,
  type MediaEntry,
  MediaServer,
  type ReceivedEvent,
  RecordingBroker,
  readRetained,
  System,
  sleep,
  ulid,
  verifyJws,
  waitUntil,
  writeConfig,
} from './conformance/harness';

const DEVICE = 'loa-52001-001';
const P = '52';
const UNITS = ['52001', '520'];
const PREFIX = `nguon/v1/${P}/dev/${DEVICE}`;
const PRESENCE = `${PREFIX}/presence`;
const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

let broker: RecordingBroker;
let media: MediaServer;
let system: System;
let sysKey: GeneratedKey;
let rogue: GeneratedKey;
let devKey: GeneratedKey;
let nextKey: GeneratedKey;
let configPath: string;
/** The process started with an invalid deviceId (P-T2 negative), started beside the main device. */
let badIdRun: Promise<{ proc: DeviceProcess; code: number | null | undefined }>;
let device: DeviceProcess;
/** What the system holds committed; sent as `receiptsCommittedUpTo` in every welcome. */
let committed = 0;
/** Added to `serverTime` in welcomes (P-H5 clock test). */
let serverSkewMs = 0;
/** How many payloads without a readable id the §9 test sent (checked later in status.badMessages). */
let malformedSent = 0;
/** When the stale welcome (P-H5) was sent; no status after it may show its configVersion 50. */
let staleWelcomeAt = 0;
/** The `config` of every welcome. */
let welcomeConfig: Record<string, unknown> = { configVersion: 1 };

const rogueSigner = () => ({ key: rogue.privateKey, kid: rogue.kid });
/** Signed with a key the device does not hold, under the name of the key it trusts. */
const forgerSigner = () => ({ key: rogue.privateKey, kid: sysKey.kid });

function body(e: ReceivedEvent): Record<string, unknown> {
  return e.envelope.body ?? {};
}

function deviceEvents(type: string, since = 0): ReceivedEvent[] {
  return system.of(type, since).filter((e) => e.topic.startsWith(`${PREFIX}/`));
}

function alarmsFor(ref: string): ReceivedEvent[] {
  return deviceEvents('alarm').filter((e) => body(e).ref === ref);
}

async function expectRefused(id: string, code: string, alarm: boolean) {
  const ack = await system.waitForAck(id);
  expect(body(ack), JSON.stringify(body(ack))).toMatchObject({ ref: id, ok: false, code });
  if (alarm) {
    const raised = await system.waitFor(
      (e) => e.type === 'alarm' && body(e).code === code && (body(e).ref === id || body(e).ref === undefined),
      3000,
      `alarm ${code} for ${id}`,
    );
    expect(body(raised).code).toBe(code);
  } else {
    expect(alarmsFor(id)).toEqual([]);
  }
}

async function ping(o: Parameters<System['send']>[3] = {}) {
  const sent = await system.send(DEVICE, 'device.ping', {}, o);
  return { ...sent, ack: await system.waitForAck(sent.id) };
}

/** The latest `status` published after `since` (waits for one). */
async function statusAfter(since: number): Promise<Record<string, unknown>> {
  const e = await system.waitFor(
    (x) => x.type === 'status' && x.at > since && x.topic.startsWith(PREFIX),
    8000,
    'a status',
  );
  return body(e);
}

function bulletin(
  id: string,
  o: {
    priority?: 'normal' | 'priority' | 'emergency';
    contents?: { lang: string; title?: string; text?: string; mediaSha256?: string }[];
    media: MediaEntry[];
    category?: string;
    endAt?: string;
  },
) {
  const priority = o.priority ?? 'normal';
  const contents =
    o.contents ?? o.media.map((m) => ({ lang: m.lang ?? 'vi', title: id, mediaSha256: m.sha256 }));
  const playout: Record<string, unknown> = { priority, startAt: iso(-1000) };
  if (o.endAt) playout.endAt = o.endAt;
  return {
    bulletin: {
      id,
      version: 1,
      category: o.category ?? 'thoi-su',
      priority,
      title: `Bản tin ${id}`,
      contents,
    },
    playout,
    media: o.media,
  };
}

async function receiptFor(bulletinId: string, since = 0, timeoutMs = 15_000): Promise<ReceivedEvent> {
  return system.waitFor(
    (e) => e.type === 'receipt' && e.at >= since && body(e).bulletinId === bulletinId,
    timeoutMs,
    `receipt for ${bulletinId}`,
  );
}

const playStarts = (bulletinId: string) =>
  device.events.filter((e) => e.type === 'play.start' && e.bulletinId === bulletinId);

async function startDevice(): Promise<DeviceProcess> {
  const d = DeviceProcess.start(configPath);
  try {
    await d.waitFor((e) => e.type === 'welcome', 20_000, 'the welcome event on stdout');
  } catch (error) {
    const seen = system.events.map((e) => `${e.topic} ${e.raw.slice(0, 300)}`).join('\n');
    throw new Error(
      `${String(error)}\nstdout: ${JSON.stringify(d.events)}\nstderr: ${d.stderr}\nsystem saw:\n${seen}`,
    );
  }
  return d;
}

beforeAll(async () => {
  [broker, media, sysKey, rogue, devKey, nextKey] = await Promise.all([
    RecordingBroker.start(),
    MediaServer.start(),
    generateKey('gl-test-1'),
    generateKey('gl-rogue-1'),
    generateKey(DEVICE),
    generateKey('gl-test-2'),
  ]);
  system = await System.connect(broker.url, P, sysKey);
  system.welcomeBody = (hello) => ({
    helloId: hello.envelope.id,
    serverTime: iso(serverSkewMs),
    heartbeatSec: 5,
    config: welcomeConfig,
    trust: [{ kid: sysKey.kid, publicKey: sysKey.publicKey }],
    trustVersion: 1,
    receiptsCommittedUpTo: committed,
  });
  configPath = writeConfig({
    kind: 'radio',
    deviceId: DEVICE,
    province: P,
    units: UNITS,
    mqtt: { url: broker.url, password: 'device-secret-1' },
    trust: [{ kid: sysKey.kid, publicKey: sysKey.publicKey }],
    privateKey: devKey.privateKey,
    player: 'null',
  }).configPath;
  const bad = writeConfig({
    kind: 'radio',
    deviceId: 'Loa_52001',
    province: P,
    units: UNITS,
    mqtt: { url: broker.url },
    trust: [{ kid: sysKey.kid, publicKey: sysKey.publicKey }],
    privateKey: devKey.privateKey,
    player: 'null',
  });
  const proc = DeviceProcess.start(bad.configPath);
  badIdRun = Promise.race([proc.wait(), sleep(20_000).then(() => undefined)]).then(async (result) => {
    if (!result) await proc.stop('SIGKILL');
    return { proc, code: result?.code };
  });
  device = await startDevice();
}, 60_000);

afterAll(async () => {
  await device?.stop('SIGKILL');
  await system?.close();
  await media?.close();
  await broker?.close();
});

describe('session 1: connection and session (§1, §2, §5)', () => {
  test('P-T2 the MQTT client id and the username are the device id, the password the device secret', () => {
    const connect = broker.connects.find((c) => c.clientId === DEVICE);
    expect(connect).toBeDefined();
    expect(connect?.username).toBe(DEVICE);
    expect(connect?.password).toBe('device-secret-1');
  });

  test('P-T2 (negative) a deviceId outside ^[a-z0-9][a-z0-9-]{2,63}$ is refused before connecting', async () => {
    const { proc, code } = await badIdRun;
    expect(code).not.toBe(0);
    expect(code).toBeDefined();
    expect(proc.stderr).toMatch(/deviceId/);
    expect(broker.connects.some((c) => c.clientId === 'Loa_52001')).toBe(false);
  });

  test('P-TP1 subscribes to its cmd topic and to area/{code} of every unit and the province, before hello', () => {
    const subs = broker.subscriptions.filter((s) => s.clientId === DEVICE);
    const topics = subs.map((s) => s.topic);
    const expected = [`${PREFIX}/cmd`, ...[...UNITS, P].map((u) => `nguon/v1/${P}/area/${u}`)];
    expect(topics).toEqual(expect.arrayContaining(expected));
    const hello = broker.publishes.find((p) => p.clientId === DEVICE && p.topic === `${PREFIX}/evt/hello`);
    expect(hello).toBeDefined();
    for (const t of expected) {
      const sub = subs.find((s) => s.topic === t);
      expect(sub?.at, `subscription ${t} before hello`).toBeLessThanOrEqual(hello?.at ?? 0);
    }
  });

  test('P-TP1/P-TP2 (negative) subscribes to nothing but its own topics: no wildcard, no other device', () => {
    const own = new Set([`${PREFIX}/cmd`, ...[...UNITS, P].map((u) => `nguon/v1/${P}/area/${u}`)]);
    const topics = broker.subscriptions.filter((s) => s.clientId === DEVICE).map((s) => s.topic);
    expect(topics.filter((t) => !own.has(t))).toEqual([]);
  });

  test('P-H1 retained presence online with session 1, before hello; the will is the same topic offline, same session', () => {
    const presence = broker.publishes.filter((p) => p.clientId === DEVICE && p.topic === PRESENCE);
    expect(presence.length).toBeGreaterThan(0);
    const first = presence[0]!;
    expect(first.retain).toBe(true);
    expect(JSON.parse(first.payload.toString())).toMatchObject({ online: true, session: 1 });
    expect(JSON.parse(first.payload.toString()).ts).toBeDefined();
    const hello = broker.publishes.find((p) => p.clientId === DEVICE && p.topic === `${PREFIX}/evt/hello`);
    expect(first.at).toBeLessThanOrEqual(hello?.at ?? 0);
    const will = broker.connects.find((c) => c.clientId === DEVICE)?.will;
    expect(will?.topic).toBe(PRESENCE);
    expect(will?.retain).toBe(true);
    expect(JSON.parse(will?.payload.toString() ?? '{}')).toMatchObject({ online: false, session: 1 });
  });

  test('P-T4 nothing but presence is retained', () => {
    const retained = broker.publishes.filter(
      (p) => p.clientId === DEVICE && p.retain && p.topic !== PRESENCE,
    );
    expect(retained.map((p) => p.topic)).toEqual([]);
  });

  test('P-H2 hello carries kind, vendor, model, firmware, protocols [1], units, capabilities, receiptsPendingFrom', () => {
    const hello = deviceEvents('hello')[0];
    expect(hello).toBeDefined();
    expect(hello!.envelope).toMatchObject({ v: 1, type: 'hello' });
    expect(typeof hello!.envelope.id).toBe('string');
    expect(typeof hello!.envelope.seq).toBe('number');
    const b = body(hello!);
    expect(b.kind).toBe('radio');
    for (const k of ['vendor', 'model', 'firmware']) expect(typeof b[k], k).toBe('string');
    expect(b.protocols).toEqual([1]);
    expect(b.units).toEqual(expect.arrayContaining(UNITS));
    expect(typeof b.capabilities).toBe('object');
    expect(b.receiptsPendingFrom).toBe(1);
  });

  test('P-H3 the welcome naming the latest hello is acknowledged ok and adopted', async () => {
    const hello = deviceEvents('hello')[0]!;
    const welcome = await waitUntil(() => system.welcomes[0], 3000, 'the welcome sent');
    expect(welcome.helloId).toBe(hello.envelope.id);
    const ack = await system.waitForAck(welcome.id);
    expect(body(ack)).toMatchObject({ ok: true });
    const adopted = device.events.find((e) => e.type === 'welcome');
    expect(adopted?.helloId).toBe(hello.envelope.id);
  });
});

describe('session 1: commands (§4, §6, §9)', () => {
  let shortLived: { id: string; jws: string } | undefined;

  test('P-S5 a short-lived command executes once (replayed after its exp further down)', async () => {
    const sent = await system.send(DEVICE, 'device.ping', {}, { exp: iso(3000) });
    shortLived = sent;
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
  });
  test('P-M3 device.ping is acknowledged within 5 s with deviceTime', async () => {
    const { ack, sentAt } = await ping();
    expect(body(ack).ok).toBe(true);
    expect(ack.at - sentAt).toBeLessThan(5000);
    const t = body(ack).deviceTime;
    const ms = typeof t === 'number' ? t : Date.parse(String(t));
    expect(Math.abs(ms - Date.now())).toBeLessThan(10_000);
  });

  test('P-S2 unknown_key comes first: untrusted kid, wrong version, exp before ts, misrouted, unknown type', async () => {
    const { id } = await system.send(
      DEVICE,
      'future.command',
      {},
      { v: 2, ts: iso(-7200_000), exp: iso(-10_800_000), to: 'dev:loa-52001-999' },
      rogueSigner(),
    );
    await expectRefused(id, 'unknown_key', true);
  });

  test('P-S2 bad_signature comes next: trusted kid, wrong key, and every later fault', async () => {
    const { id } = await system.send(
      DEVICE,
      'future.command',
      {},
      { v: 2, ts: iso(-7200_000), exp: iso(-10_800_000), to: 'dev:loa-52001-999' },
      forgerSigner(),
    );
    await expectRefused(id, 'bad_signature', true);
  });

  test('P-S2 bad_signature: a genuine command whose payload was altered in transit', async () => {
    const { id, jws } = await system.sign(DEVICE, 'device.ping', {});
    const [h, p, s] = jws.split('.');
    const altered = JSON.parse(Buffer.from(p!, 'base64url').toString());
    altered.to = 'area:52';
    await system.publish(
      system.cmdTopic(DEVICE),
      `${h}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${s}`,
    );
    await expectRefused(id, 'bad_signature', true);
  });

  test('P-S2 (negative) a forged bulletin.deliver is not acted on: no media fetch, no play', async () => {
    const m = media.add('/forged.wav', 1);
    const { id } = await system.send(
      DEVICE,
      'bulletin.deliver',
      bulletin('forged-1', { media: [m] }),
      {},
      forgerSigner(),
    );
    await expectRefused(id, 'bad_signature', true);
    await sleep(1000);
    expect(media.requests.filter((r) => r.path === '/forged.wav')).toEqual([]);
    expect(playStarts('forged-1')).toEqual([]);
  });

  test('P-S2/P-E2 unsupported_version comes next (before invalid_message, expired, misrouted, type)', async () => {
    const { id } = await system.send(
      DEVICE,
      'future.command',
      {},
      {
        v: 2,
        ts: iso(-7200_000),
        exp: iso(-10_800_000),
        to: 'dev:loa-52001-999',
      },
    );
    await expectRefused(id, 'unsupported_version', false);
  });

  test('P-S2 invalid_message (exp <= ts) comes before expired, misrouted and unsupported_type', async () => {
    const { id } = await system.send(
      DEVICE,
      'future.command',
      {},
      {
        ts: iso(-7200_000),
        exp: iso(-10_800_000),
        to: 'dev:loa-52001-999',
      },
    );
    await expectRefused(id, 'invalid_message', false);
  });

  test('P-S2 invalid_message (body schema) comes before expired and misrouted', async () => {
    const { id } = await system.send(
      DEVICE,
      'bulletin.deliver',
      { bulletin: 42 },
      {
        ts: iso(-7200_000),
        exp: iso(-3600_000),
        to: 'dev:loa-52001-999',
      },
    );
    await expectRefused(id, 'invalid_message', false);
  });

  test('P-S2 expired comes before not_yet_valid... misrouted and unsupported_type', async () => {
    const { id } = await system.send(
      DEVICE,
      'future.command',
      {},
      {
        ts: iso(-7200_000),
        exp: iso(-3600_000),
        to: 'dev:loa-52001-999',
      },
    );
    await expectRefused(id, 'expired', false);
  });

  test('P-S2 a command without exp lives 24 h from ts: 25 h old is expired, 23 h old is accepted', async () => {
    const old = await system.send(DEVICE, 'device.ping', {}, { ts: iso(-25 * 3600_000), exp: null });
    await expectRefused(old.id, 'expired', false);
    const recent = await ping({ ts: iso(-23 * 3600_000), exp: null });
    expect(body(recent.ack)).toMatchObject({ ok: true });
  });

  test('P-S2 not_yet_valid (ts > 300 s ahead) comes before misrouted and unsupported_type', async () => {
    const { id } = await system.send(
      DEVICE,
      'future.command',
      {},
      {
        ts: iso(600_000),
        exp: iso(7200_000),
        to: 'dev:loa-52001-999',
      },
    );
    await expectRefused(id, 'not_yet_valid', false);
  });

  test('P-S2 (negative) ts 200 s ahead is within the 300 s tolerance', async () => {
    const { ack } = await ping({ ts: iso(200_000), exp: iso(3600_000) });
    expect(body(ack)).toMatchObject({ ok: true });
  });

  test('P-S2 misrouted (to another device) comes before unsupported_type, with an alarm', async () => {
    const { id } = await system.send(DEVICE, 'future.command', {}, { to: 'dev:loa-52001-999' });
    await expectRefused(id, 'misrouted', true);
  });

  test('P-S2 misrouted: to an area the device does not lie in', async () => {
    const { id } = await system.send(DEVICE, 'device.ping', {}, { to: 'area:52002' });
    await expectRefused(id, 'misrouted', true);
  });

  test('P-S2 (negative) the to check does not depend on the topic: area:52 on cmd, dev:self on an area topic', async () => {
    const a = await ping({ to: `area:${P}` });
    expect(body(a.ack)).toMatchObject({ ok: true });
    const signed = await system.sign(DEVICE, 'device.ping', {});
    await system.publish(system.areaTopic('52001'), signed.jws);
    expect(body(await system.waitForAck(signed.id))).toMatchObject({ ok: true });
  });

  test('P-S2/P-E1 unsupported_type is the last fault, without an alarm', async () => {
    const { id } = await system.send(DEVICE, 'future.command', {});
    await expectRefused(id, 'unsupported_type', false);
  });

  test('§3 (negative) an id that is not a ULID, a to that is neither dev: nor area:, an upper-case hash → invalid_message', async () => {
    const notUlid = await system.send(DEVICE, 'device.ping', {}, { id: 'not-a-ulid' });
    await expectRefused(notUlid.id, 'invalid_message', false);
    const badTo = await system.send(DEVICE, 'device.ping', {}, { to: 'everyone' });
    await expectRefused(badTo.id, 'invalid_message', false);
    const m = media.add('/upper.wav', 1, { lang: 'vi' });
    const upper = { ...m, sha256: m.sha256.toUpperCase() };
    const badHash = await system.send(DEVICE, 'bulletin.deliver', bulletin('upper-1', { media: [upper] }));
    await expectRefused(badHash.id, 'invalid_message', false);
  });

  test('device.selftest is acknowledged ok within 5 s', async () => {
    const sent = await system.send(DEVICE, 'device.selftest', {});
    const ack = await system.waitForAck(sent.id);
    expect(body(ack)).toMatchObject({ ok: true });
    expect(ack.at - sent.sentAt).toBeLessThan(5000);
  });

  test('P-E1 an unknown type whose name has a hyphen is still unsupported_type (spec gives no type grammar)', async () => {
    const { id } = await system.send(DEVICE, 'future.some-type', {});
    await expectRefused(id, 'unsupported_type', false);
  });

  test('P-S2 only a valid command is a duplicate: a forged or v2 copy of an executed id reports its fault', async () => {
    const done = await ping();
    expect(body(done.ack)).toMatchObject({ ok: true });
    const forged = await system.send(DEVICE, 'device.ping', {}, { id: done.id }, forgerSigner());
    await waitUntil(() => (system.acksFor(forged.id).length >= 2 ? true : undefined), 6000, 'a second ack');
    expect(body(system.acksFor(forged.id)[1]!)).toMatchObject({ ok: false, code: 'bad_signature' });
    await system.send(DEVICE, 'device.ping', {}, { id: done.id, v: 2 });
    await waitUntil(() => (system.acksFor(done.id).length >= 3 ? true : undefined), 6000, 'a third ack');
    expect(body(system.acksFor(done.id)[2]!)).toMatchObject({ ok: false, code: 'unsupported_version' });
  });

  test('P-S2 (negative) no alarm for unsupported_version, invalid_message, expired, not_yet_valid, unsupported_type', () => {
    const quiet = ['unsupported_version', 'invalid_message', 'expired', 'not_yet_valid', 'unsupported_type'];
    const alarms = deviceEvents('alarm').filter((e) => quiet.includes(String(body(e).code)));
    expect(alarms.map((e) => body(e))).toEqual([]);
  });

  test('P-S5/P-S2 a replay after the command lifetime ended is expired, not a duplicate', async () => {
    const sent = shortLived!;
    await sleep(Math.max(0, (system.sent.get(sent.id) ?? 0) + 3500 - Date.now()));
    await system.publish(system.cmdTopic(DEVICE), sent.jws);
    await waitUntil(() => (system.acksFor(sent.id).length >= 2 ? true : undefined), 6000, 'second ack');
    expect(body(system.acksFor(sent.id)[1]!)).toMatchObject({ ok: false, code: 'expired' });
  });

  test('P-E1 unknown fields in the envelope and the body are ignored', async () => {
    const { ack } = await ping({ extra: { futureField: { a: 1 } } });
    expect(body(ack)).toMatchObject({ ok: true });
  });

  test('P-T3 a payload just under 256 KiB is accepted; one over it is never executed', async () => {
    const under = await system.sign(DEVICE, 'device.ping', {}, { extra: { pad: 'a'.repeat(190_000) } });
    expect(Buffer.byteLength(under.jws)).toBeLessThanOrEqual(256 * 1024);
    await system.publish(system.cmdTopic(DEVICE), under.jws);
    expect(body(await system.waitForAck(under.id))).toMatchObject({ ok: true });
    const over = await system.sign(DEVICE, 'device.ping', {}, { extra: { pad: 'a'.repeat(200_000) } });
    expect(Buffer.byteLength(over.jws)).toBeGreaterThan(256 * 1024);
    await system.publish(system.cmdTopic(DEVICE), over.jws);
    const after = await ping();
    expect(body(after.ack)).toMatchObject({ ok: true });
    expect(system.acksFor(over.id).filter((a) => body(a).ok === true)).toEqual([]);
  });

  test('P-T3 boundary: exactly 262144 bytes is accepted, 262145 is not executed', async () => {
    // A JWS is header.payload.signature in unpadded base64url: 3 payload bytes make 4 characters, so
    // one length in four cannot be reached by padding the payload; a header parameter shifts it.
    const b64 = (n: number) => Math.ceil((4 * n) / 3);
    const exact = async (target: number) => {
      for (let h = 0; h < 4; h++) {
        const header = { 'x-pad': 'h'.repeat(h) };
        const base = await system.sign(DEVICE, 'device.ping', {}, { header, extra: { pad: '' } });
        const payloadLen = Buffer.from(base.jws.split('.')[1]!, 'base64url').length;
        const need = target - (base.jws.length - b64(payloadLen));
        const len = [0, 1, 2]
          .map((r) => ((need - [0, 2, 3][r]!) / 4) * 3 + r)
          .find((l) => Number.isInteger(l) && b64(l) === need);
        if (len === undefined) continue;
        const pad = 'p'.repeat(len - payloadLen);
        const signed = await system.sign(DEVICE, 'device.ping', {}, { header, extra: { pad } });
        if (Buffer.byteLength(signed.jws) === target) return signed;
      }
      throw new Error(`could not build a JWS of exactly ${target} bytes`);
    };
    const at = await exact(256 * 1024);
    const over = await exact(256 * 1024 + 1);
    await system.publish(system.cmdTopic(DEVICE), at.jws);
    expect(body(await system.waitForAck(at.id))).toMatchObject({ ok: true });
    await system.publish(system.cmdTopic(DEVICE), over.jws);
    const after = await ping();
    expect(body(after.ack)).toMatchObject({ ok: true });
    expect(system.acksFor(over.id).filter((a) => body(a).ok === true)).toEqual([]);
  });

  test('§9 malformed payloads never crash the device and are counted in status.badMessages', async () => {
    const fixed: (string | Buffer)[] = [
      '',
      'not json',
      '{',
      '[]',
      'null',
      '{"id":42}',
      'a.b.c',
      'eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln',
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]),
    ];
    for (const p of fixed) await system.publish(system.cmdTopic(DEVICE), p);
    const random = fc.sample(fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 64 })), {
      numRuns: 40,
      seed: 2026,
    });
    for (const p of random) {
      await system.publish(system.cmdTopic(DEVICE), typeof p === 'string' ? p : Buffer.from(p));
    }
    const { ack } = await ping();
    expect(body(ack)).toMatchObject({ ok: true });
    expect(device.alive).toBe(true);
    malformedSent = fixed.length;
  });

  test('§9 a malformed JWS whose payload still yields a string id is answered ack ok:false', async () => {
    const id = ulid();
    const payload = Buffer.from(
      JSON.stringify({
        v: 1,
        id,
        type: 'device.ping',
        ts: iso(),
        exp: iso(3600_000),
        to: `dev:${DEVICE}`,
        body: {},
      }),
    ).toString('base64url');
    await system.publish(system.cmdTopic(DEVICE), `bm90IGpzb24.${payload}.c2ln`);
    expect(body(await system.waitForAck(id))).toMatchObject({ ref: id, ok: false });
  });

  test('§9 an unsigned JSON command with a string id is answered ack ok:false (reading: "malformed" = not a JWS)', async () => {
    const id = ulid();
    await system.publish(
      system.cmdTopic(DEVICE),
      JSON.stringify({
        v: 1,
        id,
        type: 'device.ping',
        ts: iso(),
        exp: iso(3600_000),
        to: `dev:${DEVICE}`,
        body: {},
      }),
    );
    expect(body(await system.waitForAck(id))).toMatchObject({ ref: id, ok: false });
  });

  test('config.set: configVersion only grows; a stale config.set changes nothing', async () => {
    const set = await system.send(DEVICE, 'config.set', { configVersion: 5, volume: 55 });
    expect(body(await system.waitForAck(set.id))).toMatchObject({ ok: true });
    const stale = await system.send(DEVICE, 'config.set', { configVersion: 4, volume: 10 });
    const staleAck = await system.waitForAck(stale.id);
    const status = await statusAfter(staleAck.at);
    expect(status).toMatchObject({ configVersion: 5, volume: 55 });
  });
});

/** The signed `bulletin.deliver` commands sent, by bulletin id (replayed later). */
const delivered: Record<string, { id: string; jws: string }> = {};

describe('session 1: playout, media and receipts (§6, §7, §8)', () => {
  let missingSentAt = 0;

  test('P-M3 media that cannot be fetched (HTTP 404) still gets ack ok:true at once', async () => {
    const m = { ...media.add('/missing.wav', 1, { lang: 'vi' }), url: `${media.base}/no-such-file.wav` };
    const sent = await system.send(DEVICE, 'bulletin.deliver', bulletin('missing-1', { media: [m] }));
    missingSentAt = sent.sentAt;
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
  });
  test('P-M3 ok ack within 5 s and before the media download ends; P-B1 falls back to vi', async () => {
    const en = media.add('/b1-en.wav', 1, { lang: 'en', delayMs: 2500, pitch: 500 });
    const vi = media.add('/b1-vi.wav', 1, { lang: 'vi', delayMs: 2500, pitch: 600 });
    const since = Date.now();
    const sent = await system.send(DEVICE, 'bulletin.deliver', bulletin('b1', { media: [en, vi] }));
    delivered.b1 = sent;
    const ack = await system.waitForAck(sent.id);
    expect(body(ack)).toMatchObject({ ok: true });
    expect(ack.at - sent.sentAt).toBeLessThan(5000);
    const receipt = await receiptFor('b1', since);
    const served = media.requests.filter((r) => r.path.startsWith('/b1-') && r.endedAt);
    expect(served.length).toBeGreaterThan(0);
    for (const r of served) expect(ack.at).toBeLessThan(r.endedAt!);
    expect(body(receipt)).toMatchObject({
      bulletinId: 'b1',
      lang: 'vi',
      mediaSha256: vi.sha256,
      outcome: 'completed',
    });
  });

  test('P-B1 plays the first of config.languages that the bulletin has', async () => {
    const set = await system.send(DEVICE, 'config.set', { configVersion: 6, languages: ['km', 'en'] });
    expect(body(await system.waitForAck(set.id))).toMatchObject({ ok: true });
    const vi = media.add('/b2-vi.wav', 1, { lang: 'vi', pitch: 600 });
    const en = media.add('/b2-en.wav', 1, { lang: 'en', pitch: 500 });
    const since = Date.now();
    const sent = await system.send(DEVICE, 'bulletin.deliver', bulletin('b2', { media: [vi, en] }));
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    expect(body(await receiptFor('b2', since))).toMatchObject({ lang: 'en', mediaSha256: en.sha256 });
  });

  test('P-B1 language tags match case-insensitively (BCP 47): "EN" content for a device preferring "en"', async () => {
    const vi = media.add('/b2c-vi.wav', 1, { lang: 'vi', pitch: 610 });
    const en = media.add('/b2c-en.wav', 1, { lang: 'EN', pitch: 510 });
    const since = Date.now();
    const sent = await system.send(DEVICE, 'bulletin.deliver', bulletin('b2c', { media: [vi, en] }));
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    expect(body(await receiptFor('b2c', since))).toMatchObject({ mediaSha256: en.sha256 });
  });

  test('P-B1 any category and any BCP 47 lang are accepted; without a preferred language or vi, the first item plays', async () => {
    const fr = media.add('/b3-fr.wav', 1, { lang: 'fr-CA', pitch: 700 });
    const de = media.add('/b3-de.wav', 1, { lang: 'de', pitch: 800 });
    const since = Date.now();
    const sent = await system.send(
      DEVICE,
      'bulletin.deliver',
      bulletin('b3', { media: [fr, de], category: 'category-from-the-future' }),
    );
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    expect(body(await receiptFor('b3', since))).toMatchObject({ lang: 'fr-CA', mediaSha256: fr.sha256 });
  });

  test('P-B2 repeat.count is the total number of plays, intervalSec the gap between their starts', async () => {
    const m = media.add('/r1.wav', 1, { lang: 'vi', pitch: 450 });
    const b = bulletin('r1', { media: [m] });
    (b.playout as Record<string, unknown>).repeat = { count: 2, intervalSec: 2 };
    const since = Date.now();
    const sent = await system.send(DEVICE, 'bulletin.deliver', b);
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    await waitUntil(
      () =>
        deviceEvents('receipt', since).filter((e) => body(e).bulletinId === 'r1').length >= 2
          ? true
          : undefined,
      10_000,
      'two receipts for r1',
    );
    const starts = deviceEvents('receipt', since)
      .filter((e) => body(e).bulletinId === 'r1')
      .map((e) => Date.parse(String(body(e).startedAt)));
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(1900);
    await sleep(1000);
    expect(playStarts('r1')).toHaveLength(2);
  });

  test('P-Q3 within a level, earliest startAt first, then arrival; playback.stop stops the current play', async () => {
    const e = media.add('/e4.wav', 2, { lang: 'vi', pitch: 920 });
    const qa = media.add('/qa.wav', 1, { lang: 'vi', pitch: 410 });
    const qb = media.add('/qb.wav', 3, { lang: 'vi', pitch: 420 });
    const urgent = await system.send(
      DEVICE,
      'bulletin.deliver',
      bulletin('e4', { priority: 'emergency', media: [e] }),
    );
    expect(body(await system.waitForAck(urgent.id))).toMatchObject({ ok: true });
    await device.waitFor((x) => x.type === 'play.start' && x.bulletinId === 'e4', 8000, 'e4 to start');
    const a = bulletin('qa', { media: [qa] });
    (a.playout as Record<string, unknown>).startAt = iso(-1000);
    const b = bulletin('qb', { media: [qb] });
    (b.playout as Record<string, unknown>).startAt = iso(-20_000);
    const sa = await system.send(DEVICE, 'bulletin.deliver', a);
    const sb = await system.send(DEVICE, 'bulletin.deliver', b);
    expect(body(await system.waitForAck(sa.id))).toMatchObject({ ok: true });
    expect(body(await system.waitForAck(sb.id))).toMatchObject({ ok: true });
    const next = await device.waitFor(
      (x) => x.type === 'play.start' && (x.bulletinId === 'qa' || x.bulletinId === 'qb'),
      8000,
      'qa or qb to start',
    );
    expect(next.bulletinId).toBe('qb');
    const stop = await system.send(DEVICE, 'playback.stop', {});
    expect(body(await system.waitForAck(stop.id))).toMatchObject({ ok: true });
    const end = await device.waitFor(
      (x) => x.type === 'play.end' && x.bulletinId === 'qb',
      2000,
      'qb to stop',
    );
    expect(
      Date.parse(String(end.ts ?? end.endedAt)) - Date.parse(String(next.ts ?? next.startedAt)),
    ).toBeLessThan(2500);
    await receiptFor('qa', 0, 8000);
  });

  test('P-B2/P-Q2 nothing starts before startAt, nor after playout.endAt', async () => {
    const later = media.add('/s1.wav', 1, { lang: 'vi', pitch: 470 });
    const gone = media.add('/s2.wav', 1, { lang: 'vi', pitch: 480 });
    const startAt = Date.now() + 2500;
    const b = bulletin('s1', { priority: 'emergency', media: [later] });
    (b.playout as Record<string, unknown>).startAt = new Date(startAt).toISOString();
    const old = bulletin('s2', { media: [gone] });
    (old.playout as Record<string, unknown>).startAt = iso(-120_000);
    (old.playout as Record<string, unknown>).endAt = iso(-60_000);
    const sent = await system.send(DEVICE, 'bulletin.deliver', b);
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    const past = await system.send(DEVICE, 'bulletin.deliver', old);
    await system.waitForAck(past.id);
    const start = await device.waitFor((x) => x.type === 'play.start' && x.bulletinId === 's1', 8000, 's1');
    expect(Date.parse(String(start.startedAt ?? start.ts))).toBeGreaterThanOrEqual(startAt - 250);
    await receiptFor('s1', 0, 5000);
    await sleep(500);
    expect(playStarts('s2')).toEqual([]);
  });

  test('P-M1 a media hash mismatch: no play, alarm media_integrity, receipt failed', async () => {
    const m = media.add('/b4.wav', 1, { lang: 'vi', lieAbout: Buffer.from('other bytes') });
    const since = Date.now();
    const sent = await system.send(DEVICE, 'bulletin.deliver', bulletin('b4', { media: [m] }));
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    const alarm = await system.waitFor(
      (e) => e.type === 'alarm' && e.at >= since && body(e).code === 'media_integrity',
      10_000,
      'alarm media_integrity',
    );
    expect(body(alarm).bulletinId ?? body(alarm).ref).toBeDefined();
    expect(body(await receiptFor('b4', since))).toMatchObject({ outcome: 'failed' });
    expect(playStarts('b4')).toEqual([]);
  });

  test('P-M1 (negative) the same bytes with the right hash play', async () => {
    const m = media.add('/b4b.wav', 1, { lang: 'vi' });
    const since = Date.now();
    const sent = await system.send(DEVICE, 'bulletin.deliver', bulletin('b4b', { media: [m] }));
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    expect(body(await receiptFor('b4b', since))).toMatchObject({ outcome: 'completed' });
  });

  test('P-Q1 an emergency preempts a normal play at once; the normal one ends with receipt preempted', async () => {
    const long = media.add('/n1.wav', 12, { lang: 'vi', pitch: 300 });
    const short = media.add('/e1.wav', 1, { lang: 'vi', pitch: 900 });
    const since = Date.now();
    const normal = await system.send(DEVICE, 'bulletin.deliver', bulletin('n1', { media: [long] }));
    expect(body(await system.waitForAck(normal.id))).toMatchObject({ ok: true });
    await device.waitFor((e) => e.type === 'play.start' && e.bulletinId === 'n1', 10_000, 'n1 to start');
    const urgent = await system.send(
      DEVICE,
      'bulletin.deliver',
      bulletin('e1', { priority: 'emergency', media: [short] }),
    );
    const sentAt = Date.now();
    expect(body(await system.waitForAck(urgent.id))).toMatchObject({ ok: true });
    const preempted = await receiptFor('n1', since, 8000);
    expect(body(preempted)).toMatchObject({ outcome: 'preempted' });
    const eStart = await device.waitFor((e) => e.type === 'play.start' && e.bulletinId === 'e1', 8000, 'e1');
    expect(Date.parse(String(eStart.ts ?? eStart.startedAt)) - sentAt).toBeLessThan(5000);
    expect(body(await receiptFor('e1', since))).toMatchObject({ outcome: 'completed' });
  });

  test('P-Q1 the preempted item is rescheduled while still valid; bulletin.revoke stops it now and drops it', async () => {
    await waitUntil(() => (playStarts('n1').length >= 2 ? true : undefined), 5000, 'n1 to play again');
    const revoke = await system.send(DEVICE, 'bulletin.revoke', { bulletinId: 'n1' });
    const ack = await system.waitForAck(revoke.id);
    expect(body(ack)).toMatchObject({ ok: true });
    const end = await waitUntil(
      () => device.events.filter((e) => e.type === 'play.end' && e.bulletinId === 'n1')[1],
      3000,
      'n1 to end after the revoke',
    );
    expect(end).toBeDefined();
    await sleep(1500);
    expect(playStarts('n1')).toHaveLength(2);
  });

  test('P-Q1 (negative) a normal bulletin does not preempt an emergency; it plays after it', async () => {
    const e = media.add('/e2.wav', 3, { lang: 'vi', pitch: 950 });
    const n = media.add('/n2.wav', 1, { lang: 'vi', pitch: 350 });
    const since = Date.now();
    const urgent = await system.send(
      DEVICE,
      'bulletin.deliver',
      bulletin('e2', { priority: 'emergency', media: [e] }),
    );
    expect(body(await system.waitForAck(urgent.id))).toMatchObject({ ok: true });
    await device.waitFor((x) => x.type === 'play.start' && x.bulletinId === 'e2', 8000, 'e2 to start');
    const normal = await system.send(DEVICE, 'bulletin.deliver', bulletin('n2', { media: [n] }));
    expect(body(await system.waitForAck(normal.id))).toMatchObject({ ok: true });
    expect(body(await receiptFor('e2', since))).toMatchObject({ outcome: 'completed' });
    const n2 = await receiptFor('n2', since);
    expect(body(n2)).toMatchObject({ outcome: 'completed' });
    expect(Date.parse(String(body(n2).startedAt))).toBeGreaterThanOrEqual(
      Date.parse(String(body(await receiptFor('e2', since)).endedAt)) - 50,
    );
  });

  test('P-Q2 a bulletin.revoke of a playing emergency stops it and is acknowledged', async () => {
    const e = media.add('/e3.wav', 10, { lang: 'vi', pitch: 990 });
    const urgent = await system.send(
      DEVICE,
      'bulletin.deliver',
      bulletin('e3', { priority: 'emergency', media: [e] }),
    );
    expect(body(await system.waitForAck(urgent.id))).toMatchObject({ ok: true });
    await device.waitFor((x) => x.type === 'play.start' && x.bulletinId === 'e3', 8000, 'e3 to start');
    const revoke = await system.send(DEVICE, 'bulletin.revoke', { bulletinId: 'e3' });
    expect(body(await system.waitForAck(revoke.id))).toMatchObject({ ok: true });
    await device.waitFor((x) => x.type === 'play.end' && x.bulletinId === 'e3', 3000, 'e3 to stop');
  });

  test('config.set (negative) volume outside 0–100 is refused invalid_message', async () => {
    const { id } = await system.send(DEVICE, 'config.set', { configVersion: 7, volume: 150 });
    await expectRefused(id, 'invalid_message', false);
  });

  test('§9 live.start on a device without live relay is unsupported_capability', async () => {
    const hello = deviceEvents('hello')[0]!;
    expect((body(hello).capabilities as Record<string, unknown>).live).toBeUndefined();
    const { id } = await system.send(DEVICE, 'live.start', {
      url: `${media.base}/live.m3u8`,
      format: 'hls',
      priority: 'normal',
      until: iso(600_000),
    });
    await expectRefused(id, 'unsupported_capability', false);
  });

  test('P-M2 a replayed command is acked ok:true duplicate:true and not executed', async () => {
    const b1 = delivered.b1!;
    const before = playStarts('b1').length;
    await system.publish(system.cmdTopic(DEVICE), b1.jws);
    await waitUntil(() => (system.acksFor(b1.id).length >= 2 ? true : undefined), 6000, 'second ack');
    expect(body(system.acksFor(b1.id)[1]!)).toMatchObject({ ok: true, duplicate: true });
    await sleep(2500);
    expect(playStarts('b1').length).toBe(before);
  });

  test('P-M2 the same command on an area topic and on the cmd topic is executed once', async () => {
    const m = media.add('/b5.wav', 1, { lang: 'vi' });
    const signed = await system.sign(DEVICE, 'bulletin.deliver', bulletin('b5', { media: [m] }), {
      to: 'area:52001',
    });
    await system.publish(system.areaTopic('52001'), signed.jws);
    await system.publish(system.cmdTopic(DEVICE), signed.jws);
    await waitUntil(() => (system.acksFor(signed.id).length >= 2 ? true : undefined), 6000, 'two acks');
    const acks = system.acksFor(signed.id).map(body);
    expect(acks.every((a) => a.ok === true)).toBe(true);
    expect(acks.filter((a) => a.duplicate === true)).toHaveLength(1);
    await receiptFor('b5');
    await sleep(1500);
    expect(playStarts('b5')).toHaveLength(1);
  });

  test('P-R1/P-S4 receipts are numbered 1, 2, 3… without gap and signed with the device key', async () => {
    const receipts = deviceEvents('receipt');
    expect(receipts.length).toBeGreaterThanOrEqual(7);
    const numbers: number[] = [];
    for (const r of receipts) {
      expect(r.jws, 'a receipt is a compact JWS').toBeDefined();
      const { payload, kid } = await verifyJws(r.jws!, devKey.publicKey);
      expect(kid, 'receipt kid is the device id (device README)').toBe(DEVICE);
      const env = payload as { type: string; body: Record<string, unknown> };
      expect(env.type).toBe('receipt');
      const b = env.body;
      expect(typeof b.bulletinId).toBe('string');
      expect(typeof b.lang).toBe('string');
      expect(typeof b.startedAt).toBe('string');
      expect(typeof b.endedAt).toBe('string');
      expect(['completed', 'interrupted', 'preempted', 'failed', 'skipped']).toContain(b.outcome);
      expect(typeof b.offline).toBe('boolean');
      numbers.push(Number(b.seq));
    }
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  test('P-R1 (negative) a receipt altered after signing does not verify with the device key', async () => {
    const r = deviceEvents('receipt')[0]!;
    const [h, p, s] = r.jws!.split('.');
    const env = JSON.parse(Buffer.from(p!, 'base64url').toString());
    env.body.outcome = env.body.outcome === 'completed' ? 'failed' : 'completed';
    const forged = `${h}.${Buffer.from(JSON.stringify(env)).toString('base64url')}.${s}`;
    await expect(verifyJws(forged, devKey.publicKey)).rejects.toThrow();
    await expect(verifyJws(r.jws!, rogue.publicKey)).rejects.toThrow();
  });

  test('§3 event seq: +1 for every new event, from 1, no gap, no repeat', () => {
    const events = system.events.filter((e) => e.topic.startsWith(`${PREFIX}/evt/`));
    for (const e of events) {
      expect(e.envelope.v, e.topic).toBe(1);
      expect(String(e.envelope.ts), e.topic).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    const seqs = events.map((e) => e.envelope.seq);
    expect(seqs.every((s) => typeof s === 'number')).toBe(true);
    const sorted = (seqs as number[]).slice().sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThan(10);
    expect(sorted).toEqual(sorted.map((_, i) => i + 1));
  });

  test('P-M3/P-D8 unfetchable media: alarm media_unavailable and receipt failed, no play', async () => {
    const alarm = await system.waitFor(
      (e) => e.type === 'alarm' && e.at >= missingSentAt && body(e).code === 'media_unavailable',
      15_000,
      'alarm media_unavailable',
    );
    expect(body(alarm).bulletinId ?? body(alarm).ref).toBeDefined();
    expect(body(await receiptFor('missing-1', missingSentAt))).toMatchObject({ outcome: 'failed' });
    expect(playStarts('missing-1')).toEqual([]);
  });

  test('P-M3 every command of session 1 was acknowledged within 5 s', () => {
    const late: string[] = [];
    for (const [id, sentAt] of system.sent) {
      const ack = system.acksFor(id)[0];
      if (!ack || ack.at - sentAt >= 5000) late.push(`${id}: ${ack ? ack.at - sentAt : 'no'} ms`);
    }
    expect(system.sent.size).toBeGreaterThan(30);
    expect(late).toEqual([]);
  });

  test('P-H4 status on every state change and at least every heartbeatSec, with the listed fields', () => {
    const welcomeAt = deviceEvents('hello')[0]!.at;
    const statuses = deviceEvents('status').filter((e) => e.at > welcomeAt + 1000);
    expect(statuses.length).toBeGreaterThan(5);
    for (const st of statuses) {
      const b = body(st);
      expect(['idle', 'playing', 'live', 'error']).toContain(b.state);
      expect(typeof b.volume).toBe('number');
      expect(typeof b.configVersion).toBe('number');
      expect(typeof b.uptimeSec).toBe('number');
      expect(b.deviceTime).toBeDefined();
    }
    const playing = statuses.find((e) => body(e).state === 'playing');
    expect((body(playing!).playing as Record<string, unknown>).bulletinId).toEqual(expect.any(String));
    const counted = Math.max(...statuses.map((e) => Number(body(e).badMessages ?? 0)));
    expect(counted, '§9 malformed payloads counted in status.badMessages').toBeGreaterThanOrEqual(
      malformedSent,
    );
    expect(malformedSent).toBeGreaterThan(0);
    const gaps = statuses.slice(1).map((e, i) => e.at - statuses[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(5000 + 1500);
  });

  test('P-T4 commands answers and events use QoS 1', () => {
    const events = broker.publishes.filter(
      (p) => p.clientId === DEVICE && /\/evt\/(hello|ack|receipt|alarm)$/.test(p.topic),
    );
    expect(events.length).toBeGreaterThan(10);
    expect(events.filter((p) => p.qos !== 1).map((p) => p.topic)).toEqual([]);
  });

  test('SIGTERM: exit 0, presence offline retained with the same session', async () => {
    const result = await device.stop('SIGTERM');
    expect(result.code).toBe(0);
    expect(device.events.some((e) => e.type === 'stopped')).toBe(true);
    expect(await readRetained(broker.url, PRESENCE)).toMatchObject({ online: false, session: 1 });
  });
});

describe('session 2 (restart) and sessions 3, 4 (broker drops)', () => {
  let session1Receipts: ReceivedEvent[] = [];
  let session1HelloId = '';
  let restartAt = 0;

  test('P-H1 after a restart: presence online retained with session 2; hello lists receipts from 1', async () => {
    session1Receipts = deviceEvents('receipt');
    session1HelloId = String(deviceEvents('hello')[0]?.envelope.id);
    restartAt = Date.now();
    device = await startDevice();
    const presence = broker.publishes.filter(
      (p) => p.topic === PRESENCE && p.at >= restartAt && p.clientId === DEVICE,
    );
    expect(presence[0]?.retain).toBe(true);
    expect(JSON.parse(presence[0]!.payload.toString())).toMatchObject({ online: true, session: 2 });
    const hello = deviceEvents('hello', restartAt)[0]!;
    expect(body(hello).receiptsPendingFrom).toBe(1);
  });

  test('§3 event seq is persisted across the restart', () => {
    const before = Math.max(
      ...system.events
        .filter((e) => e.at < restartAt && e.topic.startsWith(PREFIX))
        .map((e) => e.envelope.seq ?? 0),
    );
    const hello = deviceEvents('hello', restartAt)[0]!;
    expect(hello.envelope.seq).toBeGreaterThan(before);
  });

  test('P-R2 after the welcome, every uncommitted receipt is re-sent identical', async () => {
    const expected = session1Receipts.map((r) => r.raw);
    await waitUntil(
      () => (deviceEvents('receipt', restartAt).length >= expected.length ? true : undefined),
      8000,
      `${expected.length} re-sent receipts`,
    );
    const resent = deviceEvents('receipt', restartAt).map((r) => r.raw);
    for (const raw of expected) expect(resent).toContain(raw);
  });

  test('P-H5 a welcome naming an older hello is not adopted', async () => {
    const since = Date.now();
    const stale = await system.send(DEVICE, 'welcome', {
      helloId: session1HelloId,
      serverTime: iso(),
      heartbeatSec: 5,
      config: { configVersion: 50, volume: 11 },
      trust: [{ kid: sysKey.kid, publicKey: sysKey.publicKey }],
      trustVersion: 1,
      receiptsCommittedUpTo: 0,
    });
    const ack = await system.waitForAck(stale.id);
    expect(body(ack).ok).toBe(false);
    expect(
      device.events.some(
        (e) => e.type === 'welcome' && e.helloId === session1HelloId && Date.parse(String(e.ts)) >= since,
      ),
    ).toBe(false);
    staleWelcomeAt = since;
  });

  test('P-S5 a command executed before the restart is a duplicate after it, not executed again', async () => {
    const before = playStarts('b1').length;
    const original = delivered.b1!;
    await system.publish(system.cmdTopic(DEVICE), original.jws);
    await waitUntil(() => (system.acksFor(original.id).length >= 3 ? true : undefined), 6000, 'third ack');
    expect(body(system.acksFor(original.id)[2]!)).toMatchObject({ ok: true, duplicate: true });
    await sleep(2000);
    expect(playStarts('b1').length).toBe(before);
  });

  test('P-R2 receipts.commit is acked; after a reconnect only receipts above upTo are re-sent', async () => {
    const commit = await system.send(DEVICE, 'receipts.commit', { upTo: 2 });
    expect(body(await system.waitForAck(commit.id))).toMatchObject({ ok: true });
    committed = 2;
    system.welcomeOptions = { ts: iso(-48 * 3600_000), exp: iso(-24 * 3600_000) };
    const dropAt = Date.now();
    expect(broker.disconnect(DEVICE)).toBe(true);
    const hello = await system.waitFor(
      (e) => e.type === 'hello' && e.at > dropAt,
      15_000,
      'hello after reconnect',
    );
    expect(body(hello).receiptsPendingFrom).toBe(3);
    const n = session1Receipts.length;
    await waitUntil(
      () => (deviceEvents('receipt', hello.at).length >= n - 2 ? true : undefined),
      8000,
      're-sent receipts',
    );
    await sleep(500);
    const resent = deviceEvents('receipt', hello.at).map((r) => r.raw);
    const expected = session1Receipts.filter((r) => Number(body(r).seq) > 2).map((r) => r.raw);
    expect(resent.sort()).toEqual(expected.sort());
  });

  test('P-H5 a welcome naming the latest hello is adopted without time checks (its exp passed a day ago)', () => {
    const hello = deviceEvents('hello').pop()!;
    expect(device.events.some((e) => e.type === 'welcome' && e.helloId === hello.envelope.id)).toBe(true);
    system.welcomeOptions = {};
  });

  test('P-H1 a broker-side drop publishes the will (offline, old session); the reconnect takes session 3', () => {
    const presence = broker.publishes
      .filter((p) => p.topic === PRESENCE)
      .map((p) => ({ ...JSON.parse(p.payload.toString()), retain: p.retain }));
    expect(presence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ online: false, session: 2, retain: true }),
        expect.objectContaining({ online: true, session: 3, retain: true }),
      ]),
    );
  });

  test('P-H1 every connection announces session = previous + 1 and its will carries the same session', () => {
    const connects = broker.connects.filter((c) => c.clientId === DEVICE);
    expect(connects.length).toBeGreaterThanOrEqual(3);
    const wills = connects.map(
      (c) => JSON.parse(c.will?.payload.toString() ?? '{}') as Record<string, unknown>,
    );
    expect(wills.map((w) => w.online)).toEqual(wills.map(() => false));
    expect(wills.map((w) => w.session)).toEqual(wills.map((_, i) => i + 1));
    const online = broker.publishes
      .filter((p) => p.clientId === DEVICE && p.topic === PRESENCE)
      .map((p) => JSON.parse(p.payload.toString()) as Record<string, unknown>)
      .filter((p) => p.online === true)
      .map((p) => p.session);
    expect(online).toEqual(wills.map((_, i) => i + 1));
  });

  test('P-R2 (negative) once everything is committed, nothing is re-sent after the next welcome', async () => {
    const n = session1Receipts.length;
    const commit = await system.send(DEVICE, 'receipts.commit', { upTo: n });
    expect(body(await system.waitForAck(commit.id))).toMatchObject({ ok: true });
    committed = n;
    serverSkewMs = 2 * 3600_000;
    welcomeConfig = { configVersion: 10, volume: 33 };
    const dropAt = Date.now();
    expect(broker.disconnect(DEVICE)).toBe(true);
    const hello = await system.waitFor(
      (e) => e.type === 'hello' && e.at > dropAt,
      15_000,
      'hello after reconnect',
    );
    expect(body(hello).receiptsPendingFrom).toBe(n + 1);
    await device.waitFor(
      (e) => e.type === 'welcome' && e.helloId === hello.envelope.id,
      8000,
      'the welcome adopted',
    );
    await sleep(2500);
    expect(deviceEvents('receipt', hello.at)).toEqual([]);
  });

  test('P-H3 a welcome config with a higher configVersion is adopted', async () => {
    const welcomeAck = await system.waitFor(
      (e) => e.type === 'ack' && body(e).ref === system.welcomes.at(-1)?.id,
      5000,
      'the last welcome ack',
    );
    expect(await statusAfter(welcomeAck.at)).toMatchObject({ configVersion: 10, volume: 33 });
    const afterStale = deviceEvents('status', staleWelcomeAt).map((e) => body(e).configVersion);
    expect(afterStale.length).toBeGreaterThan(0);
    expect(afterStale, 'P-H5 the stale welcome config (version 50) was never adopted').not.toContain(50);
  });

  test('P-H5 the welcome serverTime sets the clock offset used by later time checks', async () => {
    const w = device.events.filter((e) => e.type === 'welcome').pop()!;
    expect(Math.abs(Number(w.clockOffsetMs) - serverSkewMs)).toBeLessThan(60_000);
    const ahead = await ping({ ts: iso(serverSkewMs), exp: iso(serverSkewMs + 3600_000) });
    expect(body(ahead.ack)).toMatchObject({ ok: true });
    const stale = await system.send(DEVICE, 'device.ping', {}, { ts: iso(-10_000), exp: iso(1800_000) });
    await expectRefused(stale.id, 'expired', false);
    const raw = body(ahead.ack).deviceTime;
    const ms = typeof raw === 'number' ? raw : Date.parse(String(raw));
    expect(Math.abs(ms - Date.now()), 'deviceTime is the raw clock').toBeLessThan(10_000);
    system.skewMs = serverSkewMs;
  });

  test('P-R2 a play that ends during an outage is journaled and sent after the reconnect, offline:true', async () => {
    const m = media.add('/b6.wav', 2, { lang: 'vi' });
    const sent = await system.send(DEVICE, 'bulletin.deliver', bulletin('b6', { media: [m] }));
    expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    await device.waitFor((e) => e.type === 'play.start' && e.bulletinId === 'b6', 8000, 'b6 to start');
    broker.blocked.add(DEVICE);
    expect(broker.disconnect(DEVICE)).toBe(true);
    await device.waitFor((e) => e.type === 'play.end' && e.bulletinId === 'b6', 8000, 'b6 to end offline');
    const unblockedAt = Date.now();
    broker.blocked.delete(DEVICE);
    const receipt = await system.waitFor(
      (e) => e.type === 'receipt' && e.at > unblockedAt && body(e).bulletinId === 'b6',
      20_000,
      'the b6 receipt after the outage',
    );
    expect(body(receipt)).toMatchObject({ outcome: 'completed', offline: true, seq: committed + 1 });
    await verifyJws(receipt.jws!, devKey.publicKey);
  });

  test('P-S3 keys.update with a higher trustVersion rotates the anchors; a list not higher is ignored', async () => {
    const update = await system.send(DEVICE, 'keys.update', {
      trust: [{ kid: nextKey.kid, publicKey: nextKey.publicKey }],
      trustVersion: 2,
    });
    expect(body(await system.waitForAck(update.id))).toMatchObject({ ok: true });
    const newSigner = { key: nextKey.privateKey, kid: nextKey.kid };
    const byNew = await system.send(DEVICE, 'device.ping', {}, {}, newSigner);
    expect(body(await system.waitForAck(byNew.id))).toMatchObject({ ok: true });
    const byOld = await system.send(DEVICE, 'device.ping', {}, {});
    await expectRefused(byOld.id, 'unknown_key', true);
    const back = await system.send(
      DEVICE,
      'keys.update',
      { trust: [{ kid: sysKey.kid, publicKey: sysKey.publicKey }], trustVersion: 2 },
      {},
      newSigner,
    );
    await system.waitForAck(back.id);
    const stillOld = await system.send(DEVICE, 'device.ping', {}, {});
    await expectRefused(stillOld.id, 'unknown_key', true);
  });

  test('SIGTERM at the end: exit 0 and presence offline retained with the last session', async () => {
    const last = broker.publishes
      .filter((p) => p.topic === PRESENCE && p.clientId === DEVICE)
      .map((p) => JSON.parse(p.payload.toString()) as { online: boolean; session: number })
      .filter((p) => p.online)
      .pop();
    expect(last?.session).toBeGreaterThanOrEqual(5);
    const result = await device.stop('SIGTERM');
    expect(result.code).toBe(0);
    expect(await readRetained(broker.url, PRESENCE)).toMatchObject({ online: false, session: last?.session });
  });
});

describe('a board (kind "board")', () => {
  const BOARD = 'bang-52001-001';

  test('P-H2 a board says kind board with display capabilities; it stops on SIGTERM with exit 0', async () => {
    const { configPath: boardConfig } = writeConfig({
      kind: 'board',
      deviceId: BOARD,
      province: P,
      units: ['52001'],
      mqtt: { url: broker.url },
      trust: [{ kid: sysKey.kid, publicKey: sysKey.publicKey }],
      privateKey: { ...devKey.privateKey, kid: BOARD },
    });
    const board = DeviceProcess.start(boardConfig);
    try {
      await board.waitFor((e) => e.type === 'welcome', 20_000, 'the board welcome');
      const hello = system.of('hello').find((e) => e.topic === `nguon/v1/${P}/dev/${BOARD}/evt/hello`)!;
      expect(body(hello)).toMatchObject({ kind: 'board', protocols: [1] });
      const display = (body(hello).capabilities as Record<string, Record<string, unknown>>).display;
      expect(typeof display?.width).toBe('number');
      expect(typeof display?.height).toBe('number');
      expect(Array.isArray(display?.mime)).toBe(true);
      const sent = await system.send(BOARD, 'device.ping', {});
      expect(body(await system.waitForAck(sent.id))).toMatchObject({ ok: true });
    } finally {
      const result = await board.stop('SIGTERM');
      expect(result.code).toBe(0);
    }
    expect(await readRetained(broker.url, `nguon/v1/${P}/dev/${BOARD}/presence`)).toMatchObject({
      online: false,
      session: 1,
    });
  });
});
