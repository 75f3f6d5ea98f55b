import * as z from 'zod';
import { BULLETIN_CATEGORIES, BULLETIN_CHANNELS, BULLETIN_PRIORITIES, BULLETIN_STATUSES } from './catalogues';
import {
  bulletinRules,
  contentRules,
  type RuleReport,
  scheduleRules,
  targetsRules,
  windowRules,
} from './rules';

// z.enum needs a non-empty tuple of the catalogue's codes, typed as its keys.
const keysOf = <T extends Record<string, unknown>>(o: T) =>
  Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];

/**
 * The category code, one of {@link BULLETIN_CATEGORIES}.
 *
 * @example
 * ```ts
 * CategorySchema.parse('disaster_emergency');
 * ```
 */
export const CategorySchema = z
  .enum(keysOf(BULLETIN_CATEGORIES))
  .describe('Essential-information category (Decree 49/2024/NĐ-CP, Art. 6)');

/**
 * The priority level, one of {@link BULLETIN_PRIORITIES} (Circular 39/2020/TT-BTTTT).
 *
 * @example
 * ```ts
 * PrioritySchema.parse('emergency');
 * ```
 */
export const PrioritySchema = z
  .enum(keysOf(BULLETIN_PRIORITIES))
  .describe('Priority (Circular 39/2020/TT-BTTTT): normal < priority < emergency');

/**
 * The channel type, one of {@link BULLETIN_CHANNELS} (Decree 49/2024/NĐ-CP, Art. 3).
 *
 * @example
 * ```ts
 * ChannelSchema.parse('radio_ip');
 * ```
 */
export const ChannelSchema = z
  .enum(keysOf(BULLETIN_CHANNELS))
  .describe('Channel type (Decree 49/2024/NĐ-CP, Art. 3)');

/**
 * The workflow status, one of {@link BULLETIN_STATUSES}.
 *
 * @example
 * ```ts
 * StatusSchema.parse('draft');
 * ```
 */
export const StatusSchema = z.enum(keysOf(BULLETIN_STATUSES)).describe('Workflow status');

/**
 * A date-time in RFC 3339 form with `Z` or an offset, e.g. `2026-11-26T08:00:00Z`.
 *
 * @example
 * ```ts
 * DateTimeSchema.parse('2026-11-26T15:00:00+07:00');
 * ```
 */
export const DateTimeSchema = z.iso.datetime({
  offset: true,
  error: 'expected an RFC 3339 date-time such as "2026-11-26T08:00:00Z"',
});

/**
 * An identifier (bulletin, device, device group, person): 1–128 characters of letters, digits and
 * `. _ : -`, starting with a letter or digit. ULIDs fit.
 *
 * @example
 * ```ts
 * IdSchema.parse('01JDX3K9Q2ZP4W1T6V8B0C5N7M');
 * ```
 */
export const IdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
    'expected an id of 1–128 letters, digits, ".", "_", ":" or "-"',
  );

/**
 * A lowercase hex sha256 digest (64 characters).
 *
 * @example
 * ```ts
 * Sha256HexSchema.parse('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
 * ```
 */
export const Sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected a sha256 digest of 64 lowercase hex characters');

/**
 * A well-formed BCP 47 language tag: language, optional script, region and variants
 * (`vi`, `jra`, `bdq`, `km`, `cjm-Cham`, `vi-VN`).
 *
 * @example
 * ```ts
 * LanguageTagSchema.parse('jra');
 * ```
 */
export const LanguageTagSchema = z
  .string()
  .regex(
    /^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$/,
    'expected a BCP 47 language tag such as "vi", "jra" or "cjm-Cham"',
  );

/**
 * An administrative unit code (mã đơn vị hành chính): 2 digits for a province, 3 for a district
 * (before 1 July 2025), 5 for a commune.
 *
 * @example
 * ```ts
 * UnitCodeSchema.parse('64');
 * ```
 */
export const UnitCodeSchema = z
  .string()
  .regex(/^(\d{2}|\d{3}|\d{5})$/, 'expected a unit code of 2 (province), 3 (district) or 5 (commune) digits');

// The cross-field rules live in rules.ts, shared with the fast path of parseBulletin; here each
// broken rule becomes a zod issue at its path.
const reportTo =
  (ctx: z.RefinementCtx): RuleReport =>
  (path, message) =>
    ctx.addIssue({ code: 'custom', path, message });

const nonBlank = (max: number, what: string) =>
  z
    .string()
    .max(max, `expected a ${what} of at most ${max} characters`)
    .regex(/\S/, `expected a non-empty ${what}, not only spaces`);

/**
 * A reference to a media file (audio, image, video): where to fetch it and how to verify it.
 *
 * @example
 * ```ts
 * MediaRefSchema.parse({ url: 'https://media.example.vn/a.mp3', mime: 'audio/mpeg', sha256: '…64 hex…', size: 48213, durationSec: 30 });
 * ```
 */
export const MediaRefSchema = z
  .strictObject({
    url: z
      .string()
      .max(2048, 'expected a URL of at most 2048 characters')
      .regex(/^https?:\/\/[^\s/?#]+[^\s]*$/, 'expected an absolute http(s) URL without spaces'),
    mime: z
      .string()
      .regex(/^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/, 'expected a lowercase MIME type such as "audio/mpeg"'),
    sha256: Sha256HexSchema,
    size: z.int().min(1, 'expected a size of at least 1 byte').describe('Size in bytes'),
    durationSec: z
      .number()
      .positive()
      .max(86_400)
      .optional()
      .describe('Play length in seconds (audio, video)'),
  })
  .describe('Media reference');

/**
 * Hints for text-to-speech when a radio reads `text` aloud: a voice name (engine-specific) and a
 * speaking rate (1 = normal, 0.5–2).
 *
 * @example
 * ```ts
 * TtsHintsSchema.parse({ voice: 'female-north', rate: 0.9 });
 * ```
 */
export const TtsHintsSchema = z
  .strictObject({
    voice: z.string().min(1).max(100).optional(),
    rate: z.number().min(0.5).max(2).optional(),
  })
  .describe('Text-to-speech hints');

/**
 * The bulletin's content in one language: title, body text, media and TTS hints. The text must be
 * written in a script that fits `lang` (see `checkLanguageScript`).
 *
 * @example
 * ```ts
 * BulletinContentSchema.parse({ lang: 'vi', title: 'Thông báo', text: 'Nội dung thông báo.' });
 * ```
 */
export const BulletinContentSchema = z
  .strictObject({
    lang: LanguageTagSchema,
    title: nonBlank(300, 'title'),
    text: z.string().max(50_000, 'expected a text of at most 50000 characters').optional(),
    audio: MediaRefSchema.optional(),
    images: z.array(MediaRefSchema).max(50).optional(),
    video: MediaRefSchema.optional(),
    tts: TtsHintsSchema.optional(),
  })
  .superRefine((content, ctx) => contentRules(content, reportTo(ctx)))
  .describe('Content in one language');

/**
 * Who receives the bulletin: administrative units (with the date of the unit list the codes come
 * from, since codes change with reorganisations), device groups and single devices. A bulletin needs at
 * least one from `submitted` on (checked by {@link BulletinSchema}); a draft may have none yet.
 *
 * @example
 * ```ts
 * TargetsSchema.parse({ units: { at: '2025-07-01', codes: ['64'] } });
 * ```
 */
export const TargetsSchema = z
  .strictObject({
    units: z
      .strictObject({
        at: z.iso
          .date({ error: 'expected a date such as "2025-07-01"' })
          .describe('Date of the unit list the codes are taken from'),
        codes: z.array(UnitCodeSchema).min(1, 'expected at least one unit code').max(20_000),
      })
      .optional(),
    deviceGroups: z.array(IdSchema).max(1_000).optional(),
    devices: z.array(IdSchema).max(100_000).optional(),
  })
  .superRefine((targets, ctx) => targetsRules(targets, reportTo(ctx)))
  .describe('Targets');

/**
 * A daily broadcast window (khung giờ phát sóng) in Asia/Ho_Chi_Minh time, `from` before `to`, on
 * the given ISO weekdays (1 = Monday … 7 = Sunday; all days when absent).
 *
 * @example
 * ```ts
 * BroadcastWindowSchema.parse({ from: '06:00', to: '07:00', days: [1, 2, 3, 4, 5] });
 * ```
 */
export const BroadcastWindowSchema = z
  .strictObject({
    days: z.array(z.int().min(1).max(7)).min(1).max(7).optional(),
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time "HH:MM" (00:00–23:59)'),
    to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time "HH:MM" (00:01–24:00)'),
  })
  .superRefine((window, ctx) => windowRules(window, reportTo(ctx)))
  .describe('Broadcast window (Asia/Ho_Chi_Minh)');

/**
 * When the bulletin plays: `start`, optional `end`, `repeat` (total plays and the gap between their
 * starts) and daily broadcast windows.
 *
 * @example
 * ```ts
 * ScheduleSchema.parse({ start: '2026-11-26T00:00:00Z', end: '2026-11-27T00:00:00Z', repeat: { count: 3, intervalSec: 3600 } });
 * ```
 */
export const ScheduleSchema = z
  .strictObject({
    start: DateTimeSchema,
    end: DateTimeSchema.optional(),
    repeat: z
      .strictObject({
        count: z.int().min(1).max(1_000).describe('Total number of plays'),
        intervalSec: z
          .int()
          .min(0)
          .max(7 * 86_400)
          .describe('Seconds between the starts of two plays'),
      })
      .optional(),
    windows: z.array(BroadcastWindowSchema).max(48).optional(),
  })
  .superRefine((schedule, ctx) => scheduleRules(schedule, reportTo(ctx)))
  .describe('Schedule');

/**
 * A person (author, approver): display name and optional account id.
 *
 * @example
 * ```ts
 * PersonSchema.parse({ id: 'u-42', name: 'Nguyễn Văn A' });
 * ```
 */
export const PersonSchema = z
  .strictObject({ id: IdSchema.optional(), name: nonBlank(200, 'name') })
  .describe('Person');

/**
 * The body that issues the bulletin (cơ quan ban hành), with its unit code when it is a People's
 * Committee of a unit.
 *
 * @example
 * ```ts
 * IssuerSchema.parse({ name: 'UBND tỉnh Gia Lai', unitCode: '64' });
 * ```
 */
export const IssuerSchema = z
  .strictObject({ name: nonBlank(300, 'issuer name'), unitCode: UnitCodeSchema.optional() })
  .describe('Issuing body');

/**
 * One approval step: who decided, what, when and why.
 *
 * @example
 * ```ts
 * ApprovalSchema.parse({ by: { name: 'Trần Thị B' }, decision: 'approved', at: '2026-11-26T07:55:00Z' });
 * ```
 */
export const ApprovalSchema = z
  .strictObject({
    by: PersonSchema,
    role: z.string().min(1).max(100).optional(),
    decision: z.enum(['approved', 'rejected']),
    at: DateTimeSchema,
    note: z.string().max(2_000).optional(),
  })
  .describe('Approval step');

/**
 * Where an imported bulletin came from (e.g. a CAP alert: `system: 'cap'`, its identifier, sender and
 * sent time), so that updates and cancels can be matched.
 *
 * @example
 * ```ts
 * OriginSchema.parse({ system: 'cap', identifier: 'KTTV-2026-1126-01', sender: 'kttv@example.vn', sent: '2026-11-26T07:00:00+07:00' });
 * ```
 */
export const OriginSchema = z
  .strictObject({
    system: z.string().min(1).max(50),
    identifier: z.string().min(1).max(500),
    sender: z.string().min(1).max(500).optional(),
    sent: DateTimeSchema.optional(),
  })
  .describe('Origin of an imported bulletin');

/**
 * Data of other systems that importers keep verbatim beside a bulletin, keyed by system name
 * (lowercase letters, digits, `_` and `-`, e.g. `cap`), each value any JSON. Nothing in nguon reads
 * it except the importer/exporter of that system: `capToBulletin` puts what a bulletin cannot hold
 * (CAP scope, polygons, parameters…) under `extensions.cap`, and `bulletinToCap` writes it back.
 *
 * @example
 * ```ts
 * ExtensionsSchema.parse({ cap: { scope: 'Public', infos: [] } });
 * ```
 */
export const ExtensionsSchema = z
  .record(
    z
      .string()
      .regex(
        /^[a-z][a-z0-9_-]{0,49}$/,
        'expected a system name of lowercase letters, digits, "_" or "-" (at most 50), such as "cap"',
      ),
    z.json(),
  )
  .describe('Data of other systems kept verbatim by importers, keyed by system (e.g. "cap")');

/**
 * The essential-information bulletin (bản tin thông tin thiết yếu). Besides each field's own shape it
 * enforces the cross-field rules listed in the package README (unique languages, a Vietnamese
 * content and a target from `submitted` on, emergency requirements, workflow and time order).
 *
 * @example
 * ```ts
 * const result = BulletinSchema.safeParse(json);
 * ```
 */
export const BulletinSchema = z
  .strictObject({
    id: IdSchema,
    version: z.int().min(1).describe('Edit number, starting at 1; grows with every change'),
    status: StatusSchema,
    category: CategorySchema,
    priority: PrioritySchema,
    channels: z.array(ChannelSchema).min(1, 'expected at least one channel'),
    contents: z.array(BulletinContentSchema).min(1, 'expected at least one content').max(30),
    targets: TargetsSchema,
    schedule: ScheduleSchema,
    issuer: IssuerSchema,
    author: PersonSchema,
    approvals: z.array(ApprovalSchema).max(100).optional(),
    origin: OriginSchema.optional(),
    createdAt: DateTimeSchema,
    updatedAt: DateTimeSchema.optional(),
    submittedAt: DateTimeSchema.optional(),
    publishedAt: DateTimeSchema.optional(),
    revokedAt: DateTimeSchema.optional(),
    revokeReason: z.string().min(1).max(2_000).optional(),
    extensions: ExtensionsSchema.optional(),
  })
  .superRefine((b, ctx) => bulletinRules(b, reportTo(ctx)))
  .describe('Essential-information bulletin (bản tin thông tin thiết yếu)');

/**
 * A valid bulletin (the output of {@link BulletinSchema}).
 *
 * @example
 * ```ts
 * const bulletin: Bulletin = parseBulletin(input);
 * ```
 */
export type Bulletin = z.output<typeof BulletinSchema>;
/**
 * What {@link BulletinSchema} accepts as input.
 *
 * @example
 * ```ts
 * const draft: BulletinInput = { ...examplePolicyNotice, version: 2 };
 * ```
 */
export type BulletinInput = z.input<typeof BulletinSchema>;
/**
 * One language's content, see {@link BulletinContentSchema}.
 *
 * @example
 * ```ts
 * const content: BulletinContent = { lang: 'vi', title: 'Thông báo', text: 'Nội dung.' };
 * ```
 */
export type BulletinContent = z.output<typeof BulletinContentSchema>;
/**
 * A media reference, see {@link MediaRefSchema}.
 *
 * @example
 * ```ts
 * const audio: MediaRef = { url: 'https://media.example.vn/a.mp3', mime: 'audio/mpeg', sha256, size: 48_213 };
 * ```
 */
export type MediaRef = z.output<typeof MediaRefSchema>;
/**
 * Text-to-speech hints, see {@link TtsHintsSchema}.
 *
 * @example
 * ```ts
 * const tts: TtsHints = { voice: 'vi-female-north', rate: 0.9 };
 * ```
 */
export type TtsHints = z.output<typeof TtsHintsSchema>;
/**
 * Targets, see {@link TargetsSchema}.
 *
 * @example
 * ```ts
 * const targets: BulletinTargets = { units: { at: '2025-07-01', codes: ['24065'] }, devices: ['radio-17'] };
 * ```
 */
export type BulletinTargets = z.output<typeof TargetsSchema>;
/**
 * Schedule, see {@link ScheduleSchema}.
 *
 * @example
 * ```ts
 * const schedule: BulletinSchedule = { start: '2026-12-01T06:00:00+07:00', repeat: { count: 2, intervalSec: 3600 } };
 * ```
 */
export type BulletinSchedule = z.output<typeof ScheduleSchema>;
/**
 * A broadcast window, see {@link BroadcastWindowSchema}.
 *
 * @example
 * ```ts
 * const morning: BroadcastWindow = { from: '06:00', to: '06:30', days: [1, 2, 3, 4, 5] };
 * ```
 */
export type BroadcastWindow = z.output<typeof BroadcastWindowSchema>;
/**
 * A person, see {@link PersonSchema}.
 *
 * @example
 * ```ts
 * const author: Person = { id: 'u-7', name: 'Lê Thị Cúc' };
 * ```
 */
export type Person = z.output<typeof PersonSchema>;
/**
 * The issuing body, see {@link IssuerSchema}.
 *
 * @example
 * ```ts
 * const issuer: Issuer = { name: 'Ủy ban nhân dân xã Ia Rbol', unitCode: '24065' };
 * ```
 */
export type Issuer = z.output<typeof IssuerSchema>;
/**
 * An approval step, see {@link ApprovalSchema}.
 *
 * @example
 * ```ts
 * const step: Approval = { by: { name: 'Trần Thị B' }, decision: 'approved', at: '2026-11-26T07:58:00Z' };
 * ```
 */
export type Approval = z.output<typeof ApprovalSchema>;
/**
 * Data of other systems kept beside a bulletin, see {@link ExtensionsSchema}.
 *
 * @example
 * ```ts
 * const extensions: BulletinExtensions = { cap: { scope: 'Public' } };
 * ```
 */
export type BulletinExtensions = z.output<typeof ExtensionsSchema>;
/**
 * The origin of an imported bulletin, see {@link OriginSchema}.
 *
 * @example
 * ```ts
 * const origin: BulletinOrigin = { system: 'cap', identifier: 'KTTV-2026-1126-01' };
 * ```
 */
export type BulletinOrigin = z.output<typeof OriginSchema>;
