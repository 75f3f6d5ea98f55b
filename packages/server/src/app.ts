import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  firstOutOfScope,
  isAllowed,
  matchRoute,
  type OperationId,
  openApiDocument,
  parseRequest,
  problem,
  ROUTE_LIST,
  type RouteParsedInput,
  touchesScope,
  unitInScope,
  workflowStep,
} from '@nguon/api';
import { loadUnits, type UnitRegistry } from '@nguon/areas';
import {
  type Bulletin,
  BulletinSchema,
  bulletinToCap,
  CapError,
  type CapPassthrough,
  capToBulletin,
  checkBulletinUnits,
  serializeCap,
  VN_GSO,
} from '@nguon/bulletin';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { type Expression, type SqlBool, sql } from 'kysely';
import pino from 'pino';
import {
  Answer,
  type Ctx,
  decodeIdCursor,
  encodeIdCursor,
  fail,
  type Handler,
  type HandlerModule,
  invalid,
  isUniqueViolation,
  type ServerShared,
} from './context';
import type { Database } from './db';
import { renderDocsHtml } from './docs';
import { atomFeed, jsonFeed } from './feeds';
import { jsonResponse, notImplemented, problemResponse } from './http';
import type { DeviceHub } from './hub';
import { newUlid } from './ids';
import { createMetrics } from './metrics';
import { DEVICES_OPERATIONS, deviceHandlers } from './routes/devices';
import { EXTRA_OPERATIONS, extraHandlers } from './routes/extras';
import { PLANS_OPERATIONS, planHandlers } from './routes/plans';
import { REPORTS_OPERATIONS, reportHandlers } from './routes/reports';
import { ScopeUnits } from './scope';
import {
  appendAudit,
  getStoredBulletin,
  insertBulletin,
  type Principal,
  updateBulletin,
  utcText,
} from './store';

declare const __NGUON_VERSION__: string;
const VERSION = typeof __NGUON_VERSION__ === 'string' ? __NGUON_VERSION__ : '0.0.0-dev';

/**
 * Options of {@link createServer}.
 *
 * @example
 * ```ts
 * const options: ServerOptions = { db: await openDatabase(), adminToken: process.env.NGUON_ADMIN_TOKEN };
 * ```
 */
export interface ServerOptions {
  /** The open database, from `openDatabase`. */
  db: Database;
  /**
   * A bootstrap admin token (at least 20 characters) whose scope is every province in force; use it
   * to create the real tokens, then stop passing it.
   */
  adminToken?: string | undefined;
  /** The clock (default `() => new Date()`); tests pass a fixed one. */
  now?: (() => Date) | undefined;
  /** A pino logger (default: silent). */
  logger?: pino.Logger | undefined;
  /** The unit registry (default `loadUnits()` of `@nguon/areas`). */
  units?: UnitRegistry | undefined;
  /** Largest request body in bytes (default 1 MiB); larger is 413. */
  maxBodyBytes?: number | undefined;
  /** Largest media upload in bytes (default 50 MiB); larger is 413. */
  maxMediaBytes?: number | undefined;
  /** CAP `sender` of exported alerts (default `nguon@localhost`). */
  capSender?: string | undefined;
  /**
   * Cross-origin access for browser apps on other origins (commune portals, admin pages): the origins
   * allowed, or `'*'`. Default: no CORS headers (same-origin browsers, and every non-browser client).
   */
  cors?: { origins: '*' | readonly string[] } | undefined;
  /** Requests per minute per client address on public writes (default 30); more is 429. */
  publicRateLimit?: number | undefined;
  /**
   * The MQTT side (from `createDispatcher`): registration, device commands and dispatch on publish and
   * revoke. Without it the server runs HTTP only and the device routes answer 503 `unavailable`.
   */
  hub?: DeviceHub | undefined;
}

/**
 * A running HTTP listener: its base URL and `close()`.
 *
 * @example
 * ```ts
 * const { url, close } = await server.listen(8080);
 * ```
 */
export interface Listening {
  url: string;
  close(): Promise<void>;
}

/**
 * A server: the hono `app` (usable with any fetch-based runtime: `app.fetch(request)`) and
 * `listen(port = 0)` to serve it over Node's HTTP.
 *
 * @example
 * ```ts
 * const server = createServer({ db, adminToken });
 * const { url } = await server.listen(0);
 * ```
 */
export interface NguonServer {
  app: Hono;
  listen(port?: number, hostname?: string): Promise<Listening>;
}

/**
 * The operations this server answers; every other route of the contract answers 501
 * `not_implemented`.
 *
 * @example
 * ```ts
 * IMPLEMENTED_OPERATIONS.includes('publishBulletin'); // true
 * ```
 */
export const IMPLEMENTED_OPERATIONS: readonly OperationId[] = [
  'createToken',
  'createBulletin',
  'listBulletins',
  'getBulletin',
  'updateBulletin',
  'submitBulletin',
  'approveBulletin',
  'rejectBulletin',
  'publishBulletin',
  'revokeBulletin',
  'importCap',
  'exportCap',
  'listUnits',
  'createFeedback',
  'listFeedback',
  'replyFeedback',
  'uploadMedia',
  'getMedia',
  'getAtomFeed',
  'getJsonFeed',
  'getHealth',
  'getMetrics',
  'getOpenApi',
  'getDocs',
  ...DEVICES_OPERATIONS,
  ...PLANS_OPERATIONS,
  ...REPORTS_OPERATIONS,
  ...EXTRA_OPERATIONS,
];

const HANDLER_MODULES: readonly HandlerModule[] = [
  deviceHandlers,
  planHandlers,
  reportHandlers,
  extraHandlers,
];

/**
 * The notes of a CAP import about areas: each `<area>` without a `VN-GSO` geocode targets nobody
 * (its polygons, circles and other geocodes are kept in `extensions.cap` but name no unit), and a
 * draft left without any target touches no unit scope, so no token can read, edit or list it (A-S3).
 * Targets are never guessed from `areaDesc` or shapes.
 */
function capAreaIssues(cap: CapPassthrough, b: Bulletin): { at: string; code: string; message: string }[] {
  const t = b.targets;
  const untargeted = !t.units && !(t.deviceGroups?.length ?? 0) && !(t.devices?.length ?? 0);
  const geocode = `<geocode><valueName>${VN_GSO}</valueName><value>unit code</value></geocode>`;
  const issues: { at: string; code: string; message: string }[] = [];
  cap.infos.forEach((info, i) => {
    info.areas.forEach((area, j) => {
      if (area.geocodes.some((g) => g.valueName === VN_GSO)) return;
      const other = [...new Set(area.geocodes.map((g) => g.valueName))];
      issues.push({
        at: `alert/info[${i}]/area[${j}]`,
        code: 'cap_area_without_unit',
        message: `area "${area.areaDesc}" has no geocode of a Vietnamese administrative unit${other.length > 0 ? ` (found ${other.join(', ')})` : ''}, so it targets no unit; add ${geocode} to it${untargeted ? ' and import the alert again' : ', or add its units to targets.units of the draft'}`,
      });
    });
  });
  if (untargeted) {
    issues.push({
      at: 'targets',
      code: 'cap_no_target',
      message: `expected a ${VN_GSO} geocode in an <area> of the alert, found none: the draft has no target unit, so no token (each is limited to units, rule A-S3) can read, edit or list it; import the alert again with ${geocode} in its areas`,
    });
  }
  return issues;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

function honoPath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      const m = /^([^{}]*)\{([A-Za-z][A-Za-z0-9]*)\}([^{}]*)$/.exec(segment);
      if (!m) return segment;
      const [, prefix = '', name = '', suffix = ''] = m;
      if (!prefix && !suffix) return `:${name}`;
      const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return `:${name}{${escapeRe(prefix)}[^/]+${escapeRe(suffix)}}`;
    })
    .join('/');
}

function queryOf(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else out[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ s: seq })).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown };
    if (typeof value.s === 'number' && Number.isInteger(value.s) && value.s >= 0) return value.s;
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

/** Reads a request body, stopping one byte past `limit` so that a huge body is never held whole. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function bulletinIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: string,
) {
  return issues.map((i) => {
    let path = prefix;
    for (const key of i.path) {
      if (typeof key === 'number') path += `[${key}]`;
      else path += path ? `.${String(key)}` : String(key);
    }
    return { path, message: i.message };
  });
}

/**
 * Builds the reference server from the `@nguon/api` contract: one handler per route of `ROUTES`,
 * each checking the token and role (`isAllowed`), the request (`parseRequest`, 400 listing every
 * issue), the unit scope (rules A-S1…A-S4) and the workflow (`workflowStep`), answering errors as
 * problem+json. Routes not implemented yet answer 501 `not_implemented`.
 *
 * @example
 * ```ts
 * const db = await openDatabase({ url: process.env.DATABASE_URL, file: 'nguon.db' });
 * const server = createServer({ db, adminToken: process.env.NGUON_ADMIN_TOKEN });
 * const { url } = await server.listen(8080);
 * ```
 */
export function createServer(options: ServerOptions): NguonServer {
  const { db } = options;
  const k = db.kysely;
  const now = options.now ?? (() => new Date());
  const log = options.logger ?? pino({ level: 'silent' });
  const registry = options.units ?? loadUnits();
  const units = new ScopeUnits(registry, now);
  const maxJson = options.maxBodyBytes ?? 1_048_576;
  const maxMedia = options.maxMediaBytes ?? 50 * 1_048_576;
  const rateLimit = options.publicRateLimit ?? 30;
  const metrics = createMetrics();
  const started = Date.now();
  const adminHash = options.adminToken ? hashToken(options.adminToken) : undefined;
  if (options.adminToken !== undefined && options.adminToken.length < 20) {
    throw new TypeError('adminToken: expected at least 20 characters');
  }
  const hits = new Map<string, { windowStart: number; count: number }>();
  const nowIso = () => now().toISOString();
  const anc = (code: string) => units.ancestorsOf(code);

  async function authenticate(request: Request): Promise<Principal | undefined> {
    const header = request.headers.get('authorization');
    if (!header) return undefined;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m)
      return fail(
        problem('unauthenticated', { detail: 'expected the header "Authorization: Bearer <token>"' }),
      );
    const token = m[1] as string;
    const hash = hashToken(token);
    if (adminHash && timingSafeEqual(hash, adminHash)) {
      return {
        id: 'bootstrap-admin',
        role: 'admin',
        units: registry.unitsAt(units.today(), { level: 'province' }).map((u) => u.code),
        label: 'bootstrap admin',
      };
    }
    const row = await k
      .selectFrom('tokens')
      .selectAll()
      .where('hash', '=', hash.toString('hex'))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || (row.expires_at !== null && new Date(row.expires_at) <= now())) {
      return fail(problem('unauthenticated', { detail: 'the bearer token is unknown, revoked or expired' }));
    }
    return {
      id: row.id,
      role: row.role as Principal['role'],
      units: JSON.parse(row.units),
      label: row.label,
    };
  }

  async function readBody(request: Request, kind: 'json' | 'text' | 'binary', types: readonly string[]) {
    const maxBody = kind === 'binary' ? maxMedia : maxJson;
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBody) {
      fail(
        problem('payload_too_large', {
          detail: `the body has ${declared} bytes; at most ${maxBody} are accepted`,
        }),
      );
    }
    const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const accepted = types.some((t) => (t.endsWith('/*') ? type.startsWith(t.slice(0, -1)) : type === t));
    const bytes = await readLimited(request, maxBody);
    if (bytes.byteLength > maxBody) {
      fail(
        problem('payload_too_large', {
          detail: `the body has ${bytes.byteLength} bytes; at most ${maxBody} are accepted`,
        }),
      );
    }
    if (bytes.byteLength === 0) return undefined;
    if (!accepted) {
      fail(
        problem('unsupported_media_type', {
          detail: `expected a body of type ${types.join(' or ')}, found ${type || 'no Content-Type'}`,
        }),
      );
    }
    if (kind === 'binary') return bytes;
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (kind === 'text') return text;
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      return invalid([{ path: 'body', message: `expected JSON: ${(error as Error).message}` }]);
    }
  }

  function limitPublicWrite(request: Request, address: string) {
    if (request.method !== 'POST') return;
    const t = Date.now();
    const entry = hits.get(address);
    if (!entry || t - entry.windowStart >= 60_000) {
      hits.set(address, { windowStart: t, count: 1 });
      if (hits.size > 100_000) hits.clear();
      return;
    }
    entry.count += 1;
    if (entry.count > rateLimit) {
      const retry = Math.ceil((entry.windowStart + 60_000 - t) / 1000);
      throw Object.assign(
        new Answer(problem('rate_limited', { detail: `at most ${rateLimit} requests a minute` })),
        {
          retryAfter: retry,
        },
      );
    }
  }

  // ── scope helpers ──

  const targetCodes = (b: Bulletin) => b.targets.units?.codes ?? [];

  /** A-S3 for one bulletin (404 when it does not touch the scope), then A-S2 for writes. */
  function checkScope(b: Bulletin, p: Principal, write: boolean) {
    const codes = targetCodes(b);
    if (!touchesScope(codes, p.units, anc)) {
      fail(problem('not_found', { detail: `no bulletin ${b.id}` }));
    }
    if (write) {
      const outside = firstOutOfScope(codes, p.units, anc);
      if (outside !== undefined) {
        fail(
          problem('out_of_scope', {
            detail: `bulletin ${b.id} targets unit ${outside}, outside the units of the token (${p.units.join(', ')}) (rule A-S2)`,
          }),
        );
      }
    }
  }

  function checkTargetsWithin(b: Bulletin, p: Principal, path: string) {
    const codes = targetCodes(b);
    const outside = firstOutOfScope(codes, p.units, anc);
    if (outside !== undefined) {
      fail(
        problem('out_of_scope', {
          detail: `${path}: unit ${outside} is outside the units of the token (${p.units.join(', ')}) (rule A-S2)`,
        }),
      );
    }
  }

  function validateBulletin(candidate: unknown, prefix: string): Bulletin {
    const parsed = BulletinSchema.safeParse(candidate);
    if (!parsed.success) invalid(bulletinIssues(parsed.error.issues, prefix));
    const b = (parsed as { data: Bulletin }).data;
    const unitIssues = checkBulletinUnits(b, registry);
    if (unitIssues.length > 0) invalid(bulletinIssues(unitIssues, prefix));
    return b;
  }

  /** SQL condition: the bulletin touches these units (A-S3 / A-S4). */
  function touchesSql(scope: readonly string[]): Expression<SqlBool> {
    const above = [...new Set(scope.flatMap((s) => anc(s)))];
    return sql<SqlBool>`exists (select 1 from bulletin_units bu where bu.bulletin_id = bulletins.id and (bu.unit_code in (${sql.join(
      scope,
    )})${above.length > 0 ? sql` or (bu.kind = 'target' and bu.unit_code in (${sql.join(above)}))` : sql``}))`;
  }

  async function loadBulletin(id: string) {
    const stored = await getStoredBulletin(k, id);
    if (!stored) fail(problem('not_found', { detail: `no bulletin ${id}` }));
    return stored as { bulletin: Bulletin; cap: unknown };
  }

  const person = (p: Principal) => ({ id: p.id, name: p.label });

  /** One workflow step in a transaction, with its audit entries. */
  async function step(
    op: 'submitBulletin' | 'approveBulletin' | 'rejectBulletin' | 'publishBulletin' | 'revokeBulletin',
    ctx: Ctx<OperationId>,
    extra: { approve?: boolean; note?: string; reason?: string; version?: number },
  ): Promise<Response> {
    const p = ctx.principal as Principal;
    const id = (ctx.input as { params: { id: string } }).params.id;
    const { bulletin: b } = await loadBulletin(id);
    checkScope(b, p, true);
    const decision = workflowStep(op, {
      role: p.role,
      status: b.status,
      priority: b.priority,
      ...(extra.approve === undefined ? {} : { approve: extra.approve }),
    });
    if (!decision.ok) return problemResponse(decision.problem);
    if (extra.version !== undefined && extra.version !== b.version) {
      fail(
        problem('version_conflict', {
          detail: `bulletin ${id} is at version ${b.version}, the request was based on ${extra.version}`,
        }),
      );
    }
    const at = nowIso();
    const next: Record<string, unknown> = {
      ...b,
      status: decision.to,
      version: b.version + 1,
      updatedAt: at,
    };
    const audits: { action: string; from: string; to: string; note: string | null }[] = [];
    const approvals = [...(b.approvals ?? [])];
    if (op === 'submitBulletin') {
      next.submittedAt = at;
      audits.push({ action: 'submit', from: b.status, to: decision.to, note: extra.note ?? null });
    } else if (op === 'approveBulletin' || op === 'rejectBulletin') {
      const approved = op === 'approveBulletin';
      approvals.push({
        by: person(p),
        role: p.role,
        decision: approved ? 'approved' : 'rejected',
        at,
        ...(extra.note ? { note: extra.note } : {}),
      });
      audits.push({
        action: approved ? 'approve' : 'reject',
        from: b.status,
        to: decision.to,
        note: extra.note ?? null,
      });
    } else if (op === 'publishBulletin') {
      if (decision.rule === 'A-W1') {
        approvals.push({
          by: person(p),
          role: p.role,
          decision: 'approved',
          at,
          ...(extra.note ? { note: extra.note } : {}),
        });
        audits.push({ action: 'approve', from: b.status, to: 'approved', note: extra.note ?? null });
        audits.push({
          action: 'publish',
          from: 'approved',
          to: decision.to,
          note: 'emergency fast path (A-W1)',
        });
      } else {
        audits.push({ action: 'publish', from: b.status, to: decision.to, note: extra.note ?? null });
      }
      next.publishedAt = at;
    } else {
      next.revokedAt = at;
      next.revokeReason = extra.reason;
      audits.push({ action: 'revoke', from: b.status, to: decision.to, note: extra.reason ?? null });
    }
    if (approvals.length > 0) next.approvals = approvals;
    const updated = validateBulletin(next, 'bulletin');
    await k.transaction().execute(async (tx) => {
      const ok = await updateBulletin(tx, updated, b.version, units, false);
      if (!ok)
        fail(
          problem('version_conflict', {
            detail: `bulletin ${id} changed while this request ran; read it again`,
          }),
        );
      for (const a of audits) {
        await appendAudit(tx, {
          bulletinId: id,
          at,
          actorId: p.id,
          actorRole: p.role,
          action: a.action,
          from: a.from,
          to: a.to,
          version: updated.version,
          note: a.note,
        });
      }
    });
    log.info({ bulletin: id, op, from: b.status, to: updated.status, actor: p.id }, 'workflow step');
    if (options.hub && (op === 'publishBulletin' || op === 'revokeBulletin')) {
      // The bulletin is stored whatever happens to the broker: a device that misses the command gets
      // it again after its next hello (P-H3), so a dispatch failure is logged, not answered.
      const hub = options.hub;
      await (op === 'publishBulletin' ? hub.publishBulletin(updated) : hub.revokeBulletin(updated)).catch(
        (error: unknown) => log.error({ err: error, bulletin: id, op }, 'dispatch failed'),
      );
    }
    return jsonResponse(200, updated);
  }

  async function feed(ctx: Ctx<OperationId>, kind: 'atom' | 'json'): Promise<Response> {
    const unitCode = (ctx.input as { params: { unitCode: string } }).params.unitCode;
    const today = units.today();
    const unit = registry.get(unitCode, today) ?? registry.versions(unitCode).at(-1);
    if (!unit) fail(problem('not_found', { detail: `no administrative unit has the code ${unitCode}` }));
    const codes = [unitCode, ...anc(unitCode)];
    const rows = await k
      .selectFrom('bulletins')
      .select(['body'])
      .where('status', '=', 'published')
      .where(
        sql<SqlBool>`exists (select 1 from bulletin_units bu where bu.bulletin_id = bulletins.id and bu.kind = 'target' and bu.unit_code in (${sql.join(codes)}))`,
      )
      .orderBy('published_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(100)
      .execute();
    const bulletins = rows.map((r) => JSON.parse(r.body) as Bulletin);
    const selfUrl = `${ctx.url.origin}${ctx.url.pathname}`;
    const input = { unitCode, unitName: unit?.name ?? unitCode, selfUrl, bulletins, emptyUpdated: nowIso() };
    const body = kind === 'atom' ? atomFeed(input) : JSON.stringify(jsonFeed(input));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const latest = bulletins.reduce((max, b) => {
      const t = Date.parse(b.updatedAt ?? b.publishedAt ?? b.createdAt);
      return Math.max(t, max);
    }, 0);
    const headers: Record<string, string> = {
      etag,
      'cache-control': 'public, max-age=60',
      // Commune websites read the feeds from their own origin (embed.js), whatever `cors` says.
      'access-control-allow-origin': '*',
      ...(latest > 0 ? { 'last-modified': new Date(latest).toUTCString() } : {}),
    };
    const inm = ctx.request.headers.get('if-none-match');
    if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
      return new Response(null, { status: 304, headers });
    }
    const ims = ctx.request.headers.get('if-modified-since');
    if (!inm && ims && latest > 0 && Math.floor(latest / 1000) <= Math.floor(Date.parse(ims) / 1000)) {
      return new Response(null, { status: 304, headers });
    }
    return new Response(body, {
      status: 200,
      headers: {
        ...headers,
        'content-type':
          kind === 'atom' ? 'application/atom+xml; charset=utf-8' : 'application/feed+json; charset=utf-8',
      },
    });
  }

  let openapiCache: Record<string, unknown> | undefined;
  let docsCache: string | undefined;
  const openapi = () => {
    openapiCache ??= openApiDocument() as unknown as Record<string, unknown>;
    return openapiCache;
  };

  const handlers: Partial<Record<OperationId, Handler>> = {
    async getHealth() {
      let database: 'ok' | 'down' = 'ok';
      try {
        await sql`select 1`.execute(k);
      } catch (error) {
        database = 'down';
        log.error({ err: error }, 'database health check failed');
      }
      const body = {
        status: database === 'ok' ? 'ok' : 'degraded',
        version: VERSION,
        uptimeSec: Math.round((Date.now() - started) / 1000),
        checks: { database },
      };
      return database === 'ok'
        ? jsonResponse(200, body)
        : problemResponse(problem('unavailable', { detail: 'the database does not answer' }));
    },
    async getMetrics() {
      return new Response(await metrics.registry.metrics(), {
        status: 200,
        headers: { 'content-type': metrics.registry.contentType },
      });
    },
    getOpenApi() {
      return jsonResponse(200, openapi());
    },
    getDocs() {
      docsCache ??= renderDocsHtml(openapi());
      return new Response(docsCache, {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
      });
    },

    async createToken(ctx) {
      const p = ctx.principal as Principal;
      const body = (ctx.input as RouteParsedInput<'createToken'>).body;
      const unknown = body.units
        .map((code, i) => ({ code, i }))
        .filter(({ code }) => !units.known(code))
        .map(({ code, i }) => ({
          path: `body.units[${i}]`,
          message: `expected a unit code of the registry, found ${code}`,
        }));
      if (unknown.length > 0) invalid(unknown);
      const outside = firstOutOfScope(body.units, p.units, anc);
      if (outside !== undefined) {
        fail(
          problem('out_of_scope', {
            detail: `body.units: unit ${outside} is outside the units of the token (rule A-T1)`,
          }),
        );
      }
      const token = `ngn_${randomBytes(32).toString('base64url')}`;
      const createdAt = nowIso();
      const id = newUlid(now().getTime());
      await k
        .insertInto('tokens')
        .values({
          id,
          hash: hashToken(token).toString('hex'),
          role: body.role,
          units: JSON.stringify(body.units),
          label: body.label,
          created_at: createdAt,
          expires_at: body.expiresAt ?? null,
          revoked_at: null,
        })
        .execute();
      log.info({ token: id, role: body.role, by: p.id }, 'token created');
      return jsonResponse(201, {
        id,
        token,
        role: body.role,
        units: body.units,
        label: body.label,
        createdAt,
        ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
      });
    },

    async createBulletin(ctx) {
      const p = ctx.principal as Principal;
      const body = (ctx.input as RouteParsedInput<'createBulletin'>).body;
      const createdAt = nowIso();
      const candidate = {
        ...body,
        id: body.id ?? newUlid(now().getTime()),
        version: 1,
        status: 'draft',
        author: person(p),
        createdAt,
      };
      const b = validateBulletin(candidate, 'body');
      checkTargetsWithin(b, p, 'body.targets.units.codes');
      return created(b, p, 'create', undefined);
    },

    async listBulletins(ctx) {
      const p = ctx.principal as Principal;
      const q = (ctx.input as RouteParsedInput<'listBulletins'>).query;
      if (q.unit !== undefined && !unitInScope(q.unit, p.units, anc)) {
        fail(
          problem('out_of_scope', {
            detail: `query.unit: unit ${q.unit} is outside the units of the token (rule A-S4)`,
          }),
        );
      }
      const after = decodeCursor(q.cursor);
      let query = k.selectFrom('bulletins').select(['seq', 'body']).where(touchesSql(p.units));
      if (q.unit !== undefined) query = query.where(touchesSql([q.unit]));
      if (q.status) query = query.where('status', '=', q.status);
      if (q.priority) query = query.where('priority', '=', q.priority);
      if (q.category) query = query.where('category', '=', q.category);
      if (q.from) query = query.where('start_at', '>=', utcText(q.from));
      if (q.to) query = query.where('start_at', '<', utcText(q.to));
      if (after !== undefined) query = query.where('seq', '<', after);
      const rows = await query
        .orderBy('seq', 'desc')
        .limit(q.limit + 1)
        .execute();
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return jsonResponse(200, {
        items: page.map((r) => JSON.parse(r.body)),
        nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.seq)) : null,
      });
    },

    async getBulletin(ctx) {
      const p = ctx.principal as Principal;
      const { bulletin } = await loadBulletin((ctx.input as RouteParsedInput<'getBulletin'>).params.id);
      checkScope(bulletin, p, false);
      return jsonResponse(200, bulletin);
    },

    async updateBulletin(ctx) {
      const p = ctx.principal as Principal;
      const { params, body } = ctx.input as RouteParsedInput<'updateBulletin'>;
      const { bulletin: b } = await loadBulletin(params.id);
      checkScope(b, p, true);
      const decision = workflowStep('updateBulletin', {
        role: p.role,
        status: b.status,
        priority: b.priority,
      });
      if (!decision.ok) return problemResponse(decision.problem);
      if (body.version !== b.version) {
        fail(
          problem('version_conflict', {
            detail: `bulletin ${b.id} is at version ${b.version}, the edit was based on version ${body.version}; read it again`,
          }),
        );
      }
      const { version: _v, ...changes } = body;
      const at = nowIso();
      const next = { ...b, ...changes, status: decision.to, version: b.version + 1, updatedAt: at };
      const updated = validateBulletin(next, 'body');
      checkTargetsWithin(updated, p, 'body.targets.units.codes');
      const targetsChanged = changes.targets !== undefined;
      await k.transaction().execute(async (tx) => {
        const ok = await updateBulletin(tx, updated, b.version, units, targetsChanged);
        if (!ok)
          fail(
            problem('version_conflict', {
              detail: `bulletin ${b.id} changed while this request ran; read it again`,
            }),
          );
        await appendAudit(tx, {
          bulletinId: b.id,
          at,
          actorId: p.id,
          actorRole: p.role,
          action: 'update',
          from: b.status,
          to: updated.status,
          version: updated.version,
          note: `changed ${Object.keys(changes).join(', ') || 'nothing'}`,
        });
      });
      return jsonResponse(200, updated);
    },

    submitBulletin: (ctx) => {
      const { note } = (ctx.input as RouteParsedInput<'submitBulletin'>).body;
      return step('submitBulletin', ctx, note === undefined ? {} : { note });
    },
    approveBulletin: (ctx) => {
      const { note, version } = (ctx.input as RouteParsedInput<'approveBulletin'>).body;
      return step('approveBulletin', ctx, {
        ...(note === undefined ? {} : { note }),
        ...(version === undefined ? {} : { version }),
      });
    },
    rejectBulletin: (ctx) =>
      step('rejectBulletin', ctx, { note: (ctx.input as RouteParsedInput<'rejectBulletin'>).body.note }),
    publishBulletin: (ctx) => {
      const { approve, note } = (ctx.input as RouteParsedInput<'publishBulletin'>).body;
      return step('publishBulletin', ctx, {
        approve: approve === true,
        ...(note === undefined ? {} : { note }),
      });
    },
    revokeBulletin: (ctx) =>
      step('revokeBulletin', ctx, { reason: (ctx.input as RouteParsedInput<'revokeBulletin'>).body.reason }),

    async importCap(ctx) {
      const p = ctx.principal as Principal;
      const xml = (ctx.input as RouteParsedInput<'importCap'>).body;
      let imported: ReturnType<typeof capToBulletin>;
      try {
        imported = capToBulletin(xml, { id: newUlid(now().getTime()) });
      } catch (error) {
        if (CapError.isInstance(error)) {
          const issues = error.issues.length > 0 ? error.issues : [{ at: '', message: error.message }];
          return invalid(issues.map((i) => ({ path: i.at ? `body:${i.at}` : 'body', message: i.message })));
        }
        throw error;
      }
      const createdAt = nowIso();
      const candidate = { ...imported.bulletin, status: 'draft', version: 1, author: person(p), createdAt };
      delete (candidate as Record<string, unknown>).approvals;
      delete (candidate as Record<string, unknown>).publishedAt;
      delete (candidate as Record<string, unknown>).revokedAt;
      delete (candidate as Record<string, unknown>).revokeReason;
      delete (candidate as Record<string, unknown>).submittedAt;
      delete (candidate as Record<string, unknown>).updatedAt;
      const b = candidate as Bulletin;
      checkTargetsWithin(b, p, 'body (CAP area geocodes)');
      const check = BulletinSchema.safeParse(b);
      const issues = check.success
        ? checkBulletinUnits(b, registry).map((i) => ({ at: i.at, code: i.code, message: i.message }))
        : check.error.issues.map((i) => ({
            at: bulletinIssues([i], '')[0]?.path ?? '',
            code: i.code,
            message: i.message,
          }));
      issues.push(...capAreaIssues(imported.cap, b));
      await k.transaction().execute(async (tx) => {
        await insertBulletin(tx, b, units, imported.cap);
        await appendAudit(tx, {
          bulletinId: b.id,
          at: createdAt,
          actorId: p.id,
          actorRole: p.role,
          action: 'import_cap',
          from: null,
          to: 'draft',
          version: 1,
          note: imported.bulletin.origin?.identifier ?? null,
        });
      });
      return jsonResponse(
        201,
        { bulletin: b, issues },
        { location: `/v1/bulletins/${encodeURIComponent(b.id)}` },
      );
    },

    async exportCap(ctx) {
      const p = ctx.principal as Principal;
      const { bulletin, cap } = await loadBulletin((ctx.input as RouteParsedInput<'exportCap'>).params.id);
      checkScope(bulletin, p, false);
      try {
        const alert = bulletinToCap(bulletin, {
          sender: options.capSender ?? 'nguon@localhost',
          allowIncomplete: true,
          ...(cap === undefined ? {} : { cap: cap as never }),
        });
        return new Response(serializeCap(alert), {
          status: 200,
          headers: { 'content-type': 'application/cap+xml; charset=utf-8' },
        });
      } catch (error) {
        if (CapError.isInstance(error)) {
          return problemResponse(
            problem('state_conflict', {
              detail: `bulletin ${bulletin.id} cannot be written as CAP 1.2: ${error.message}`,
            }),
          );
        }
        throw error;
      }
    },

    listUnits(ctx) {
      const q = (ctx.input as RouteParsedInput<'listUnits'>).query;
      const at = q.at ?? units.today();
      let list = q.q
        ? registry.search(q.q, { at, limit: 200, ...(q.level ? { level: q.level } : {}) }).map((m) => m.unit)
        : registry.unitsAt(at, {
            ...(q.level ? { level: q.level } : {}),
            ...(q.parent ? { parent: q.parent } : {}),
          });
      if (q.q && q.parent) list = list.filter((u) => u.parent === q.parent);
      const offset = decodeCursor(q.cursor) ?? 0;
      const page = list.slice(offset, offset + q.limit);
      return jsonResponse(200, {
        items: page,
        nextCursor: offset + q.limit < list.length ? encodeCursor(offset + q.limit) : null,
      });
    },

    async createFeedback(ctx) {
      const body = (ctx.input as RouteParsedInput<'createFeedback'>).body;
      if (!units.known(body.unitCode)) {
        invalid([
          { path: 'body.unitCode', message: `expected a unit code of the registry, found ${body.unitCode}` },
        ]);
      }
      if (body.bulletinId !== undefined) {
        const exists = await k
          .selectFrom('bulletins')
          .select('id')
          .where('id', '=', body.bulletinId)
          .executeTakeFirst();
        if (!exists)
          invalid([
            { path: 'body.bulletinId', message: `expected the id of a bulletin, found ${body.bulletinId}` },
          ]);
      }
      const receivedAt = nowIso();
      const feedback = { ...body, id: newUlid(now().getTime()), status: 'open', receivedAt, replies: [] };
      await k
        .insertInto('feedback')
        .values({
          id: feedback.id,
          unit_code: body.unitCode,
          bulletin_id: body.bulletinId ?? null,
          status: 'open',
          created_at: receivedAt,
          body: JSON.stringify(feedback),
          unit_path: `|${[body.unitCode, ...anc(body.unitCode)].join('|')}|`,
        })
        .execute();
      return jsonResponse(201, feedback);
    },

    async listFeedback(ctx) {
      const p = ctx.principal as Principal;
      const q = (ctx.input as RouteParsedInput<'listFeedback'>).query;
      if (q.unit !== undefined && !unitInScope(q.unit, p.units, anc)) {
        fail(
          problem('out_of_scope', {
            detail: `query.unit: unit ${q.unit} is outside the units of the token (rule A-S4)`,
          }),
        );
      }
      const after = decodeIdCursor(q.cursor);
      let query = k
        .selectFrom('feedback')
        .select(['id', 'body'])
        .where((eb) => eb.or(p.units.map((code) => eb('unit_path', 'like', `%|${code}|%`))));
      if (q.unit !== undefined) query = query.where('unit_path', 'like', `%|${q.unit}|%`);
      if (q.status) query = query.where('status', '=', q.status);
      if (q.bulletinId) query = query.where('bulletin_id', '=', q.bulletinId);
      if (after !== undefined) query = query.where('id', '<', after);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return jsonResponse(200, {
        items: page.map((r) => JSON.parse(r.body)),
        nextCursor: rows.length > q.limit && last ? encodeIdCursor(last.id) : null,
      });
    },

    async replyFeedback(ctx) {
      const p = ctx.principal as Principal;
      const { params, body } = ctx.input as RouteParsedInput<'replyFeedback'>;
      const row = await k.selectFrom('feedback').selectAll().where('id', '=', params.id).executeTakeFirst();
      if (!row || !touchesScope([row.unit_code], p.units, anc))
        fail(problem('not_found', { detail: `no feedback ${params.id}` }));
      const stored = row as { unit_code: string; body: string; status: string };
      if (!unitInScope(stored.unit_code, p.units, anc)) {
        fail(
          problem('out_of_scope', {
            detail: `feedback ${params.id} is about unit ${stored.unit_code}, outside the units of the token (rule A-F1)`,
          }),
        );
      }
      if (stored.status === 'closed') {
        fail(
          problem('state_conflict', { detail: `feedback ${params.id} is closed; it takes no more replies` }),
        );
      }
      const feedback = JSON.parse(stored.body) as { status: string; replies: unknown[] };
      const at = nowIso();
      feedback.replies.push({ id: newUlid(now().getTime()), text: body.text, by: person(p), at });
      feedback.status = body.close ? 'closed' : 'answered';
      const result = await k
        .updateTable('feedback')
        .set({ status: feedback.status, body: JSON.stringify(feedback) })
        .where('id', '=', params.id)
        .where('status', '=', stored.status)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        fail(
          problem('version_conflict', {
            detail: `feedback ${params.id} changed while this request ran; read it again`,
          }),
        );
      }
      return jsonResponse(200, feedback);
    },

    async uploadMedia(ctx) {
      const bytes = (ctx.input as { body: Uint8Array }).body;
      const mime = (ctx.request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!/^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/.test(mime)) {
        fail(
          problem('unsupported_media_type', {
            detail: `expected a MIME type such as audio/mpeg, found "${mime}"`,
          }),
        );
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const exists = await k
        .selectFrom('media')
        .select('sha256')
        .where('sha256', '=', sha256)
        .executeTakeFirst();
      if (!exists) {
        await k
          .insertInto('media')
          .values({ sha256, mime, size: bytes.byteLength, created_at: nowIso(), data: Buffer.from(bytes) })
          .execute();
      }
      const url = `${ctx.url.origin}/v1/media/${sha256}`;
      return jsonResponse(201, { url, mime, sha256, size: bytes.byteLength }, { location: url });
    },

    async getMedia(ctx) {
      const { sha256 } = (ctx.input as RouteParsedInput<'getMedia'>).params;
      const row = await k.selectFrom('media').selectAll().where('sha256', '=', sha256).executeTakeFirst();
      if (!row) fail(problem('not_found', { detail: `no media file with sha256 ${sha256}` }));
      const file = row as { mime: string; data: Uint8Array };
      const data = new Uint8Array(file.data);
      const headers: Record<string, string> = {
        'content-type': file.mime,
        etag: `"${sha256}"`,
        'accept-ranges': 'bytes',
        'cache-control': 'public, max-age=31536000, immutable',
      };
      const inm = ctx.request.headers.get('if-none-match');
      if (inm?.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${sha256}"`)) {
        return new Response(null, { status: 304, headers });
      }
      const range = ctx.request.headers.get('range');
      if (range) {
        const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
        const size = data.byteLength;
        let start = -1;
        let end = size - 1;
        if (m && (m[1] || m[2])) {
          if (m[1]) {
            start = Number(m[1]);
            if (m[2]) end = Math.min(Number(m[2]), size - 1);
          } else {
            start = Math.max(0, size - Number(m[2]));
          }
        }
        if (!m || start < 0 || start >= size || end < start) {
          return problemResponse(
            problem('range_not_satisfiable', {
              detail: `expected a range such as "bytes=0-1023" within ${size} bytes, found "${range}"`,
            }),
            { 'content-range': `bytes */${size}` },
          );
        }
        return new Response(data.slice(start, end + 1), {
          status: 206,
          headers: { ...headers, 'content-range': `bytes ${start}-${end}/${size}` },
        });
      }
      return new Response(data, { status: 200, headers });
    },

    getAtomFeed: (ctx) => feed(ctx, 'atom'),
    getJsonFeed: (ctx) => feed(ctx, 'json'),
  };

  const shared: ServerShared = {
    db,
    k,
    now,
    nowIso,
    log,
    registry,
    units,
    anc,
    hub: options.hub,
  };
  for (const module of HANDLER_MODULES) Object.assign(handlers, module(shared));

  async function created(b: Bulletin, p: Principal, action: string, cap: unknown): Promise<Response> {
    const exists = await k.selectFrom('bulletins').select('id').where('id', '=', b.id).executeTakeFirst();
    if (exists) fail(problem('state_conflict', { detail: `a bulletin with id ${b.id} exists already` }));
    await k
      .transaction()
      .execute(async (tx) => {
        await insertBulletin(tx, b, units, cap);
        await appendAudit(tx, {
          bulletinId: b.id,
          at: b.createdAt,
          actorId: p.id,
          actorRole: p.role,
          action,
          from: null,
          to: b.status,
          version: b.version,
          note: null,
        });
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error))
          fail(problem('state_conflict', { detail: `a bulletin with id ${b.id} exists already` }));
        throw error;
      });
    return jsonResponse(201, b, { location: `/v1/bulletins/${encodeURIComponent(b.id)}` });
  }

  const app = new Hono();
  if (options.cors) {
    const allowed = options.cors.origins;
    app.use(
      '*',
      cors({
        origin: allowed === '*' ? '*' : [...allowed],
        allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
        allowHeaders: ['authorization', 'content-type', 'if-none-match', 'if-modified-since', 'range'],
        exposeHeaders: ['retry-after', 'etag', 'location', 'last-modified', 'content-range', 'allow'],
        maxAge: 600,
      }),
    );
  }

  for (const route of ROUTE_LIST) {
    const op = route.operationId;
    const handler = handlers[op];
    app.on(route.method, honoPath(route.path), async (c) => {
      const t0 = performance.now();
      const request = c.req.raw;
      const url = new URL(request.url);
      let response: Response;
      try {
        response = await answer(
          op,
          handler,
          request,
          url,
          c.env as { incoming?: { socket?: { remoteAddress?: string } } },
        );
      } catch (error) {
        if (error instanceof Answer) {
          const retry = (error as Answer & { retryAfter?: number }).retryAfter;
          response = problemResponse(error.problem, {
            ...(retry ? { 'retry-after': String(retry) } : {}),
            ...(error.problem.status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
          });
        } else {
          log.error({ err: error, op }, 'request failed');
          response = problemResponse(problem('internal', { detail: 'the server failed; see its log' }));
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      metrics.observe(op, request.method, response.status, seconds);
      log.debug(
        { op, method: request.method, status: response.status, ms: Math.round(seconds * 1000) },
        'request',
      );
      return response;
    });
  }

  async function answer(
    op: OperationId,
    handler: Handler | undefined,
    request: Request,
    url: URL,
    env: { incoming?: { socket?: { remoteAddress?: string } } } | undefined,
  ): Promise<Response> {
    const match = matchRoute(request.method, url.pathname);
    if (!match.ok)
      return problemResponse(match.problem, match.allow.length ? { allow: match.allow.join(', ') } : {});
    const route = match.route;
    let principal: Principal | undefined;
    if (route.auth.kind === 'bearer') {
      principal = await authenticate(request);
      if (!principal) {
        return problemResponse(
          problem('unauthenticated', { detail: 'this route needs "Authorization: Bearer <token>"' }),
          {
            'www-authenticate': 'Bearer',
          },
        );
      }
      if (!isAllowed(op, principal.role)) {
        const roles = route.auth.roles.join(', ');
        return problemResponse(
          problem('forbidden', {
            detail: `${op} is for the role ${roles}; the token has the role ${principal.role}`,
          }),
        );
      }
    } else if (route.request) {
      limitPublicWrite(request, env?.incoming?.socket?.remoteAddress ?? 'unknown');
    }
    if (!handler) return problemResponse(notImplemented(op));
    let body: unknown;
    if (route.request) body = await readBody(request, route.request.kind, route.request.contentType);
    const parsed = parseRequest(op, {
      params: match.params,
      query: queryOf(url),
      ...(route.request ? { body } : {}),
    });
    if (!parsed.ok) return problemResponse(parsed.problem);
    return handler({ op, input: parsed.input as RouteParsedInput<OperationId>, principal, request, url });
  }

  app.notFound((c) => {
    const url = new URL(c.req.url);
    const match = matchRoute(c.req.method, url.pathname);
    const p = match.ok ? problem('not_found') : match.problem;
    metrics.observe('unmatched', c.req.method, p.status, 0);
    return problemResponse(p, !match.ok && match.allow.length ? { allow: match.allow.join(', ') } : {});
  });

  return {
    app,
    listen(port = 0, hostname = '127.0.0.1') {
      return new Promise<Listening>((resolve, reject) => {
        const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
          const host = info.address.includes(':') ? `[${info.address}]` : info.address;
          log.info({ port: info.port }, 'listening');
          resolve({
            url: `http://${host}:${info.port}`,
            close: () =>
              new Promise<void>((done, failed) => {
                server.close((error) => (error ? failed(error) : done()));
                (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
              }),
          });
        });
        server.once('error', reject);
      });
    },
  };
}
