// The cross-field rules of a bulletin: what JSON Schema cannot say. They are written once, here, and
// run in two places: as zod refinements in schema.ts (which turn each report into a zod issue) and
// on the fast path of parse.ts, after the generated JSON Schema validator has checked the shapes.
// The value types below are the few fields each rule reads; the zod output types fit them.
import { checkLanguageScript } from './language-script';

/** Receives one broken rule: where (relative to the value checked) and what is wrong. */
export type RuleReport = (path: (string | number)[], message: string) => void;

interface MediaFields {
  mime: string;
}

interface ContentFields {
  lang: string;
  title: string;
  text?: string | undefined;
  audio?: MediaFields | undefined;
  images?: readonly MediaFields[] | undefined;
  video?: MediaFields | undefined;
  tts?: object | undefined;
}

interface TargetsFields {
  units?: { codes: readonly string[] } | undefined;
  deviceGroups?: readonly string[] | undefined;
  devices?: readonly string[] | undefined;
}

interface WindowFields {
  days?: readonly number[] | undefined;
  from: string;
  to: string;
}

interface ScheduleFields {
  start: string;
  end?: string | undefined;
  repeat?: { count: number; intervalSec: number } | undefined;
  windows?: readonly WindowFields[] | undefined;
}

interface BulletinFields {
  status: string;
  category: string;
  priority: string;
  channels: readonly string[];
  contents: readonly ContentFields[];
  targets: TargetsFields;
  schedule: ScheduleFields;
  approvals?: readonly { decision: string; at: string }[] | undefined;
  createdAt: string;
  updatedAt?: string | undefined;
  submittedAt?: string | undefined;
  publishedAt?: string | undefined;
  revokedAt?: string | undefined;
  revokeReason?: string | undefined;
}

/**
 * True when RFC 3339 time `a` is before `b`. Two UTC times of equal length (`…Z`, same fraction
 * digits) order like their text, which spares a `Date.parse` on the common path.
 */
function isBefore(a: string, b: string): boolean {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return a < b;
  return Date.parse(a) < Date.parse(b);
}

function duplicates<T>(
  report: RuleReport,
  list: readonly T[] | undefined,
  path: (string | number)[],
  key: (value: T) => string,
) {
  if (!list || list.length < 2) return;
  const problem = (i: number, k: string, first: number) =>
    report([...path, i], `duplicate value "${k}", already at index ${first}`);
  // Short lists (channels, days, a few codes) are scanned without building a map.
  if (list.length <= 16) {
    for (let i = 1; i < list.length; i++) {
      const k = key(list[i] as T);
      for (let j = 0; j < i; j++)
        if (key(list[j] as T) === k) {
          problem(i, k, j);
          break;
        }
    }
    return;
  }
  const seen = new Map<string, number>();
  list.forEach((value, i) => {
    const k = key(value);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else problem(i, k, first);
  });
}

function mimeFamily(
  report: RuleReport,
  media: MediaFields | undefined,
  family: string,
  path: (string | number)[],
) {
  if (media !== undefined && !media.mime.startsWith(`${family}/`))
    report([...path, 'mime'], `expected a ${family}/* MIME type, found "${media.mime}"`);
}

/** Media families, `tts` needs `text`, and the script of title and text. */
export function contentRules(content: ContentFields, report: RuleReport): void {
  mimeFamily(report, content.audio, 'audio', ['audio']);
  mimeFamily(report, content.video, 'video', ['video']);
  for (const [i, image] of (content.images ?? []).entries())
    mimeFamily(report, image, 'image', ['images', i]);
  if (content.tts !== undefined && !content.text)
    report(['tts'], 'tts hints need a text to read; add "text" or remove "tts"');
  const titleProblem = checkLanguageScript(content.lang, content.title);
  if (titleProblem) report(['title'], titleProblem);
  if (content.text) {
    const textProblem = checkLanguageScript(content.lang, content.text);
    if (textProblem) report(['text'], textProblem);
  }
}

/** No duplicate codes, groups or devices (at least one target is a workflow rule, see bulletinRules). */
export function targetsRules(targets: TargetsFields, report: RuleReport): void {
  duplicates(report, targets.units?.codes, ['units', 'codes'], (v) => v);
  duplicates(report, targets.deviceGroups, ['deviceGroups'], (v) => v);
  duplicates(report, targets.devices, ['devices'], (v) => v);
}

/** `to` after `from`, no duplicate days. */
export function windowRules(window: WindowFields, report: RuleReport): void {
  if (window.to <= window.from)
    report(['to'], `expected "to" after "from" (${window.from}), found ${window.to}`);
  duplicates(report, window.days, ['days'], String);
}

/** `end` after `start`, every repeat before `end`, a gap between repeats. */
export function scheduleRules(schedule: ScheduleFields, report: RuleReport): void {
  if (schedule.end !== undefined) {
    if (!isBefore(schedule.start, schedule.end)) {
      report(['end'], `expected end after start (${schedule.start}), found ${schedule.end}`);
    } else if (
      schedule.repeat &&
      schedule.repeat.count > 1 &&
      Date.parse(schedule.start) + (schedule.repeat.count - 1) * schedule.repeat.intervalSec * 1000 >
        Date.parse(schedule.end)
    ) {
      report(
        ['repeat'],
        `expected all ${schedule.repeat.count} plays to start before end (${schedule.end}); lower count or intervalSec`,
      );
    }
  }
  if (schedule.repeat && schedule.repeat.count > 1 && schedule.repeat.intervalSec === 0)
    report(['repeat', 'intervalSec'], 'expected intervalSec > 0 when count > 1');
}

const APPROVED_STATES: ReadonlySet<string> = new Set(['approved', 'published', 'revoked', 'expired']);
const PUBLISHED_STATES: ReadonlySet<string> = new Set(['published', 'revoked', 'expired']);
const EMERGENCY_CATEGORIES: ReadonlySet<string> = new Set(['disaster_emergency', 'security_order']);

/** The rules across a whole bulletin (languages, channels, emergency, workflow, time order). */
export function bulletinRules(b: BulletinFields, report: RuleReport): void {
  duplicates(report, b.channels, ['channels'], (c) => c);
  const langs = new Map<string, number>();
  const radio = b.channels.includes('radio_ip');
  const board = b.channels.includes('board');
  let vietnamese = false;
  b.contents.forEach((content, i) => {
    const lang = content.lang.toLowerCase();
    const first = langs.get(lang);
    if (first === undefined) {
      langs.set(lang, i);
      if (lang === 'vi' || lang.startsWith('vi-')) vietnamese = true;
    } else
      report(
        ['contents', i, 'lang'],
        `language "${content.lang}" already used by contents[${first}]; each language appears once`,
      );
    const playable = Boolean(content.text) || content.audio !== undefined;
    if (radio && !playable)
      report(
        ['contents', i],
        'channel radio_ip needs something to play in each content: "text" (read by TTS) or "audio"',
      );
    const showable = Boolean(content.text) || Boolean(content.images?.length) || content.video !== undefined;
    if (board && !showable)
      report(
        ['contents', i],
        'channel board needs something to show in each content: "text", "images" or "video"',
      );
  });
  // A draft may still lack a Vietnamese content and targets (e.g. an imported foreign CAP alert);
  // both are required from submission on.
  const submitted = b.status !== 'draft';
  if (submitted && langs.size > 0 && !vietnamese) {
    report(
      ['contents'],
      `expected a Vietnamese ("vi") content, found only ${[...langs.keys()].map((l) => `"${l}"`).join(', ')}` +
        (langs.has('vn') ? ' ("vn" is not a language tag for Vietnamese: use "vi")' : ''),
    );
  }
  const t = b.targets;
  if (submitted && !t.units && !t.deviceGroups?.length && !t.devices?.length)
    report(
      ['targets'],
      `status ${b.status} needs at least one target: units.codes, deviceGroups or devices (only a draft may have none)`,
    );
  if (b.priority === 'emergency') {
    if (!EMERGENCY_CATEGORIES.has(b.category))
      report(
        ['category'],
        `emergency bulletins must be category disaster_emergency or security_order, found ${b.category}`,
      );
    if (b.schedule.end === undefined)
      report(['schedule', 'end'], 'emergency bulletins need schedule.end, when the warning stops');
    if (b.schedule.windows?.length)
      report(
        ['schedule', 'windows'],
        'emergency bulletins play at once and ignore broadcast windows; remove schedule.windows',
      );
    if (!b.channels.includes('radio_ip') && !b.channels.includes('board'))
      report(['channels'], 'emergency bulletins need a channel that plays at once: radio_ip or board');
  }
  const approvals = b.approvals ?? [];
  if (APPROVED_STATES.has(b.status) && !approvals.some((a) => a.decision === 'approved'))
    report(['approvals'], `status ${b.status} needs an approval with decision "approved"`);
  if (b.status === 'rejected' && approvals.at(-1)?.decision !== 'rejected')
    report(['approvals'], 'status rejected needs a last approval with decision "rejected"');
  if (PUBLISHED_STATES.has(b.status) && b.publishedAt === undefined)
    report(['publishedAt'], `status ${b.status} needs publishedAt`);
  if (b.status === 'revoked') {
    if (b.revokedAt === undefined) report(['revokedAt'], 'status revoked needs revokedAt');
    if (b.revokeReason === undefined) report(['revokeReason'], 'status revoked needs revokeReason');
  }
  if (b.status === 'expired' && b.schedule.end === undefined)
    report(['schedule', 'end'], 'status expired needs schedule.end');
  notBefore(report, b.updatedAt, 'updatedAt', b.createdAt, 'createdAt');
  notBefore(report, b.submittedAt, 'submittedAt', b.createdAt, 'createdAt');
  notBefore(report, b.publishedAt, 'publishedAt', b.createdAt, 'createdAt');
  for (let i = 0; i < approvals.length; i++)
    notBefore(report, approvals[i]?.at, ['approvals', i, 'at'], b.createdAt, 'createdAt');
  if (b.publishedAt !== undefined) notBefore(report, b.revokedAt, 'revokedAt', b.publishedAt, 'publishedAt');
}

function notBefore(
  report: RuleReport,
  value: string | undefined,
  at: string | (string | number)[],
  after: string,
  afterName: string,
) {
  if (value !== undefined && isBefore(value, after))
    report(
      typeof at === 'string' ? [at] : at,
      `expected a time not before ${afterName} (${after}), found ${value}`,
    );
}

/**
 * Every rule of a bulletin whose shapes are already known to be valid, nested levels included, in
 * the order zod runs them; false as soon as one is broken.
 */
export function bulletinRulesPass(b: BulletinFields): boolean {
  let ok = true;
  const fail: RuleReport = () => {
    ok = false;
  };
  for (const content of b.contents) {
    contentRules(content, fail);
    if (!ok) return false;
  }
  targetsRules(b.targets, fail);
  for (const window of b.schedule.windows ?? []) windowRules(window, fail);
  scheduleRules(b.schedule, fail);
  if (!ok) return false;
  bulletinRules(b, fail);
  return ok;
}
