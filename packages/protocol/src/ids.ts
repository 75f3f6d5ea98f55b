const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new ULID for a message `id`: 48 bits of milliseconds then 80 random bits (Web Crypto), so ids
 * sort by creation time and never repeat in practice.
 *
 * @example
 * ```ts
 * newMessageId(); // '01JF8X6W3Q…' (26 characters)
 * newMessageId(Date.parse('2026-11-26T08:00:00Z'));
 * ```
 */
export function newMessageId(nowMs: number = Date.now()): string {
  let time = Math.floor(nowMs);
  if (!Number.isFinite(time) || time < 0 || time > 2 ** 48 - 1) {
    throw new RangeError(`newMessageId: expected a time in ms between 0 and 2^48 - 1, found ${nowMs}`);
  }
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const random = crypto.getRandomValues(new Uint8Array(16));
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte & 31];
  return head + tail;
}
