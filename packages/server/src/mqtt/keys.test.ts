import { randomBytes } from 'node:crypto';
import { signCommand, TrustStore, verifyCommand } from '@nguon/protocol';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db';
import { DIALECTS, openTestDb as openTestDbIn, PG_URL, type TestDialect } from '../test-support';
import { loadSigningKeys } from './keys';

const open = (dialect: TestDialect) => openTestDbIn(dialect, { prefix: 'nguon_keys' });

describe.each(DIALECTS)('loadSigningKeys on %s', (dialect) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('creates one key on the first start and keeps it afterwards', async () => {
    const { db, drop } = await open(dialect);
    cleanup = drop;
    const first = await loadSigningKeys(db, { province: '52' });
    expect(first.signer.kid).toMatch(/^nguon-52-[0-9A-Z]{26}$/);
    expect(first.trust).toEqual([{ kid: first.signer.kid, publicKey: expect.any(String) }]);
    expect(first.trustVersion).toBe(1);
    const again = await loadSigningKeys(db, { province: '52' });
    expect(again.signer.kid).toBe(first.signer.kid);
    expect(again.trustVersion).toBe(1);
    // What one signs, a device trusting the other's anchors accepts.
    const jws = await signCommand(again.signer, 'device.ping', {}, { to: 'dev:loa-001', ttlSec: 60 });
    const trust = await TrustStore.create(first.trust, { trustVersion: first.trustVersion });
    const verdict = await verifyCommand(jws, { trust, deviceId: 'loa-001', units: ['52'] });
    expect(verdict.ok).toBe(true);
  });

  it('two instances starting at once sign with the same key', async () => {
    const { db, drop } = await open(dialect);
    cleanup = drop;
    const [a, b] = await Promise.all([
      loadSigningKeys(db, { province: '52' }),
      loadSigningKeys(db, { province: '52' }),
    ]);
    expect(a.signer.kid).toBe(b.signer.kid);
    expect(a.trust).toEqual(b.trust);
    expect(a.trustVersion).toBe(b.trustVersion);
    expect(a.trust.map((t) => t.kid)).toContain(a.signer.kid);
    const later = await loadSigningKeys(db, { province: '52' });
    expect(later.signer.kid).toBe(a.signer.kid);
  });

  it('a retired key is no longer trusted and the next one signs; the version still counts it', async () => {
    const { db, drop } = await open(dialect);
    cleanup = drop;
    const first = await loadSigningKeys(db, { province: '52', now: () => new Date('2026-11-26T01:00:00Z') });
    await db.kysely
      .updateTable('signing_keys')
      .set({ retired_at: '2026-11-26T02:00:00.000Z' })
      .where('kid', '=', first.signer.kid)
      .execute();
    const next = await loadSigningKeys(db, { province: '52', now: () => new Date('2026-11-26T03:00:00Z') });
    expect(next.signer.kid).not.toBe(first.signer.kid);
    expect(next.trust.map((t) => t.kid)).toEqual([next.signer.kid]);
    expect(next.trustVersion).toBe(2);
  });
});
