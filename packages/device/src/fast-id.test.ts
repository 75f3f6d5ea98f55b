import { describe, expect, it } from 'vitest';
import { pooledMessageId } from './fast-id';

describe('pooledMessageId', () => {
  it('gives 26-character ULIDs that sort by time and never repeat across pool refills', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => pooledMessageId(1_764_000_000_000 + i));
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // One id per millisecond: text order is creation order.
    expect([...ids].sort()).toEqual(ids);
  });

  it('refuses a time outside 0 … 2^48 − 1 with a RangeError naming the value', () => {
    expect(() => pooledMessageId(-1)).toThrow(/found -1/);
    expect(() => pooledMessageId(Number.NaN)).toThrow(RangeError);
  });
});
