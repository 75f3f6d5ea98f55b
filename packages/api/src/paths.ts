import { ApiError } from './errors';
import { type OperationId, ROUTE_INDEX } from './generated/route-index';
import { type Problem, problem } from './problem-codes';
import type { HttpMethod, RouteIndexEntry } from './routes';

/**
 * A route of {@link ROUTE_INDEX} with its operationId (no schemas: get those from `ROUTES`).
 *
 * @example
 * ```ts
 * const m = matchRoute('GET', '/health');
 * if (m.ok) m.route.auth.kind; // 'public'
 * ```
 */
export type IndexedRoute = RouteIndexEntry & { readonly operationId: OperationId };

const INDEXED: readonly IndexedRoute[] = Object.entries(ROUTE_INDEX).map(([operationId, entry]) => ({
  ...(entry as RouteIndexEntry),
  operationId: operationId as OperationId,
}));

type Segment = { literal: string } | { param: string; prefix: string; suffix: string };

const PARAM_SEGMENT = /^([^{}]*)\{([A-Za-z][A-Za-z0-9]*)\}([^{}]*)$/;

function compile(path: string): Segment[] {
  return path
    .slice(1)
    .split('/')
    .map((part) => {
      const m = PARAM_SEGMENT.exec(part);
      return m ? { prefix: m[1] ?? '', param: m[2] ?? '', suffix: m[3] ?? '' } : { literal: part };
    });
}

// `score` ranks routes that fit the same path: literal segments first, then affixed parameters.
type Compiled = { route: IndexedRoute; segments: Segment[]; score: number };

function scoreOf(segments: readonly Segment[]): number {
  return segments.reduce((sum, seg) => sum + ('literal' in seg ? 2 : seg.prefix || seg.suffix ? 1 : 0), 0);
}

// Routes by segment count and their first two segments when those are literal (all of v1's are), so a
// request is compared with a handful of routes only; the others go to `loose`, tried every time.
const bucketKey = (count: number, first: string | undefined, second: string | undefined) =>
  `${count}|${first ?? ''}|${second ?? ''}`;
const BUCKETS = new Map<string, Compiled[]>();
const LOOSE: Compiled[] = [];
for (const route of INDEXED) {
  const segments = compile(route.path);
  const [a, b] = segments;
  if (a && 'literal' in a && (b === undefined || 'literal' in b)) {
    const key = bucketKey(segments.length, a.literal, b?.literal);
    BUCKETS.set(key, [...(BUCKETS.get(key) ?? []), { route, segments, score: scoreOf(segments) }]);
  } else LOOSE.push({ route, segments, score: scoreOf(segments) });
}

/**
 * The names of the `{param}`s of a path template, as a type.
 *
 * @example
 * ```ts
 * type P = PathParamNames<'/v1/bulletins/{id}/publish'>; // 'id'
 * ```
 */
export type PathParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | PathParamNames<Rest>
  : never;

/**
 * The path parameters of an operation: one string (or number) per `{param}` of its template.
 *
 * @example
 * ```ts
 * const p: PathParams<'getAtomFeed'> = { unitCode: '24065' };
 * ```
 */
export type PathParams<Op extends OperationId> = Record<
  PathParamNames<(typeof ROUTE_INDEX)[Op]['path']>,
  string | number
>;

/**
 * The arguments of `buildPath` after the operationId: the path parameters, optional when the path
 * has none.
 *
 * @example
 * ```ts
 * const args: BuildPathArgs<'getBulletin'> = [{ id: '01J…' }];
 * ```
 */
export type BuildPathArgs<Op extends OperationId> = [
  PathParamNames<(typeof ROUTE_INDEX)[Op]['path']>,
] extends [never]
  ? [params?: Record<string, never>]
  : [params: PathParams<Op>];

function encodeSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  // "." and ".." would be folded away by URL normalisation; escape them.
  return /^\.+$/.test(encoded) ? encoded.replaceAll('.', '%2E') : encoded;
}

/**
 * The concrete path of an operation: its template with each `{param}` replaced by the
 * percent-encoded value. Throws an `ApiError` (`missing_param`) when a value is missing or empty.
 *
 * @example
 * ```ts
 * buildPath('publishBulletin', { id: '01JDXF1A2B3C4D5E6F7G8H9J0K' }); // '/v1/bulletins/01JDXF1A2B3C4D5E6F7G8H9J0K/publish'
 * buildPath('getAtomFeed', { unitCode: '24065' }); // '/v1/feeds/24065.atom'
 * ```
 */
export function buildPath<Op extends OperationId>(operationId: Op, ...[params]: BuildPathArgs<Op>): string {
  const route = ROUTE_INDEX[operationId] as { path: string } | undefined;
  if (route === undefined) {
    throw new ApiError('unknown_operation', `unknown operationId "${String(operationId)}"`);
  }
  const values = (params ?? {}) as Record<string, unknown>;
  return route.path.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new ApiError(
        'missing_param',
        `${operationId}: expected a value for path parameter "${name}" of ${route.path}, found ${value === '' ? 'an empty string' : String(value)}`,
      );
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ApiError(
        'invalid_param',
        `${operationId}: expected a string or number for path parameter "${name}", found ${typeof value}`,
      );
    }
    return encodeSegment(String(value));
  });
}

/**
 * A path matched to a route: its operationId, the route and the decoded path parameters (still to
 * be validated with `route.params`).
 *
 * @example
 * ```ts
 * const m = matchRoute('GET', '/v1/bulletins/01J…');
 * if (m.ok) m.params.id;
 * ```
 */
export interface RouteMatch {
  ok: true;
  operationId: OperationId;
  route: IndexedRoute;
  params: Record<string, string>;
}

/**
 * A path that matched no route: 404 (no such path), 405 (the path exists with other methods,
 * listed in `allow`) or 400 (a malformed percent-escape), with the problem body to answer.
 *
 * @example
 * ```ts
 * const m = matchRoute('DELETE', '/v1/bulletins/01J…');
 * if (!m.ok && m.status === 405) res.setHeader('Allow', m.allow.join(', '));
 * ```
 */
export interface RouteMiss {
  ok: false;
  status: 400 | 404 | 405;
  problem: Problem;
  allow: HttpMethod[];
}

/**
 * Finds the route of a request: method (case-insensitive; HEAD matches GET routes) and path (a
 * query string or fragment is ignored). Literal segments win over parameters. Never throws.
 *
 * @example
 * ```ts
 * const m = matchRoute('POST', '/v1/bulletins/01JDXF1A2B3C4D5E6F7G8H9J0K/publish');
 * if (m.ok) m.operationId; // 'publishBulletin'
 * ```
 */
export function matchRoute(method: string, path: string): RouteMatch | RouteMiss {
  const upper = method.toUpperCase();
  const wanted = upper === 'HEAD' ? 'GET' : upper;
  const q = path.indexOf('?');
  const h = path.indexOf('#');
  const cut = q === -1 ? h : h === -1 ? q : Math.min(q, h);
  const pathname = cut === -1 ? path : path.slice(0, cut);
  if (pathname.charCodeAt(0) !== 47)
    return miss(404, `expected a path starting with "/", found "${pathname}"`);
  const parts = pathname.slice(1).split('/');
  const bucket = BUCKETS.get(bucketKey(parts.length, parts[0], parts.length > 1 ? parts[1] : undefined));
  const candidates = LOOSE.length === 0 ? (bucket ?? []) : [...(bucket ?? []), ...LOOSE];
  // Compare shapes first (no decoding); decode only the parameters of the route that wins.
  let best: Compiled | undefined;
  const allow: HttpMethod[] = [];
  for (const candidate of candidates) {
    if (!shapeMatches(candidate.segments, parts)) continue;
    if (candidate.route.method !== wanted) allow.push(candidate.route.method);
    else if (best === undefined || candidate.score > best.score) best = candidate;
  }
  if (best) {
    const params: Record<string, string> = {};
    for (let i = 0; i < best.segments.length; i++) {
      const seg = best.segments[i] as Segment;
      if ('literal' in seg) continue;
      const part = parts[i] as string;
      try {
        params[seg.param] = decodeURIComponent(
          part.slice(seg.prefix.length, part.length - seg.suffix.length),
        );
      } catch {
        return miss(400, `path segment ${i + 1} ("${part}") has a malformed percent-escape`);
      }
    }
    return { ok: true, operationId: best.route.operationId, route: best.route, params };
  }
  if (allow.length > 0) {
    const methods = [...new Set(allow)].sort();
    return { ...miss(405, `${pathname} accepts ${methods.join(', ')}, not ${upper}`), allow: methods };
  }
  return miss(404, `no route for ${upper} ${pathname}`);
}

function shapeMatches(segments: readonly Segment[], parts: readonly string[]): boolean {
  if (segments.length !== parts.length) return false;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as Segment;
    const part = parts[i] as string;
    if ('literal' in seg) {
      if (seg.literal !== part) return false;
    } else if (
      part.length <= seg.prefix.length + seg.suffix.length ||
      !part.startsWith(seg.prefix) ||
      !part.endsWith(seg.suffix)
    ) {
      return false;
    }
  }
  return true;
}

function miss(status: 400 | 404 | 405, detail: string): RouteMiss {
  const code = status === 400 ? 'invalid_request' : status === 404 ? 'not_found' : 'method_not_allowed';
  const body = problem(code, { detail });
  if (status === 400) body.errors = [{ path: 'path', message: detail }];
  return { ok: false, status, problem: body, allow: [] };
}
