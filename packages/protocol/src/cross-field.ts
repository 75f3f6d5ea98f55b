// The rules of the catalogue that JSON Schema cannot state. Written once, here, and run in two
// places: as zod refinements in messages.ts, and on the fast path (fast-path.ts) after the generated
// JSON Schema validator has checked the shapes.

/** Receives one broken rule: where (relative to the value checked) and what is wrong. */
export type RuleReport = (path: (string | number)[], message: string) => void;

/** A command's (or envelope's) `exp` lies after its `ts`. */
export function expAfterTs(value: { ts: string; exp?: string | undefined }, report: RuleReport): void {
  if (value.exp !== undefined && Date.parse(value.exp) <= Date.parse(value.ts))
    report(['exp'], `expected exp after ts (${value.ts}), found ${value.exp}`);
}

/** A playout's `endAt` lies after its `startAt`. */
export function endAtAfterStartAt(
  value: { startAt: string; endAt?: string | undefined },
  report: RuleReport,
): void {
  if (value.endAt !== undefined && Date.parse(value.endAt) <= Date.parse(value.startAt))
    report(['endAt'], `expected endAt after startAt (${value.startAt}), found ${value.endAt}`);
}

/** An ack that is not ok carries a `code`. */
export const ackHasCode = (ack: { ok: boolean; code?: unknown }): boolean => ack.ok || ack.code !== undefined;

/** A hello names protocol version 1 among its `protocols`. */
export const includesVersion1 = (protocols: readonly number[]): boolean => protocols.includes(1);
