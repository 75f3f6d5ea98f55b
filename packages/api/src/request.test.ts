import { exampleFloodWarning } from '@nguon/bulletin';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ProblemSchema } from './problem';
import { parseRequest } from './request';
import { ROUTE_LIST } from './routes';

describe('parseRequest', () => {
  it('gives the validated input with defaults filled and query numbers converted', () => {
    const parsed = parseRequest('listBulletins', { query: { status: 'published', limit: '20' } });
    expect(parsed).toEqual({ ok: true, input: { query: { status: 'published', limit: 20 } } });
    const defaults = parseRequest('listUnits', {});
    expect(defaults.ok && defaults.input.query.limit).toBe(50);
    if (defaults.ok) expectTypeOf(defaults.input.query.limit).toEqualTypeOf<number>();
  });

  it('lists every issue of every part in one 400 problem', () => {
    const parsed = parseRequest('updateBulletin', {
      params: { id: '' },
      body: { version: 0, priority: 'urgent', contents: exampleFloodWarning.contents },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.status).toBe(400);
    expect(parsed.problem.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['params.id', 'body.version', 'body.priority']),
    );
  });

  it('asks for the body a route needs', () => {
    const json = parseRequest('createFeedback', {});
    expect(!json.ok && json.problem.errors).toEqual([
      { path: 'body', message: 'expected a request body of type application/json' },
    ]);
    const file = parseRequest('uploadMedia', {});
    expect(!file.ok && file.problem.errors?.[0]?.message).toBe('expected the file as the request body');
    const xml = parseRequest('importCap', { body: '<alert/>' });
    expect(xml).toEqual({ ok: true, input: { body: '<alert/>' } });
  });

  it('never throws and always answers a valid problem or input (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ROUTE_LIST.map((r) => r.operationId)),
        fc.record({
          params: fc.option(fc.dictionary(fc.string(), fc.string()), { nil: undefined }),
          query: fc.option(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))), {
            nil: undefined,
          }),
          body: fc.anything(),
        }),
        (op, raw) => {
          const parsed = parseRequest(op, raw);
          if (!parsed.ok) expect(ProblemSchema.safeParse(parsed.problem).success).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
