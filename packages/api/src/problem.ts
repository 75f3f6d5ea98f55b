import * as z from 'zod';
import { formatIssuePath, type Problem, problem } from './problem-codes';

/**
 * One invalid field of a 400 problem: where (a dotted/indexed path such as `contents[0].title`, or
 * `` for the whole body) and what was expected.
 *
 * @example
 * ```ts
 * ProblemFieldErrorSchema.parse({ path: 'targets.units.codes[0]', message: 'expected a unit code' });
 * ```
 */
export const ProblemFieldErrorSchema = z
  .strictObject({
    path: z.string().max(1_000).describe('Where: e.g. "body.contents[0].title", "query.limit"'),
    message: z.string().min(1).max(2_000),
  })
  .describe('One invalid field');

/**
 * The error body of every non-2xx response: RFC 9457 fields plus a stable `code` and, for invalid
 * input, every issue found in `errors`.
 *
 * @example
 * ```ts
 * const p = ProblemSchema.parse(await response.json());
 * if (p.code === 'state_conflict') console.warn(p.detail);
 * ```
 */
export const ProblemSchema = z
  .looseObject({
    type: z.string().min(1).describe('URI of the problem type: urn:nguon:problem:<code>'),
    title: z.string().min(1),
    status: z.int().min(400).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case code'),
    errors: z.array(ProblemFieldErrorSchema).optional(),
  })
  .describe('Problem details (RFC 9457)');

/**
 * A 400 `invalid_request` problem listing every issue of a zod error, each with its path.
 *
 * @example
 * ```ts
 * const parsed = route.body.schema.safeParse(json);
 * if (!parsed.success) return json(400, invalidRequest(parsed.error, 'body'));
 * ```
 */
export function invalidRequest(error: z.ZodError | readonly z.core.$ZodIssue[], part?: string): Problem {
  const issues = Array.isArray(error) ? error : (error as z.ZodError).issues;
  const errors = issues.map((issue) => ({ path: formatIssuePath(issue.path, part), message: issue.message }));
  const first = errors[0];
  const detail =
    first === undefined
      ? 'the request is not valid'
      : `${errors.length} invalid field${errors.length === 1 ? '' : 's'}; first: ${first.path || '(root)'}: ${first.message}`;
  return problem('invalid_request', { detail, errors });
}

/**
 * Checks an unknown value (e.g. a response body) is a problem; gives `undefined` when not.
 *
 * @example
 * ```ts
 * const p = asProblem(await response.json());
 * if (p) throw ApiError.fromProblem(p);
 * ```
 */
export function asProblem(value: unknown): Problem | undefined {
  const parsed = ProblemSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
