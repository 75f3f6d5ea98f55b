import { createSigner, generateSigningKey, type Signer, type TrustAnchor } from '@nguon/protocol';
import { sql } from 'kysely';
import type { Database } from '../db';
import { ServerError } from '../errors';
import { newUlid } from '../ids';

/** Advisory lock id of key creation on PostgreSQL (any constant; "nguon" in ASCII). */
const KEY_LOCK = 0x6e67756f6e;

type PrivateJwk = Parameters<typeof createSigner>[0]['privateKey'];

/**
 * What {@link loadSigningKeys} returns: the signer of every command, the keys devices must trust and
 * the trust list's version (P-S1, P-S3).
 *
 * @example
 * ```ts
 * const { signer, trust, trustVersion } = await loadSigningKeys(db, { province: '52' });
 * ```
 */
export interface SigningKeys {
  /** Signs with the earliest created key that is not retired. */
  signer: Signer;
  /** Every key that is not retired, oldest first. */
  trust: TrustAnchor[];
  /** How many keys were ever created: grows with each new key, so devices take the newer list (P-S3). */
  trustVersion: number;
}

/**
 * Loads the system's Ed25519 command-signing keys from `signing_keys`, creating the first one
 * (kid `nguon-{province}-{ULID}`) when none exists. Several instances starting at once on one
 * PostgreSQL database converge: the check and the insert run under an advisory lock, so one key is
 * created; then each re-reads the table and signs with the earliest created key that is not retired
 * (ties broken by kid), and trusts every such key.
 *
 * @example
 * ```ts
 * const keys = await loadSigningKeys(db, { province: '52' });
 * const jws = await signCommand(keys.signer, 'device.ping', {}, { to: 'dev:loa-001', ttlSec: 60 });
 * ```
 */
export async function loadSigningKeys(
  db: Database,
  options: { province: string; now?: () => Date },
): Promise<SigningKeys> {
  const k = db.kysely;
  const now = options.now ?? (() => new Date());
  const existing = await k.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).execute();
  if (existing.length === 0) {
    const at = now();
    const kid = `nguon-${options.province}-${newUlid(at.getTime())}`;
    const fresh = await generateSigningKey(kid);
    // Check and insert under one lock, so that instances starting together create one key, not two.
    await k.transaction().execute(async (tx) => {
      if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${KEY_LOCK})`.execute(tx);
      const active = await tx
        .selectFrom('signing_keys')
        .select('kid')
        .where('retired_at', 'is', null)
        .execute();
      if (active.length > 0) return;
      await tx
        .insertInto('signing_keys')
        .values({
          kid,
          public_key: fresh.anchor.publicKey,
          private_jwk: JSON.stringify(fresh.privateJwk),
          created_at: at.toISOString(),
          retired_at: null,
        })
        .execute();
    });
  }
  const rows = await k.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
  const usable = rows.filter((r) => r.retired_at === null);
  const first = usable[0];
  if (first === undefined) {
    throw new ServerError('database', 'signing_keys: expected a key that is not retired, found none');
  }
  const signer = await createSigner({
    kid: first.kid,
    privateKey: JSON.parse(first.private_jwk) as PrivateJwk,
  });
  return {
    signer,
    trust: usable.map((r) => ({ kid: r.kid, publicKey: r.public_key })),
    trustVersion: rows.length,
  };
}
