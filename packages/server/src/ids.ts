import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new ULID (26 Crockford base32 characters: 48-bit time in ms, then 80 random bits), so that ids
 * sort by creation time.
 *
 * @example
 * ```ts
 * newUlid(Date.now()); // '01JDX…'
 * ```
 */
export function newUlid(timeMs: number = Date.now()): string {
  let out = '';
  let t = Math.max(0, Math.floor(timeMs));
  for (let i = 0; i < 10; i++) {
    out = (CROCKFORD[t % 32] as string) + out;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  for (let i = 0; i < 16; i++) out += CROCKFORD[(bytes[i] as number) % 32];
  return out;
}
