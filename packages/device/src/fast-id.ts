const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let used = POOL_BYTES;

/**
 * A message id in the same ULID form as `newMessageId` from `@nguon/protocol` (10 characters of
 * milliseconds, 16 random characters), drawing its random part from a pooled Web Crypto buffer so a
 * burst of acks costs one `getRandomValues` call per 256 ids instead of one each.
 *
 * @example `pooledMessageId(Date.now()); // '01JF8X6W3Q…' (26 characters)`
 */
export function pooledMessageId(nowMs: number): string {
  let time = Math.floor(nowMs);
  if (!Number.isFinite(time) || time < 0 || time > 2 ** 48 - 1) {
    throw new RangeError(`pooledMessageId: expected a time in ms between 0 and 2^48 - 1, found ${nowMs}`);
  }
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[time % 32] + head;
    time = Math.floor(time / 32);
  }
  if (used + 16 > POOL_BYTES) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  let tail = '';
  for (let i = used; i < used + 16; i++) tail += CROCKFORD[(pool[i] as number) & 31];
  used += 16;
  return head + tail;
}
