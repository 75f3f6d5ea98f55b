import fc from 'fast-check';
import { base64url } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEVICE_ANCHOR,
  DEVICE_ID,
  DEVICE_PRIVATE_JWK,
  SYSTEM_ANCHOR,
  SYSTEM_KID,
  SYSTEM_PRIVATE_JWK,
} from './__fixtures__/keys';
import { COMMAND_SAMPLES, EVENT_SAMPLES, T0, T0_MS } from './__fixtures__/samples';
import { ProtocolError } from './errors';
import {
  ackBody,
  createCommand,
  createEvent,
  createSigner,
  generateSigningKey,
  MAX_PAYLOAD_BYTES,
  type Signer,
  signCommand,
  type VerifyCommandContext,
  type VerifyFailure,
  verifyCommand,
  verifyReceipt,
} from './jws';
import { nodeBackend } from './node';
import { ExecutedIds } from './replay';
import { type Ed25519Backend, joseBackend, TrustStore } from './trust';

const NOW = T0_MS + 60_000;
const encode = (value: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(value)));

function expectFailure(result: VerifyFailure | { ok: true }, code: string, rule?: string) {
  if (result.ok) throw new Error(`expected ${code}, but the command verified`);
  expect(result.error.code).toBe(code);
  if (rule !== undefined) expect(result.error.rule).toBe(rule);
  expect(ProtocolError.isInstance(result.error)).toBe(true);
  return result;
}

describe.each([
  ['jose', joseBackend as Ed25519Backend],
  ['node:crypto', nodeBackend as Ed25519Backend],
])('verifyCommand with the %s backend', (_name, backend) => {
  let signer: Signer;
  let rogue: Signer;
  let trust: TrustStore;
  let ctx: VerifyCommandContext;
  const deliver = COMMAND_SAMPLES['bulletin.deliver'];
  const deliverBody = deliver.body as Record<string, unknown>;

  beforeAll(async () => {
    signer = await createSigner({ kid: SYSTEM_KID, privateKey: SYSTEM_PRIVATE_JWK });
    // A key the device has never seen, under the trusted kid: a forger.
    const generated = await generateSigningKey(SYSTEM_KID);
    rogue = generated.signer;
    trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 1, backend });
    ctx = { trust, deviceId: DEVICE_ID, units: ['52001', '520'], province: '52', now: () => NOW };
  });

  it('P-S1 accepts a command signed with a trusted Ed25519 key and returns it typed', async () => {
    const result = await verifyCommand(await signer.sign(deliver), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok || result.command.type !== 'bulletin.deliver')
      throw new Error('expected bulletin.deliver');
    expect(result.command.body.playout.repeat).toEqual({ count: 3, intervalSec: 900 });
    expect(result.kid).toBe(SYSTEM_KID);
    expect(result.duplicate).toBe(false);
    expect(ackBody(result)).toEqual({ ref: deliver.id, ok: true });
  });

  it('P-S1 verifies a Uint8Array payload as MQTT delivers it', async () => {
    const bytes = new TextEncoder().encode(await signer.sign(deliver));
    expect((await verifyCommand(bytes, ctx)).ok).toBe(true);
  });

  it('P-S2 rejects a forged signature (right kid, wrong key) with bad_signature and an alarm', async () => {
    const result = expectFailure(
      await verifyCommand(await rogue.sign(deliver), ctx),
      'bad_signature',
      'P-S2',
    );
    expect(result.alarm).toBe(true);
    expect(ackBody(result)).toMatchObject({ ref: deliver.id, ok: false, code: 'bad_signature' });
  });

  it('P-S2 rejects a tampered payload with bad_signature', async () => {
    const [h, , s] = (await signer.sign(deliver)).split('.');
    const tampered = `${h}.${encode({ ...deliver, to: 'area:52001' })}.${s}`;
    expectFailure(await verifyCommand(tampered, ctx), 'bad_signature', 'P-S2');
  });

  it('P-S2 rejects an unknown kid with unknown_key and an alarm, and accepts the trusted one', async () => {
    const stranger = await generateSigningKey('someone-else');
    const result = expectFailure(
      await verifyCommand(await stranger.signer.sign(deliver), ctx),
      'unknown_key',
      'P-S2',
    );
    expect(result.alarm).toBe(true);
    expect((await verifyCommand(await signer.sign(deliver), ctx)).ok).toBe(true);
  });

  it('P-S2 rejects an expired command (now ≥ exp) and accepts it one millisecond earlier (P-X5)', async () => {
    const jws = await signer.sign(deliver);
    const exp = Date.parse(deliver.exp as string);
    expectFailure(await verifyCommand(jws, { ...ctx, now: () => exp }), 'expired', 'P-S2');
    expect((await verifyCommand(jws, { ...ctx, now: () => exp - 1 })).ok).toBe(true);
  });

  it('P-S2 gives a command without exp 24 h from ts', async () => {
    const { exp: _exp, ...noExp } = deliver;
    const jws = await signer.sign(noExp);
    const r = await verifyCommand(jws, { ...ctx, now: () => T0_MS + 24 * 3600_000 - 1 });
    expect(r.ok && r.lifetimeEnd).toBe(T0_MS + 24 * 3600_000);
    expectFailure(await verifyCommand(jws, { ...ctx, now: () => T0_MS + 24 * 3600_000 }), 'expired', 'P-S2');
  });

  it('P-S2 rejects a command whose ts is more than 300 s ahead (not_yet_valid) and accepts exactly 300 s (P-X5)', async () => {
    const jws = await signer.sign(deliver);
    expectFailure(await verifyCommand(jws, { ...ctx, now: () => T0_MS - 300_001 }), 'not_yet_valid', 'P-S2');
    expect((await verifyCommand(jws, { ...ctx, now: () => T0_MS - 300_000 })).ok).toBe(true);
  });

  it('P-S2 rejects a command addressed to another device or unit (misrouted, alarm) whatever the topic', async () => {
    for (const to of ['dev:loa-52001-002', 'area:52003', 'area:51']) {
      const jws = await signer.sign({ ...deliver, to });
      const r = expectFailure(
        await verifyCommand(jws, { ...ctx, topic: 'nguon/v1/52/dev/loa-52001-001/cmd' }),
        'misrouted',
        'P-S2',
      );
      expect(r.alarm).toBe(true);
    }
    for (const to of [`dev:${DEVICE_ID}`, 'area:52001', 'area:520', 'area:52']) {
      expect((await verifyCommand(await signer.sign({ ...deliver, to }), ctx)).ok).toBe(true);
    }
  });

  it('P-H3 accepts an area bulletin re-sent on the device’s own cmd topic', async () => {
    const jws = await signer.sign({ ...deliver, to: 'area:52001' });
    expect((await verifyCommand(jws, { ...ctx, topic: `nguon/v1/52/dev/${DEVICE_ID}/cmd` })).ok).toBe(true);
  });

  it('P-X8 rejects a valid command that arrives on a topic the device does not own', async () => {
    const jws = await signer.sign(deliver);
    for (const topic of [
      'nguon/v1/52/dev/loa-52001-002/cmd',
      'nguon/v1/52/area/52003',
      'nguon/v1/51/area/52',
      'nguon/v1/52/dev/loa-52001-001/evt/ack',
      'x/y',
    ]) {
      expectFailure(await verifyCommand(jws, { ...ctx, topic }), 'misrouted', 'P-X8');
    }
    expect((await verifyCommand(jws, { ...ctx, topic: 'nguon/v1/52/area/52' })).ok).toBe(true);
  });

  it('P-S2 reports the first fault in the fixed order', async () => {
    // Forged and expired and misrouted: bad_signature wins.
    const bad = { ...deliver, to: 'dev:other-device', exp: '2026-11-26T08:00:30.000Z' };
    expectFailure(await verifyCommand(await rogue.sign(bad), ctx), 'bad_signature');
    // Authentic, expired and misrouted: expired wins.
    expectFailure(await verifyCommand(await signer.sign(bad), ctx), 'expired');
    // Authentic, v 2 and invalid body: unsupported_version wins.
    expectFailure(
      await verifyCommand(await signer.sign({ ...bad, v: 2, body: 7 }), ctx),
      'unsupported_version',
    );
    // Authentic, unknown type and misrouted: misrouted wins over unsupported_type.
    expectFailure(
      await verifyCommand(await signer.sign({ ...deliver, type: 'bulletin.explode', to: 'area:51' }), ctx),
      'misrouted',
    );
    // Authentic, schema-invalid and expired: invalid_message wins over expired.
    const invalid = { ...deliver, exp: '2026-11-26T08:00:30.000Z', body: { ...deliverBody, media: 'none' } };
    expectFailure(await verifyCommand(await signer.sign(invalid), ctx), 'invalid_message');
  });

  it('P-X14 answers an unknown type of any spelling with unsupported_type, with the ack ref', async () => {
    for (const type of ['future.some-type', 'Future.Command', 'x', 'a b/c', 'ping', 't'.repeat(64)]) {
      const r = expectFailure(
        await verifyCommand(await signer.sign({ ...deliver, type, body: {} }), ctx),
        'unsupported_type',
        'P-E1',
      );
      expect(ackBody(r)).toMatchObject({ ref: deliver.id, ok: false, code: 'unsupported_type' });
    }
    // The fault order of P-S2 still holds: an unknown hyphenated type sent to another device is misrouted.
    expectFailure(
      await verifyCommand(await signer.sign({ ...deliver, type: 'future.some-type', to: 'area:51' }), ctx),
      'misrouted',
    );
  });

  it('P-X14 refuses a type that is empty, too long or not a string with invalid_message naming type', async () => {
    for (const type of ['', 't'.repeat(65), 7, null]) {
      const r = expectFailure(
        await verifyCommand(await signer.sign({ ...deliver, type, body: {} }), ctx),
        'invalid_message',
      );
      expect(r.error.path).toBe('type');
      expect(ackBody(r)).toMatchObject({ ref: deliver.id, ok: false, code: 'invalid_message' });
    }
  });

  it('P-X14 any string of 1–64 characters outside the catalogue is unsupported_type (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .string({ minLength: 1, maxLength: 64, unit: 'grapheme-ascii' })
          .filter((t) => !Object.hasOwn(COMMAND_SAMPLES, t)),
        async (type) => {
          const r = await verifyCommand(await signer.sign({ ...deliver, type, body: {} }), ctx);
          expect(!r.ok && r.error.code).toBe('unsupported_type');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('P-E2 answers v other than 1 with unsupported_version', async () => {
    const r = expectFailure(
      await verifyCommand(await signer.sign({ ...deliver, v: 2 }), ctx),
      'unsupported_version',
      'P-E2',
    );
    expect(ackBody(r)).toMatchObject({ ref: deliver.id, ok: false, code: 'unsupported_version' });
    expect((await verifyCommand(await signer.sign({ ...deliver, v: 1 }), ctx)).ok).toBe(true);
  });

  it('P-E1 answers an unknown type with unsupported_type and ignores unknown fields', async () => {
    const unknown = { ...deliver, type: 'bulletin.explode', body: { anything: 1 } };
    const r = expectFailure(await verifyCommand(await signer.sign(unknown), ctx), 'unsupported_type', 'P-E1');
    expect(ackBody(r)).toMatchObject({ ref: deliver.id, ok: false, code: 'unsupported_type' });
    const extra = { ...deliver, future: true, body: { ...deliverBody, future: { x: 1 } } };
    const ok = await verifyCommand(await signer.sign(extra), ctx);
    expect(ok.ok && 'future' in ok.command).toBe(false);
  });

  it('P-S2 answers a schema-invalid command with invalid_message naming the field', async () => {
    const body = { ...deliverBody, playout: { priority: 'urgent', startAt: T0 } };
    const r = expectFailure(
      await verifyCommand(await signer.sign({ ...deliver, body }), ctx),
      'invalid_message',
      'P-S2',
    );
    expect(r.error.path).toBe('body.playout.priority');
    expect(r.error.message).toMatch(/body\.playout\.priority/);
    expect(r.ref).toBe(deliver.id);
  });

  it('P-S2 treats exp ≤ ts as invalid_message', async () => {
    expectFailure(
      await verifyCommand(await signer.sign({ ...deliver, exp: T0 }), ctx),
      'invalid_message',
      'P-S2',
    );
  });

  it('P-X4 rejects times with an offset instead of Z', async () => {
    const r = expectFailure(
      await verifyCommand(await signer.sign({ ...deliver, ts: '2026-11-26T15:00:00+07:00' }), ctx),
      'invalid_message',
    );
    expect(r.error.path).toBe('ts');
  });

  it('P-S2 answers a command the device cannot perform with unsupported_capability', async () => {
    const live = COMMAND_SAMPLES['live.start'];
    const supports = (type: string) => !type.startsWith('live.');
    expectFailure(
      await verifyCommand(await signer.sign(live), { ...ctx, supports }),
      'unsupported_capability',
      'P-S2',
    );
    expect((await verifyCommand(await signer.sign(deliver), { ...ctx, supports })).ok).toBe(true);
  });

  it('P-M2 P-S5 acknowledges a replayed id as a duplicate and the executed-id store survives a restart', async () => {
    const executed = new ExecutedIds();
    const jws = await signer.sign(deliver);
    const first = await verifyCommand(jws, { ...ctx, isExecuted: (id) => executed.has(id) });
    if (!first.ok) throw first.error;
    expect(first.duplicate).toBe(false);
    executed.add(first.command.id, first.lifetimeEnd);
    const restored = new ExecutedIds(JSON.parse(JSON.stringify(executed.entries())));
    const replay = await verifyCommand(jws, { ...ctx, isExecuted: (id) => restored.has(id) });
    expect(replay.ok && replay.duplicate).toBe(true);
    expect(ackBody(replay)).toEqual({ ref: deliver.id, ok: true, duplicate: true });
    // Once its lifetime is over the id may be forgotten: a replay is then expired, never executed.
    expect(restored.prune(first.lifetimeEnd)).toBe(1);
    expectFailure(
      await verifyCommand(jws, {
        ...ctx,
        now: () => first.lifetimeEnd,
        isExecuted: (id) => restored.has(id),
      }),
      'expired',
    );
  });

  it('P-H5 P-X7 accepts a welcome on helloId without time checks and refuses a stale one', async () => {
    const welcome = COMMAND_SAMPLES.welcome;
    const jws = await signer.sign(welcome);
    const helloId = (welcome.body as { helloId: string }).helloId;
    // The device clock is a year off: the welcome is still accepted.
    const farFuture = () => T0_MS + 365 * 24 * 3600_000;
    expect((await verifyCommand(jws, { ...ctx, now: farFuture, latestHelloId: helloId })).ok).toBe(true);
    expectFailure(
      await verifyCommand(jws, { ...ctx, latestHelloId: '01KBX00000000000000NEWHE10' }),
      'expired',
      'P-X7',
    );
    expectFailure(await verifyCommand(jws, ctx), 'expired', 'P-X7');
  });

  it('P-X1 refuses alg other than EdDSA, crit, and a missing kid', async () => {
    const [, p, s] = (await signer.sign(deliver)).split('.');
    expectFailure(
      await verifyCommand(`${encode({ alg: 'none', kid: SYSTEM_KID })}.${p}.${s}`, ctx),
      'bad_signature',
      'P-X1',
    );
    expectFailure(
      await verifyCommand(`${encode({ alg: 'EdDSA', kid: SYSTEM_KID, crit: ['x'], x: 1 })}.${p}.${s}`, ctx),
      'bad_signature',
      'P-X1',
    );
    const r = expectFailure(
      await verifyCommand(`${encode({ alg: 'EdDSA' })}.${p}.${s}`, ctx),
      'unknown_key',
      'P-X1',
    );
    expect(r.ref).toBe(deliver.id);
  });

  it('P-X1 signs with exactly {"alg":"EdDSA","kid":…} and refuses a non-canonical signature spelling', async () => {
    const jws = await signer.sign(deliver);
    const [h, p, s = ''] = jws.split('.');
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(h ?? '')))).toEqual({
      alg: 'EdDSA',
      kid: SYSTEM_KID,
    });
    const last = s.charAt(85);
    const twin = 'AQgw'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : last;
    expectFailure(await verifyCommand(`${h}.${p}.${s.slice(0, 85)}${twin}`, ctx), 'bad_signature');
  });

  it('P-X2 answers malformed JSON and non-JWS payloads with invalid_message', async () => {
    const [h, , s] = (await signer.sign(deliver)).split('.');
    expectFailure(await verifyCommand(JSON.stringify(deliver), ctx), 'invalid_message', 'P-X2');
    expectFailure(await verifyCommand('a.b', ctx), 'invalid_message', 'P-X2');
    expectFailure(
      await verifyCommand(`${base64url.encode('{not json')}.${encode(deliver)}.${s}`, ctx),
      'invalid_message',
      'P-X2',
    );
    // A signed payload that is not JSON: the signature holds, the payload does not parse.
    const raw = await (await createSigner({ kid: SYSTEM_KID, privateKey: SYSTEM_PRIVATE_JWK })).sign([
      'not',
      'an',
      'object',
    ]);
    const r = expectFailure(await verifyCommand(raw, ctx), 'invalid_message', 'P-X2');
    expect(ackBody(r)).toBeUndefined();
    expect(h).toBeDefined();
  });

  it('P-X2 answers plain JSON (not a JWS) with a readable string id with invalid_message and that ref', async () => {
    const plain = JSON.stringify(deliver);
    const r = expectFailure(await verifyCommand(plain, ctx), 'invalid_message', 'P-X2');
    expect(r.ref).toBe(deliver.id);
    expect(ackBody(r)).toEqual({
      ref: deliver.id,
      ok: false,
      code: 'invalid_message',
      message: 'payload: expected a JWS Compact Serialization (three base64url parts joined by dots)',
    });
    // As MQTT delivers it, and with leading white space.
    const bytes = new TextEncoder().encode(` \n${plain}`);
    expect(ackBody(await verifyCommand(bytes, ctx))).toMatchObject({ ref: deliver.id, ok: false });
    // No readable id: dropped (no ack), as §9 says.
    for (const text of [
      JSON.stringify({ ...deliver, id: 7 }),
      JSON.stringify({ ...deliver, id: '' }),
      JSON.stringify({ ...deliver, id: 'x'.repeat(129) }),
      JSON.stringify([deliver]),
      `${plain.slice(0, -1)}`,
      'hello',
    ]) {
      const dropped = expectFailure(await verifyCommand(text, ctx), 'invalid_message', 'P-X2');
      expect(ackBody(dropped)).toBeUndefined();
    }
  });

  it('P-X2 never throws on any text payload and gives an ack ref only for a readable id (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.record({ id: fc.string({ maxLength: 140 }), type: fc.string() }).map((v) => JSON.stringify(v)),
        ),
        async (text) => {
          const r = await verifyCommand(text, ctx);
          expect(r.ok).toBe(false);
          const body = ackBody(r);
          if (body !== undefined) {
            expect(body.ref.length).toBeGreaterThan(0);
            expect(body.ref.length).toBeLessThanOrEqual(128);
            expect((JSON.parse(text) as { id: unknown }).id).toBe(body.ref);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('P-T3 P-X3 refuses a payload over 256 KiB before any other check, and accepts one at the limit', async () => {
    const big = await signer.sign({ ...deliver, pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    const r = expectFailure(await verifyCommand(big, ctx), 'invalid_message', 'P-X3');
    expect(r.error.message).toContain(String(MAX_PAYLOAD_BYTES));
    const probe = await signer.sign({ ...deliver, pad: '' });
    const fits = await signer.sign({
      ...deliver,
      pad: 'x'.repeat(Math.floor(((MAX_PAYLOAD_BYTES - probe.length) * 3) / 4) - 4),
    });
    expect(fits.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect((await verifyCommand(fits, ctx)).ok).toBe(true);
  });

  it('P-T3 refuses bytes that are not UTF-8', async () => {
    expectFailure(
      await verifyCommand(new Uint8Array([0xff, 0xfe, 0x2e, 0x41]), ctx),
      'invalid_message',
      'P-T3',
    );
  });

  it('never throws and never accepts on arbitrary input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 300 })),
        async (input) => {
          const r = await verifyCommand(input, ctx);
          expect(r.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never accepts a signed command with one character changed (property)', async () => {
    const jws = await signer.sign(COMMAND_SAMPLES['device.ping']);
    const pingCtx = { ...ctx };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(fc.nat(jws.length - 1), fc.constantFrom(...alphabet), async (at, char) => {
        fc.pre(jws[at] !== char);
        const mutated = jws.slice(0, at) + char + jws.slice(at + 1);
        expect((await verifyCommand(mutated, pingCtx)).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('signing', () => {
  it('P-S1 signCommand builds, validates and signs a command that a device accepts', async () => {
    const signer = await createSigner({ kid: SYSTEM_KID, privateKey: SYSTEM_PRIVATE_JWK });
    const trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 1, backend: nodeBackend });
    const jws = await signCommand(
      signer,
      'bulletin.revoke',
      { bulletinId: 'gl-2026-000123' },
      { to: 'area:52', now: T0_MS, ttlSec: 600 },
    );
    const r = await verifyCommand(jws, {
      trust,
      deviceId: DEVICE_ID,
      units: ['52'],
      now: () => T0_MS + 1000,
    });
    if (!r.ok) throw r.error;
    expect(r.command).toMatchObject({
      type: 'bulletin.revoke',
      ts: T0,
      exp: '2026-11-26T08:10:00.000Z',
      body: { bulletinId: 'gl-2026-000123' },
    });
    expect(r.command.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('createCommand throws invalid_message naming the field, for a body the catalogue refuses', () => {
    expect(() => createCommand('receipts.commit', { upTo: -1 }, { to: 'dev:loa-52001-001' })).toThrow(
      /body\.upTo/,
    );
    try {
      createCommand('device.ping', {}, { to: 'province:52' });
    } catch (error) {
      expect(ProtocolError.isInstance(error) && error.code).toBe('invalid_message');
    }
    expect.assertions(2);
  });

  it('createSigner refuses a bad kid and a key that is not Ed25519', async () => {
    await expect(createSigner({ kid: 'has space', privateKey: SYSTEM_PRIVATE_JWK })).rejects.toMatchObject({
      code: 'invalid_key',
    });
    await expect(
      createSigner({ kid: 'k1', privateKey: { kty: 'OKP', crv: 'Ed25519', x: 'abc', d: 'abc' } }),
    ).rejects.toMatchObject({ code: 'invalid_key' });
  });
});

describe('trust anchors', () => {
  it('P-S3 applies a trust list only when its trustVersion is higher', async () => {
    const trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 2 });
    expect(await trust.update([DEVICE_ANCHOR], 2)).toBe(false);
    expect(await trust.update([DEVICE_ANCHOR], 1)).toBe(false);
    expect(trust.key(SYSTEM_KID)).toBeDefined();
    expect(await trust.update([DEVICE_ANCHOR], 3)).toBe(true);
    expect(trust.key(SYSTEM_KID)).toBeUndefined();
    expect(trust.anchors()).toEqual([DEVICE_ANCHOR]);
    expect(trust.version).toBe(3);
  });

  it('P-S3 a retired key no longer verifies after keys.update', async () => {
    const signer = await createSigner({ kid: SYSTEM_KID, privateKey: SYSTEM_PRIVATE_JWK });
    const trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 1, backend: nodeBackend });
    await trust.update([{ kid: 'gl-test-2026-2', publicKey: DEVICE_ANCHOR.publicKey }], 2);
    const r = await verifyCommand(await signer.sign(COMMAND_SAMPLES['device.ping']), {
      trust,
      deviceId: DEVICE_ID,
      units: [],
      now: () => NOW,
    });
    expectFailure(r, 'unknown_key');
  });

  it('P-X6 refuses malformed anchors and repeated kids, leaving the store unchanged', async () => {
    await expect(
      TrustStore.create([{ kid: 'k1', publicKey: 'short' }], { trustVersion: 1 }),
    ).rejects.toMatchObject({ code: 'invalid_key', rule: 'P-X6' });
    await expect(
      TrustStore.create([SYSTEM_ANCHOR, SYSTEM_ANCHOR], { trustVersion: 1 }),
    ).rejects.toMatchObject({ code: 'invalid_key' });
    const trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 1 });
    await expect(
      trust.update([{ kid: 'bad kid', publicKey: SYSTEM_ANCHOR.publicKey }], 5),
    ).rejects.toMatchObject({ code: 'invalid_key' });
    expect(trust.version).toBe(1);
    expect(trust.key(SYSTEM_KID)).toBeDefined();
  });
});

describe('receipts', () => {
  it('P-S4 P-X11 verifies a receipt signed by the device key, with no time check', async () => {
    const device = await createSigner({ kid: DEVICE_ID, privateKey: DEVICE_PRIVATE_JWK });
    const keys = await TrustStore.create([DEVICE_ANCHOR], { trustVersion: 1, backend: nodeBackend });
    const receipt = createEvent('receipt', EVENT_SAMPLES.receipt.body, {
      seq: 9,
      now: T0_MS - 30 * 24 * 3600_000,
    });
    const r = await verifyReceipt(await device.sign(receipt), keys, { deviceId: DEVICE_ID });
    if (!r.ok) throw r.error;
    expect(r.receipt.body.seq).toBe(1);
    expect(r.kid).toBe(DEVICE_ID);
  });

  it('P-R3 marks a receipt signed by another key, or tampered, or of another device, as unverified', async () => {
    const keys = await TrustStore.create([DEVICE_ANCHOR], { trustVersion: 1 });
    const impostor = await generateSigningKey(DEVICE_ID);
    const receipt = createEvent('receipt', EVENT_SAMPLES.receipt.body, { seq: 9 });
    expectFailure(await verifyReceipt(await impostor.signer.sign(receipt), keys), 'bad_signature');
    const device = await createSigner({ kid: DEVICE_ID, privateKey: DEVICE_PRIVATE_JWK });
    const [h, , s] = (await device.sign(receipt)).split('.');
    const forged = { ...receipt, body: { ...receipt.body, outcome: 'completed', seq: 2 } };
    expectFailure(await verifyReceipt(`${h}.${encode(forged)}.${s}`, keys), 'bad_signature');
    expectFailure(
      await verifyReceipt(await device.sign(receipt), keys, { deviceId: 'loa-52001-002' }),
      'misrouted',
      'P-X11',
    );
    expectFailure(
      await verifyReceipt(await device.sign({ ...receipt, type: 'ack' }), keys),
      'invalid_message',
      'P-X11',
    );
  });
});
