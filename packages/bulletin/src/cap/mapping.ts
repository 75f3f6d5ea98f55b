import {
  BULLETIN_CATEGORIES,
  type BulletinCategory,
  type BulletinChannel,
  type BulletinPriority,
} from '../catalogues';
import type { BulletinIssue } from '../errors';
import { safeParseBulletin } from '../parse';
import type { Bulletin, BulletinContent, BulletinExtensions, MediaRef } from '../schema';

type JsonValue = BulletinExtensions[string];

import { CapError, throwInvalid } from './errors';
import type {
  CapAlert,
  CapArea,
  CapCategory,
  CapCertainty,
  CapInfo,
  CapMsgType,
  CapReference,
  CapResource,
  CapScope,
  CapSeverity,
  CapStatus,
  CapUrgency,
} from './model';
import { parseCap } from './parse';
import { validateCapAlert } from './validate';

/**
 * The `geocode/valueName` under which CAP carries Vietnamese administrative unit codes.
 *
 * @example
 * ```ts
 * const geocode = { valueName: VN_GSO, value: '64' }; // <geocode><valueName>VN-GSO</valueName><value>64</value></geocode>
 * ```
 */
export const VN_GSO = 'VN-GSO';

/**
 * One CAP `area` as imported, all geocodes included: its `VN-GSO` codes also went to
 * `targets.units.codes`, and are written back from here while the targets are unchanged.
 *
 * @example
 * ```ts
 * const area: CapAreaPassthrough = { areaDesc: 'Pleiku', polygons: [], circles: [], geocodes: [{ valueName: 'VN-GSO', value: '622' }] };
 * ```
 */
export type CapAreaPassthrough = CapArea;

/**
 * What a bulletin has no field for, kept from one CAP `info` block. `content` is the index of the
 * bulletin content made from this block, absent when the block repeats a language already used (its
 * headline and description are then kept here).
 *
 * @example
 * ```ts
 * const kept: CapInfoPassthrough = capToBulletin(xml).cap.infos[0]!;
 * ```
 */
export interface CapInfoPassthrough
  extends Omit<CapInfo, 'areas' | 'description' | 'headline' | 'instruction'> {
  content?: number;
  hasHeadline: boolean;
  headline?: string;
  description?: string;
  instruction?: string;
  areas: CapAreaPassthrough[];
}

/**
 * Everything of a CAP alert that the bulletin does not hold, in plain JSON. `capToBulletin` stores it
 * in `bulletin.extensions.cap` (and returns it as `cap`); `bulletinToCap(bulletin)` writes it back, so
 * that CAP → bulletin → CAP loses nothing.
 *
 * @example
 * ```ts
 * const { bulletin, cap } = capToBulletin(xml);
 * const again = bulletinToCap(bulletin, { cap });
 * ```
 */
export interface CapPassthrough {
  status: CapStatus;
  msgType: CapMsgType;
  scope: CapScope;
  source?: string;
  restriction?: string;
  addresses?: string;
  codes: string[];
  note?: string;
  references: CapReference[];
  incidents?: string;
  infos: CapInfoPassthrough[];
}

/**
 * Options of {@link capToBulletin}.
 *
 * @example
 * ```ts
 * capToBulletin(xml, { channels: ['radio_ip'], unitsAt: '2025-07-01' });
 * ```
 */
export interface CapToBulletinOptions {
  /** Bulletin id (default: made from the CAP identifier). */
  id?: string;
  /** Channels of the new bulletin (default `radio_ip` and `board`). */
  channels?: BulletinChannel[];
  /** Date of the unit list that `VN-GSO` codes come from (default: the day the alert was sent). */
  unitsAt?: string;
}

/**
 * Result of {@link capToBulletin}: the bulletin, what it cannot hold (`cap`), and what the bulletin
 * schema still objects to (`issues`; empty when the bulletin is valid). A foreign alert typically has
 * no Vietnamese content and no unit targets yet: an editor adds them before the draft is submitted.
 *
 * @example
 * ```ts
 * const { bulletin, issues } = capToBulletin(xml);
 * for (const i of issues) console.warn(`${i.at}: ${i.message}`);
 * ```
 */
export interface CapImport {
  bulletin: Bulletin;
  cap: CapPassthrough;
  issues: BulletinIssue[];
}

const DISASTER: ReadonlySet<CapCategory> = new Set([
  'Geo',
  'Met',
  'Safety',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'CBRNE',
]);

/**
 * CAP categories → one bulletin category: any of Geo, Met, Safety, Rescue, Fire, Health, Env, CBRNE →
 * `disaster_emergency`; else Security → `security_order`; else `other` (to be re-classified).
 *
 * @example
 * ```ts
 * categoryFromCap(['Met']); // 'disaster_emergency'
 * ```
 */
export function categoryFromCap(categories: readonly CapCategory[]): BulletinCategory {
  if (categories.some((c) => DISASTER.has(c))) return 'disaster_emergency';
  if (categories.includes('Security')) return 'security_order';
  return 'other';
}

const CAP_CATEGORY_OF: Record<BulletinCategory, CapCategory> = {
  disaster_emergency: 'Safety',
  security_order: 'Security',
  policy: 'Other',
  local_development: 'Other',
  socioeconomic_knowledge: 'Other',
  exemplary_models: 'Other',
  illegal_acts_prevention: 'Other',
  other: 'Other',
};

const RANK: Record<BulletinPriority, number> = { normal: 0, priority: 1, emergency: 2 };

/**
 * CAP severity and urgency → bulletin priority: `emergency` for Extreme, or Severe and Immediate;
 * `priority` for other Severe, or Moderate and Immediate/Expected; `normal` otherwise. An urgency of
 * Past is always `normal`.
 *
 * @example
 * ```ts
 * priorityFromCap('Severe', 'Immediate'); // 'emergency'
 * ```
 */
export function priorityFromCap(severity: CapSeverity, urgency: CapUrgency): BulletinPriority {
  if (urgency === 'Past') return 'normal';
  if (severity === 'Extreme' || (severity === 'Severe' && urgency === 'Immediate')) return 'emergency';
  if (
    severity === 'Severe' ||
    (severity === 'Moderate' && (urgency === 'Immediate' || urgency === 'Expected'))
  )
    return 'priority';
  return 'normal';
}

const CAP_LEVEL_OF: Record<
  BulletinPriority,
  { urgency: CapUrgency; severity: CapSeverity; certainty: CapCertainty }
> = {
  emergency: { urgency: 'Immediate', severity: 'Severe', certainty: 'Unknown' },
  priority: { urgency: 'Expected', severity: 'Moderate', certainty: 'Unknown' },
  normal: { urgency: 'Unknown', severity: 'Minor', certainty: 'Unknown' },
};

function maxPriority(infos: readonly Pick<CapInfo, 'severity' | 'urgency'>[]): BulletinPriority {
  let best: BulletinPriority = 'normal';
  for (const info of infos) {
    const p = priorityFromCap(info.severity, info.urgency);
    if (RANK[p] > RANK[best]) best = p;
  }
  return best;
}

function idFrom(identifier: string): string {
  let id = identifier.replace(/[^A-Za-z0-9._:-]/g, '-');
  if (!/^[A-Za-z0-9]/.test(id)) id = `cap${id}`;
  return id.slice(0, 128);
}

function joinText(description?: string, instruction?: string): string | undefined {
  const parts = [description, instruction].filter((p): p is string => p !== undefined && p !== '');
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/**
 * Turns a CAP 1.2 alert (XML text or a parsed {@link CapAlert}) into a bulletin, following the
 * mapping table in the package README: one content per language (headline → title, description and
 * instruction → text), `VN-GSO` geocodes → unit targets, severity/urgency → priority, categories →
 * category, effective/onset/expires → schedule, `Cancel` → status `revoked`, `Update` → version
 * 1 + number of references. Alerts and updates become `draft`s; everything else is kept in the
 * bulletin's `extensions.cap` (also returned as `cap`), which {@link bulletinToCap} writes back.
 *
 * @throws {CapError} for invalid CAP, and `cap_unmappable` for `Ack`/`Error` messages or an alert
 * without `info`.
 * @example
 * ```ts
 * const { bulletin, cap, issues } = capToBulletin(readFileSync('alert.xml', 'utf8'));
 * ```
 */
export function capToBulletin(input: string | CapAlert, options: CapToBulletinOptions = {}): CapImport {
  const alert = typeof input === 'string' ? parseCap(input) : input;
  if (typeof input !== 'string') {
    const problems = validateCapAlert(alert);
    if (problems.length > 0) throwInvalid(problems);
  }
  if (alert.msgType === 'Ack' || alert.msgType === 'Error')
    throw new CapError(
      'cap_unmappable',
      `msgType ${alert.msgType} acknowledges or rejects other messages and carries no bulletin`,
    );
  if (alert.infos.length === 0)
    throw new CapError('cap_unmappable', 'the alert has no <info> block, so there is nothing to broadcast');

  const contents: BulletinContent[] = [];
  const languages = new Set<string>();
  const unitCodes: string[] = [];
  const infos: CapInfoPassthrough[] = alert.infos.map((info) => {
    const lang = info.language ?? 'en-US';
    let content: number | undefined;
    if (!languages.has(lang.toLowerCase())) {
      languages.add(lang.toLowerCase());
      content = contents.length;
      contents.push(
        dropUndefined({
          lang,
          title: info.headline ?? info.event,
          text: joinText(info.description, info.instruction),
        }),
      );
    }
    for (const area of info.areas)
      for (const g of area.geocodes)
        if (g.valueName === VN_GSO && !unitCodes.includes(g.value)) unitCodes.push(g.value);
    const { areas, headline, description, instruction, ...rest } = info;
    const kept: CapInfoPassthrough = {
      ...rest,
      content,
      hasHeadline: headline !== undefined,
      instruction,
      areas,
    };
    if (content === undefined) Object.assign(kept, { headline, description });
    return dropUndefined(kept);
  });

  const first = alert.infos[0] as CapInfo;
  const start = first.effective ?? first.onset ?? alert.sent;
  const sentDay = alert.sent.slice(0, 10);
  const who = first.senderName ?? alert.sender;
  const bulletin: Bulletin = dropUndefined({
    id: options.id ?? idFrom(alert.identifier),
    version: alert.msgType === 'Update' ? 1 + alert.references.length : 1,
    status: alert.msgType === 'Cancel' ? 'revoked' : 'draft',
    category: categoryFromCap(alert.infos.flatMap((i) => i.categories)),
    priority: maxPriority(alert.infos),
    channels: options.channels ?? ['radio_ip', 'board'],
    contents,
    targets: unitCodes.length > 0 ? { units: { at: options.unitsAt ?? sentDay, codes: unitCodes } } : {},
    schedule: dropUndefined({ start, end: scheduleEnd(start, first.expires) }),
    issuer: { name: who },
    author: { name: who },
    origin: { system: 'cap', identifier: alert.identifier, sender: alert.sender, sent: alert.sent },
    createdAt: alert.sent,
    revokedAt: alert.msgType === 'Cancel' ? alert.sent : undefined,
    revokeReason:
      alert.msgType === 'Cancel' ? (alert.note ?? `cancelled by CAP message ${alert.identifier}`) : undefined,
  } as Bulletin);

  // A copy, so that later edits of the input alert do not reach the kept block.
  const cap: CapPassthrough = structuredClone({
    status: alert.status,
    msgType: alert.msgType,
    scope: alert.scope,
    source: alert.source,
    restriction: alert.restriction,
    addresses: alert.addresses,
    codes: alert.codes,
    note: alert.note,
    references: alert.references,
    incidents: alert.incidents,
    infos,
  });
  dropUndefined(cap);
  bulletin.extensions = { cap: structuredClone(cap) as unknown as JsonValue };
  const checked = safeParseBulletin(bulletin);
  return { bulletin, cap, issues: checked.success ? [] : [...checked.error.issues] };
}

/**
 * The bulletin's `schedule.end` for a CAP `expires`: absent when the alert expires no later than it
 * starts (real feeds send such messages), since a bulletin's end must come after its start. The
 * `expires` itself stays in `extensions.cap` and is written back on export.
 */
function scheduleEnd(start: string, expires: string | undefined): string | undefined {
  return expires !== undefined && Date.parse(expires) > Date.parse(start) ? expires : undefined;
}

/**
 * Options of {@link bulletinToCap}.
 *
 * @example
 * ```ts
 * bulletinToCap(bulletin, { sender: 'stttt@gialai.gov.vn' });
 * ```
 */
export interface BulletinToCapOptions {
  /**
   * CAP `sender`. Default: the imported sender for an unchanged imported alert, else
   * {@link defaultCapSender} (from `issuer.unitCode`, or the issuer name of a native bulletin).
   */
  sender?: string;
  /**
   * What `capToBulletin` kept (default: the bulletin's `extensions.cap`, where `capToBulletin` puts it);
   * written back so that CAP → bulletin → CAP loses nothing.
   */
  cap?: CapPassthrough;
  /** Earlier messages an Update or Cancel refers to (required for them unless `cap` has them). */
  references?: CapReference[];
  /** Skip the bulletin's cross-field rules (Vietnamese content, a target…); shapes are still checked. */
  allowIncomplete?: boolean;
}

/**
 * RFC 3339 → CAP date-time: `Z` becomes `+00:00`, fractions are dropped, other offsets are kept.
 *
 * @example
 * ```ts
 * toCapDateTime('2026-11-26T08:00:00.250Z'); // '2026-11-26T08:00:00+00:00'
 * ```
 */
export function toCapDateTime(rfc3339: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|z|[+-]\d{2}:\d{2})$/.exec(rfc3339);
  if (!m)
    throw new CapError('cap_unmappable', `expected an RFC 3339 date-time, found ${JSON.stringify(rfc3339)}`);
  return `${m[1]}${m[2] === 'Z' || m[2] === 'z' ? '+00:00' : m[2]}`;
}

function mediaResources(content: BulletinContent): CapResource[] {
  const media: [string, MediaRef][] = [];
  if (content.audio) media.push(['audio', content.audio]);
  for (const image of content.images ?? []) media.push(['image', image]);
  if (content.video) media.push(['video', content.video]);
  return media.map(([kind, m]) => ({ resourceDesc: kind, mimeType: m.mime, size: m.size, uri: m.url }));
}

function splitText(
  text: string | undefined,
  instruction: string | undefined,
): { description?: string; instruction?: string } {
  if (instruction === undefined) return dropUndefined({ description: text });
  if (text === instruction) return { instruction };
  if (text?.endsWith(`\n\n${instruction}`))
    return { description: text.slice(0, -instruction.length - 2), instruction };
  return dropUndefined({ description: text, instruction });
}

function unitArea(codes: readonly string[]): CapArea {
  return {
    areaDesc: `${VN_GSO} ${codes.join(', ')}`,
    polygons: [],
    circles: [],
    geocodes: codes.map((value) => ({ valueName: VN_GSO, value })),
  };
}

/**
 * Turns a bulletin into a CAP 1.2 alert (serialise it with `serializeCap`). One `info` per content
 * (language → `language`, title → `headline`, text → `description`, media → `resource`), unit
 * targets → `VN-GSO` geocodes, priority → urgency/severity, `revoked` → `Cancel`, version > 1 →
 * `Update` (when the earlier message is known, else `Alert`). The CAP-only data in
 * `extensions.cap` (or `options.cap`) is written back unchanged; the sender defaults to
 * {@link defaultCapSender}.
 *
 * @throws {BulletinError} `invalid_bulletin` listing the bulletin's problems; {@link CapError}
 * `cap_unmappable` when a sender or references are missing.
 * @example
 * ```ts
 * const xml = serializeCap(bulletinToCap(bulletin, { sender: 'stttt@gialai.gov.vn' }));
 * ```
 */
export function bulletinToCap(input: Bulletin, options: BulletinToCapOptions = {}): CapAlert {
  const checked = safeParseBulletin(input);
  let bulletin = input;
  if (checked.success) bulletin = checked.data;
  else {
    const blocking = options.allowIncomplete
      ? checked.error.issues.filter((i) => i.code !== 'custom')
      : checked.error.issues;
    if (blocking.length > 0) {
      if (blocking.length === checked.error.issues.length) throw checked.error;
      throw new CapError(
        'cap_unmappable',
        `invalid bulletin:\n${blocking.map((i) => `  ${i.at}: ${i.message}`).join('\n')}`,
        {
          issues: [...blocking],
        },
      );
    }
  }
  const pt = options.cap ?? keptBlock(bulletin.extensions?.cap);
  const origin = bulletin.origin?.system === 'cap' ? bulletin.origin : undefined;
  const revoked = bulletin.status === 'revoked';
  // An imported bulletin still at the version and state it was imported in is the same CAP message;
  // once it has a new version or was revoked here, it is a new message that refers to the imported one.
  const importedVersion = pt ? (pt.msgType === 'Update' ? 1 + pt.references.length : 1) : bulletin.version;
  const sameMessage =
    origin !== undefined &&
    bulletin.version === importedVersion &&
    (pt === undefined || revoked === (pt.msgType === 'Cancel'));
  const originRef =
    origin?.sender && origin.sent
      ? [{ sender: origin.sender, identifier: origin.identifier, sent: toCapDateTime(origin.sent) }]
      : [];
  const references = options.references ?? (sameMessage ? (pt?.references ?? []) : originRef);
  // A bulletin's version counts its edits, drafts included, so version 2 may well be its first CAP
  // message: it is an Update only when the message it updates is known.
  const nativeMsgType: CapMsgType = revoked
    ? 'Cancel'
    : bulletin.version > 1 && references.length > 0
      ? 'Update'
      : 'Alert';
  const msgType = sameMessage ? (pt?.msgType ?? nativeMsgType) : nativeMsgType;
  const sender =
    options.sender ?? (sameMessage ? origin?.sender : undefined) ?? defaultCapSender(bulletin, origin);
  if (!sender)
    throw new CapError(
      'cap_unmappable',
      `this bulletin is a new CAP message (version ${bulletin.version}${revoked ? ', revoked' : ''}) after the imported ${origin?.identifier}, and its issuer has no unitCode to derive a sender from: pass options.sender, who sends it`,
    );
  if ((msgType === 'Update' || msgType === 'Cancel') && references.length === 0)
    throw new CapError(
      'cap_unmappable',
      `this bulletin exports as a CAP ${msgType} (${revoked ? 'it is revoked' : `version ${bulletin.version}`}), which must name the earlier message(s): pass options.references`,
    );

  const identifier = sameMessage && origin ? origin.identifier : nativeIdentifier(bulletin);
  const sent = sameMessage && origin?.sent ? origin.sent : nativeSent(bulletin);
  const category = CAP_CATEGORY_OF[bulletin.category];
  const keepLevels = pt !== undefined && maxPriority(pt.infos) === bulletin.priority;
  const level = CAP_LEVEL_OF[bulletin.priority];
  const start = toCapDateTime(bulletin.schedule.start);
  const end = bulletin.schedule.end === undefined ? undefined : toCapDateTime(bulletin.schedule.end);
  const codes = bulletin.targets.units?.codes ?? [];
  const ptCodes = (pt?.infos ?? []).flatMap((i) =>
    i.areas.flatMap((a) => a.geocodes.filter((g) => g.valueName === VN_GSO).map((g) => g.value)),
  );
  const keepUnits = sameSet(codes, ptCodes);

  const firstKept = pt?.infos[0];
  const importedStart = firstKept
    ? (firstKept.effective ?? firstKept.onset ?? origin?.sent ?? sent)
    : undefined;
  // What the import made of `expires` (see scheduleEnd): unchanged, the kept `expires` is written back.
  const importedEnd =
    firstKept && importedStart !== undefined ? scheduleEnd(importedStart, firstKept.expires) : undefined;
  const infos: CapInfo[] = [];
  const used = new Set<number>();
  for (const kept of pt?.infos ?? []) {
    const content = kept.content === undefined ? undefined : bulletin.contents[kept.content];
    if (kept.content !== undefined && !content) continue; // the content was deleted
    if (kept.content !== undefined) used.add(kept.content);
    const { content: _c, hasHeadline, headline, description, instruction, areas, ...rest } = kept;
    const info: CapInfo = { ...rest, areas: [] };
    if (content) {
      if (hasHeadline || content.title !== kept.event) info.headline = content.title;
      Object.assign(info, splitText(content.text, instruction));
      if (content.lang !== (kept.language ?? 'en-US')) info.language = content.lang;
    } else Object.assign(info, dropUndefined({ headline, description, instruction }));
    if (!keepLevels) Object.assign(info, { urgency: level.urgency, severity: level.severity });
    if (start !== importedStart) info.effective = start;
    if (end !== importedEnd) {
      if (end === undefined) delete info.expires;
      else info.expires = end;
    }
    info.areas = areas.map((area) =>
      keepUnits ? area : { ...area, geocodes: area.geocodes.filter((g) => g.valueName !== VN_GSO) },
    );
    // Targets apply to the whole bulletin, so every info block carries the changed units.
    if (!keepUnits && codes.length > 0) info.areas.push(unitArea(codes));
    infos.push(orderInfo(info));
  }
  for (const [index, content] of bulletin.contents.entries()) {
    if (used.has(index)) continue;
    const label = BULLETIN_CATEGORIES[bulletin.category].label;
    infos.push(
      orderInfo(
        dropUndefined({
          language: content.lang,
          categories: [category],
          event: content.lang.toLowerCase().startsWith('vi') ? label.vi : label.en,
          responseTypes: [],
          urgency: level.urgency,
          severity: level.severity,
          certainty: level.certainty,
          eventCodes: [],
          effective: start,
          expires: end,
          senderName: bulletin.issuer.name,
          headline: content.title,
          description: content.text,
          parameters: [],
          resources: mediaResources(content),
          areas: codes.length > 0 ? [unitArea(codes)] : [],
        }),
      ),
    );
  }

  const nativeStatus: CapStatus = ['draft', 'submitted', 'rejected'].includes(bulletin.status)
    ? 'Draft'
    : 'Actual';
  return dropUndefined({
    identifier,
    sender,
    sent,
    status: pt?.status ?? nativeStatus,
    msgType,
    source: pt?.source,
    scope: pt?.scope ?? 'Public',
    restriction: pt?.restriction,
    addresses: pt?.addresses,
    codes: pt?.codes ?? [],
    note: revoked && !sameMessage ? bulletin.revokeReason : pt?.note,
    references,
    incidents: pt?.incidents,
    infos,
  });
}

/**
 * The CAP `sender` used when none is given: `urn:nguon:unit:<issuer.unitCode>` when the issuer has a
 * unit code (e.g. `urn:nguon:unit:52` for the Gia Lai People's Committee), else, for a bulletin not
 * imported from CAP, `urn:nguon:issuer:<issuer name in lowercase ASCII, words joined by "-">` (e.g.
 * `urn:nguon:issuer:so-thong-tin-va-truyen-thong`). Undefined for a bulletin imported from CAP whose
 * issuer has no unit code: its issuer is the foreign sender, who does not send the new message.
 *
 * @example
 * ```ts
 * defaultCapSender(exampleFloodWarning); // 'urn:nguon:unit:52'
 * ```
 */
export function defaultCapSender(
  bulletin: Pick<Bulletin, 'issuer' | 'origin'>,
  origin: Bulletin['origin'] = bulletin.origin?.system === 'cap' ? bulletin.origin : undefined,
): string | undefined {
  if (bulletin.issuer.unitCode !== undefined) return `urn:nguon:unit:${bulletin.issuer.unitCode}`;
  if (origin !== undefined) return undefined;
  const name = bulletin.issuer.name.trim();
  const slug = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `urn:nguon:issuer:${slug === '' ? encodeURIComponent(name) : slug}`;
}

/** `extensions.cap` as `capToBulletin` wrote it, checked enough that export cannot crash on it. */
function keptBlock(value: unknown): CapPassthrough | undefined {
  if (value === undefined) return undefined;
  const v = value as Partial<Record<keyof CapPassthrough, unknown>>;
  const isList = (x: unknown) => Array.isArray(x);
  const ok =
    typeof value === 'object' &&
    value !== null &&
    typeof v.status === 'string' &&
    typeof v.msgType === 'string' &&
    typeof v.scope === 'string' &&
    isList(v.codes) &&
    isList(v.references) &&
    isList(v.infos) &&
    (v.infos as unknown[]).every(
      (i) =>
        typeof i === 'object' &&
        i !== null &&
        ['categories', 'responseTypes', 'eventCodes', 'parameters', 'resources', 'areas'].every((k) =>
          isList((i as Record<string, unknown>)[k]),
        ) &&
        ((i as { areas: unknown[] }).areas ?? []).every(
          (a) =>
            typeof a === 'object' &&
            a !== null &&
            ['polygons', 'circles', 'geocodes'].every((k) => isList((a as Record<string, unknown>)[k])),
        ),
    );
  if (!ok)
    throw new CapError(
      'cap_unmappable',
      '$.extensions.cap: expected the block that CAP import writes (status, msgType, scope, codes, references, infos with their areas); remove it to export from the bulletin alone',
    );
  return value as CapPassthrough;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function nativeIdentifier(b: Bulletin): string {
  const base = b.version === 1 ? b.id : `${b.id}.v${b.version}`;
  return b.status === 'revoked' ? `${base}.cancel` : base;
}

function nativeSent(b: Bulletin): string {
  const at = b.status === 'revoked' ? (b.revokedAt ?? b.publishedAt) : b.publishedAt;
  return toCapDateTime(at ?? b.updatedAt ?? b.createdAt);
}

const INFO_KEYS: (keyof CapInfo)[] = [
  'language',
  'categories',
  'event',
  'responseTypes',
  'urgency',
  'severity',
  'certainty',
  'audience',
  'eventCodes',
  'effective',
  'onset',
  'expires',
  'senderName',
  'headline',
  'description',
  'instruction',
  'web',
  'contact',
  'parameters',
  'resources',
  'areas',
];

function orderInfo(info: CapInfo): CapInfo {
  const out = {} as Record<string, unknown>;
  for (const key of INFO_KEYS) if (info[key] !== undefined) out[key] = info[key];
  return out as unknown as CapInfo;
}
