import {
  ApprovalSchema,
  BulletinContentSchema,
  BulletinSchema,
  ExtensionsSchema,
  IssuerSchema,
  MediaRefSchema,
  OriginSchema,
  PersonSchema,
  ScheduleSchema,
  TargetsSchema,
} from '@nguon/bulletin';
import { Actual, Finding } from '@nguon/indicators';
import { trustAnchorSchema } from '@nguon/protocol';
import * as z from 'zod';
import { version } from '../package.json';
import { AUTH_RULES } from './authz';
import { ProblemSchema } from './problem';
import { PROBLEM_CODES, PROBLEM_CONTENT_TYPE, type ProblemCode, problem } from './problem-codes';
import { ROUTE_LIST, type Route, type RouteContent } from './routes';
import {
  DeliverySchema,
  DeviceSchema,
  FeedbackReplySchema,
  FeedbackSchema,
  PlanProgressRowSchema,
  PlanSchema,
  PlanSummarySchema,
  RequestTargetsSchema,
  UnitSchema,
} from './schemas';

/** The version of this package, which is the version of the contract. @example `API_VERSION; // '0.1.0'` */
export const API_VERSION: string = version;

/**
 * A JSON object such as the OpenAPI document or one of its parts.
 *
 * @example
 * ```ts
 * const doc: OpenApiDocument = openApiDocument();
 * ```
 */
export type OpenApiDocument = Record<string, unknown>;

/**
 * Shared schemas that get their own name under `components.schemas`; request and response bodies
 * that are not listed are named after their operation (`CreateTokenRequest`, `ListDevicesResponse`).
 *
 * @example
 * ```ts
 * Object.keys(NAMED_SCHEMAS); // ['Bulletin', 'BulletinContent', …]
 * ```
 */
export const NAMED_SCHEMAS: Readonly<Record<string, z.core.$ZodType>> = {
  Bulletin: BulletinSchema,
  BulletinContent: BulletinContentSchema,
  MediaRef: MediaRefSchema,
  Targets: TargetsSchema,
  RequestTargets: RequestTargetsSchema,
  Schedule: ScheduleSchema,
  Person: PersonSchema,
  Issuer: IssuerSchema,
  Approval: ApprovalSchema,
  Origin: OriginSchema,
  // The recursive JSON value of `Bulletin.extensions`: named, so that it becomes one component
  // (`#/components/schemas/JsonValue`) instead of an unresolvable shared definition.
  JsonValue: ExtensionsSchema.valueType,
  TrustAnchor: trustAnchorSchema,
  Device: DeviceSchema,
  Delivery: DeliverySchema,
  Feedback: FeedbackSchema,
  FeedbackReply: FeedbackReplySchema,
  Unit: UnitSchema,
  Plan: PlanSchema,
  PlanSummary: PlanSummarySchema,
  ProgressRow: PlanProgressRowSchema,
  Actual,
  Finding,
  Problem: ProblemSchema,
};

const TAGS: Record<string, string> = {
  tokens: 'Bearer tokens with a role and a unit scope',
  devices: 'Loudspeakers (cụm loa) and bulletin boards (bảng tin điện tử): registry, presence, commands',
  media: 'Audio, image and video files, addressed by sha256',
  bulletins: 'Essential-information bulletins (bản tin thông tin thiết yếu)',
  workflow: 'draft → submitted → approved → published → revoked/expired',
  cap: 'CAP 1.2 import and export',
  feedback: "Citizens' feedback and the authority's replies (Decree 49/2024, Art. 3 §2)",
  units: 'Administrative units (đơn vị hành chính) in force at a date',
  feeds: 'Public feeds of published bulletins for commune websites',
  plans: 'Indicator plans, targets, actuals and progress',
  reports: 'Monitoring and evaluation: plays, minutes on air, uptime, coverage',
  operations: 'Health, metrics, this document',
};

/** The problem code sent with each error status in the document. */
const STATUS_CODES: Record<number, ProblemCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'state_conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'rate_limited',
  500: 'internal',
  501: 'not_implemented',
  503: 'unavailable',
};

const REF = '#/components/schemas/';
const INPUT_MARK = '__input';

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function strip(schema: unknown): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
  return rest;
}

function mapRefs(value: unknown, fn: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, fn));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = k === '$ref' && typeof v === 'string' ? fn(v) : mapRefs(v, fn);
  return out;
}

function refsOf(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsOf(v, into);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.add(v);
      else refsOf(v, into);
    }
  }
  return into;
}

interface Components {
  schemas: Record<string, unknown>;
  requestName: Map<z.core.$ZodType, string>;
  responseName: Map<z.core.$ZodType, string>;
}

/**
 * Builds `components.schemas` from one zod registry, twice: as the server accepts input (defaults
 * optional) and as it sends output (defaults filled). A schema whose two forms differ gets a second
 * component `<Name>Input`, used by request bodies.
 */
function buildComponents(routes: readonly Route[]): Components {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.core.$ZodType, string>();
  const add = (schema: z.core.$ZodType, name: string) => {
    if (names.has(schema)) return;
    names.set(schema, name);
    registry.add(schema, { id: name });
  };
  for (const [name, schema] of Object.entries(NAMED_SCHEMAS)) add(schema, name);
  const requestSchemas = new Set<z.core.$ZodType>();
  for (const route of routes) {
    const body = route.body;
    if (body?.kind === 'json' && body.schema) {
      add(body.schema, `${pascal(route.operationId)}Request`);
      requestSchemas.add(body.schema);
    }
    const content = route.success.content;
    if (content?.kind === 'json' && content.schema)
      add(content.schema, `${pascal(route.operationId)}Response`);
  }
  const output = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `${REF}${id}`,
  }).schemas as Record<string, unknown>;
  const input = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `${REF}${id}${INPUT_MARK}`,
  }).schemas as Record<string, unknown>;
  const plain = (ref: string) => ref.replace(INPUT_MARK, '');
  const differs = new Set<string>();
  for (const name of Object.keys(output)) {
    if (JSON.stringify(strip(output[name])) !== JSON.stringify(mapRefs(strip(input[name]), plain)))
      differs.add(name);
  }
  // A schema that refers to an Input-only form needs an Input form too.
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of Object.keys(input)) {
      if (differs.has(name)) continue;
      const refs = [...refsOf(input[name], new Set())].map((r) => plain(r).slice(REF.length));
      if (refs.some((r) => differs.has(r))) {
        differs.add(name);
        grew = true;
      }
    }
  }
  const requestNames = new Set([...requestSchemas].map((s) => names.get(s) as string));
  const inputRef = (ref: string) => {
    const name = plain(ref).slice(REF.length);
    return `${REF}${differs.has(name) && !requestNames.has(name) ? `${name}Input` : name}`;
  };
  // Input forms are emitted only for the schemas a request body reaches.
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    for (const ref of refsOf(input[name], new Set())) visit(plain(ref).slice(REF.length));
  };
  for (const name of requestNames) visit(name);
  const schemas: Record<string, unknown> = {};
  for (const name of Object.keys(output).sort()) {
    const requestOnly = requestNames.has(name);
    schemas[name] = requestOnly ? mapRefs(strip(input[name]), inputRef) : strip(output[name]);
    if (differs.has(name) && reached.has(name) && !requestOnly) {
      schemas[`${name}Input`] = mapRefs(strip(input[name]), inputRef);
    }
  }
  const requestName = new Map<z.core.$ZodType, string>();
  const responseName = new Map<z.core.$ZodType, string>();
  for (const [schema, name] of names) {
    const requestOnly = requestSchemas.has(schema);
    requestName.set(schema, differs.has(name) && reached.has(name) && !requestOnly ? `${name}Input` : name);
    responseName.set(schema, name);
  }
  return { schemas, requestName, responseName };
}

function parameterSchema(schema: z.core.$ZodType): unknown {
  return strip(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }));
}

function parameters(route: Route): unknown[] {
  const out: unknown[] = [];
  const add = (where: 'path' | 'query', object: z.ZodObject | undefined) => {
    if (!object) return;
    for (const [name, field] of Object.entries(object.shape)) {
      const schema = field as z.ZodType;
      const json = parameterSchema(schema) as Record<string, unknown>;
      const { description, ...rest } = json;
      out.push({
        name,
        in: where,
        required: where === 'path' || !schema.safeParse(undefined).success,
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  return out;
}

function content(body: RouteContent, names: Map<z.core.$ZodType, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const type of body.contentType) {
    const media: Record<string, unknown> = {};
    if (body.kind === 'json' && body.schema) {
      const name = names.get(body.schema);
      media.schema = name ? { $ref: `${REF}${name}` } : parameterSchema(body.schema);
    } else if (body.kind === 'text') {
      media.schema = { type: 'string' };
    }
    if (body.example !== undefined) media.example = body.example;
    out[type] = media;
  }
  return out;
}

function operation(route: Route, components: Components): Record<string, unknown> {
  const auth = route.auth;
  const who =
    auth.kind === 'public'
      ? 'Public: no token needed.'
      : `Roles: ${auth.roles.join(', ')}. Unit scope: ${auth.scope}.`;
  const rules = auth.rules
    .map((id) => `${id} (${AUTH_RULES[id as keyof typeof AUTH_RULES]?.title ?? id})`)
    .join('; ');
  const op: Record<string, unknown> = {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, who, rules ? `Rules: ${rules}.` : undefined]
      .filter(Boolean)
      .join('\n\n'),
    tags: [...route.tags],
    security: auth.kind === 'public' ? [] : [{ bearer: [] }],
    'x-nguon-auth':
      auth.kind === 'public'
        ? { public: true, rules: [...auth.rules] }
        : { public: false, roles: [...auth.roles], scope: auth.scope, rules: [...auth.rules] },
  };
  const params = parameters(route);
  if (params.length > 0) op.parameters = params;
  if (route.body) {
    op.requestBody = {
      required: true,
      ...(route.body.description ? { description: route.body.description } : {}),
      content: content(route.body, components.requestName),
    };
  }
  const success: Record<string, unknown> = { description: route.success.description };
  if (route.success.content) success.content = content(route.success.content, components.responseName);
  if (route.success.headers) {
    success.headers = Object.fromEntries(
      Object.entries(route.success.headers).map(([name, description]) => [
        name,
        { description, schema: { type: 'string' } },
      ]),
    );
  }
  const responses: Record<string, unknown> = { [String(route.success.status)]: success };
  for (const status of route.alsoSuccess ?? []) {
    responses[String(status)] = {
      description: status === 206 ? 'Part of the file (range request)' : 'Success',
      ...(status === 206
        ? {
            headers: {
              'Content-Range': {
                description: 'The bytes sent and the file size: `bytes 100-199/5000`',
                schema: { type: 'string' },
              },
            },
          }
        : {}),
      ...(route.success.content ? { content: content(route.success.content, components.responseName) } : {}),
    };
  }
  for (const status of route.errors)
    responses[String(status)] = { $ref: `#/components/responses/Problem${status}` };
  op.responses = responses;
  return op;
}

/**
 * The OpenAPI 3.1 document of the API, generated from the route table: every path and operation,
 * the bearer security scheme, the roles and scope of each operation (also as `x-nguon-auth`),
 * request and response schemas under `components.schemas`, problem responses and examples. The
 * package ships the same document as `@nguon/api/openapi.json`.
 *
 * @example
 * ```ts
 * const doc = openApiDocument({ servers: [{ url: 'https://thongtinnguon.example.vn' }] });
 * Object.keys(doc.paths as object).length;
 * ```
 */
export function openApiDocument(
  options: { servers?: { url: string; description?: string }[] } = {},
): OpenApiDocument {
  const components = buildComponents(ROUTE_LIST);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_LIST) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route, components) };
  }
  // 501 belongs to no route: any operation of a partial server may answer it (see the description).
  const statuses = [...new Set([...ROUTE_LIST.flatMap((r) => r.errors), 501])].sort((a, b) => a - b);
  const responses: Record<string, unknown> = {};
  for (const status of statuses) {
    const code = STATUS_CODES[status] ?? 'internal';
    responses[`Problem${status}`] = {
      description: PROBLEM_CODES[code].title,
      ...(status === 416
        ? {
            headers: {
              'Content-Range': {
                description: 'The size of the file: `bytes */5000`',
                schema: { type: 'string' },
              },
            },
          }
        : {}),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: `${REF}Problem` },
          example:
            status === 400
              ? problem('invalid_request', {
                  detail:
                    '1 invalid field; first: body.contents[0].title: expected a non-empty title, not only spaces',
                  errors: [
                    {
                      path: 'body.contents[0].title',
                      message: 'expected a non-empty title, not only spaces',
                    },
                  ],
                })
              : problem(code, { detail: PROBLEM_CODES[code].title }),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'nguon provincial source system API',
      version: API_VERSION,
      summary: 'REST API of a provincial source information system (hệ thống thông tin nguồn cấp tỉnh)',
      description:
        'Compose, approve and dispatch essential-information bulletins to IP loudspeakers and electronic boards, watch delivery and proof of play, collect feedback and track indicator plans. Errors are `application/problem+json` (RFC 9457) with a stable `code`; lists use cursor pagination (`?cursor=&limit=` → `{items, nextCursor}`). A server that does not implement an operation of this contract yet answers it with 501 `not_implemented` (`#/components/responses/Problem501`).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    ...(options.servers ? { servers: options.servers } : {}),
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: components.schemas,
      responses,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from POST /v1/tokens; it carries a role and a unit scope.',
        },
      },
    },
  };
}
