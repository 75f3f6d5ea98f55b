import { DeviceError } from '../errors';

/**
 * The time zone the scheduler uses when `config.timeZone` is unset (Vietnam, UTC+7, no daylight saving).
 *
 * @example `const tz = config.timeZone ?? DEFAULT_TIME_ZONE;`
 */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/**
 * A broadcast window (P-B2): ISO weekdays (1 = Monday … 7 = Sunday) and local `HH:MM` times in the
 * device's time zone. `to` may be `24:00`; a `to` at or before `from` crosses midnight into the next day.
 *
 * @example
 * ```ts
 * const morning: BroadcastWindow = { days: [1, 2, 3, 4, 5], from: '06:00', to: '07:00' };
 * ```
 */
export interface BroadcastWindow {
  days: readonly number[];
  from: string;
  to: string;
}

/**
 * Local hours in which nothing but emergencies plays (`config.quietHours`); `to` at or before
 * `from` crosses midnight.
 *
 * @example `const night: QuietHours = { from: '22:00', to: '05:00' };`
 */
export interface QuietHours {
  from: string;
  to: string;
}

/** A half-open span of time `[start, end)` in ms since the epoch. */
interface Span {
  start: number;
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (cause) {
      throw new DeviceError(
        'invalid_config',
        `expected an IANA time zone, found ${JSON.stringify(timeZone)}`,
        {
          path: 'config.timeZone',
          cause,
        },
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Checks that `timeZone` is an IANA zone this runtime knows; throws a `DeviceError`
 * `invalid_config` otherwise.
 *
 * @example `assertTimeZone('Asia/Ho_Chi_Minh');`
 */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The local calendar date of `time` in `timeZone`. */
function localDate(time: number, timeZone: string): LocalDate {
  const d = new Date(time + offsetAt(time, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Local wall-clock fields of `time` in `timeZone`. */
function localParts(
  time: number,
  timeZone: string,
): LocalDate & { hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(time)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

/** Offsets already computed, per zone and quarter hour (zones change offset on quarter-hour instants). */
const offsets = new Map<string, Map<number, number>>();
const QUARTER_HOUR = 900_000;

/** Offset of `timeZone` from UTC at `time`, in ms (local = utc + offset). */
function offsetAt(time: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    offsets.set(timeZone, zone);
  }
  const bucket = Math.floor(time / QUARTER_HOUR);
  let offset = zone.get(bucket);
  if (offset === undefined) {
    const start = bucket * QUARTER_HOUR;
    const p = localParts(start, timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - start;
    // Bounded memory on long-running devices: forget everything now and then.
    if (zone.size > 50_000) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

/** The instant at which the local clock in `timeZone` shows `date` `minutes` after midnight. */
function zonedToUtc(date: LocalDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
function isoWeekday(date: LocalDate): number {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

const FROM = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$/;
const TO = /^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

/**
 * Checks broadcast windows (P-B2) and returns them; throws a `DeviceError` (`invalid_message`, or
 * the given code) naming the first bad field, e.g. `windows[1].to`, with what was expected and found.
 *
 * @example
 * ```ts
 * checkWindows([{ days: [1, 2, 3, 4, 5], from: '06:00', to: '07:00' }], 'playout.windows');
 * ```
 */
export function checkWindows(
  windows: unknown,
  path = 'windows',
  code: 'invalid_message' | 'invalid_config' = 'invalid_message',
): readonly BroadcastWindow[] {
  const fail = (where: string, expected: string, found: unknown): never => {
    throw new DeviceError(
      code,
      `expected ${where} ${expected}, found ${JSON.stringify(found) ?? 'undefined'}`,
      {
        path: where,
        rule: 'P-B2',
      },
    );
  };
  if (!Array.isArray(windows)) return fail(path, 'to be a list of windows', windows);
  windows.forEach((w: unknown, i) => {
    const at = `${path}[${i}]`;
    if (typeof w !== 'object' || w === null) fail(at, 'to be {days, from, to}', w);
    const { days, from, to } = w as Record<string, unknown>;
    if (
      !Array.isArray(days) ||
      days.length === 0 ||
      !days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)
    ) {
      fail(`${at}.days`, 'to be ISO weekdays 1–7 (at least one)', days);
    }
    if (typeof from !== 'string' || !FROM.test(from)) fail(`${at}.from`, 'to be HH:MM', from);
    if (typeof to !== 'string' || !TO.test(to)) fail(`${at}.to`, 'to be HH:MM or 24:00', to);
  });
  return windows as BroadcastWindow[];
}

/**
 * Checks quiet hours and returns them; throws a `DeviceError` naming the bad field otherwise.
 *
 * @example `checkQuietHours({ from: '22:00', to: '05:00' });`
 */
export function checkQuietHours(
  quiet: unknown,
  path = 'config.quietHours',
  code: 'invalid_message' | 'invalid_config' = 'invalid_config',
): QuietHours {
  const { from, to } = (typeof quiet === 'object' && quiet !== null ? quiet : {}) as Record<string, unknown>;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (typeof value !== 'string' || !FROM.test(value)) {
      throw new DeviceError(
        code,
        `expected ${path}.${name} to be HH:MM, found ${JSON.stringify(value) ?? 'undefined'}`,
        {
          path: `${path}.${name}`,
        },
      );
    }
  }
  return quiet as QuietHours;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * The local weekday (ISO) and `HH:MM` of an instant in a time zone.
 *
 * @example
 * ```ts
 * localTimeOf(Date.parse('2026-11-26T23:30:00Z'), 'Asia/Ho_Chi_Minh'); // { weekday: 5, time: '06:30' }
 * ```
 */
export function localTimeOf(time: number, timeZone: string): { weekday: number; time: string } {
  const p = localParts(time, timeZone);
  return {
    weekday: isoWeekday(p),
    time: `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`,
  };
}

/** How many days ahead the search for a fitting window looks (a week plus slack for midnight crossings). */
const HORIZON_DAYS = 9;

function windowSpans(windows: readonly BroadcastWindow[], from: number, timeZone: string): Span[] {
  const first = addDays(localDate(from, timeZone), -1);
  const spans: Span[] = [];
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const date = addDays(first, i);
    const weekday = isoWeekday(date);
    for (const w of windows) {
      if (!w.days.includes(weekday)) continue;
      const start = minutesOf(w.from);
      let end = minutesOf(w.to);
      if (end <= start) end += 24 * 60;
      const span = { start: zonedToUtc(date, start, timeZone), end: zonedToUtc(date, end, timeZone) };
      if (span.end > from) spans.push(span);
    }
  }
  return mergeSpans(spans);
}

function quietSpans(quiet: QuietHours, from: number, timeZone: string): Span[] {
  const first = addDays(localDate(from, timeZone), -1);
  const start = minutesOf(quiet.from);
  let end = minutesOf(quiet.to);
  if (end === start) return [];
  if (end < start) end += 24 * 60;
  const spans: Span[] = [];
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const date = addDays(first, i);
    spans.push({ start: zonedToUtc(date, start, timeZone), end: zonedToUtc(date, end, timeZone) });
  }
  return mergeSpans(spans);
}

function mergeSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function subtract(spans: Span[], holes: Span[]): Span[] {
  let out = spans;
  for (const hole of holes) {
    const next: Span[] = [];
    for (const s of out) {
      if (hole.end <= s.start || hole.start >= s.end) {
        next.push(s);
        continue;
      }
      if (hole.start > s.start) next.push({ start: s.start, end: hole.start });
      if (hole.end < s.end) next.push({ start: hole.end, end: s.end });
    }
    out = next;
  }
  return out;
}

/**
 * What constrains when a play may start: see {@link nextStartTime}.
 *
 * @example
 * ```ts
 * const rules: StartConstraints = { timeZone: 'Asia/Ho_Chi_Minh', windows: [{ days: [1], from: '06:00', to: '07:00' }] };
 * ```
 */
export interface StartConstraints {
  timeZone: string;
  /** Broadcast windows; absent or empty = any time. */
  windows?: readonly BroadcastWindow[] | undefined;
  /** Quiet hours; absent = none. */
  quietHours?: QuietHours | undefined;
  /** How long the play lasts, ms (0 when unknown: then only its start must fall inside a window). */
  durationMs?: number | undefined;
  /** Nothing starts after this instant (P-B2). */
  endAt?: number | undefined;
}

/**
 * The earliest instant at or after `earliest` at which a play of `durationMs` fits entirely inside
 * one broadcast window and outside quiet hours, and starts no later than `endAt`; `undefined`
 * when no such instant exists within the next week (P-B2).
 *
 * @example
 * ```ts
 * // Thursday 2026-11-26 07:30 in Vietnam; the next morning window is Friday 06:00 (23:00Z Thursday).
 * nextStartTime(Date.parse('2026-11-26T00:30:00Z'), {
 *   timeZone: 'Asia/Ho_Chi_Minh', windows: [{ days: [1, 2, 3, 4, 5], from: '06:00', to: '07:00' }], durationMs: 600_000,
 * }); // Date.parse('2026-11-26T23:00:00Z')
 * ```
 */
export function nextStartTime(earliest: number, rules: StartConstraints): number | undefined {
  const duration = Math.max(0, rules.durationMs ?? 0);
  const hasWindows = rules.windows !== undefined && rules.windows.length > 0;
  if (!hasWindows && rules.quietHours === undefined) {
    return rules.endAt !== undefined && earliest > rules.endAt ? undefined : earliest;
  }
  let spans: Span[] = hasWindows
    ? windowSpans(rules.windows ?? [], earliest, rules.timeZone)
    : [{ start: earliest, end: earliest + HORIZON_DAYS * 86_400_000 }];
  if (rules.quietHours !== undefined)
    spans = subtract(spans, quietSpans(rules.quietHours, earliest, rules.timeZone));
  for (const span of spans) {
    const start = Math.max(span.start, earliest);
    if (rules.endAt !== undefined && start > rules.endAt) return undefined;
    // A zero-length play must still start strictly inside the window's half-open span.
    if (duration === 0 ? start < span.end : start + duration <= span.end) return start;
  }
  return undefined;
}
