import type { RouteInput, RouteOutput } from '@nguon/api';
import { buildPath, type OperationId, ROUTE_INDEX } from '@nguon/api/lite';
import ky, {
  HTTPError,
  type KyInstance,
  type Options as KyOptions,
  type RetryOptions,
  TimeoutError,
} from 'ky';
import { ProblemError, SdkError } from './errors';
import { QUERY_OPERATIONS } from './generated/query-operations';
import { type ClientMethods, namespaceOf } from './namespaces';
import { parseRetryAfter, readProblem } from './problem';

declare const __NGUON_VERSION__: string;
/** The version of this SDK (not sent: a custom header would cost browsers a CORS preflight). @example `console.log(SDK_VERSION)` */
export const SDK_VERSION: string = typeof __NGUON_VERSION__ === 'string' ? __NGUON_VERSION__ : '0.0.0-dev';

/**
 * Checks (and may transform) a decoded success body; throw to reject it. `@nguon/sdk/validate`
 * provides one built from the contract's zod schemas.
 *
 * @example
 * ```ts
 * const validate: ResponseValidator = (op, data) => data;
 * ```
 */
export type ResponseValidator = (operationId: OperationId, data: unknown) => unknown;

/**
 * Options of {@link createClient}.
 *
 * @example
 * ```ts
 * const options: ClientOptions = { baseUrl: 'https://nguon.gialai.gov.vn', token: process.env.NGUON_TOKEN };
 * ```
 */
export interface ClientOptions {
  /** Where the API is served, e.g. `https://nguon.gialai.gov.vn` (a path prefix is kept). */
  baseUrl: string | URL;
  /** The bearer token, or a function that returns it per request (to refresh it); sent to non-public routes only. */
  token?: string | (() => string | undefined | Promise<string | undefined>) | undefined;
  /** The `fetch` to use (default `globalThis.fetch`): for proxies, tests, custom agents. */
  fetch?: typeof fetch | undefined;
  /**
   * Retries of idempotent calls (GET, PUT, DELETE…) on 408, 413, 429, 500, 502, 503, 504 with
   * exponential backoff, honouring `Retry-After`: a number of attempts after the first (default 2),
   * or ky's retry options. `0` turns retries off.
   */
  retry?: number | RetryOptions | undefined;
  /** Milliseconds to wait for each attempt (default 10 000), or `false` for no limit. */
  timeout?: number | false | undefined;
  /** Headers added to every request. */
  headers?: Record<string, string> | undefined;
  /** Checks success bodies, e.g. `validateResponses()` of `@nguon/sdk/validate`. */
  validate?: ResponseValidator | undefined;
}

/**
 * Per-call options, the last argument of every method.
 *
 * @example
 * ```ts
 * await client.bulletins.list({ status: 'published' }, { signal: AbortSignal.timeout(2_000) });
 * ```
 */
export interface CallOptions {
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
  /** Headers of this call only (e.g. `Range` for media). */
  headers?: Record<string, string> | undefined;
  /** The `Content-Type` of a text or file body (default: the route's first type, or the Blob's `type`). */
  contentType?: string | undefined;
  /** Overrides the client's timeout for this call. */
  timeout?: number | false | undefined;
}

/**
 * The argument list of `call(op, …)`: the input (`params`, `query`, `body` as the route has them;
 * optional when nothing in it is required) and the call options.
 *
 * @example
 * ```ts
 * const args: CallArgs<'getBulletin'> = [{ params: { id: '01J…' } }];
 * ```
 */
export type CallArgs<Op extends OperationId> =
  object extends RouteInput<Op>
    ? [input?: RouteInput<Op>, options?: CallOptions]
    : [input: RouteInput<Op>, options?: CallOptions];

/**
 * The operations that answer a page `{items, nextCursor}` and can be iterated.
 *
 * @example
 * ```ts
 * const op: ListOperationId = 'listBulletins';
 * ```
 */
export type ListOperationId = {
  [Op in OperationId]: RouteOutput<Op> extends { items: unknown[]; nextCursor: string | null } ? Op : never;
}[OperationId];

/**
 * One item of a list operation's pages.
 *
 * @example
 * ```ts
 * type B = ListItem<'listBulletins'>; // a bulletin
 * ```
 */
export type ListItem<Op extends ListOperationId> = RouteOutput<Op> extends { items: (infer T)[] } ? T : never;

/**
 * A client of the provincial API: `call(op, input)` for any operation, `pages` / `iterate` for lists,
 * one method per operation named after its operationId (`client.publishBulletin(input)`), and the
 * same methods grouped by resource with positional arguments (`client.bulletins.publish({ id }, body)`).
 *
 * @example
 * ```ts
 * const client = createClient({ baseUrl: 'http://localhost:8080', token });
 * for await (const b of client.bulletins.iterate({ status: 'published' })) console.log(b.id);
 * ```
 */
export type Client = ClientMethods & {
  /** Calls an operation by its operationId. */
  call<Op extends OperationId>(operationId: Op, ...args: CallArgs<Op>): Promise<RouteOutput<Op>>;
  /** Every page of a list operation, following `nextCursor` until it is `null`. */
  pages<Op extends ListOperationId>(operationId: Op, ...args: CallArgs<Op>): AsyncGenerator<RouteOutput<Op>>;
  /** Every item of a list operation, across pages. */
  iterate<Op extends ListOperationId>(operationId: Op, ...args: CallArgs<Op>): AsyncGenerator<ListItem<Op>>;
  /** The ky instance the client calls through (base URL, token, retries and timeout applied). */
  readonly http: KyInstance;
};

type Query = Record<string, unknown> | undefined;
type Input = { params?: Record<string, string | number>; query?: Query; body?: unknown } | undefined;

function searchParams(query: Query): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      out.append(key, one instanceof Date ? one.toISOString() : String(one));
    }
  }
  return out;
}

function isStream(value: unknown): value is ReadableStream {
  return typeof ReadableStream === 'function' && value instanceof ReadableStream;
}

/**
 * Creates a client of the provincial API. Nothing is sent until a method is called.
 *
 * @example
 * ```ts
 * import { createClient } from '@nguon/sdk';
 *
 * const client = createClient({ baseUrl: 'https://nguon.gialai.gov.vn', token: process.env.NGUON_TOKEN });
 * const draft = await client.bulletins.create({ ...bulletinDraft });
 * await client.bulletins.submit({ id: draft.id }, {});
 * ```
 */
export function createClient(options: ClientOptions): Client {
  const base = String(options.baseUrl);
  const retry: RetryOptions =
    typeof options.retry === 'object' ? options.retry : { limit: options.retry ?? 2 };
  const http = ky.create({
    prefixUrl: base.endsWith('/') ? base : `${base}/`,
    retry,
    timeout: options.timeout ?? 10_000,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  async function call(
    operationId: OperationId,
    input?: Input,
    callOptions: CallOptions = {},
  ): Promise<unknown> {
    const route = ROUTE_INDEX[operationId] as (typeof ROUTE_INDEX)[OperationId] | undefined;
    if (route === undefined) {
      throw new SdkError('invalid_input', `unknown operationId "${String(operationId)}"`);
    }
    let path: string;
    try {
      path = (buildPath as (op: OperationId, params?: object) => string)(operationId, input?.params);
    } catch (error) {
      throw new SdkError('invalid_input', (error as Error).message, { cause: error, operationId });
    }
    const headers: Record<string, string> = { ...callOptions.headers };
    if (route.auth.kind === 'bearer' && options.token !== undefined) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
    }
    const kyOptions: KyOptions & { duplex?: 'half' } = { method: route.method, headers };
    if (callOptions.signal) kyOptions.signal = callOptions.signal;
    if (callOptions.timeout !== undefined) kyOptions.timeout = callOptions.timeout;
    const query = searchParams(input?.query);
    if (query.size > 0) kyOptions.searchParams = query;
    const request = 'request' in route ? route.request : undefined;
    if (request && (input?.body !== undefined || request.kind === 'json')) {
      const body = input?.body;
      // A JSON body the caller left out is `{}`: the methods make it optional only when `{}` is valid.
      if (request.kind === 'json') kyOptions.json = body ?? {};
      else {
        const type =
          callOptions.contentType ??
          (typeof Blob === 'function' && body instanceof Blob && body.type ? body.type : undefined) ??
          (request.contentType[0]?.includes('*') ? undefined : request.contentType[0]);
        if (type === undefined) {
          throw new SdkError(
            'invalid_input',
            `${operationId}: expected a content type (${request.contentType.join(', ')}) in options.contentType or as the Blob's type, found none`,
            { operationId },
          );
        }
        headers['content-type'] = type;
        kyOptions.body = body as BodyInit;
        if (isStream(body)) kyOptions.duplex = 'half';
      }
    }
    let response: Response;
    try {
      response = await http(path.slice(1), kyOptions);
    } catch (error) {
      throw await toSdkError(error, operationId, callOptions.signal);
    }
    const kind = 'kind' in route.success ? route.success.kind : undefined;
    if (kind === undefined || response.status === 204) return undefined;
    if (kind === 'binary') return response.arrayBuffer();
    const text = await response.text();
    let data: unknown = text;
    if (kind === 'json') {
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new SdkError(
          'invalid_response',
          `${operationId}: expected a JSON body from ${route.method} ${path}, found ${JSON.stringify(text.slice(0, 80))}`,
          { cause: error, operationId, status: response.status },
        );
      }
    }
    if (options.validate) {
      try {
        data = options.validate(operationId, data);
      } catch (error) {
        throw new SdkError('invalid_response', `${operationId}: ${(error as Error).message}`, {
          cause: error,
          operationId,
          status: response.status,
        });
      }
    }
    return data;
  }

  async function* pages(operationId: OperationId, input?: Input, callOptions?: CallOptions) {
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const query = cursor === undefined ? input?.query : { ...input?.query, cursor };
      const page = (await call(operationId, { ...input, query }, callOptions)) as {
        items?: unknown;
        nextCursor?: unknown;
      };
      if (!Array.isArray(page?.items)) {
        throw new SdkError(
          'invalid_response',
          `${operationId}: expected a page {items, nextCursor}, found no items array`,
          {
            operationId,
          },
        );
      }
      yield page;
      const next = page.nextCursor;
      if (next === null || next === undefined) return;
      if (typeof next !== 'string' || next === '' || seen.has(next)) {
        throw new SdkError(
          'invalid_response',
          `${operationId}: expected a new non-empty nextCursor or null, found ${JSON.stringify(next)}${seen.has(next as string) ? ' again' : ''}`,
          { operationId },
        );
      }
      seen.add(next);
      cursor = next;
    }
  }

  async function* iterate(operationId: OperationId, input?: Input, callOptions?: CallOptions) {
    for await (const page of pages(operationId, input, callOptions)) yield* page.items as unknown[];
  }

  const client: Record<string, unknown> = { call, pages, iterate, http };
  for (const operationId of Object.keys(ROUTE_INDEX) as OperationId[]) {
    const route = ROUTE_INDEX[operationId];
    const hasParams = route.path.includes('{');
    const hasBody = 'request' in route;
    const hasQuery = QUERY_OPERATIONS.includes(operationId);
    client[operationId] = (input?: Input, callOptions?: CallOptions) => call(operationId, input, callOptions);
    // Positional sugar: (params?, body?, query?, options?) as the route has them.
    const toInput = (args: unknown[]): [Input, CallOptions | undefined] => {
      let i = 0;
      const input: Record<string, unknown> = {};
      if (hasParams) input.params = args[i++];
      if (hasBody) input.body = args[i++];
      if (hasQuery) input.query = args[i++];
      return [input as Input, args[i] as CallOptions | undefined];
    };
    const { namespace, method } = namespaceOf(operationId, route.tags[0] ?? 'operations');
    client[namespace] ??= {};
    const group = client[namespace] as Record<string, unknown>;
    group[method] = (...args: unknown[]) => call(operationId, ...toInput(args));
    if (operationId.startsWith('list')) {
      group.iterate = (...args: unknown[]) => iterate(operationId, ...toInput(args));
      group.pages = (...args: unknown[]) => pages(operationId, ...toInput(args));
    }
  }
  return client as unknown as Client;
}

async function toSdkError(error: unknown, operationId: OperationId, signal: AbortSignal | undefined) {
  if (error instanceof HTTPError) {
    const response = error.response;
    let text = '';
    try {
      text = await response.text();
    } catch {
      text = '';
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return new ProblemError(readProblem(response.status, text, response.statusText), {
      operationId,
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (error instanceof TimeoutError) {
    return new SdkError(
      'timeout',
      `${operationId}: no answer from ${error.request.method} ${error.request.url} in time`,
      {
        cause: error,
        operationId,
      },
    );
  }
  if (signal?.aborted) {
    return new SdkError('aborted', `${operationId}: aborted by the caller`, { cause: error, operationId });
  }
  return new SdkError(
    'network',
    `${operationId}: the request failed: ${(error as Error)?.message ?? String(error)}`,
    {
      cause: error,
      operationId,
    },
  );
}
