import * as z from 'zod/mini';
import { errorCodeSchema } from './codes';
import { ackHasCode, endAtAfterStartAt, expAfterTs, includesVersion1 } from './cross-field';
import { DEVICE_ID_PATTERN, UNIT_CODE_PATTERN } from './topics';

/**
 * Attaches JSON Schema metadata to a copy of `schema` (zod/mini's `z.meta()` check would also run,
 * as a no-op, on every parse).
 */
function withMeta<T extends z.ZodMiniType>(schema: T, meta: z.core.GlobalMeta): T {
  const copy = schema.clone() as T;
  z.globalRegistry.add(copy, { ...z.globalRegistry.get(schema), ...meta });
  return copy;
}

// ── Building blocks ────────────────────────────────────────────────────────────────────────────

/**
 * A ULID (26 Crockford base32 characters): the `id` of every message.
 *
 * @example
 * ```ts
 * ulidSchema.parse('01JF0000000000000000000000');
 * ```
 */
export const ulidSchema = withMeta(z.ulid(), { description: 'ULID, unique per sender' });

/**
 * P-X4: an RFC 3339 time in UTC with a literal `Z`, fractional seconds optional.
 *
 * @example
 * ```ts
 * timeSchema.parse('2026-11-26T08:00:00.000Z');
 * ```
 */
export const timeSchema = withMeta(z.iso.datetime(), { description: 'RFC 3339 time in UTC ending in Z' });

/**
 * A sha256 digest: 64 lowercase hex characters.
 *
 * @example
 * ```ts
 * sha256Schema.parse('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
 * ```
 */
export const sha256Schema = z
  .string()
  .check(z.regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters'));

/**
 * P-T2: a device id, `^[a-z0-9][a-z0-9-]{2,63}$`.
 *
 * @example
 * ```ts
 * deviceIdSchema.parse('loa-52001-001');
 * ```
 */
export const deviceIdSchema = z
  .string()
  .check(z.regex(DEVICE_ID_PATTERN, 'expected a device id ^[a-z0-9][a-z0-9-]{2,63}$'));

/**
 * P-X10: a GSO unit code of 2, 3 or 5 digits.
 *
 * @example
 * ```ts
 * unitCodeSchema.parse('52001');
 * ```
 */
export const unitCodeSchema = z
  .string()
  .check(z.regex(UNIT_CODE_PATTERN, 'expected a GSO unit code of 2, 3 or 5 digits'));

/**
 * A BCP 47 language tag (any well-formed tag is accepted, P-B1), e.g. `vi`, `jra`, `bdq`, `en-US`.
 *
 * @example
 * ```ts
 * languageTagSchema.parse('jra');
 * ```
 */
export const languageTagSchema = z
  .string()
  .check(
    z.regex(/^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/, 'expected a BCP 47 language tag such as "vi" or "jra"'),
  );

/**
 * The addressee of a command: `dev:{deviceId}` or `area:{unitCode}`.
 *
 * @example
 * ```ts
 * addresseeSchema.parse('area:52');
 * ```
 */
export const addresseeSchema = z
  .string()
  .check(
    z.regex(
      /^(?:dev:[a-z0-9][a-z0-9-]{2,63}|area:(?:[0-9]{2}|[0-9]{3}|[0-9]{5}))$/,
      'expected "dev:{deviceId}" or "area:{unitCode}"',
    ),
  );

/**
 * An absolute `http:` or `https:` URL (media and live sources).
 *
 * @example
 * ```ts
 * httpUrlSchema.parse('https://media.example.vn/a.mp3');
 * ```
 */
export const httpUrlSchema = z
  .string()
  .check(
    z.maxLength(2048, 'expected a URL of at most 2048 characters'),
    z.regex(/^https?:\/\/[^\s/?#]+\S*$/, 'expected an absolute http(s) URL without spaces'),
  );

/**
 * A local clock time `HH:MM` (00:00–23:59).
 *
 * @example
 * ```ts
 * clockTimeSchema.parse('21:30');
 * ```
 */
export const clockTimeSchema = z
  .string()
  .check(z.regex(/^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/, 'expected HH:MM'));

/**
 * P-Q1: a priority level (TT 39/2020: thông thường, ưu tiên, khẩn cấp), `normal` < `priority` < `emergency`.
 *
 * @example
 * ```ts
 * prioritySchema.parse('emergency');
 * ```
 */
export const prioritySchema = z.enum(['normal', 'priority', 'emergency']);

/**
 * P-B2: a broadcast window, `days` as ISO weekdays (1 = Monday … 7 = Sunday), `from`/`to` in
 * `config.timeZone`; `to` may be `24:00` (end of day); `to` earlier than `from` crosses midnight.
 *
 * @example
 * ```ts
 * windowSchema.parse({ days: [1, 2, 3, 4, 5], from: '06:00', to: '07:00' });
 * ```
 */
export const windowSchema = z.object({
  days: z.array(z.int().check(z.minimum(1), z.maximum(7))).check(z.minLength(1), z.maxLength(7)),
  from: clockTimeSchema,
  to: z.string().check(z.regex(/^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'expected HH:MM or 24:00')),
});

/**
 * P-T3: a media file, fetched by URL and verified against `sha256` and `size` before first play (P-M1).
 *
 * @example
 * ```ts
 * mediaSchema.parse({ url: 'https://media.example.vn/a.mp3', sha256: 'e3b0…', size: 48213, mime: 'audio/mpeg' });
 * ```
 */
export const mediaSchema = z.object({
  url: httpUrlSchema,
  sha256: sha256Schema,
  size: z.int().check(z.minimum(0)),
  mime: z.string().check(z.regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/i, 'expected a MIME type such as audio/mpeg')),
  durationSec: z.optional(z.number().check(z.minimum(0))),
  lang: z.optional(languageTagSchema),
});

/**
 * P-X6: a trusted signing key: `kid` and the raw 32-byte Ed25519 public key in unpadded base64url.
 *
 * @example
 * ```ts
 * trustAnchorSchema.parse({ kid: 'gl-2026-1', publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
 * ```
 */
export const trustAnchorSchema = z.object({
  kid: z
    .string()
    .check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/, 'expected a kid of 1–128 characters [A-Za-z0-9._:-]')),
  publicKey: z
    .string()
    .check(
      z.regex(/^[A-Za-z0-9_-]{43}$/, 'expected a 32-byte Ed25519 key in unpadded base64url (43 characters)'),
    ),
});

/**
 * The device configuration carried by `welcome.config` and `config.set` (every field but
 * `configVersion` optional; only the fields present change).
 *
 * @example
 * ```ts
 * deviceConfigSchema.parse({ configVersion: 7, volume: 60, languages: ['jra', 'vi'] });
 * ```
 */
export const deviceConfigSchema = z.object({
  configVersion: withMeta(z.int().check(z.minimum(0)), { description: 'Set by the system; only grows' }),
  volume: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
  emergencyVolume: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
  heartbeatSec: z.optional(z.int().check(z.minimum(5), z.maximum(86_400))),
  languages: withMeta(z.optional(z.array(languageTagSchema)), { description: 'Preference order, BCP 47' }),
  timeZone: withMeta(z.optional(z.string().check(z.minLength(1))), {
    description: 'IANA time zone, default Asia/Ho_Chi_Minh',
  }),
  quietHours: z.optional(z.object({ from: clockTimeSchema, to: clockTimeSchema })),
  windows: z.optional(z.array(windowSchema)),
  attentionSignal: withMeta(z.optional(z.union([mediaSchema, z.literal(false)])), {
    description: 'P-Q4: media opening an emergency on a radio; false turns it off; absent = built-in tone',
  }),
});

// ── Envelopes ───────────────────────────────────────────────────────────────────────────────────

const envelopeFields = {
  v: z.literal(1),
  id: ulidSchema,
  ts: timeSchema,
};

const expAfterTsCheck = () =>
  z.superRefine((value: { ts: string; exp?: string | undefined }, ctx) =>
    expAfterTs(value, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

function command<T extends string, B extends z.ZodMiniType>(type: T, body: B, description: string) {
  return withMeta(
    z
      .object({
        ...envelopeFields,
        type: z.literal(type),
        exp: withMeta(z.optional(timeSchema), {
          description: 'Without exp a command lives 24 h from ts (P-S2)',
        }),
        to: addresseeSchema,
        body,
      })
      .check(expAfterTsCheck()),
    { title: type, description },
  );
}

function event<T extends string, B extends z.ZodMiniType>(type: T, body: B, description: string) {
  return withMeta(
    z.object({
      ...envelopeFields,
      type: z.literal(type),
      seq: withMeta(z.int().check(z.minimum(1)), {
        description: 'Event counter of the device, +1 per new event, never reset',
      }),
      body,
    }),
    { title: type, description },
  );
}

/**
 * P-X14: the longest envelope `type`, in characters. The specification fixes no grammar for
 * `type`; any string of 1–64 characters passes the envelope, and one outside the catalogue is
 * answered `unsupported_type`.
 *
 * @example `if (type.length > MAX_TYPE_LENGTH) reject()`
 */
export const MAX_TYPE_LENGTH = 64;

/**
 * The envelope of §3 with any `type` and any object `body`: what every message has in common. Use
 * the catalogue schemas ({@link commandSchema}, {@link eventSchema}) to check a body.
 *
 * @example
 * ```ts
 * envelopeSchema.parse({ v: 1, id: '01JF0000000000000000000000', type: 'x.y', ts: '2026-11-26T08:00:00Z', body: {} });
 * ```
 */
export const envelopeSchema = withMeta(
  z
    .object({
      ...envelopeFields,
      // P-X14: the specification fixes no grammar for `type`, so any non-empty string up to 64
      // characters is an envelope type; one outside the catalogue is answered unsupported_type.
      type: withMeta(
        z
          .string()
          .check(
            z.minLength(1, 'expected a type of 1–64 characters'),
            z.maxLength(MAX_TYPE_LENGTH, 'expected a type of 1–64 characters'),
          ),
        { description: 'Message type: any string of 1–64 characters (P-X14)' },
      ),
      exp: z.optional(timeSchema),
      to: z.optional(addresseeSchema),
      seq: z.optional(z.int().check(z.minimum(1))),
      body: z.record(z.string(), z.unknown()),
    })
    .check(expAfterTsCheck()),
  { title: 'envelope', description: 'The envelope every protocol message shares (§3)' },
);

// ── Command bodies (system → device, §6) ────────────────────────────────────────────────────────

/**
 * P-B1: speech hints for reading a content's text aloud, as `@nguon/bulletin` writes them
 * (`BulletinContent.tts`): a voice name (1–100 characters) and a speaking rate from 0.5 to 2
 * (1 = normal). A device that cannot honour them reads the text with its default voice.
 *
 * @example
 * ```ts
 * ttsHintsSchema.parse({ voice: 'vi-female-central', rate: 0.9 });
 * ```
 */
export const ttsHintsSchema = withMeta(
  z.object({
    voice: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    rate: withMeta(z.optional(z.number().check(z.minimum(0.5), z.maximum(2))), {
      description: 'Speaking rate, 1 = normal',
    }),
  }),
  { description: 'Text-to-speech hints (voice, rate 0.5–2)' },
);

/**
 * P-B1: the playout view of a bulletin inside `bulletin.deliver`. `category` is any string and
 * `lang` any BCP 47 tag, for forward compatibility.
 *
 * @example
 * ```ts
 * playoutBulletinSchema.parse({ id: 'b-1', version: 1, category: 'disaster', priority: 'emergency',
 *   title: 'Bão số 9', contents: [{ lang: 'vi', text: 'Bão số 9 đổ bộ…', tts: { rate: 0.9 } }] });
 * ```
 */
export const playoutBulletinSchema = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  version: z.int().check(z.minimum(1)),
  category: z.string().check(z.minLength(1)),
  priority: prioritySchema,
  title: z.string().check(z.minLength(1)),
  contents: z
    .array(
      z.object({
        lang: languageTagSchema,
        title: z.optional(z.string()),
        text: z.optional(z.string()),
        mediaSha256: z.optional(sha256Schema),
        tts: z.optional(ttsHintsSchema),
      }),
    )
    .check(z.minLength(1)),
});

/**
 * P-B2: when and how often a bulletin plays.
 *
 * @example
 * ```ts
 * playoutSchema.parse({ priority: 'normal', startAt: '2026-11-26T06:00:00Z', repeat: { count: 3, intervalSec: 600 } });
 * ```
 */
export const playoutSchema = z
  .object({
    priority: prioritySchema,
    startAt: timeSchema,
    endAt: z.optional(timeSchema),
    repeat: z.optional(
      z.object({
        count: withMeta(z._default(z.int().check(z.minimum(1)), 1), { description: 'Total number of plays' }),
        intervalSec: withMeta(z._default(z.int().check(z.minimum(0)), 0), {
          description: 'Gap between the starts of two plays',
        }),
      }),
    ),
    windows: z.optional(z.array(windowSchema)),
  })
  .check(
    z.superRefine((value, ctx) =>
      endAtAfterStartAt(value, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
    ),
  );

const empty = z.object({});

/** Body of `welcome` (P-H3, P-H5). @example `welcomeBodySchema.shape.helloId` */
export const welcomeBodySchema = z.object({
  helloId: withMeta(ulidSchema, { description: 'id of the hello this welcome answers (P-H5)' }),
  serverTime: timeSchema,
  heartbeatSec: z.int().check(z.minimum(5), z.maximum(86_400)),
  config: deviceConfigSchema,
  trust: z.array(trustAnchorSchema).check(z.minLength(1)),
  trustVersion: z.int().check(z.minimum(1)),
  receiptsCommittedUpTo: z.int().check(z.minimum(0)),
});
/** Body of `bulletin.deliver`. @example `bulletinDeliverBodySchema.shape.playout` */
export const bulletinDeliverBodySchema = z.object({
  bulletin: playoutBulletinSchema,
  playout: playoutSchema,
  media: z.array(mediaSchema),
});
/** Body of `bulletin.revoke`. @example `bulletinRevokeBodySchema.parse({ bulletinId: 'b-1' })` */
export const bulletinRevokeBodySchema = z.object({
  bulletinId: z.string().check(z.minLength(1), z.maxLength(128)),
});
/** Body of `live.start`. @example `liveStartBodySchema.shape.format` */
export const liveStartBodySchema = z.object({
  url: httpUrlSchema,
  format: z.enum(['hls', 'icecast']),
  priority: prioritySchema,
  until: timeSchema,
});
/** Body of `config.set`. @example `configSetBodySchema.parse({ configVersion: 8, volume: 70 })` */
export const configSetBodySchema = deviceConfigSchema;
/** Body of `keys.update` (P-S3). @example `keysUpdateBodySchema.shape.trustVersion` */
export const keysUpdateBodySchema = z.object({
  trust: z.array(trustAnchorSchema).check(z.minLength(1)),
  trustVersion: z.int().check(z.minimum(1)),
});
/** Body of `receipts.commit` (P-R2). @example `receiptsCommitBodySchema.parse({ upTo: 41 })` */
export const receiptsCommitBodySchema = z.object({ upTo: z.int().check(z.minimum(0)) });

/**
 * Every command of §6, by type: the full envelope schema of each.
 *
 * @example
 * ```ts
 * COMMAND_SCHEMAS['bulletin.revoke'].safeParse(envelope).success;
 * ```
 */
export const COMMAND_SCHEMAS = {
  welcome: command(
    'welcome',
    welcomeBodySchema,
    'Answer to hello: config, trust anchors, clock (P-H3, P-H5)',
  ),
  'bulletin.deliver': command(
    'bulletin.deliver',
    bulletinDeliverBodySchema,
    'Fetch and verify media, schedule the bulletin',
  ),
  'bulletin.revoke': command(
    'bulletin.revoke',
    bulletinRevokeBodySchema,
    'Stop the bulletin now if it plays, drop it',
  ),
  'playback.stop': command('playback.stop', empty, 'Stop whatever plays'),
  'live.start': command('live.start', liveStartBodySchema, 'Relay a live source'),
  'live.stop': command('live.stop', empty, 'Stop the live relay'),
  'config.set': command('config.set', configSetBodySchema, 'Apply a partial configuration'),
  'keys.update': command('keys.update', keysUpdateBodySchema, 'Replace the trust anchors (P-S3)'),
  'receipts.commit': command(
    'receipts.commit',
    receiptsCommitBodySchema,
    'Forget receipts up to and including upTo (P-R2)',
  ),
  'device.ping': command('device.ping', empty, 'Answer with an ack carrying deviceTime'),
  'device.selftest': command(
    'device.selftest',
    empty,
    'Test speakers or screen, report via status and alarm',
  ),
} as const;

/**
 * A command type.
 *
 * @example
 * ```ts
 * const t: CommandType = 'bulletin.deliver';
 * ```
 */
export type CommandType = keyof typeof COMMAND_SCHEMAS;

/** Every command type, in catalogue order. @example `COMMAND_TYPES.includes('welcome')` */
export const COMMAND_TYPES = Object.keys(COMMAND_SCHEMAS) as CommandType[];

// ── Event bodies (device → system, §5, §6, §8, §9) ─────────────────────────────────────────────

/** Body of `hello` (P-H2). @example `helloBodySchema.shape.capabilities` */
export const helloBodySchema = z.object({
  kind: z.enum(['radio', 'board']),
  vendor: z.string().check(z.minLength(1)),
  model: z.string().check(z.minLength(1)),
  firmware: z.string().check(z.minLength(1)),
  protocols: z
    .array(z.int().check(z.minimum(1)))
    .check(z.minLength(1), z.refine(includesVersion1, 'expected protocols to include 1')),
  units: z.array(unitCodeSchema).check(z.minLength(1)),
  capabilities: z.object({
    audio: z.optional(z.object({ codecs: z.array(z.string()), tts: z.array(languageTagSchema) })),
    display: z.optional(
      z.object({
        width: z.int().check(z.minimum(1)),
        height: z.int().check(z.minimum(1)),
        color: z.boolean(),
        mime: z.array(z.string()),
      }),
    ),
    live: z.optional(z.array(z.enum(['hls', 'icecast']))),
  }),
  receiptsPendingFrom: withMeta(z.int().check(z.minimum(1)), {
    description: 'Lowest uncommitted receipt number, or the next one if none',
  }),
});
/** Body of `status` (P-H4). @example `statusBodySchema.shape.state` */
export const statusBodySchema = z.object({
  state: z.enum(['idle', 'playing', 'live', 'error']),
  playing: z.optional(z.object({ bulletinId: z.string().check(z.minLength(1)), since: timeSchema })),
  volume: z.int().check(z.minimum(0), z.maximum(100)),
  configVersion: z.int().check(z.minimum(0)),
  storageFreeBytes: z.optional(z.int().check(z.minimum(0))),
  uptimeSec: z.int().check(z.minimum(0)),
  signal: withMeta(z.optional(z.number()), { description: 'Signal strength in dBm' }),
  powerSource: withMeta(z.optional(z.string()), { description: 'e.g. mains, battery, solar' }),
  deviceTime: withMeta(timeSchema, { description: 'Raw device clock (P-H5)' }),
  badMessages: withMeta(z.optional(z.int().check(z.minimum(0))), {
    description: 'Malformed payloads dropped since boot (§9)',
  }),
});
/** Body of `ack` (§6, P-M2, P-M3). @example `ackBodySchema.parse({ ref: '01JF0000000000000000000000', ok: true })` */
export const ackBodySchema = z
  .object({
    ref: withMeta(z.string().check(z.minLength(1), z.maxLength(128)), {
      description: 'id of the command acknowledged',
    }),
    ok: z.boolean(),
    code: z.optional(errorCodeSchema),
    message: z.optional(z.string()),
    duplicate: z.optional(z.boolean()),
    deviceTime: withMeta(z.optional(timeSchema), { description: 'Set in the ack of device.ping' }),
  })
  .check(
    z.refine(ackHasCode, {
      path: ['code'],
      message: 'expected a code when ok is false',
    }),
  );
/** Body of `receipt` (P-R1). @example `receiptBodySchema.shape.outcome` */
export const receiptBodySchema = z.object({
  seq: withMeta(z.int().check(z.minimum(1)), { description: 'Receipt number: 1, 2, 3… per device, no gap' }),
  bulletinId: z.string().check(z.minLength(1), z.maxLength(128)),
  mediaSha256: z.optional(sha256Schema),
  lang: languageTagSchema,
  startedAt: timeSchema,
  endedAt: timeSchema,
  outcome: z.enum(['completed', 'interrupted', 'preempted', 'failed', 'skipped']),
  reason: z.optional(z.string()),
  offline: z.boolean(),
});
/** Body of `alarm` (§9). @example `alarmBodySchema.parse({ code: 'media_integrity', bulletinId: 'b-1' })` */
export const alarmBodySchema = z.object({
  code: z.string().check(z.regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case code')),
  message: z.optional(z.string()),
  ref: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  bulletinId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});

/**
 * Every device event, by type: the full envelope schema of each.
 *
 * @example
 * ```ts
 * EVENT_SCHEMAS.ack.parse(message);
 * ```
 */
export const EVENT_SCHEMAS = {
  hello: event('hello', helloBodySchema, 'Published after subscribing, on every connection (P-H2)'),
  status: event('status', statusBodySchema, 'Heartbeat and state changes (P-H4)'),
  ack: event('ack', ackBodySchema, 'Answer to a command within 5 s (P-M3)'),
  receipt: event(
    'receipt',
    receiptBodySchema,
    'Proof of play; sent as a JWS signed by the device key (P-R1, P-S4)',
  ),
  alarm: event('alarm', alarmBodySchema, 'A fault the system should know about (§9)'),
} as const;

/**
 * Presence, retained, also the MQTT will (P-H1). Not an envelope.
 *
 * @example
 * ```ts
 * presenceSchema.parse({ online: true, session: 12, ts: '2026-11-26T08:00:00Z' });
 * ```
 */
export const presenceSchema = withMeta(
  z.object({ online: z.boolean(), session: z.int().check(z.minimum(0)), ts: timeSchema }),
  {
    title: 'presence',
    description: 'Retained presence; the MQTT will carries online:false and the same session (P-H1)',
  },
);

/**
 * Any command, discriminated by `type`.
 *
 * @example
 * ```ts
 * const cmd = commandSchema.parse(json);
 * if (cmd.type === 'bulletin.deliver') console.log(cmd.body.playout.priority);
 * ```
 */
export const commandSchema = z.discriminatedUnion(
  'type',
  Object.values(COMMAND_SCHEMAS) as unknown as [
    (typeof COMMAND_SCHEMAS)[CommandType],
    ...(typeof COMMAND_SCHEMAS)[CommandType][],
  ],
);

/**
 * Any device event, discriminated by `type`.
 *
 * @example
 * ```ts
 * const evt = eventSchema.parse(json);
 * if (evt.type === 'ack' && !evt.body.ok) console.log(evt.body.code);
 * ```
 */
export const eventSchema = z.discriminatedUnion(
  'type',
  Object.values(EVENT_SCHEMAS) as unknown as [
    (typeof EVENT_SCHEMAS)[keyof typeof EVENT_SCHEMAS],
    ...(typeof EVENT_SCHEMAS)[keyof typeof EVENT_SCHEMAS][],
  ],
);

/** A parsed command. @example `function handle(cmd: Command) { if (cmd.type === 'device.ping') … }` */
export type Command = z.output<typeof commandSchema>;
/** A command of one type. @example `const c: CommandOf<'bulletin.revoke'> = …` */
export type CommandOf<T extends CommandType> = z.output<(typeof COMMAND_SCHEMAS)[T]>;
/** The body of a command of one type, as written by a sender. @example `const b: CommandBody<'receipts.commit'> = { upTo: 3 }` */
export type CommandBody<T extends CommandType> = z.input<(typeof COMMAND_SCHEMAS)[T]>['body'];
/** A parsed device event. @example `function onEvent(e: DeviceEvent) {}` */
export type DeviceEvent = z.output<typeof eventSchema>;
/** An event of one type. @example `const e: EventOf<'ack'> = …` */
export type EventOf<T extends keyof typeof EVENT_SCHEMAS> = z.output<(typeof EVENT_SCHEMAS)[T]>;
/** The generic envelope. @example `const env: Envelope = envelopeSchema.parse(json)` */
export type Envelope = z.output<typeof envelopeSchema>;
/** A trust anchor. @example `const a: TrustAnchor = { kid: 'k1', publicKey: '…' }` */
export type TrustAnchor = z.output<typeof trustAnchorSchema>;
/** Presence. @example `const p: Presence = { online: true, session: 1, ts: new Date().toISOString() }` */
export type Presence = z.output<typeof presenceSchema>;
