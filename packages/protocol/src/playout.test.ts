import {
  BULLETIN_PRIORITIES,
  BulletinSchema,
  exampleFloodWarning,
  examplePolicyNotice,
} from '@nguon/bulletin';
import { describe, expect, it } from 'vitest';
import { SYSTEM_ANCHOR, SYSTEM_KID, SYSTEM_PRIVATE_JWK } from './__fixtures__/keys';
import { createSigner, signCommand, verifyCommand } from './jws';
import { COMMAND_SCHEMAS, prioritySchema } from './messages';
import { deliverBodyFromBulletin } from './playout';
import { TrustStore } from './trust';

describe('deliverBodyFromBulletin', () => {
  it('P-B1 turns a bulletin of @nguon/bulletin into a playout view a device accepts', async () => {
    const bulletin = BulletinSchema.parse(exampleFloodWarning);
    const body = deliverBodyFromBulletin(bulletin);
    expect(body.bulletin).toMatchObject({
      id: bulletin.id,
      version: 2,
      priority: 'emergency',
      title: 'Cảnh báo lũ khẩn cấp trên sông Ba',
    });
    expect(body.bulletin.contents.map((c) => [c.lang, c.mediaSha256])).toEqual([
      ['vi', '5f1c2a8f0f7a4d0e9b6f2a1c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f61'],
      ['jra', 'c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789'],
    ]);
    expect(body.media.map((m) => [m.lang, m.mime])).toEqual([
      ['vi', 'audio/mpeg'],
      ['vi', 'image/png'],
      ['jra', 'audio/mpeg'],
    ]);
    expect(body.playout).toEqual({
      priority: 'emergency',
      startAt: '2026-11-26T08:00:00.000Z',
      endAt: '2026-11-26T20:00:00.000Z',
      repeat: { count: 6, intervalSec: 1800 },
    });
    const signer = await createSigner({ kid: SYSTEM_KID, privateKey: SYSTEM_PRIVATE_JWK });
    const trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 1 });
    const jws = await signCommand(signer, 'bulletin.deliver', body, {
      to: 'area:52',
      now: Date.parse('2026-11-26T07:59:00Z'),
      ttlSec: 3600,
    });
    const r = await verifyCommand(jws, {
      trust,
      deviceId: 'loa-24044-001',
      units: ['24044'],
      province: '52',
      now: () => Date.parse('2026-11-26T08:00:00Z'),
    });
    expect(r.ok).toBe(true);
  });

  it('P-B1 carries each content’s speech hints (tts) so a device can read the text aloud as written', async () => {
    const flood = deliverBodyFromBulletin(BulletinSchema.parse(exampleFloodWarning));
    expect(flood.bulletin.contents.map((c) => [c.lang, c.tts])).toEqual([
      ['vi', { voice: 'vi-female-central', rate: 0.9 }],
      ['jra', undefined],
    ]);
    expect('tts' in (flood.bulletin.contents[1] ?? {})).toBe(false);
    const policy = deliverBodyFromBulletin(BulletinSchema.parse(examplePolicyNotice));
    expect(policy.bulletin.contents[0]?.tts).toEqual({ rate: 1 });
    // The hints survive signing and verification on the device side.
    const signer = await createSigner({ kid: SYSTEM_KID, privateKey: SYSTEM_PRIVATE_JWK });
    const trust = await TrustStore.create([SYSTEM_ANCHOR], { trustVersion: 1 });
    const now = Date.parse('2026-11-26T07:59:00Z');
    const jws = await signCommand(signer, 'bulletin.deliver', flood, { to: 'area:52', now, ttlSec: 3600 });
    const r = await verifyCommand(jws, { trust, deviceId: 'loa-24044-001', units: ['52'], now: () => now });
    if (!r.ok || r.command.type !== 'bulletin.deliver')
      throw new Error('expected a verified bulletin.deliver');
    expect(r.command.body.bulletin.contents[0]?.tts).toEqual({ voice: 'vi-female-central', rate: 0.9 });
  });

  it('P-B1 refuses speech hints outside the ranges of @nguon/bulletin, naming the field', () => {
    const body = deliverBodyFromBulletin(BulletinSchema.parse(examplePolicyNotice));
    const schema = COMMAND_SCHEMAS['bulletin.deliver'].shape.body;
    const withTts = (tts: unknown) => ({
      ...body,
      bulletin: { ...body.bulletin, contents: [{ ...body.bulletin.contents[0], tts }] },
    });
    for (const tts of [{}, { rate: 0.5 }, { rate: 2 }, { voice: 'v'.repeat(100) }])
      expect(schema.safeParse(withTts(tts)).success).toBe(true);
    for (const [tts, field] of [
      [{ rate: 2.5 }, 'rate'],
      [{ rate: 0.4 }, 'rate'],
      [{ rate: '1' }, 'rate'],
      [{ voice: '' }, 'voice'],
      [{ voice: 'v'.repeat(101) }, 'voice'],
    ] as const) {
      const r = schema.safeParse(withTts(tts));
      expect(r.error?.issues[0]?.path).toEqual(['bulletin', 'contents', 0, 'tts', field]);
    }
  });

  it('P-B2 carries broadcast windows, every day when the bulletin names none, in UTC times', () => {
    const body = deliverBodyFromBulletin(BulletinSchema.parse(examplePolicyNotice));
    expect(COMMAND_SCHEMAS['bulletin.deliver'].shape.body.safeParse(body).success).toBe(true);
    for (const w of body.playout.windows ?? []) expect(w.days.length).toBeGreaterThan(0);
    expect(body.playout.startAt).toMatch(/Z$/);
    const noDays = deliverBodyFromBulletin({
      ...exampleFloodWarning,
      priority: 'normal',
      schedule: { start: '2026-11-26T15:00:00+07:00', windows: [{ from: '17:00', to: '24:00' }] },
    });
    expect(noDays.playout).toMatchObject({
      startAt: '2026-11-26T08:00:00.000Z',
      windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '17:00', to: '24:00' }],
    });
    expect(COMMAND_SCHEMAS['bulletin.deliver'].shape.body.safeParse(noDays).success).toBe(true);
  });

  it('P-Q1 uses the same three priority levels as @nguon/bulletin', () => {
    expect(prioritySchema.options).toEqual(Object.keys(BULLETIN_PRIORITIES));
  });
});
