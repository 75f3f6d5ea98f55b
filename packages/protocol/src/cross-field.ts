// The rules of the catalogue that JSON Schema cannot state. Written once, here, and run in two
// places: as zod refinements in messages.ts, and on the fast path (fast-path.ts) after the generated
// JSON Schema validator has checked the shapes.

/** Receives one broken rule: where (relative to the value checked) and what is wrong. */
export type RuleReport = (path: (string | number)[], message: string) => void;

/**
 * True when RFC 3339 UTC time `b` is after `a`, as `Date.parse` sees them. Two times of the same
 * length with at most millisecond digits order like their text, which spares two `Date.parse`.
 */
function isAfter(b: string, a: string): boolean {
  if (a.length === b.length && a.length <= 24 && a.endsWith('Z') && b.endsWith('Z')) return b > a;
  return Date.parse(b) > Date.parse(a);
}

/** A command's (or envelope's) `exp`, if any, lies after its `ts`. */
export const expIsAfterTs = (value: { ts: string; exp?: string | undefined }): boolean =>
  value.exp === undefined || isAfter(value.exp, value.ts);

/** Reports an `exp` that does not lie after `ts`. */
export function expAfterTs(value: { ts: string; exp?: string | undefined }, report: RuleReport): void {
  if (!expIsAfterTs(value)) report(['exp'], `expected exp after ts (${value.ts}), found ${value.exp}`);
}

/** A playout's `endAt`, if any, lies after its `startAt`. */
export const endAtIsAfterStartAt = (value: { startAt: string; endAt?: string | undefined }): boolean =>
  value.endAt === undefined || isAfter(value.endAt, value.startAt);

/** Reports an `endAt` that does not lie after `startAt`. */
export function endAtAfterStartAt(
  value: { startAt: string; endAt?: string | undefined },
  report: RuleReport,
): void {
  if (!endAtIsAfterStartAt(value))
    report(['endAt'], `expected endAt after startAt (${value.startAt}), found ${value.endAt}`);
}

/** An ack that is not ok carries a `code`. */
export const ackHasCode = (ack: { ok: boolean; code?: unknown }): boolean => ack.ok || ack.code !== undefined;

/** A hello names protocol version 1 among its `protocols`. */
export const includesVersion1 = (protocols: readonly number[]): boolean => protocols.includes(1);
