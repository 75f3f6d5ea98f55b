import {
  ApprovalSchema,
  BulletinSchema,
  CategorySchema,
  DateTimeSchema,
  IdSchema,
  LanguageTagSchema,
  MediaRefSchema,
  PersonSchema,
  PrioritySchema,
  StatusSchema,
  UnitCodeSchema,
} from '@nguon/bulletin';
import { Actual, Dataset, Finding, ProgressRow } from '@nguon/indicators';
import {
  ackBodySchema,
  configSetBodySchema,
  deviceIdSchema,
  liveStartBodySchema,
  statusBodySchema,
  trustAnchorSchema,
} from '@nguon/protocol';
import * as z from 'zod';
import { ROLES } from './roles';

// ── Shared building blocks ──────────────────────────────────────────────────────────────────────

/**
 * A role, one of {@link ROLES}.
 *
 * @example
 * ```ts
 * RoleSchema.parse('approver');
 * ```
 */
export const RoleSchema = z.enum(ROLES).describe('Role of a token');

/**
 * A ULID: 26 Crockford base32 characters (the id of tokens, feedback, commands).
 *
 * @example
 * ```ts
 * UlidSchema.parse('01JDX3K9Q2ZP4W1T6V8B0C5N7M');
 * ```
 */
export const UlidSchema = z.ulid({ error: 'expected a ULID of 26 Crockford base32 characters' });

/** A date `YYYY-MM-DD`. @example `IsoDateSchema.parse('2025-07-01')` */
export const IsoDateSchema = z.iso.date({ error: 'expected a date such as "2025-07-01"' });

/** Path parameter `{id}` of a bulletin. @example `BulletinIdParamsSchema.parse({ id: '01JD…' })` */
export const BulletinIdParamsSchema = z.strictObject({ id: IdSchema });
/** Path parameter `{id}` of a device. @example `DeviceIdParamsSchema.parse({ id: 'loa-52001-001' })` */
export const DeviceIdParamsSchema = z.strictObject({ id: deviceIdSchema });
/** Path parameter `{id}` of a ULID resource (feedback). @example `UlidParamsSchema.parse({ id: '01JD…' })` */
export const UlidParamsSchema = z.strictObject({ id: UlidSchema });
/** Path parameter `{id}` of a plan (kebab-case dataset id). @example `PlanIdParamsSchema.parse({ id: 'gia-lai-2024' })` */
export const PlanIdParamsSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a kebab-case plan id such as "gia-lai-2024"'),
});
/** Path parameter `{unitCode}`. @example `UnitCodeParamsSchema.parse({ unitCode: '64' })` */
export const UnitCodeParamsSchema = z.strictObject({ unitCode: UnitCodeSchema });
/** Path parameter `{sha256}` of a media file. @example `MediaParamsSchema.parse({ sha256: 'e3b0…' })` */
export const MediaParamsSchema = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 digest of 64 lowercase hex characters'),
});

// ── Tokens ──────────────────────────────────────────────────────────────────────────────────────

/**
 * `POST /v1/tokens` body: the role, the unit scope (at least one unit code) and a label.
 *
 * @example
 * ```ts
 * TokenCreateSchema.parse({ role: 'editor', units: ['64'], label: 'Sở VHTT biên tập' });
 * ```
 */
export const TokenCreateSchema = z
  .strictObject({
    role: RoleSchema,
    units: z
      .array(UnitCodeSchema)
      .min(1, 'expected at least one unit code: every token has a unit scope')
      .max(5_000),
    label: z.string().min(1).max(200),
    expiresAt: DateTimeSchema.optional(),
  })
  .describe('New token');

/**
 * `POST /v1/tokens` answer. `token` is shown this once; the server keeps only its hash.
 *
 * @example
 * ```ts
 * const { token } = TokenCreatedSchema.parse(json);
 * ```
 */
export const TokenCreatedSchema = z
  .strictObject({
    id: UlidSchema,
    token: z.string().min(20).describe('The bearer token; shown once'),
    role: RoleSchema,
    units: z.array(UnitCodeSchema),
    label: z.string(),
    createdAt: DateTimeSchema,
    expiresAt: DateTimeSchema.optional(),
  })
  .describe('Created token');

// ── Devices ─────────────────────────────────────────────────────────────────────────────────────

/** Device kind: a loudspeaker (`radio`, cụm loa) or a bulletin board (`board`, bảng tin). @example `DeviceKindSchema.parse('radio')` */
export const DeviceKindSchema = z.enum(['radio', 'board']);

/**
 * `POST /v1/devices` body: kind, units served, vendor, model, the device's Ed25519 public key
 * (base64url, 32 bytes) and an optional id (else the server assigns one).
 *
 * @example
 * ```ts
 * DeviceRegisterSchema.parse({ kind: 'radio', units: ['24065'], vendor: 'Acme', model: 'L1', publicKey: 'MCowBQ…' });
 * ```
 */
export const DeviceRegisterSchema = z
  .strictObject({
    id: z.optional(deviceIdSchema),
    kind: DeviceKindSchema,
    units: z.array(UnitCodeSchema).min(1, 'expected at least one unit code').max(100),
    vendor: z.string().min(1).max(100),
    model: z.string().min(1).max(100),
    publicKey: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{43}$/,
        'expected a raw Ed25519 public key: 32 bytes in base64url (43 characters)',
      ),
  })
  .describe('Device registration');

/**
 * `POST /v1/devices` answer: the id, how to reach the MQTT broker, the topics of the device and the
 * trust anchors (keys the system signs commands with).
 *
 * @example
 * ```ts
 * const { mqtt, trust } = DeviceRegisteredSchema.parse(json);
 * ```
 */
export const DeviceRegisteredSchema = z
  .strictObject({
    id: deviceIdSchema,
    mqtt: z.strictObject({
      url: z.string().regex(/^mqtts?:\/\//, 'expected an mqtt:// or mqtts:// URL'),
      wsUrl: z
        .string()
        .regex(/^wss?:\/\//, 'expected a ws:// or wss:// URL')
        .optional(),
      username: z.string().min(1),
      password: z.string().min(1).describe('Shown once'),
    }),
    topics: z.strictObject({
      subscribe: z.array(z.string().min(1)),
      publish: z.array(z.string().min(1)),
    }),
    trust: z.array(trustAnchorSchema).min(1),
    trustVersion: z
      .int()
      .min(1)
      .optional()
      .describe('Version of the trust list (P-S3): the device starts with it as its trustVersion'),
  })
  .describe('Registered device');

/**
 * A device in the registry with its live presence, last status, firmware and clock offset.
 *
 * @example
 * ```ts
 * const device = DeviceSchema.parse(json);
 * if (!device.presence.online) console.warn(device.id, 'offline since', device.presence.since);
 * ```
 */
export const DeviceSchema = z
  .strictObject({
    id: deviceIdSchema,
    kind: DeviceKindSchema,
    units: z.array(UnitCodeSchema),
    vendor: z.string(),
    model: z.string(),
    firmware: z.string().optional(),
    publicKey: z.string(),
    registeredAt: DateTimeSchema,
    presence: z.strictObject({
      online: z.boolean(),
      since: DateTimeSchema.optional().describe('When presence last changed'),
    }),
    lastStatus: z.optional(statusBodySchema),
    lastStatusAt: DateTimeSchema.optional(),
    clockOffsetMs: z
      .number()
      .optional()
      .describe('Device clock minus server clock, from the last hello or ping'),
  })
  .describe('Device');

/**
 * `GET /v1/devices` filters (besides `cursor`, `limit`).
 *
 * @example
 * ```ts
 * pageQuery(DeviceListFiltersShape).parse({ unit: '24065', online: 'false' });
 * ```
 */
export const DeviceListFiltersShape = {
  unit: UnitCodeSchema.optional().describe('Only devices serving this unit or a unit under it'),
  kind: DeviceKindSchema.optional(),
  online: z.enum(['true', 'false']).optional().describe('Only online (true) or offline (false) devices'),
};

/**
 * `POST /v1/devices/{id}/commands` body: one of the commands an operator may send, with its body
 * as in protocol v1. `bulletin.deliver`/`bulletin.revoke` are sent by the workflow, `welcome`,
 * `keys.update` and `receipts.commit` by the system itself. `wait` waits up to 5 s for the ack.
 *
 * @example
 * ```ts
 * DeviceCommandRequestSchema.parse({ type: 'config.set', body: { configVersion: 4, volume: 70 } });
 * ```
 */
export const DeviceCommandRequestSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('config.set'),
      body: configSetBodySchema,
      wait: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal('live.start'),
      body: liveStartBodySchema,
      wait: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.enum(['device.ping', 'device.selftest', 'playback.stop', 'live.stop']),
      body: z.strictObject({}).optional(),
      wait: z.boolean().optional(),
    }),
  ])
  .describe('Device command');

/**
 * `POST /v1/devices/{id}/commands` answer: the signed command's id and its state; `ack` when the
 * device answered within the wait.
 *
 * @example
 * ```ts
 * const sent = DeviceCommandResultSchema.parse(json);
 * if (sent.state === 'acked' && sent.ack?.ok) console.log('done');
 * ```
 */
export const DeviceCommandResultSchema = z
  .strictObject({
    id: UlidSchema.describe('id of the signed command envelope'),
    deviceId: deviceIdSchema,
    type: z.string(),
    state: z.enum(['sent', 'acked', 'failed', 'timeout']),
    sentAt: DateTimeSchema,
    expiresAt: DateTimeSchema,
    ack: z.optional(ackBodySchema),
  })
  .describe('Sent command');

// ── Bulletins ───────────────────────────────────────────────────────────────────────────────────

const b = BulletinSchema.shape;

/**
 * The `targets` a request may set: those of the bulletin schema without device groups. The bulletin
 * format can name device groups, but API v1 defines none: the device registry has no group, and
 * dispatch (protocol v1) reaches units and single devices only, so a bulletin aimed at a group would
 * reach no device. `deviceGroups` is therefore refused (400 on `body.targets.deviceGroups`) rather
 * than stored and silently skipped; an empty list is accepted.
 *
 * @example
 * ```ts
 * RequestTargetsSchema.safeParse({ deviceGroups: ['loa-trung-tam'] }).success; // false
 * RequestTargetsSchema.parse({ units: { at: '2025-07-01', codes: ['24065'] } });
 * ```
 */
export const RequestTargetsSchema = b.targets
  .safeExtend({
    deviceGroups: z
      .array(z.string())
      .max(
        0,
        'expected no device groups: API v1 and its device registry have none, so the bulletin would reach no device; target units (targets.units) or registered devices (targets.devices) instead',
      )
      .optional()
      .describe('Not supported by API v1: must be absent or empty'),
  })
  .describe('Targets');

/**
 * `POST /v1/bulletins` body: the editable fields of a bulletin (its schema in `@nguon/bulletin`). The
 * server sets `id` (unless given), `version` 1, `status` draft, `author` from the token and
 * `createdAt`, then checks the whole bulletin with its cross-field rules.
 *
 * @example
 * ```ts
 * BulletinDraftSchema.parse({ category, priority, channels, contents, targets, schedule, issuer });
 * ```
 */
export const BulletinDraftSchema = z
  .strictObject({
    id: b.id.optional().describe('Client-chosen id (ULID recommended); else assigned'),
    category: b.category,
    priority: b.priority,
    channels: b.channels,
    contents: b.contents,
    targets: RequestTargetsSchema,
    schedule: b.schedule,
    issuer: b.issuer,
    origin: b.origin,
    extensions: b.extensions,
  })
  .describe('New bulletin draft');

/**
 * `PATCH /v1/bulletins/{id}` body: the fields to replace and the `version` the edit is based on
 * (409 `version_conflict` when the bulletin changed since). Drafts and rejected bulletins only.
 *
 * @example
 * ```ts
 * BulletinPatchSchema.parse({ version: 2, priority: 'priority' });
 * ```
 */
export const BulletinPatchSchema = z
  .strictObject({
    version: b.version.describe('Version the edit is based on'),
    category: b.category.optional(),
    priority: b.priority.optional(),
    channels: b.channels.optional(),
    contents: b.contents.optional(),
    targets: RequestTargetsSchema.optional(),
    schedule: b.schedule.optional(),
    issuer: b.issuer.optional(),
    extensions: b.extensions,
  })
  .describe('Bulletin edit');

/**
 * `GET /v1/bulletins` filters: status, unit (targets the unit or a unit above it), priority,
 * category, and a time range on `schedule.start`.
 *
 * @example
 * ```ts
 * pageQuery(BulletinListFiltersShape).parse({ status: 'published', unit: '24065' });
 * ```
 */
export const BulletinListFiltersShape = {
  status: StatusSchema.optional(),
  unit: UnitCodeSchema.optional().describe('Only bulletins that reach this unit'),
  priority: PrioritySchema.optional(),
  category: CategorySchema.optional(),
  from: DateTimeSchema.optional().describe('schedule.start at or after'),
  to: DateTimeSchema.optional().describe('schedule.start before'),
};

/** `POST /v1/bulletins/{id}/submit` body. @example `SubmitRequestSchema.parse({ note: 'Xin duyệt' })` */
export const SubmitRequestSchema = z
  .strictObject({ note: z.string().max(2_000).optional() })
  .describe('Submit');
/** `POST /v1/bulletins/{id}/approve` body. @example `ApproveRequestSchema.parse({})` */
export const ApproveRequestSchema = z
  .strictObject({ note: ApprovalSchema.shape.note, version: b.version.optional() })
  .describe('Approve');
/** `POST /v1/bulletins/{id}/reject` body: a reason is required. @example `RejectRequestSchema.parse({ note: 'Sai địa bàn' })` */
export const RejectRequestSchema = z
  .strictObject({ note: z.string().min(1, 'expected a reason for the rejection').max(2_000) })
  .describe('Reject');
/**
 * `POST /v1/bulletins/{id}/publish` body. `approve: true` is the emergency fast path (rule A-W1):
 * an approver approves and publishes an emergency bulletin in one call.
 *
 * @example
 * ```ts
 * PublishRequestSchema.parse({ approve: true, note: 'Lũ khẩn cấp' });
 * ```
 */
export const PublishRequestSchema = z
  .strictObject({
    approve: z.boolean().optional().describe('Approve and publish in one call (emergency only, rule A-W1)'),
    note: z.string().max(2_000).optional(),
  })
  .describe('Publish');
/** `POST /v1/bulletins/{id}/revoke` body: a reason is required. @example `RevokeRequestSchema.parse({ reason: 'Đã hết nguy cơ' })` */
export const RevokeRequestSchema = z
  .strictObject({ reason: b.revokeReason.unwrap().describe('Why; sent to devices and shown in feeds') })
  .describe('Revoke');

/** Delivery counts of a set of devices. */
const deliveryCounts = {
  targeted: z.int().min(0),
  acked: z.int().min(0).describe('Devices that accepted the bulletin'),
  played: z.int().min(0).describe('Devices with a proof of play (receipt)'),
  failed: z.int().min(0),
  pending: z.int().min(0),
};

/**
 * `GET /v1/bulletins/{id}/delivery`: live delivery and proof of play, in total, per unit and per
 * device. A token sees only the devices in its unit scope (A-S4), and the counts are those of these
 * devices: a commune reading a province-wide bulletin sees its own loudspeakers, not the province's.
 *
 * @example
 * ```ts
 * const d = DeliverySchema.parse(json);
 * console.log(`${d.played}/${d.targeted} played`);
 * ```
 */
export const DeliverySchema = z
  .strictObject({
    bulletinId: IdSchema,
    version: z.int().min(1),
    ...deliveryCounts,
    byUnit: z.array(z.strictObject({ unitCode: UnitCodeSchema, ...deliveryCounts })),
    devices: z.array(
      z.strictObject({
        deviceId: deviceIdSchema,
        state: z.enum(['pending', 'acked', 'played', 'failed']),
        ackedAt: DateTimeSchema.optional(),
        playedAt: DateTimeSchema.optional(),
        outcome: z.enum(['completed', 'interrupted', 'preempted', 'failed', 'skipped']).optional(),
        reason: z.string().optional(),
      }),
    ),
    updatedAt: DateTimeSchema,
  })
  .describe('Delivery and proof of play, counted on the devices within the unit scope of the token (A-S4)');

/**
 * One entry of `GET /v1/bulletins/{id}/history`: who (token id and role) did what (`create`,
 * `import_cap`, `update`, `submit`, `approve`, `reject`, `publish`, `revoke`), when, the status
 * before (`null` on creation) and after, the bulletin version after the step and the note or reason
 * given with it.
 *
 * @example
 * ```ts
 * BulletinHistoryEntrySchema.parse({
 *   at: '2026-11-26T01:00:05.000Z',
 *   actor: { id: '01JD0000000000000000000000', role: 'approver' },
 *   action: 'publish',
 *   from: 'approved',
 *   to: 'published',
 *   version: 1,
 * });
 * ```
 */
export const BulletinHistoryEntrySchema = z
  .strictObject({
    at: DateTimeSchema,
    actor: z.strictObject({
      id: z.string().min(1).describe('Id of the token that did the step'),
      role: RoleSchema,
    }),
    action: z
      .string()
      .min(1)
      .describe('create, import_cap, update, submit, approve, reject, publish or revoke'),
    from: StatusSchema.nullable().describe('Status before the step; null when the bulletin was created'),
    to: StatusSchema,
    version: z.int().min(1).describe('Version of the bulletin after the step'),
    note: z.string().optional().describe('The note (submit, approve, reject, publish) or revoke reason'),
  })
  .describe('Bulletin history entry');

/**
 * `GET /v1/bulletins/{id}/history` answer: the audit log of one bulletin, oldest first.
 *
 * @example
 * ```ts
 * const { items } = BulletinHistorySchema.parse(json);
 * items.map((e) => `${e.at} ${e.actor.role} ${e.action} ${e.from ?? '∅'} → ${e.to}`);
 * ```
 */
export const BulletinHistorySchema = z
  .strictObject({ items: z.array(BulletinHistoryEntrySchema) })
  .describe('Bulletin history');

// ── CAP ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * One note of a CAP import: a rule of the bulletin schema or of the unit registry that the draft
 * made from the alert does not meet yet. `at` is the path in the bulletin (`contents[0].title`,
 * `targets.units.codes[1]`), or in the alert for what the alert lacks (`alert/info[0]/area[1]`: an
 * area without a `VN-GSO` unit geocode, code `cap_area_without_unit`; `targets` with code
 * `cap_no_target` when no area named a unit, so that no token can reach the draft); `code` a stable
 * code (a zod issue code or a registry check such as `unit_unknown`), `message` what was expected
 * and found.
 *
 * @example
 * ```ts
 * CapImportIssueSchema.parse({ at: 'targets.units.codes[0]', code: 'unit_unknown', message: 'no unit 99999' });
 * ```
 */
export const CapImportIssueSchema = z
  .strictObject({
    at: z
      .string()
      .describe(
        'Path in the bulletin (`targets.units.codes[1]`), or in the CAP alert (`alert/info[0]/area[1]`); empty for the bulletin as a whole',
      ),
    code: z.string().min(1),
    message: z.string().min(1),
  })
  .describe('CAP import issue');

/**
 * The draft a CAP import stored while `issues` still lists rules it does not meet: what the server
 * guarantees of it (id, version 1, status `draft`, the caller as author, creation time, one content
 * per CAP language with a title) and every other bulletin field that the alert gave, unchecked.
 *
 * @example
 * ```ts
 * const draft = CapDraftSchema.parse(answer.bulletin);
 * draft.contents[0]?.title;
 * ```
 */
export const CapDraftSchema = z
  .looseObject({
    id: IdSchema,
    version: z.literal(1),
    status: z.literal('draft'),
    author: PersonSchema,
    createdAt: DateTimeSchema,
    contents: z.array(z.looseObject({ lang: z.string().min(1), title: z.string().min(1) })).min(1),
  })
  .describe('Incomplete CAP draft');

/**
 * `POST /v1/cap` answer (201, with `Location: /v1/bulletins/{id}`): the stored draft made from the
 * alert and the `issues` the editor must fix (with `updateBulletin`) before it can be submitted.
 * With no issue, `bulletin` is a complete `Bulletin` (status `draft`, version 1, the caller as
 * author); with issues, it is the stored draft as far as the alert filled it ({@link CapDraftSchema}):
 * the server keeps a foreign alert (no Vietnamese text, no unit geocode) rather than refusing it. CAP
 * fields a bulletin cannot hold are kept in `extensions.cap` and written back by
 * `GET /v1/bulletins/{id}/cap`.
 *
 * @example
 * ```ts
 * const { bulletin, issues } = CapImportResultSchema.parse(json);
 * if (issues.length === 0) BulletinSchema.parse(bulletin); // never throws
 * ```
 */
export const CapImportResultSchema = z
  .union([
    z.strictObject({ bulletin: BulletinSchema, issues: z.array(CapImportIssueSchema).length(0) }),
    z.strictObject({ bulletin: CapDraftSchema, issues: z.array(CapImportIssueSchema).min(1) }),
  ])
  .describe('Imported CAP alert');

// ── Feedback (Decree 49/2024, Art. 3 §2: two-way information) ──────────────────────────────────

/**
 * `POST /v1/feedback` body: a citizen's feedback (ý kiến phản hồi) about a unit, optionally about a
 * bulletin. No token needed; rate-limited.
 *
 * @example
 * ```ts
 * FeedbackCreateSchema.parse({ unitCode: '24065', text: 'Loa ở thôn 3 không nghe rõ.' });
 * ```
 */
export const FeedbackCreateSchema = z
  .strictObject({
    unitCode: UnitCodeSchema,
    text: z.string().min(1).max(5_000).regex(/\S/, 'expected a non-empty text, not only spaces'),
    subject: z.string().min(1).max(300).optional(),
    bulletinId: IdSchema.optional(),
    lang: LanguageTagSchema.optional(),
    channel: z.enum(['web', 'sms', 'hotline', 'in_person', 'app']).optional(),
    contact: z
      .strictObject({
        name: z.string().min(1).max(200).optional(),
        phone: z
          .string()
          .regex(/^\+?[0-9 ]{6,20}$/, 'expected a phone number of digits')
          .optional(),
        email: z.email().optional(),
      })
      .optional()
      .describe('How to answer; never shown publicly'),
  })
  .describe('New feedback');

/**
 * A reply of the authority to a feedback.
 *
 * @example
 * ```ts
 * FeedbackReplySchema.parse({ id: '01JD…', text: 'Đã sửa loa.', by: { name: 'UBND xã' }, at: '2026-11-26T08:00:00Z' });
 * ```
 */
export const FeedbackReplySchema = z
  .strictObject({ id: UlidSchema, text: z.string().min(1), by: PersonSchema, at: DateTimeSchema })
  .describe('Reply');

/**
 * A feedback with its state and the replies.
 *
 * @example
 * ```ts
 * const open = page.items.filter((f) => FeedbackSchema.parse(f).status === 'open');
 * ```
 */
export const FeedbackSchema = z
  .strictObject({
    ...FeedbackCreateSchema.shape,
    id: UlidSchema,
    status: z.enum(['open', 'answered', 'closed']),
    receivedAt: DateTimeSchema,
    replies: z.array(FeedbackReplySchema),
  })
  .describe('Feedback');

/** `GET /v1/feedback` filters. @example `FeedbackListFiltersShape.status` */
export const FeedbackListFiltersShape = {
  unit: UnitCodeSchema.optional(),
  status: z.enum(['open', 'answered', 'closed']).optional(),
  bulletinId: IdSchema.optional(),
};

/**
 * `POST /v1/feedback/{id}/reply` body: the reply text, and `close` to close the feedback.
 *
 * @example
 * ```ts
 * FeedbackReplyRequestSchema.parse({ text: 'Cảm ơn, đã xử lý.', close: true });
 * ```
 */
export const FeedbackReplyRequestSchema = z
  .strictObject({
    text: z.string().min(1).max(5_000).regex(/\S/, 'expected a non-empty text'),
    close: z.boolean().optional(),
  })
  .describe('Reply request');

// ── Units ───────────────────────────────────────────────────────────────────────────────────────

/**
 * An administrative unit in force at a date, as `@nguon/areas` gives it.
 *
 * @example
 * ```ts
 * UnitSchema.parse({ code: '64', level: 'province', name: 'Tỉnh Gia Lai', shortName: 'Gia Lai', nameEn: 'Gia Lai Province', type: 'province', parent: null, validFrom: '2024-09-01', validTo: '2025-07-01' });
 * ```
 */
export const UnitSchema = z
  .strictObject({
    code: UnitCodeSchema,
    level: z.enum(['province', 'district', 'commune']),
    name: z.string(),
    shortName: z.string(),
    nameEn: z.string(),
    type: z.enum([
      'province',
      'municipality',
      'district',
      'urban-district',
      'town',
      'city',
      'commune',
      'ward',
      'township',
      'special-zone',
    ]),
    parent: UnitCodeSchema.nullable(),
    validFrom: IsoDateSchema,
    validTo: IsoDateSchema.nullable(),
  })
  .describe('Administrative unit');

/** `GET /v1/units` filters. @example `UnitListFiltersShape.at` */
export const UnitListFiltersShape = {
  at: IsoDateSchema.optional().describe('Date the units are in force at; today when absent'),
  parent: UnitCodeSchema.optional().describe('Only the units directly under this one'),
  level: z.enum(['province', 'district', 'commune']).optional(),
  q: z.string().min(1).max(200).optional().describe('Name search, with or without diacritics'),
};

// ── Feeds ───────────────────────────────────────────────────────────────────────────────────────

/**
 * `GET /v1/feeds/{unitCode}.json`: a JSON Feed 1.1 of the published bulletins for a unit and its
 * ancestors, for commune websites. `_nguon` carries the bulletin's id, version, priority and category.
 *
 * @example
 * ```ts
 * const feed = JsonFeedSchema.parse(json);
 * feed.items.map((i) => i.title);
 * ```
 */
export const JsonFeedSchema = z
  .looseObject({
    version: z.literal('https://jsonfeed.org/version/1.1'),
    title: z.string(),
    home_page_url: z.string().optional(),
    feed_url: z.string(),
    language: LanguageTagSchema.optional(),
    items: z.array(
      z.looseObject({
        id: z.string(),
        url: z.string().optional(),
        title: z.string(),
        content_text: z.string().optional(),
        date_published: DateTimeSchema,
        date_modified: DateTimeSchema.optional(),
        language: LanguageTagSchema.optional(),
        tags: z.array(z.string()).optional(),
        _nguon: z.strictObject({
          bulletinId: IdSchema,
          version: z.int().min(1),
          priority: PrioritySchema,
          category: CategorySchema,
          status: z.enum(['published', 'revoked', 'expired']),
        }),
      }),
    ),
  })
  .describe('JSON Feed 1.1');

// ── Plans (indicators) ─────────────────────────────────────────────────────────────────────────

const plan = Dataset.shape;

/**
 * A plan in a list: its id, title, issuing document, province and years.
 *
 * @example
 * ```ts
 * const s = PlanSummarySchema.parse(json);
 * s.years; // [2024, 2025]
 * ```
 */
export const PlanSummarySchema = z
  .strictObject({
    id: plan.id,
    title: plan.title,
    issuer: plan.issuer,
    document: plan.document,
    province: plan.province,
    years: plan.years,
    indicatorCount: z.int().min(0),
  })
  .describe('Plan summary');

/** The full plan: the `Dataset` of `@nguon/indicators`. @example `PlanSchema.parse(json).targets.length` */
export const PlanSchema = Dataset;

/** `GET /v1/plans/{id}/progress` query. @example `PlanProgressQuerySchema.parse({ year: '2025' })` */
export const PlanProgressQuerySchema = z.strictObject({
  year: z.coerce.number<string | number>().int().min(1900).max(2200).optional().describe('Only this year'),
  unit: UnitCodeSchema.optional(),
});

/**
 * One row of `GET /v1/plans/{id}/progress`: the `ProgressRow` of `@nguon/indicators` and where its
 * actual came from. `source` is `recorded` when every part of the actual was recorded by a person
 * (`POST /v1/plans/{id}/actuals`), `registry` when the actual, or a part of its sum, is proven by the
 * device registry (a commune with a working radio system or a connected board: value 1, status
 * `estimated`); it is absent when the row has no actual.
 *
 * @example
 * ```ts
 * const row = PlanProgressRowSchema.parse(json.rows[0]);
 * if (row.source === 'registry') console.log(`${row.unitCode}: proven by the device registry`);
 * ```
 */
export const PlanProgressRowSchema = ProgressRow.extend({
  source: z
    .enum(['recorded', 'registry'])
    .optional()
    .describe(
      'Where the actual came from: `recorded` by a person, or (wholly or in part) proven by the device `registry`; absent without an actual',
    ),
}).describe('Progress row');

/**
 * `GET /v1/plans/{id}/progress`: target, actual and achievement per indicator, unit and year, with
 * the source of each actual.
 *
 * @example
 * ```ts
 * const { rows } = PlanProgressSchema.parse(json);
 * rows.filter((r) => r.status === 'behind');
 * ```
 */
export const PlanProgressSchema = z
  .strictObject({ planId: plan.id, year: z.int().optional(), rows: z.array(PlanProgressRowSchema) })
  .describe('Plan progress');

/**
 * `POST /v1/plans/{id}/actuals` body: the actuals (thực hiện) to record; a later value for the same
 * (indicator, unit, year) replaces the earlier one.
 *
 * @example
 * ```ts
 * ActualsRequestSchema.parse({ actuals: [{ indicator: 'commune_radio', unitCode: '622', year: 2024, value: 13 }] });
 * ```
 */
export const ActualsRequestSchema = z
  .strictObject({ actuals: z.array(Actual).min(1, 'expected at least one actual').max(50_000) })
  .describe('Actuals');

/**
 * `POST /v1/plans/{id}/actuals` answer: how many were stored and the findings of validation.
 *
 * @example
 * ```ts
 * const { stored, findings } = ActualsResultSchema.parse(json);
 * ```
 */
export const ActualsResultSchema = z
  .strictObject({ stored: z.int().min(0), findings: z.array(Finding) })
  .describe('Stored actuals');

// ── Reports ─────────────────────────────────────────────────────────────────────────────────────

/** `GET /v1/reports/broadcasts` query. @example `BroadcastReportQuerySchema.parse({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })` */
export const BroadcastReportQuerySchema = z.strictObject({
  from: DateTimeSchema,
  to: DateTimeSchema,
  unit: UnitCodeSchema.optional().describe('This unit and the units under it; the token scope when absent'),
});

const broadcastFigures = {
  plays: z.int().min(0).describe('Completed plays with a proof of play'),
  minutesOnAir: z.number().min(0),
  bulletins: z.int().min(0).describe('Distinct bulletins played'),
  devicesReporting: z.int().min(0),
};

/**
 * `GET /v1/reports/broadcasts`: plays and minutes on air per unit over a time range (monitoring and
 * evaluation).
 *
 * @example
 * ```ts
 * const r = BroadcastReportSchema.parse(json);
 * r.totals.minutesOnAir;
 * ```
 */
export const BroadcastReportSchema = z
  .strictObject({
    from: DateTimeSchema,
    to: DateTimeSchema,
    units: z.array(z.strictObject({ unitCode: UnitCodeSchema, ...broadcastFigures })),
    totals: z.strictObject(broadcastFigures),
  })
  .describe('Broadcast report');

/**
 * `GET /v1/reports/devices`: devices, uptime and coverage per unit.
 *
 * @example
 * ```ts
 * DeviceReportSchema.parse(json).units.filter((u) => u.online === 0);
 * ```
 */
export const DeviceReportSchema = z
  .strictObject({
    at: DateTimeSchema,
    units: z.array(
      z.strictObject({
        unitCode: UnitCodeSchema,
        devices: z.int().min(0),
        online: z.int().min(0),
        uptimePct: z.number().min(0).max(100).describe('Share of the last 30 days the devices were online'),
        covered: z.boolean().describe('At least one online device serves the unit'),
      }),
    ),
    coveragePct: z.number().min(0).max(100).describe('Share of the units with at least one online device'),
  })
  .describe('Device report');

/** `GET /v1/reports/devices` query. @example `DeviceReportQuerySchema.parse({ unit: '64' })` */
export const DeviceReportQuerySchema = z.strictObject({ unit: UnitCodeSchema.optional() });

// ── Operations ──────────────────────────────────────────────────────────────────────────────────

/**
 * `GET /health`: `ok` when the database and the broker answer.
 *
 * @example
 * ```ts
 * HealthSchema.parse(await (await fetch('/health')).json()).status;
 * ```
 */
export const HealthSchema = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSec: z.number().min(0),
    checks: z.record(z.string(), z.enum(['ok', 'down'])),
  })
  .describe('Health');

/** An accepted file upload (same shape as a bulletin's media reference). @example `MediaUploadedSchema.parse(json).sha256` */
export const MediaUploadedSchema = MediaRefSchema;
