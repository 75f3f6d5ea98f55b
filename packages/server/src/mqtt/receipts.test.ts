import { createPublicKey, verify as cryptoVerify, randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { generateDeviceKey, type TestKey } from '@nguon/device/test';
import { createEvent } from '@nguon/protocol';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db';
import {
  DIALECTS,
  dropTestSchema,
  openTestDb as openTestDbIn,
  PG_URL,
  type TestDialect,
} from '../test-support';
import { ReceiptIngest } from './receipts';

interface Device {
  id: string;
  key: TestKey;
}

const open = (dialect: TestDialect) => openTestDbIn(dialect, { prefix: 'nguon_receipts' });

let counter = 0;
async function addDevice(db: Database, key?: TestKey): Promise<Device> {
  const id = `loa-98001-${process.pid}-${++counter}`;
  const k = key ?? (await generateDeviceKey(id));
  await db.kysely
    .insertInto('devices')
    .values({
      id,
      kind: 'loudspeaker',
      units: '["98001"]',
      vendor: 'test',
      model: 'test',
      public_key: k.anchor.publicKey,
      firmware: null,
      created_at: new Date().toISOString(),
      body: '{}',
      secret_hash: '',
      unit_path: '|98|98001|',
      online: 0,
      presence_session: 0,
      receipts_committed: 0,
      config_version: 1,
    })
    .execute();
  return { id, key: k };
}

const T0 = Date.parse('2026-11-26T08:00:00.000Z');
function body(seq: number, overrides: Record<string, unknown> = {}) {
  return {
    seq,
    bulletinId: `b-${seq}`,
    lang: 'vi',
    startedAt: new Date(T0 + seq * 60_000).toISOString(),
    endedAt: new Date(T0 + seq * 60_000 + 30_500).toISOString(),
    outcome: 'completed' as const,
    offline: false,
    ...overrides,
  };
}
function receipt(
  signer: TestKey['signer'],
  seq: number,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  return signer.sign(createEvent('receipt', body(seq, overrides) as never, { seq: seq + 1000, now: T0 }));
}

async function rows(db: Database, deviceId: string) {
  return db.kysely
    .selectFrom('receipts')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('seq')
    .execute();
}
async function committed(db: Database, deviceId: string): Promise<number> {
  const row = await db.kysely
    .selectFrom('devices')
    .select('receipts_committed')
    .where('id', '=', deviceId)
    .executeTakeFirstOrThrow();
  return Number(row.receipts_committed);
}

describe.each(DIALECTS)('ReceiptIngest on %s', (dialect) => {
  let db: Database;
  let drop: () => Promise<void>;
  let ingest: ReceiptIngest;
  const commits: [string, number][] = [];
  const commitsOf = (id: string) => commits.filter(([d]) => d === id).map(([, n]) => n);

  beforeAll(async () => {
    ({ db, drop } = await open(dialect));
    ingest = ReceiptIngest.create({
      db,
      threads: 2,
      batchMs: 5,
      onCommitted: (id, upTo) => commits.push([id, upTo]),
    });
  });
  afterAll(async () => {
    await ingest.close();
    await drop();
  });

  it('stores each receipt once and commits n, whatever the order and the re-sends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            order: fc.array(fc.integer({ min: 1, max: n }), { maxLength: 12 }).chain((extra) => {
              const all = [...Array.from({ length: n }, (_, i) => i + 1), ...extra];
              return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
            }),
            cuts: fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 3 }),
          }),
        ),
        async ({ n, order, cuts }) => {
          const device = await addDevice(db);
          const signed = await Promise.all(
            Array.from({ length: n }, (_, i) => receipt(device.key.signer, i + 1)),
          );
          for (let i = 0; i < order.length; i++) {
            ingest.push(device.id, signed[(order[i] as number) - 1] as string);
            if (cuts.includes(i)) await ingest.flush();
          }
          await ingest.flush();
          const stored = await rows(db, device.id);
          expect(stored.map((r) => Number(r.seq))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
          expect(stored.every((r) => Number(r.verified) === 1)).toBe(true);
          expect(await committed(db, device.id)).toBe(n);
          const seen = commitsOf(device.id);
          expect(seen.at(-1)).toBe(n);
          expect(seen).toEqual([...seen].sort((a, b) => a - b));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('commits up to a gap and past it once the missing receipt arrives', async () => {
    const device = await addDevice(db);
    const before = ingest.stats();
    for (const seq of [1, 2, 4]) ingest.push(device.id, await receipt(device.key.signer, seq));
    await ingest.flush();
    expect(await committed(db, device.id)).toBe(2);
    expect(commitsOf(device.id).at(-1)).toBe(2);
    ingest.push(device.id, await receipt(device.key.signer, 3));
    await ingest.flush();
    expect(await committed(db, device.id)).toBe(4);
    expect(commitsOf(device.id).at(-1)).toBe(4);
    const after = ingest.stats();
    expect(after.stored - before.stored).toBe(4);
    expect(after.verified - before.verified).toBe(4);
  });

  it('stores a receipt with a bad signature as unverified and replaces it with a verified copy', async () => {
    const device = await addDevice(db);
    const impostor = await generateDeviceKey(device.id);
    const before = ingest.stats();
    ingest.push(device.id, await receipt(impostor.signer, 1));
    await ingest.flush();
    let stored = await rows(db, device.id);
    expect(stored).toHaveLength(1);
    expect(Number(stored[0]?.verified)).toBe(0);
    expect(await committed(db, device.id)).toBe(1);
    const genuine = await receipt(device.key.signer, 1);
    ingest.push(device.id, genuine);
    await ingest.flush();
    stored = await rows(db, device.id);
    expect(stored).toHaveLength(1);
    expect(Number(stored[0]?.verified)).toBe(1);
    expect(stored[0]?.jws).toBe(genuine);
    expect(stored[0]?.duration_sec).toBeCloseTo(30.5);
    expect(stored[0]?.unit_path).toBe('|98|98001|');
    // Once verified, an unverified copy changes nothing.
    ingest.push(device.id, await receipt(impostor.signer, 1, { outcome: 'failed' }));
    await ingest.flush();
    stored = await rows(db, device.id);
    expect(stored[0]?.jws).toBe(genuine);
    const after = ingest.stats();
    expect(after.unverified - before.unverified).toBe(2);
    expect(after.verified - before.verified).toBe(1);
    expect(after.duplicates - before.duplicates).toBe(1);
  });

  it('counts garbage, wrong types and unknown devices as malformed and never throws', async () => {
    const device = await addDevice(db);
    const alarm = await device.key.signer.sign(
      createEvent('alarm', { code: 'media_integrity' }, { seq: 1, now: T0 }),
    );
    const missingSeq = await device.key.signer.sign({
      ...createEvent('ack', { ref: 'x', ok: true }, { seq: 1 }),
      type: 'receipt',
    });
    const fixed = [
      '',
      'not a jws',
      'a.b.c',
      `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from('[1]').toString('base64url')}.AA`,
      alarm,
      missingSeq,
    ];
    const before = ingest.stats();
    for (const raw of fixed) expect(() => ingest.push(device.id, raw)).not.toThrow();
    ingest.push('no-such-device', await receipt(device.key.signer, 1));
    await ingest.flush();
    const mid = ingest.stats();
    expect(mid.malformed - before.malformed).toBe(fixed.length + 1);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String()), { maxLength: 20 }),
        async (inputs) => {
          const start = ingest.stats();
          for (const raw of inputs) expect(() => ingest.push(device.id, raw)).not.toThrow();
          await ingest.flush();
          expect(ingest.stats().malformed - start.malformed).toBe(inputs.length);
        },
      ),
      { numRuns: 30 },
    );
    expect(() => ingest.push(device.id, 42 as unknown as string)).not.toThrow();
    expect(await rows(db, device.id)).toEqual([]);
  });

  it('marks deliveries played, failed or interrupted from verified receipts only', async () => {
    const device = await addDevice(db);
    const impostor = await generateDeviceKey(device.id);
    const now = new Date().toISOString();
    const delivery = (bulletinId: string, state = 'acked') => ({
      bulletin_id: bulletinId,
      device_id: device.id,
      version: 1,
      state,
      unit_code: '98001',
      command_id: null,
      acked_at: null,
      played_at: null,
      outcome: null,
      reason: null,
      updated_at: now,
    });
    await db.kysely
      .insertInto('deliveries')
      .values([
        delivery('d-played'),
        delivery('d-failed'),
        delivery('d-played-then-failed'),
        delivery('d-interrupted'),
        delivery('d-forged'),
      ])
      .execute();
    const sent = [
      await receipt(device.key.signer, 1, { bulletinId: 'd-played' }),
      await receipt(device.key.signer, 2, { bulletinId: 'd-failed', outcome: 'failed', reason: 'media' }),
      await receipt(device.key.signer, 3, { bulletinId: 'd-played-then-failed' }),
      await receipt(device.key.signer, 4, { bulletinId: 'd-interrupted', outcome: 'interrupted' }),
      await receipt(impostor.signer, 5, { bulletinId: 'd-forged' }),
    ];
    for (const raw of sent) ingest.push(device.id, raw);
    await ingest.flush();
    ingest.push(
      device.id,
      await receipt(device.key.signer, 6, { bulletinId: 'd-played-then-failed', outcome: 'failed' }),
    );
    await ingest.flush();
    const rowsOf = await db.kysely
      .selectFrom('deliveries')
      .select(['bulletin_id', 'state', 'played_at', 'outcome', 'reason'])
      .where('device_id', '=', device.id)
      .orderBy('bulletin_id')
      .execute();
    const by = Object.fromEntries(rowsOf.map((r) => [r.bulletin_id, r]));
    expect(by['d-played']).toMatchObject({
      state: 'played',
      outcome: 'completed',
      played_at: body(1).endedAt,
    });
    expect(by['d-failed']).toMatchObject({ state: 'failed', outcome: 'failed', reason: 'media' });
    expect(by['d-played-then-failed']).toMatchObject({ state: 'played', outcome: 'completed' });
    expect(by['d-interrupted']).toMatchObject({ state: 'acked', outcome: 'interrupted', played_at: null });
    expect(by['d-forged']).toMatchObject({ state: 'acked', outcome: null });
    expect(await committed(db, device.id)).toBe(6);
  });

  it('close() stores what was pushed, then refuses new receipts', async () => {
    const own = ReceiptIngest.create({ db, threads: 1, batchMs: 1000, onCommitted: () => {} });
    const device = await addDevice(db);
    for (let seq = 1; seq <= 3; seq++) own.push(device.id, await receipt(device.key.signer, seq));
    await own.close();
    expect((await rows(db, device.id)).map((r) => Number(r.seq))).toEqual([1, 2, 3]);
    own.push(device.id, await receipt(device.key.signer, 4));
    expect(own.stats()).toMatchObject({ received: 4, stored: 3, malformed: 1 });
  });

  it('merges the commits of a burst into one per device, reported by flush() or after commitMs', async () => {
    const seen: [string, number][] = [];
    const held = ReceiptIngest.create({
      db,
      threads: 2,
      batchMs: 1,
      commitMs: 60_000,
      onCommitted: (id, upTo) => seen.push([id, upTo]),
    });
    const devices = [await addDevice(db), await addDevice(db)];
    const signed = await Promise.all(
      devices.map((d) => Promise.all(Array.from({ length: 300 }, (_, i) => receipt(d.key.signer, i + 1)))),
    );
    for (let i = 0; i < 300; i++)
      for (const [n, d] of devices.entries()) held.push(d.id, signed[n]?.[i] as string);
    const deadline = Date.now() + 60_000;
    while (held.stats().stored < 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(held.stats().stored).toBe(600);
    expect(await committed(db, devices[0]?.id as string)).toBe(300);
    // Stored in several batches, but nothing reported yet: the commit points wait for commitMs.
    expect(seen).toEqual([]);
    await held.flush();
    expect(seen.sort()).toEqual(devices.map((d) => [d.id, 300]).sort());
    await held.close();

    const timed: number[] = [];
    const soon = ReceiptIngest.create({
      db,
      threads: 1,
      batchMs: 1,
      commitMs: 50,
      onCommitted: (_, n) => timed.push(n),
    });
    const device = await addDevice(db);
    soon.push(device.id, await receipt(device.key.signer, 1));
    while (timed.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(timed).toEqual([1]);
    await soon.close();
  }, 90_000);

  it('takes a burst of 10 000 receipts without holding up the main thread', async () => {
    const devices = await Promise.all(Array.from({ length: 100 }, () => addDevice(db)));
    const burst: [string, string][] = [];
    for (const device of devices)
      for (let seq = 1; seq <= 100; seq++) burst.push([device.id, await receipt(device.key.signer, seq)]);
    const keys = new Map(
      devices.map((d) => [
        d.id,
        createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: d.key.anchor.publicKey }, format: 'jwk' }),
      ]),
    );

    // Measures the main thread's busy time and event-loop delay while `work` runs.
    const measure = async (work: () => Promise<void>) => {
      const histogram = monitorEventLoopDelay({ resolution: 5 });
      histogram.enable();
      const start = performance.eventLoopUtilization();
      await work();
      const elu = performance.eventLoopUtilization(start);
      histogram.disable();
      return { busyMs: elu.active, p99Ms: histogram.percentile(99) / 1e6 };
    };

    // One worker, so that the main thread keeps a core of its own and its busy time is its own work.
    const burstIngest = ReceiptIngest.create({ db, threads: 1, onCommitted: () => {} });
    const ingested = await measure(async () => {
      for (const [id, raw] of burst) burstIngest.push(id, raw);
      await burstIngest.flush();
    });
    await burstIngest.close();
    expect(burstIngest.stats()).toMatchObject({ stored: 10_000, verified: 10_000, duplicates: 0 });
    for (const device of devices.slice(0, 5)) expect(await committed(db, device.id)).toBe(100);

    // The same signatures checked on the main thread, in chunks of 128 between event-loop turns.
    const onMain = await measure(async () => {
      for (let i = 0; i < burst.length; i += 128) {
        for (const [id, raw] of burst.slice(i, i + 128)) {
          const last = raw.lastIndexOf('.');
          cryptoVerify(
            null,
            Buffer.from(raw.slice(0, last), 'latin1'),
            keys.get(id) as ReturnType<typeof createPublicKey>,
            Buffer.from(raw.slice(last + 1), 'base64url'),
          );
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    expect(ingested.p99Ms).toBeLessThan(100);
    // Had the signatures been verified on the main thread, ingesting would keep it busier than
    // verifying them there alone does.
    expect(ingested.busyMs).toBeLessThan(onMain.busyMs);
  }, 120_000);
});

describe('two ReceiptIngest instances sharing one PostgreSQL', () => {
  it('store each receipt once and agree on the commit point after a re-send', async () => {
    const schema = `nguon_receipts2_${process.pid}_${randomBytes(4).toString('hex')}`;
    const [dbA, dbB] = [
      await openDatabase({ url: PG_URL, schema, poolSize: 2 }),
      await openDatabase({ url: PG_URL, schema, poolSize: 2 }),
    ];
    const commits: number[] = [];
    const options = { threads: 1, batchMs: 1, onCommitted: (_: string, upTo: number) => commits.push(upTo) };
    const [a, b] = [
      ReceiptIngest.create({ db: dbA, ...options }),
      ReceiptIngest.create({ db: dbB, ...options }),
    ];
    try {
      const device = await addDevice(dbA);
      const signed = await Promise.all(
        Array.from({ length: 40 }, (_, i) => receipt(device.key.signer, i + 1)),
      );
      // Both instances get every receipt (a shared subscription re-delivering, or two subscribers).
      signed.forEach((raw, i) => {
        (i % 2 === 0 ? a : b).push(device.id, raw);
        (i % 2 === 0 ? b : a).push(device.id, raw);
      });
      await Promise.all([a.flush(), b.flush()]);
      // The device re-sends what it saw uncommitted; one more round settles the commit point.
      a.push(device.id, signed[39] as string);
      await a.flush();
      expect((await rows(dbA, device.id)).map((r) => Number(r.seq))).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect(await committed(dbA, device.id)).toBe(40);
      expect(commits.at(-1)).toBe(40);
      expect(a.stats().stored + b.stats().stored).toBe(40);
      expect(a.stats().duplicates + b.stats().duplicates).toBe(41);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([dbA.close(), dbB.close()]);
      await dropTestSchema(schema);
    }
  });
});
