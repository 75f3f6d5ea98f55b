import { TestkitError } from './errors';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The creation time (ms since the epoch) written in the first 10 characters of a ULID message id,
 * as the source system and devices create them. Used to time an ack against the command it answers.
 * Throws `TestkitError` `invalid_id` naming the first bad character.
 *
 * @example
 * ```ts
 * ulidTime('01JF8X6W3Q0000000000000000'); // 1734300000000-ish
 * ```
 */
export function ulidTime(id: string): number {
  if (typeof id !== 'string' || id.length !== 26) {
    throw new TestkitError(
      'invalid_id',
      `ulidTime: expected a 26-character ULID, found ${typeof id === 'string' ? `${id.length} characters` : typeof id}`,
    );
  }
  let time = 0;
  for (let i = 0; i < 10; i++) {
    const digit = ALPHABET.indexOf(id[i]?.toUpperCase() ?? '');
    if (digit < 0) {
      throw new TestkitError(
        'invalid_id',
        `ulidTime: character ${i + 1} of "${id}" is ${JSON.stringify(id[i])}, expected Crockford base32 (0-9, A-Z without I L O U)`,
      );
    }
    time = time * 32 + digit;
  }
  if (time > 2 ** 48 - 1) {
    throw new TestkitError('invalid_id', `ulidTime: "${id}" encodes a time beyond 2^48 - 1 ms`);
  }
  return time;
}
