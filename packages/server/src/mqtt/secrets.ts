import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/**
 * A new MQTT password for a device: 32 random bytes in base64url (43 characters). Shown once, at
 * registration; the server keeps only {@link hashMqttPassword} of it.
 *
 * @example
 * ```ts
 * const password = newMqttPassword(); // 'Xk3…' (43 characters)
 * ```
 */
export function newMqttPassword(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Hashes an MQTT password in the format of Mosquitto 2's password file (`$7$`: PBKDF2-HMAC-SHA512,
 * 101 iterations, 12-byte salt, standard base64), so that `nguon acl --format mosquitto` can write the
 * stored hashes as they are and the embedded broker checks the same value. The low iteration count is
 * Mosquitto's default and is safe here because device passwords are 256 random bits, not words.
 *
 * @example
 * ```ts
 * hashMqttPassword('s3cret').startsWith('$7$101$'); // true
 * ```
 */
export function hashMqttPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const hash = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, HASH_BYTES, 'sha512');
  return `$7$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Checks a password against a hash from {@link hashMqttPassword} (or a `$7$` line written by
 * `mosquitto_passwd`), in constant time. A malformed hash never matches.
 *
 * @example
 * ```ts
 * verifyMqttPassword('s3cret', hashMqttPassword('s3cret')); // true
 * ```
 */
export function verifyMqttPassword(password: string, stored: string): boolean {
  const m = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const iterations = Number(m[1]);
  const salt = Buffer.from(m[2] as string, 'base64');
  const expected = Buffer.from(m[3] as string, 'base64');
  if (iterations < 1 || expected.length === 0) return false;
  const actual = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, expected.length, 'sha512');
  return timingSafeEqual(actual, expected);
}

/**
 * The `unit_path` column of a device (or any row with units): every unit and every unit above them,
 * as `|52001|52|`, so that `unit_path LIKE '%|52|%'` finds everything in province 52.
 *
 * @example
 * ```ts
 * unitPath(['52001'], (code) => (code === '52001' ? ['52'] : [])); // '|52001|52|'
 * ```
 */
export function unitPath(codes: readonly string[], ancestors: (code: string) => readonly string[]): string {
  const all = new Set<string>();
  for (const code of codes) {
    all.add(code);
    for (const above of ancestors(code)) all.add(above);
  }
  return `|${[...all].join('|')}|`;
}
