import { newMessageId } from '@nguon/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestkitError } from './errors';
import { ulidTime } from './ids';
import { percentiles } from './stats';

describe('ulidTime', () => {
  it('reads back the time written by newMessageId', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (t) => {
        expect(ulidTime(newMessageId(t))).toBe(t);
      }),
    );
  });

  it('gives a typed error, never a crash, for any other string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          const t = ulidTime(s);
          expect(t).toBeGreaterThanOrEqual(0);
          expect(s).toHaveLength(26);
        } catch (error) {
          expect(TestkitError.isInstance(error) && error.code).toBe('invalid_id');
        }
      }),
    );
  });

  it('says which character is wrong', () => {
    expect(() => ulidTime('01JF8X6W3U0000000000000000')).toThrow(/character 10 .* is "U"/);
    expect(() => ulidTime('short')).toThrow(/26-character ULID, found 5 characters/);
    expect(() => ulidTime('ZZZZZZZZZZ0000000000000000')).toThrow(/beyond 2\^48/);
  });
});

describe('percentiles', () => {
  it('matches the nearest rank of the sorted values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (v) => {
          const sorted = [...v].sort((a, b) => a - b);
          const p = percentiles(v);
          expect(p.count).toBe(v.length);
          expect(p.min).toBe(sorted[0]);
          expect(p.max).toBe(sorted[sorted.length - 1]);
          expect(p.p50).toBe(sorted[Math.ceil(0.5 * v.length) - 1]);
          expect(p.p99).toBe(sorted[Math.ceil(0.99 * v.length) - 1]);
        },
      ),
    );
  });

  it('is empty for no values', () => {
    expect(percentiles([])).toEqual({
      count: 0,
      min: undefined,
      p50: undefined,
      p90: undefined,
      p99: undefined,
      max: undefined,
    });
  });
});
