import { PROBLEM_CODES, problem } from '@nguon/api/lite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createClient } from './client';
import { SdkError } from './errors';
import { parseRetryAfter, readProblem } from './problem';

const CODE = /^[a-z][a-z0-9_]*$/;

describe('readProblem', () => {
  it('never throws and always gives a usable problem, whatever the body', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 1000 }),
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (status, text) => {
          const p = readProblem(status, text);
          expect(p.status).toBeGreaterThanOrEqual(400);
          expect(p.status).toBeLessThanOrEqual(599);
          expect(p.code).toMatch(CODE);
          expect(p.title.length).toBeGreaterThan(0);
          expect(p.type.length).toBeGreaterThan(0);
          for (const e of p.errors ?? []) expect(typeof e.message).toBe('string');
        },
      ),
    );
  });

  it('keeps every field of a well-formed problem', () => {
    const field = fc.record({ path: fc.string(), message: fc.string({ minLength: 1 }) });
    fc.assert(
      fc.property(
        fc.constantFrom(
          'invalid_request',
          'not_found',
          'state_conflict',
          'range_not_satisfiable',
          'rate_limited',
          'not_implemented',
          'unavailable' as const,
        ),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        fc.array(field, { maxLength: 5 }),
        (code, detail, errors) => {
          const body = problem(code, {
            ...(detail === undefined ? {} : { detail }),
            ...(errors.length ? { errors } : {}),
          });
          expect(readProblem(body.status, JSON.stringify(body))).toEqual(body);
        },
      ),
    );
  });

  it('falls back on the status for a body that is not a problem', () => {
    expect(readProblem(404, '').code).toBe('not_found');
    expect(readProblem(418, '[1,2]')).toMatchObject({ code: 'http_418', status: 418 });
    expect(readProblem(500, '{"code":"Not Snake"}').code).toBe('internal');
    expect(readProblem(416, '<html>Range</html>').code).toBe('range_not_satisfiable');
    expect(readProblem(501, '').code).toBe('not_implemented');
  });

  it('falls back on the contract’s code for every status that has exactly one', () => {
    const byStatus = new Map<number, string[]>();
    for (const [code, { status }] of Object.entries(PROBLEM_CODES))
      byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
    for (const [status, codes] of byStatus) {
      if (codes.length === 1) expect(readProblem(status, '').code, String(status)).toBe(codes[0]);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e6 }), (s) => {
        expect(parseRetryAfter(String(s))).toBe(s * 1000);
      }),
    );
  });

  it('reads HTTP dates relative to now, never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: -1e7, max: 1e7 }), (base, delta) => {
        const now = Math.floor(base / 1000) * 1000;
        const header = new Date(now + Math.floor(delta / 1000) * 1000).toUTCString();
        expect(parseRetryAfter(header, now)).toBe(Math.max(0, Math.floor(delta / 1000) * 1000));
      }),
    );
  });

  it('gives undefined for anything else, never throwing', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseRetryAfter(s);
        expect(v === undefined || (Number.isFinite(v) && v >= 0)).toBe(true);
      }),
    );
    expect(parseRetryAfter('-5')).toBeUndefined();
    expect(parseRetryAfter('1.5')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

// Pages served by an injected fetch (a transport, as ClientOptions.fetch allows), so that thousands
// of page layouts and opaque cursors can be tried quickly.
function pagedFetch(items: number[], size: number, cursors: string[]): typeof fetch {
  return async (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const cursor = url.searchParams.get('cursor');
    const index = cursor === null ? 0 : cursors.indexOf(cursor) + 1;
    const page = items.slice(index * size, (index + 1) * size);
    const more = (index + 1) * size < items.length;
    return Response.json({
      items: page.map((n) => ({ n })),
      nextCursor: more ? (cursors[index] ?? null) : null,
    });
  };
}

describe('iteration over cursors', () => {
  it('yields every item once, in order, whatever the page size and cursor text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 40, maxLength: 40 }),
        async (items, size, cursors) => {
          const client = createClient({
            baseUrl: 'http://sdk.test',
            fetch: pagedFetch(items, size, cursors),
          });
          const got: number[] = [];
          for await (const unit of client.iterate('listUnits'))
            got.push((unit as unknown as { n: number }).n);
          expect(got).toEqual(items);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stops with invalid_response when a server repeats a cursor, instead of looping', async () => {
    const client = createClient({
      baseUrl: 'http://sdk.test',
      fetch: async () => Response.json({ items: [{}], nextCursor: 'same' }),
    });
    const error = await (async () => {
      for await (const _ of client.units.iterate()) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(SdkError.isInstance(error) && error.code).toBe('invalid_response');
    expect((error as Error).message).toContain('"same" again');
  });
});
