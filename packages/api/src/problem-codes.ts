import type * as z from 'zod';
import type { ProblemFieldErrorSchema, ProblemSchema } from './problem';

// The parts of problems that need no zod at run time, so that `@nguon/api/lite` stays small.

/**
 * The stable problem codes of the API, with the HTTP status and title each one is sent with. The
 * `type` of a problem is `urn:nguon:problem:<code>`.
 *
 * @example
 * ```ts
 * PROBLEM_CODES.invalid_request.status; // 400
 * ```
 */
export const PROBLEM_CODES = {
  invalid_request: { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'A valid bearer token is required' },
  forbidden: { status: 403, title: 'The token may not do this' },
  out_of_scope: { status: 403, title: 'The request reaches beyond the units of the token' },
  not_found: { status: 404, title: 'No such resource' },
  method_not_allowed: { status: 405, title: 'The path does not accept this method' },
  state_conflict: { status: 409, title: 'The resource is not in a state that allows this' },
  version_conflict: { status: 409, title: 'The resource changed since it was read' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: {
    status: 415,
    title: 'The request body has a content type this path does not take',
  },
  range_not_satisfiable: { status: 416, title: 'The range is outside the file' },
  rate_limited: { status: 429, title: 'Too many requests; retry later' },
  internal: { status: 500, title: 'The server failed' },
  not_implemented: { status: 501, title: 'The server does not implement this operation yet' },
  unavailable: { status: 503, title: 'A part the server needs is down' },
} as const satisfies Record<string, { status: number; title: string }>;

/**
 * A problem code, see {@link PROBLEM_CODES}.
 *
 * @example
 * ```ts
 * const code: ProblemCode = 'state_conflict';
 * ```
 */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The media type of every error response (RFC 9457). @example `headers['content-type'] = PROBLEM_CONTENT_TYPE` */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * A problem body, see {@link ProblemSchema}.
 *
 * @example
 * ```ts
 * const p: Problem = problem('not_found', { detail: 'no bulletin 01J…' });
 * ```
 */
export type Problem = z.output<typeof ProblemSchema>;

/**
 * One invalid field, see {@link ProblemFieldErrorSchema}.
 *
 * @example
 * ```ts
 * const e: ProblemFieldError = { path: 'query.limit', message: 'expected at most 200' };
 * ```
 */
export type ProblemFieldError = z.output<typeof ProblemFieldErrorSchema>;

/**
 * Builds a problem body for a code: `type`, `title` and `status` come from {@link PROBLEM_CODES}.
 *
 * @example
 * ```ts
 * problem('state_conflict', { detail: 'bulletin 01J… is published; only a submitted bulletin can be approved' });
 * ```
 */
export function problem(
  code: ProblemCode,
  extra: { detail?: string; instance?: string; errors?: ProblemFieldError[]; title?: string } = {},
): Problem {
  const known = PROBLEM_CODES[code];
  const out: Problem = {
    type: problemType(code),
    title: extra.title ?? known.title,
    status: known.status,
    code,
  };
  if (extra.detail !== undefined) out.detail = extra.detail;
  if (extra.instance !== undefined) out.instance = extra.instance;
  if (extra.errors !== undefined) out.errors = extra.errors;
  return out;
}

/**
 * The `type` URI of a problem code.
 *
 * @example
 * ```ts
 * problemType('not_found'); // 'urn:nguon:problem:not_found'
 * ```
 */
export function problemType(code: string): string {
  return `urn:nguon:problem:${code}`;
}

/**
 * Writes a zod issue path the way problems show it: `contents[0].title`; prefixed with the part of
 * the request (`body`, `query`, `params`) when given.
 *
 * @example
 * ```ts
 * formatIssuePath(['contents', 0, 'title'], 'body'); // 'body.contents[0].title'
 * ```
 */
export function formatIssuePath(path: readonly PropertyKey[], part?: string): string {
  let out = part ?? '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
