import { BulletinSchema, exampleFloodWarning } from '@nguon/bulletin';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ApiError } from './errors';
import { asProblem, invalidRequest, ProblemSchema } from './problem';
import { formatIssuePath, PROBLEM_CODES, problem } from './problem-codes';

describe('problems', () => {
  it('builds an RFC 9457 body with a stable code for every known code', () => {
    for (const [code, { status, title }] of Object.entries(PROBLEM_CODES)) {
      const p = problem(code as keyof typeof PROBLEM_CODES, { detail: 'why', instance: '/v1/x' });
      expect(p).toEqual({
        type: `urn:nguon:problem:${code}`,
        title,
        status,
        code,
        detail: 'why',
        instance: '/v1/x',
      });
      expect(ProblemSchema.parse(p)).toEqual(p);
    }
  });

  it('lists every zod issue of an invalid bulletin with its path', () => {
    const broken = { ...exampleFloodWarning, priority: 'urgent', contents: [{ lang: 'vi', title: '  ' }] };
    const result = BulletinSchema.safeParse(broken);
    expect(result.success).toBe(false);
    const p = invalidRequest(result.error as z.ZodError, 'body');
    expect(p.status).toBe(400);
    expect(p.code).toBe('invalid_request');
    expect(p.errors?.length).toBe(result.error?.issues.length);
    expect(p.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['body.priority', 'body.contents[0].title']),
    );
    expect(p.detail).toMatch(/^\d+ invalid fields; first: body\./);
    expect(ProblemSchema.safeParse(p).success).toBe(true);
  });

  it('writes issue paths with indexes in brackets', () => {
    expect(formatIssuePath(['contents', 0, 'title'], 'body')).toBe('body.contents[0].title');
    expect(formatIssuePath([], 'query')).toBe('query');
    expect(formatIssuePath([2, 'a'])).toBe('[2].a');
  });

  it('recognises problems and nothing else (property)', () => {
    expect(asProblem(problem('not_found'))?.code).toBe('not_found');
    expect(asProblem({ title: 'x', status: 404 })).toBeUndefined();
    expect(asProblem({ type: 'about:blank', title: 'x', status: 200, code: 'x' })).toBeUndefined();
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const p = asProblem(value);
        if (p !== undefined) expect(p.status).toBeGreaterThanOrEqual(400);
      }),
    );
  });

  it('turns any zod error into a valid 400 problem (property)', () => {
    const schema = z.strictObject({ a: z.int().min(0), b: z.array(z.string().max(3)).max(2) });
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const r = schema.safeParse(value);
        if (!r.success) {
          const p = invalidRequest(r.error, 'body');
          expect(ProblemSchema.safeParse(p).success).toBe(true);
          expect(p.errors?.length).toBe(r.error.issues.length);
        }
      }),
    );
  });
});

describe('ApiError', () => {
  it('carries a problem and says what went wrong', () => {
    const body = invalidRequest(
      z.object({ limit: z.int() }).safeParse({ limit: 'x' }).error as z.ZodError,
      'query',
    );
    const error = ApiError.fromProblem(body);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^400 The request is not valid: .*\(query\.limit: /);
    expect(error.toProblem()).toBe(body);
  });

  it('is recognised across package copies by its marker, and not by look-alikes', () => {
    const error = ApiError.of('state_conflict', 'bulletin is published');
    expect(ApiError.isInstance(error)).toBe(true);
    expect(error.toProblem()).toMatchObject({
      status: 409,
      code: 'state_conflict',
      detail: 'bulletin is published',
    });
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@nguon/api/ApiError')]: true });
    expect(ApiError.isInstance(foreign)).toBe(true);
    expect(ApiError.isInstance(new Error('x'))).toBe(false);
    expect(ApiError.isInstance({ code: 'state_conflict' })).toBe(false);
  });

  it('answers an internal problem for a contract error', () => {
    const error = new ApiError('missing_param', 'no id', { cause: new Error('root') });
    expect(error.toProblem()).toMatchObject({ status: 500, code: 'internal', detail: 'no id' });
    expect((error.cause as Error).message).toBe('root');
  });
});
