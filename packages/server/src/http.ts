import { type Problem, problem } from '@nguon/api';

/** Media type of problem answers. */
export const PROBLEM_TYPE = 'application/problem+json';

/**
 * A problem+json response (RFC 9457) with extra headers.
 *
 * @example
 * ```ts
 * return problemResponse(problem('not_found', { detail: 'no bulletin X' }));
 * ```
 */
export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { 'content-type': PROBLEM_TYPE, ...headers },
  });
}

/**
 * The 501 problem of a route the server does not implement yet (code `not_implemented`).
 *
 * @example
 * ```ts
 * notImplemented('sendDeviceCommand').status; // 501
 * ```
 */
export function notImplemented(operationId: string): Problem {
  return problem('not_implemented', {
    detail: `${operationId} is part of the API contract but this server does not implement it yet`,
  });
}

/**
 * A JSON response.
 *
 * @example
 * ```ts
 * return jsonResponse(201, bulletin, { location: '/v1/bulletins/01J…' });
 * ```
 */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}
