import type { OperationId, Problem, RouteParsedInput } from '@nguon/api';
import { problem } from '@nguon/api';
import type { UnitRegistry } from '@nguon/areas';
import type { Kysely } from 'kysely';
import type pino from 'pino';
import type { Database, Tables } from './db';
import type { DeviceHub } from './hub';
import type { ScopeUnits } from './scope';
import type { Principal } from './store';

/**
 * What one handler gets: the operation, its parsed input, the caller (`undefined` on public routes)
 * and the raw request.
 *
 * @example
 * ```ts
 * const handler: Handler = (ctx) => jsonResponse(200, { op: ctx.op });
 * ```
 */
export interface Ctx<Op extends OperationId> {
  op: Op;
  input: RouteParsedInput<Op>;
  principal: Principal | undefined;
  request: Request;
  url: URL;
}

/**
 * A route handler: answers one operation of the contract.
 *
 * @example
 * ```ts
 * const getHealth: Handler = () => jsonResponse(200, { status: 'ok' });
 * ```
 */
export type Handler = (ctx: Ctx<OperationId>) => Promise<Response> | Response;

/**
 * A problem thrown from inside a handler; the route loop answers it as problem+json.
 *
 * @example
 * ```ts
 * throw new Answer(problem('not_found', { detail: 'no device x' }));
 * ```
 */
export class Answer extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

/**
 * Stops the handler with this problem.
 *
 * @example
 * ```ts
 * if (!row) fail(problem('not_found', { detail: `no device ${id}` }));
 * ```
 */
export const fail = (p: Problem): never => {
  throw new Answer(p);
};

/**
 * Stops the handler with a 400 `invalid_request` listing every field error.
 *
 * @example
 * ```ts
 * invalid([{ path: 'body.units[0]', message: 'expected a unit code of the registry, found 99999' }]);
 * ```
 */
export function invalid(errors: { path: string; message: string }[]): never {
  const first = errors[0];
  return fail(
    problem('invalid_request', {
      detail: `${errors.length} invalid field${errors.length === 1 ? '' : 's'}${first ? `; first: ${first.path}: ${first.message}` : ''}`,
      errors,
    }),
  );
}

/**
 * What the server shares with its handler modules: the database, the clock, the logger, the unit
 * registry with scope helpers and, when the MQTT side runs, the device hub.
 *
 * @example
 * ```ts
 * const handlers = (s: ServerShared) => ({ getHealth: () => jsonResponse(200, { at: s.nowIso() }) });
 * ```
 */
export interface ServerShared {
  db: Database;
  k: Kysely<Tables>;
  now: () => Date;
  nowIso: () => string;
  log: pino.Logger;
  registry: UnitRegistry;
  units: ScopeUnits;
  /** Every unit above `code` at today's date, nearest first. */
  anc: (code: string) => readonly string[];
  /** The MQTT side (broker, dispatcher, receipts); `undefined` when the server runs HTTP only. */
  hub: DeviceHub | undefined;
}

/**
 * A group of handlers built from the shared state, merged into the server's route table.
 *
 * @example
 * ```ts
 * const reports: HandlerModule = (s) => ({ getDeviceReport: async () => jsonResponse(200, await count(s)) });
 * ```
 */
export type HandlerModule = (shared: ServerShared) => Partial<Record<OperationId, Handler>>;

/**
 * The cursor of a list paged by id: the last id of the page, opaque to clients.
 *
 * @example
 * ```ts
 * nextCursor: more ? encodeIdCursor(last.id) : null;
 * ```
 */
export function encodeIdCursor(id: string): string {
  return Buffer.from(JSON.stringify({ i: id })).toString('base64url');
}

/**
 * Reads a cursor from {@link encodeIdCursor}; anything else stops the handler with a 400 on
 * `query.cursor`.
 *
 * @example
 * ```ts
 * const after = decodeIdCursor(query.cursor); // undefined on the first page
 * ```
 */
export function decodeIdCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { i?: unknown };
    if (typeof value.i === 'string' && value.i.length > 0) return value.i;
  } catch {
    // falls through to the problem below
  }
  return fail(
    problem('invalid_request', {
      detail: 'query.cursor: expected a cursor from a previous page',
      errors: [{ path: 'query.cursor', message: 'expected the nextCursor of a previous page' }],
    }),
  );
}

/**
 * Whether a database error is a duplicate key: SQLite (better-sqlite3 codes or node:sqlite
 * `errcode`s) or PostgreSQL (23505).
 *
 * @example
 * ```ts
 * await insert().catch((e) => { if (isUniqueViolation(e)) fail(problem('state_conflict')); throw e; });
 * ```
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errcode?: unknown } | undefined;
  return (
    e?.errcode === 2067 ||
    e?.errcode === 1555 ||
    e?.code === '23505' ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
