import type * as z from 'zod';
import { invalidRequest } from './problem';
import type { Problem } from './problem-codes';
import { type OperationId, ROUTES, type RouteParsedInput, type RouteSpec } from './routes';

/**
 * The raw parts of a request as a server framework hands them over: path parameters (from
 * `matchRoute`), the query (values as text; a repeated key as an array) and the body (parsed JSON,
 * the text of an XML body, or the bytes of a file).
 *
 * @example
 * ```ts
 * const raw: RawRequest = { params: match.params, query: Object.fromEntries(url.searchParams), body: await req.json() };
 * ```
 */
export interface RawRequest {
  params?: Record<string, string>;
  query?: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Validates every part of a request against its route at once. On failure the answer is one 400
 * problem listing every issue of every part, with paths such as `params.id`, `query.limit`,
 * `body.contents[0].title`.
 *
 * @example
 * ```ts
 * const parsed = parseRequest('publishBulletin', { params: match.params, body: json });
 * if (!parsed.ok) return reply(400, parsed.problem);
 * parsed.input.body.approve; // boolean | undefined
 * ```
 */
export function parseRequest<Op extends OperationId>(
  operationId: Op,
  raw: RawRequest,
): { ok: true; input: RouteParsedInput<Op> } | { ok: false; problem: Problem } {
  const route = ROUTES[operationId] as RouteSpec;
  const issues: z.core.$ZodIssue[] = [];
  const input: Record<string, unknown> = {};
  const check = (part: 'params' | 'query' | 'body', schema: z.ZodType | undefined, value: unknown) => {
    if (!schema) return;
    const result = schema.safeParse(value);
    if (result.success) input[part] = result.data;
    else for (const issue of result.error.issues) issues.push({ ...issue, path: [part, ...issue.path] });
  };
  check('params', route.params, raw.params ?? {});
  check('query', route.query, raw.query ?? {});
  const body = route.body;
  if (body?.kind === 'binary') {
    if (raw.body === undefined || raw.body === null) {
      issues.push({
        code: 'custom',
        path: ['body'],
        message: 'expected the file as the request body',
        input: raw.body,
      });
    } else input.body = raw.body;
  } else if (body) {
    if (raw.body === undefined) {
      issues.push({
        code: 'custom',
        path: ['body'],
        message: `expected a request body of type ${body.contentType[0]}`,
        input: undefined,
      });
    } else check('body', body.schema, raw.body);
  }
  if (issues.length > 0) {
    return { ok: false, problem: invalidRequest(issues) };
  }
  return { ok: true, input: input as RouteParsedInput<Op> };
}
