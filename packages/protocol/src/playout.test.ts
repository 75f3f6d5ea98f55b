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
