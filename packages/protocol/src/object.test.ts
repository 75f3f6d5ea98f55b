import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { object } from './object';

const shapeOf = () => ({
  a: z.string().check(z.minLength(1)),
  n: z.optional(z.int().check(z.minimum(0))),
  inner: z.object({ list: z.array(z.string()) }),
});

describe('compiled object schemas', () => {
  const compiled = object(shapeOf());
  const plain = z.object(shapeOf());

  it('parse exactly like zod/mini objects: same data, same issues, unknown keys stripped (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({
            a: fc.string(),
            n: fc.option(fc.integer(), { nil: undefined }),
            inner: fc.record({ list: fc.array(fc.string()) }),
            extra: fc.anything(),
          }),
          fc.anything(),
        ),
        (value) => {
          const a = compiled.safeParse(value);
          const b = plain.safeParse(value);
          expect(a.success).toBe(b.success);
          expect(a.data).toEqual(b.data);
          expect(a.error?.issues.map((i) => [i.code, i.path])).toEqual(
            b.error?.issues.map((i) => [i.code, i.path]),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keep shape, checks and JSON Schema', () => {
    expect(Object.keys(compiled.shape)).toEqual(['a', 'n', 'inner']);
    expect(z.toJSONSchema(compiled)).toEqual(z.toJSONSchema(plain));
    const refined = compiled.check(z.refine((v) => v.a !== 'no', 'not no'));
    expect(refined.safeParse({ a: 'no', inner: { list: [] } }).error?.issues[0]?.message).toBe('not no');
  });
  it('are the only object schemas of the catalogue (verification speed depends on it)', () => {
    const source = readFileSync(new URL('./messages.ts', import.meta.url), 'utf8');
    expect(source.match(/\bz\s*\.\s*(?:strictObject|looseObject|object)\(/g)).toBeNull();
  });
});
