import { BulletinSchema, exampleFloodWarning, examplePolicyNotice } from '@nguon/bulletin';
import * as z from 'zod';
import {
  broadcastReportExample,
  bulletinHistoryExample,
  commandResultExample,
  deliveryExample,
  deviceExample,
  deviceRegisteredExample,
  feedbackExample,
  jsonFeedExample,
  tokenCreatedExample,
  unitPageExample,
} from './examples';
import type { OperationId } from './generated/route-index';
import { pageOf, pageQuery } from './pagination';
import { PROBLEM_CONTENT_TYPE } from './problem-codes';
import type { Role } from './roles';
import {
  ActualsRequestSchema,
  ActualsResultSchema,
  ApproveRequestSchema,
  BroadcastReportQuerySchema,
  BroadcastReportSchema,
  BulletinDraftSchema,
  BulletinHistorySchema,
  BulletinIdParamsSchema,
  BulletinListFiltersShape,
  BulletinPatchSchema,
  CapImportResultSchema,
  DeliverySchema,
  DeviceCommandRequestSchema,
  DeviceCommandResultSchema,
  DeviceIdParamsSchema,
  DeviceListFiltersShape,
  DeviceRegisteredSchema,
  DeviceRegisterSchema,
  DeviceReportQuerySchema,
  DeviceReportSchema,
  DeviceSchema,
  FeedbackCreateSchema,
  FeedbackListFiltersShape,
  FeedbackReplyRequestSchema,
  FeedbackSchema,
  HealthSchema,
  JsonFeedSchema,
  MediaParamsSchema,
  MediaUploadedSchema,
  PlanIdParamsSchema,
  PlanProgressQuerySchema,
  PlanProgressSchema,
  PlanSchema,
  PlanSummarySchema,
  PublishRequestSchema,
  RejectRequestSchema,
  RevokeRequestSchema,
  SubmitRequestSchema,
  TokenCreatedSchema,
  TokenCreateSchema,
  UlidParamsSchema,
  UnitCodeParamsSchema,
  UnitListFiltersShape,
  UnitSchema,
} from './schemas';

/** An HTTP method of the API. @example `const m: HttpMethod = 'PATCH';` */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * How a token's unit scope applies to an operation (rules A-S1…A-S4):
 * - `none`: no unit is involved (health, token-less routes, metrics);
 * - `within`: every unit the request names or the resource targets must be in scope (writes);
 * - `overlaps`: one resource is readable when it touches the scope, else 404;
 * - `filter`: a list holds only what the scope may read; a filter outside the scope is 403.
 *
 * @example
 * ```ts
 * const rule: ScopeRule = ROUTES.approveBulletin.auth.scope; // 'within'
 * ```
 */
export type ScopeRule = 'none' | 'within' | 'overlaps' | 'filter';

/**
 * Who may call a route: `public` (no token) or `bearer` with the allowed roles and the scope rule,
 * plus the ids of the authorisation rules that apply (see `AUTH_RULES`).
 *
 * @example
 * ```ts
 * const auth: RouteAuth = { kind: 'bearer', roles: ['approver'], scope: 'within', rules: ['A-W3'] };
 * ```
 */
export type RouteAuth =
  | { readonly kind: 'public'; readonly rules: readonly string[] }
  | {
      readonly kind: 'bearer';
      readonly roles: readonly Role[];
      readonly scope: ScopeRule;
      readonly rules: readonly string[];
    };

/**
 * A request or response body: `json` (validated by `schema`), `text` (XML, Prometheus, HTML) or
 * `binary` (media). `contentType` lists the accepted or sent media types; the first is the default.
 *
 * @example
 * ```ts
 * const body: RouteContent = { kind: 'json', contentType: ['application/json'], schema: FeedbackCreateSchema };
 * ```
 */
export interface RouteContent {
  readonly kind: 'json' | 'text' | 'binary';
  readonly contentType: readonly string[];
  readonly schema?: z.ZodType;
  readonly example?: unknown;
  readonly description?: string;
}

/**
 * The success answer of a route: its status, a description, the body (absent for 204) and the
 * response headers that matter.
 *
 * @example
 * ```ts
 * ROUTES.createBulletin.success.status; // 201
 * ```
 */
export interface RouteSuccess {
  readonly status: 200 | 201 | 202 | 204;
  readonly description: string;
  readonly content?: RouteContent;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One route of the contract, as data. The key of `ROUTES` is its `operationId`.
 *
 * @example
 * ```ts
 * const spec: RouteSpec = ROUTES.getBulletin;
 * ```
 */
export interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: RouteContent;
  readonly success: RouteSuccess;
  /** Error statuses the route answers with a problem (RFC 9457). */
  readonly errors: readonly number[];
  /** Statuses besides `success` (e.g. 206 for a range request). */
  readonly alsoSuccess?: readonly number[];
}

const ALL: readonly Role[] = ['admin', 'editor', 'approver', 'operator', 'viewer'];
const JSON_TYPE = ['application/json'] as const;
const json = <S extends z.ZodType>(schema: S, example?: unknown) =>
  ({ kind: 'json', contentType: JSON_TYPE, schema, ...(example === undefined ? {} : { example }) }) as const;
const bearer = <const R extends readonly Role[]>(roles: R, scope: ScopeRule, rules: readonly string[]) =>
  ({ kind: 'bearer', roles, scope, rules }) as const;
const PUBLIC = (rules: readonly string[]) => ({ kind: 'public', rules }) as const;
const CAP_TYPES = ['application/cap+xml', 'application/xml'] as const;
const MEDIA_TYPES = ['audio/*', 'image/*', 'video/*'] as const;

const {
  id: _id,
  version: _version,
  status: _status,
  ...draftExample
} = {
  ...examplePolicyNotice,
  author: undefined,
  createdAt: undefined,
};
const bulletinDraftExample = Object.fromEntries(
  Object.entries(draftExample).filter(([, value]) => value !== undefined),
);

/**
 * Every route of the provincial API v1, keyed by operationId (the SDK's method names). The server
 * mounts these, the SDK calls them, the OpenAPI document and the README table are generated from
 * them.
 *
 * @example
 * ```ts
 * const { method, path, auth } = ROUTES.publishBulletin;
 * // 'POST', '/v1/bulletins/{id}/publish', { kind: 'bearer', roles: ['editor', 'approver'], … }
 * ```
 */
export const ROUTES = {
  // ── Tokens ──
  createToken: {
    method: 'POST',
    path: '/v1/tokens',
    summary: 'Create a token with a role and a unit scope; the token is shown once',
    tags: ['tokens'],
    auth: bearer(['admin'], 'within', ['A-T1', 'A-S2']),
    body: json(TokenCreateSchema, {
      role: 'editor',
      units: ['52'],
      label: 'Biên tập viên Sở VHTTDL Gia Lai',
    }),
    success: {
      status: 201,
      description: 'The token',
      content: json(TokenCreatedSchema, tokenCreatedExample),
    },
    errors: [400, 401, 403, 429],
  },
  // ── Devices ──
  registerDevice: {
    method: 'POST',
    path: '/v1/devices',
    summary: 'Register a loudspeaker or board; get its MQTT credentials, topics and trust anchors',
    tags: ['devices'],
    auth: bearer(['admin', 'operator'], 'within', ['A-D1', 'A-S2']),
    body: json(DeviceRegisterSchema, {
      kind: 'radio',
      units: ['24065'],
      vendor: 'Acme Audio',
      model: 'IPL-200',
      publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    }),
    success: {
      status: 201,
      description: 'The registered device',
      content: json(DeviceRegisteredSchema, deviceRegisteredExample),
    },
    errors: [400, 401, 403, 409],
  },
  listDevices: {
    method: 'GET',
    path: '/v1/devices',
    summary: 'List devices with live presence, last status, firmware and clock offset',
    tags: ['devices'],
    auth: bearer(ALL, 'filter', ['A-S4']),
    query: pageQuery(DeviceListFiltersShape),
    success: { status: 200, description: 'A page of devices', content: json(pageOf(DeviceSchema)) },
    errors: [400, 401, 403],
  },
  getDevice: {
    method: 'GET',
    path: '/v1/devices/{id}',
    summary: 'One device with live presence, last status, firmware and clock offset',
    tags: ['devices'],
    auth: bearer(ALL, 'overlaps', ['A-S3']),
    params: DeviceIdParamsSchema,
    success: { status: 200, description: 'The device', content: json(DeviceSchema, deviceExample) },
    errors: [400, 401, 403, 404],
  },
  sendDeviceCommand: {
    method: 'POST',
    path: '/v1/devices/{id}/commands',
    summary: 'Send a signed command (config.set, device.ping, playback.stop …) to a device',
    tags: ['devices'],
    auth: bearer(['admin', 'operator'], 'within', ['A-D1', 'A-S2']),
    params: DeviceIdParamsSchema,
    body: json(DeviceCommandRequestSchema, { type: 'device.ping', wait: true }),
    success: {
      status: 202,
      description: 'The command was signed and sent',
      content: json(DeviceCommandResultSchema, commandResultExample),
    },
    errors: [400, 401, 403, 404, 409],
  },
  // ── Media ──
  uploadMedia: {
    method: 'POST',
    path: '/v1/media',
    summary: 'Upload an audio, image or video file; get its URL, sha256, size and type',
    description: 'The body is the file itself; its Content-Type header gives the MIME type.',
    tags: ['media'],
    auth: bearer(['admin', 'editor', 'operator'], 'none', ['A-M1']),
    body: { kind: 'binary', contentType: MEDIA_TYPES, description: 'The file' },
    success: {
      status: 201,
      description: 'The stored file, as a media reference',
      content: json(MediaUploadedSchema),
    },
    errors: [400, 401, 403, 413, 415],
  },
  getMedia: {
    method: 'GET',
    path: '/v1/media/{sha256}',
    summary: 'Serve a media file by its sha256; supports range requests',
    tags: ['media'],
    auth: PUBLIC(['A-M1']),
    params: MediaParamsSchema,
    success: {
      status: 200,
      description: 'The file',
      content: { kind: 'binary', contentType: MEDIA_TYPES },
      headers: { ETag: 'The sha256 in quotes', 'Accept-Ranges': 'bytes' },
    },
    alsoSuccess: [206],
    errors: [400, 404, 416],
  },
  // ── Bulletins ──
  createBulletin: {
    method: 'POST',
    path: '/v1/bulletins',
    summary: 'Create a bulletin draft',
    tags: ['bulletins'],
    auth: bearer(['editor'], 'within', ['A-W2', 'A-S2']),
    body: json(BulletinDraftSchema, bulletinDraftExample),
    success: {
      status: 201,
      description: 'The draft',
      content: json(BulletinSchema, examplePolicyNotice),
      headers: { Location: 'URL of the bulletin' },
    },
    errors: [400, 401, 403, 409],
  },
  listBulletins: {
    method: 'GET',
    path: '/v1/bulletins',
    summary: 'List bulletins, filtered by status, unit, priority, category and time',
    tags: ['bulletins'],
    auth: bearer(ALL, 'filter', ['A-S4']),
    query: pageQuery(BulletinListFiltersShape),
    success: { status: 200, description: 'A page of bulletins', content: json(pageOf(BulletinSchema)) },
    errors: [400, 401, 403],
  },
  getBulletin: {
    method: 'GET',
    path: '/v1/bulletins/{id}',
    summary: 'One bulletin with its workflow history',
    tags: ['bulletins'],
    auth: bearer(ALL, 'overlaps', ['A-S3']),
    params: BulletinIdParamsSchema,
    success: { status: 200, description: 'The bulletin', content: json(BulletinSchema, exampleFloodWarning) },
    errors: [400, 401, 403, 404],
  },
  getBulletinHistory: {
    method: 'GET',
    path: '/v1/bulletins/{id}/history',
    summary: 'The audit log of one bulletin: who created, edited and moved it through the workflow',
    tags: ['bulletins'],
    auth: bearer(ALL, 'overlaps', ['A-S3']),
    params: BulletinIdParamsSchema,
    success: {
      status: 200,
      description: 'The history, oldest first',
      content: json(BulletinHistorySchema, bulletinHistoryExample),
    },
    errors: [400, 401, 403, 404],
  },
  updateBulletin: {
    method: 'PATCH',
    path: '/v1/bulletins/{id}',
    summary: 'Edit a draft (or a rejected bulletin, which returns to draft)',
    tags: ['bulletins'],
    auth: bearer(['editor'], 'within', ['A-W2', 'A-S2']),
    params: BulletinIdParamsSchema,
    body: json(BulletinPatchSchema, { version: 1, priority: 'priority' }),
    success: { status: 200, description: 'The edited bulletin', content: json(BulletinSchema) },
    errors: [400, 401, 403, 404, 409],
  },
  submitBulletin: {
    method: 'POST',
    path: '/v1/bulletins/{id}/submit',
    summary: 'Submit a draft for approval',
    tags: ['workflow'],
    auth: bearer(['editor'], 'within', ['A-W2', 'A-S2']),
    params: BulletinIdParamsSchema,
    body: json(SubmitRequestSchema, {}),
    success: { status: 200, description: 'The submitted bulletin', content: json(BulletinSchema) },
    errors: [400, 401, 403, 404, 409],
  },
  approveBulletin: {
    method: 'POST',
    path: '/v1/bulletins/{id}/approve',
    summary: 'Approve a submitted bulletin (approver whose scope covers every target unit)',
    tags: ['workflow'],
    auth: bearer(['approver'], 'within', ['A-W3', 'A-S2']),
    params: BulletinIdParamsSchema,
    body: json(ApproveRequestSchema, { note: 'Đồng ý phát' }),
    success: { status: 200, description: 'The approved bulletin', content: json(BulletinSchema) },
    errors: [400, 401, 403, 404, 409],
  },
  rejectBulletin: {
    method: 'POST',
    path: '/v1/bulletins/{id}/reject',
    summary: 'Reject a submitted bulletin with a reason',
    tags: ['workflow'],
    auth: bearer(['approver'], 'within', ['A-W3', 'A-S2']),
    params: BulletinIdParamsSchema,
    body: json(RejectRequestSchema, { note: 'Sai địa bàn nhận tin' }),
    success: { status: 200, description: 'The rejected bulletin', content: json(BulletinSchema) },
    errors: [400, 401, 403, 404, 409],
  },
  publishBulletin: {
    method: 'POST',
    path: '/v1/bulletins/{id}/publish',
    summary: 'Publish an approved bulletin and dispatch it; emergency: approve and publish in one call',
    description:
      'Dispatches `bulletin.deliver` (protocol v1) to the targets. With `{approve: true}` an approver approves and publishes an emergency bulletin in one call (rule A-W1).',
    tags: ['workflow'],
    auth: bearer(['editor', 'approver'], 'within', ['A-W4', 'A-W1', 'A-S2']),
    params: BulletinIdParamsSchema,
    body: json(PublishRequestSchema, { approve: true, note: 'Lũ khẩn cấp, phát ngay' }),
    success: {
      status: 200,
      description: 'The published bulletin',
      content: json(BulletinSchema, exampleFloodWarning),
    },
    errors: [400, 401, 403, 404, 409],
  },
  revokeBulletin: {
    method: 'POST',
    path: '/v1/bulletins/{id}/revoke',
    summary: 'Revoke a published bulletin: devices stop and drop it',
    tags: ['workflow'],
    auth: bearer(['approver'], 'within', ['A-W5', 'A-S2']),
    params: BulletinIdParamsSchema,
    body: json(RevokeRequestSchema, { reason: 'Mực nước đã rút, hết nguy cơ lũ' }),
    success: { status: 200, description: 'The revoked bulletin', content: json(BulletinSchema) },
    errors: [400, 401, 403, 404, 409],
  },
  getBulletinDelivery: {
    method: 'GET',
    path: '/v1/bulletins/{id}/delivery',
    summary: 'Live delivery and proof of play: targeted, acked, played, failed, pending, per unit and device',
    tags: ['bulletins'],
    auth: bearer(ALL, 'overlaps', ['A-S3', 'A-S4']),
    params: BulletinIdParamsSchema,
    success: { status: 200, description: 'Delivery so far', content: json(DeliverySchema, deliveryExample) },
    errors: [400, 401, 403, 404],
  },
  // ── CAP ──
  importCap: {
    method: 'POST',
    path: '/v1/cap',
    summary: 'Import a CAP 1.2 alert as a bulletin draft',
    tags: ['cap'],
    auth: bearer(['editor'], 'within', ['A-W2', 'A-S2']),
    body: {
      kind: 'text',
      contentType: CAP_TYPES,
      schema: z.string().min(1),
      description: 'A CAP 1.2 <alert>',
    },
    success: {
      status: 201,
      description:
        'The stored draft and the issues to fix before it can be submitted (empty when none); `Location` names the bulletin',
      content: json(CapImportResultSchema),
      headers: { Location: 'Path of the new bulletin: /v1/bulletins/{id}' },
    },
    errors: [400, 401, 403, 409, 413, 415],
  },
  exportCap: {
    method: 'GET',
    path: '/v1/bulletins/{id}/cap',
    summary: 'Export a bulletin as a CAP 1.2 alert',
    tags: ['cap'],
    auth: bearer(ALL, 'overlaps', ['A-S3']),
    params: BulletinIdParamsSchema,
    success: {
      status: 200,
      description: 'The CAP 1.2 alert',
      content: { kind: 'text', contentType: ['application/cap+xml'], schema: z.string() },
    },
    errors: [400, 401, 403, 404],
  },
  // ── Feedback ──
  createFeedback: {
    method: 'POST',
    path: '/v1/feedback',
    summary: "Send a citizen's feedback (no token; two-way information, Decree 49/2024 Art. 3 §2)",
    tags: ['feedback'],
    auth: PUBLIC(['A-F1']),
    body: json(FeedbackCreateSchema, {
      unitCode: '24065',
      subject: 'Loa thôn 3',
      text: 'Loa ở thôn 3 phát nhỏ, bà con ở cuối thôn không nghe rõ.',
      channel: 'web',
    }),
    success: {
      status: 201,
      description: 'The recorded feedback',
      content: json(FeedbackSchema, { ...feedbackExample, status: 'open', replies: [] }),
    },
    errors: [400, 413, 429],
  },
  listFeedback: {
    method: 'GET',
    path: '/v1/feedback',
    summary: 'List feedback in scope, by unit, status or bulletin',
    tags: ['feedback'],
    auth: bearer(ALL, 'filter', ['A-F1', 'A-S4']),
    query: pageQuery(FeedbackListFiltersShape),
    success: { status: 200, description: 'A page of feedback', content: json(pageOf(FeedbackSchema)) },
    errors: [400, 401, 403],
  },
  replyFeedback: {
    method: 'POST',
    path: '/v1/feedback/{id}/reply',
    summary: 'Answer a feedback on behalf of the authority',
    tags: ['feedback'],
    auth: bearer(['editor', 'approver'], 'within', ['A-F1', 'A-S2']),
    params: UlidParamsSchema,
    body: json(FeedbackReplyRequestSchema, {
      text: 'UBND xã đã cho kiểm tra và chỉnh âm lượng loa thôn 3.',
      close: true,
    }),
    success: {
      status: 200,
      description: 'The feedback with the reply',
      content: json(FeedbackSchema, feedbackExample),
    },
    errors: [400, 401, 403, 404, 409],
  },
  // ── Units ──
  listUnits: {
    method: 'GET',
    path: '/v1/units',
    summary: 'Administrative units in force at a date',
    tags: ['units'],
    auth: PUBLIC(['A-P1']),
    query: pageQuery(UnitListFiltersShape),
    success: {
      status: 200,
      description: 'A page of units',
      content: json(pageOf(UnitSchema), unitPageExample),
    },
    errors: [400],
  },
  // ── Feeds ──
  getAtomFeed: {
    method: 'GET',
    path: '/v1/feeds/{unitCode}.atom',
    summary: 'Atom feed of the published bulletins for a unit and its ancestors (for commune websites)',
    tags: ['feeds'],
    auth: PUBLIC(['A-P1']),
    params: UnitCodeParamsSchema,
    success: {
      status: 200,
      description: 'Atom 1.0 feed',
      content: { kind: 'text', contentType: ['application/atom+xml'], schema: z.string() },
    },
    errors: [400, 404],
  },
  getJsonFeed: {
    method: 'GET',
    path: '/v1/feeds/{unitCode}.json',
    summary: 'JSON Feed of the published bulletins for a unit and its ancestors (for commune websites)',
    tags: ['feeds'],
    auth: PUBLIC(['A-P1']),
    params: UnitCodeParamsSchema,
    success: {
      status: 200,
      description: 'JSON Feed 1.1',
      content: {
        kind: 'json',
        contentType: ['application/feed+json'],
        schema: JsonFeedSchema,
        example: jsonFeedExample,
      },
    },
    errors: [400, 404],
  },
  getFeedScript: {
    method: 'GET',
    path: '/v1/feeds/embed.js',
    summary: 'Script that shows the JSON Feed of a unit on a commune website, emergencies on top',
    description:
      'A commune website adds `<div data-nguon-feed="24065"></div>` and `<script src="…/v1/feeds/embed.js" async></script>`. The script reads `/v1/feeds/{unitCode}.json` from its own origin every 60 s, so a revoked bulletin leaves the page. Feeds and this script are sent with `Access-Control-Allow-Origin: *`.',
    tags: ['feeds'],
    auth: PUBLIC(['A-P1']),
    success: {
      status: 200,
      description: 'The script (JavaScript, no dependencies)',
      content: { kind: 'text', contentType: ['text/javascript'], schema: z.string() },
      headers: {
        ETag: 'Hash of the script; send it back as If-None-Match to get 304',
        'Cache-Control': 'public, max-age=300',
        'Access-Control-Allow-Origin': '*',
      },
    },
    errors: [],
  },
  // ── Plans ──
  listPlans: {
    method: 'GET',
    path: '/v1/plans',
    summary: 'List indicator plans',
    tags: ['plans'],
    auth: bearer(ALL, 'filter', ['A-R1', 'A-S4']),
    query: pageQuery({}),
    success: { status: 200, description: 'A page of plans', content: json(pageOf(PlanSummarySchema)) },
    errors: [400, 401, 403],
  },
  getPlan: {
    method: 'GET',
    path: '/v1/plans/{id}',
    summary: 'One plan: indicators, targets and published figures',
    tags: ['plans'],
    auth: bearer(ALL, 'overlaps', ['A-R1', 'A-S3']),
    params: PlanIdParamsSchema,
    success: { status: 200, description: 'The plan', content: json(PlanSchema) },
    errors: [400, 401, 403, 404],
  },
  getPlanProgress: {
    method: 'GET',
    path: '/v1/plans/{id}/progress',
    summary: 'Targets, actuals and achievement of a plan',
    tags: ['plans'],
    auth: bearer(ALL, 'filter', ['A-R1', 'A-S4']),
    params: PlanIdParamsSchema,
    query: PlanProgressQuerySchema,
    success: { status: 200, description: 'Progress rows', content: json(PlanProgressSchema) },
    errors: [400, 401, 403, 404],
  },
  recordPlanActuals: {
    method: 'POST',
    path: '/v1/plans/{id}/actuals',
    summary: 'Record actuals of a plan',
    tags: ['plans'],
    auth: bearer(['admin', 'editor'], 'within', ['A-R1', 'A-S2']),
    params: PlanIdParamsSchema,
    body: json(ActualsRequestSchema, {
      actuals: [{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 13 }],
    }),
    success: {
      status: 200,
      description: 'What was stored and the findings',
      content: json(ActualsResultSchema),
    },
    errors: [400, 401, 403, 404, 413],
  },
  // ── Reports ──
  getBroadcastReport: {
    method: 'GET',
    path: '/v1/reports/broadcasts',
    summary: 'Plays and minutes on air per unit over a time range',
    tags: ['reports'],
    auth: bearer(ALL, 'filter', ['A-R1', 'A-S4']),
    query: BroadcastReportQuerySchema,
    success: {
      status: 200,
      description: 'The report',
      content: json(BroadcastReportSchema, broadcastReportExample),
    },
    errors: [400, 401, 403],
  },
  getDeviceReport: {
    method: 'GET',
    path: '/v1/reports/devices',
    summary: 'Devices, uptime and coverage per unit',
    tags: ['reports'],
    auth: bearer(ALL, 'filter', ['A-R1', 'A-S4']),
    query: DeviceReportQuerySchema,
    success: { status: 200, description: 'The report', content: json(DeviceReportSchema) },
    errors: [400, 401, 403],
  },
  // ── Operations ──
  getHealth: {
    method: 'GET',
    path: '/health',
    summary: 'Whether the server, its database and its broker work',
    tags: ['operations'],
    auth: PUBLIC(['A-P1']),
    success: {
      status: 200,
      description: 'Health',
      content: json(HealthSchema, {
        status: 'ok',
        version: '0.1.0',
        uptimeSec: 3600,
        checks: { database: 'ok', broker: 'ok' },
      }),
    },
    errors: [503],
  },
  getMetrics: {
    method: 'GET',
    path: '/metrics',
    summary: 'Metrics in the Prometheus text format',
    tags: ['operations'],
    auth: bearer(['admin', 'operator'], 'none', ['A-O1']),
    success: {
      status: 200,
      description: 'Prometheus text exposition 0.0.4',
      content: { kind: 'text', contentType: ['text/plain; version=0.0.4'], schema: z.string() },
    },
    errors: [401, 403],
  },
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tags: ['operations'],
    auth: PUBLIC(['A-P1']),
    success: {
      status: 200,
      description: 'OpenAPI 3.1 document',
      content: { kind: 'json', contentType: JSON_TYPE, schema: z.record(z.string(), z.unknown()) },
    },
    errors: [],
  },
  getDocs: {
    method: 'GET',
    path: '/docs',
    summary: 'The API reference rendered as HTML',
    tags: ['operations'],
    auth: PUBLIC(['A-P1']),
    success: {
      status: 200,
      description: 'HTML page',
      content: { kind: 'text', contentType: ['text/html'], schema: z.string() },
    },
    errors: [],
  },
} as const satisfies Record<OperationId, RouteSpec>;

export type { OperationId } from './generated/route-index';

/**
 * A route with its operationId, as listed by {@link ROUTE_LIST}.
 *
 * @example
 * ```ts
 * const r: Route = ROUTE_LIST[0]!;
 * console.log(r.operationId, r.method, r.path);
 * ```
 */
export type Route = RouteSpec & { readonly operationId: OperationId };

/**
 * Every route with its operationId, in the order of {@link ROUTES}.
 *
 * @example
 * ```ts
 * for (const r of ROUTE_LIST) console.log(r.method, r.path, r.operationId);
 * ```
 */
export const ROUTE_LIST: readonly Route[] = Object.entries(ROUTES).map(([operationId, spec]) => ({
  operationId: operationId as OperationId,
  ...(spec as RouteSpec),
}));

/** Media types of problem responses. @example `PROBLEM_CONTENT_TYPES[0]` */
export const PROBLEM_CONTENT_TYPES = [PROBLEM_CONTENT_TYPE] as const;

/**
 * Flattens an intersection into one object type, so that editors show `{ params; body }`.
 *
 * @example
 * ```ts
 * type T = Simplify<{ a: 1 } & { b: 2 }>; // { a: 1; b: 2 }
 * ```
 */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * What a caller sends as a body of a given `RouteContent`: the zod input of a JSON body, a string for
 * XML or text, bytes for a file.
 *
 * @example
 * ```ts
 * type CapBody = ContentInput<(typeof ROUTES)['importCap']['body']>; // string
 * ```
 */
export type ContentInput<C> = C extends { kind: 'json'; schema: infer S extends z.ZodType }
  ? z.input<S>
  : C extends { kind: 'text' }
    ? string
    : Blob | ArrayBuffer | Uint8Array;

/**
 * What a body of a given `RouteContent` is once read: the zod output of a JSON body, a string for
 * XML or text, an `ArrayBuffer` for a file.
 *
 * @example
 * ```ts
 * type Feed = ContentOutput<(typeof ROUTES)['getAtomFeed']['success']['content']>; // string
 * ```
 */
export type ContentOutput<C> = C extends { kind: 'json'; schema: infer S extends z.ZodType }
  ? z.output<S>
  : C extends { kind: 'text' }
    ? string
    : ArrayBuffer;

/**
 * What a caller passes to an operation: `params` (path), `query` and `body`, each only when the
 * route has one; `query` is optional when none of its fields is required.
 *
 * @example
 * ```ts
 * const input: RouteInput<'publishBulletin'> = { params: { id: '01JD…' }, body: { approve: true } };
 * ```
 */
export type RouteInput<Op extends OperationId> = Simplify<
  ((typeof ROUTES)[Op] extends { params: infer P extends z.ZodType } ? { params: z.input<P> } : unknown) &
    ((typeof ROUTES)[Op] extends { query: infer Q extends z.ZodType }
      ? object extends z.input<Q>
        ? { query?: z.input<Q> }
        : { query: z.input<Q> }
      : unknown) &
    ((typeof ROUTES)[Op] extends { body: infer C } ? { body: ContentInput<C> } : unknown)
>;

/**
 * What a server gets from `parseRequest`: the same parts as {@link RouteInput}, after validation
 * (defaults filled, query numbers converted).
 *
 * @example
 * ```ts
 * const input: RouteParsedInput<'listBulletins'> = parsed.input;
 * input.query.limit; // number, 50 when not given
 * ```
 */
export type RouteParsedInput<Op extends OperationId> = Simplify<
  ((typeof ROUTES)[Op] extends { params: infer P extends z.ZodType } ? { params: z.output<P> } : unknown) &
    ((typeof ROUTES)[Op] extends { query: infer Q extends z.ZodType } ? { query: z.output<Q> } : unknown) &
    ((typeof ROUTES)[Op] extends { body: infer C } ? { body: ContentOutput<C> } : unknown)
>;

/**
 * What an operation answers on success: the parsed JSON body, a string for XML/text, an
 * `ArrayBuffer` for media, `undefined` for 204.
 *
 * @example
 * ```ts
 * const page: RouteOutput<'listBulletins'> = await sdk.listBulletins({ query: { status: 'published' } });
 * page.items[0]?.contents[0]?.title;
 * ```
 */
export type RouteOutput<Op extends OperationId> = (typeof ROUTES)[Op]['success'] extends { content: infer C }
  ? ContentOutput<C>
  : undefined;

/**
 * The route of an operationId, with the id.
 *
 * @example
 * ```ts
 * getRoute('getBulletin').path; // '/v1/bulletins/{id}'
 * ```
 */
export function getRoute<Op extends OperationId>(operationId: Op): (typeof ROUTES)[Op] & { operationId: Op } {
  return { operationId, ...ROUTES[operationId] };
}

/**
 * A route without its schemas: what `ROUTE_INDEX` (in `@nguon/api/lite`) holds for each operation,
 * enough to build and match paths, check roles, pick content types and know which routes take a
 * query string (`query`) or answer a cursor page (`list`) without loading zod.
 *
 * @example
 * ```ts
 * const entry: RouteIndexEntry = ROUTE_INDEX.getBulletin;
 * if (ROUTE_INDEX.listBulletins.list) console.log(ROUTE_INDEX.listBulletins.query); // ['cursor', 'limit', …]
 * ```
 */
export interface RouteIndexEntry {
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly tags: readonly string[];
  readonly auth: RouteAuth;
  readonly request?: { readonly kind: RouteContent['kind']; readonly contentType: readonly string[] };
  /**
   * The query-string keys the route takes (`?cursor=&limit=&status=…`), in schema order; absent when
   * the route takes no query.
   */
  readonly query?: readonly string[];
  /** `true` when the route answers a cursor page `{items, nextCursor}` (pass `nextCursor` as `?cursor=`). */
  readonly list?: true;
  readonly success: {
    readonly status: RouteSuccess['status'];
    readonly kind?: RouteContent['kind'];
    readonly contentType?: readonly string[];
  };
  readonly alsoSuccess?: readonly number[];
  readonly errors: readonly number[];
}

/** Whether a response schema is a cursor page: an object of exactly `items` (an array) and `nextCursor`. */
function isPageSchema(schema: z.ZodType | undefined): boolean {
  if (!(schema instanceof z.ZodObject)) return false;
  const keys = Object.keys(schema.shape).sort();
  return (
    keys.length === 2 &&
    keys[0] === 'items' &&
    keys[1] === 'nextCursor' &&
    schema.shape.items instanceof z.ZodArray
  );
}

/**
 * The schema-free part of a route, as stored in `ROUTE_INDEX`.
 *
 * @example
 * ```ts
 * routeIndexOf(ROUTES.importCap).request; // { kind: 'text', contentType: ['application/cap+xml', 'application/xml'] }
 * routeIndexOf(ROUTES.listBulletins).list; // true, and .query lists 'cursor', 'limit' and the filters
 * ```
 */
export function routeIndexOf(route: RouteSpec): RouteIndexEntry {
  const content = route.success.content;
  return {
    method: route.method,
    path: route.path,
    summary: route.summary,
    tags: [...route.tags],
    auth: route.auth,
    ...(route.body ? { request: { kind: route.body.kind, contentType: [...route.body.contentType] } } : {}),
    ...(route.query ? { query: Object.keys(route.query.shape) } : {}),
    ...(isPageSchema(content?.schema) ? { list: true as const } : {}),
    success: {
      status: route.success.status,
      ...(content ? { kind: content.kind, contentType: [...content.contentType] } : {}),
    },
    ...(route.alsoSuccess ? { alsoSuccess: [...route.alsoSuccess] } : {}),
    errors: [...route.errors],
  };
}
