import type { BulletinIssue } from './errors';
import { formatPath } from './errors';
import type { Bulletin } from './schema';

/**
 * What the unit check needs from a unit registry: `loadUnits()` from `@nguon/areas` fits. Kept as an
 * interface so that browsers that never check units do not load the unit data.
 *
 * @example
 * ```ts
 * const units: UnitLookup = loadUnits(); // from @nguon/areas
 * ```
 */
export interface UnitLookup {
  /** The version of `code` in force on day `at` (`YYYY-MM-DD`), or `undefined`. */
  get(code: string, at: string): { name: string } | undefined;
  /** Every version of `code`, to say when it was in force. */
  versions(code: string): readonly { name: string; validFrom: string; validTo: string | null }[];
}

const VN_OFFSET_MS = 7 * 3_600_000;

/** The calendar day of an RFC 3339 time in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function vietnamDay(time: string): string {
  return new Date(Date.parse(time) + VN_OFFSET_MS).toISOString().slice(0, 10);
}

function history(units: UnitLookup, code: string): string {
  const known = units.versions(code);
  return known.length === 0
    ? 'no unit ever had this code'
    : `it was ${known.map((v) => `"${v.name}" ${v.validFrom}–${v.validTo ?? 'now'}`).join(', ')}`;
}

function issue(path: (string | number)[], message: string): BulletinIssue {
  return { path, at: formatPath(path), code: 'unknown_unit', message };
}

/**
 * Checks a valid bulletin's unit codes against a unit registry: each target code exists on
 * `targets.units.at` and is still in force on the schedule's start day (Vietnam time), and the
 * issuer's unit exists on the creation day. Returns the problems (empty when all is well).
 *
 * @example
 * ```ts
 * import { loadUnits } from '@nguon/areas';
 * const problems = checkBulletinUnits(bulletin, loadUnits());
 * ```
 */
export function checkBulletinUnits(bulletin: Bulletin, units: UnitLookup): BulletinIssue[] {
  const problems: BulletinIssue[] = [];
  const target = bulletin.targets.units;
  if (target) {
    const startDay = vietnamDay(bulletin.schedule.start);
    target.codes.forEach((code, i) => {
      const path = ['targets', 'units', 'codes', i];
      const unit = units.get(code, target.at);
      if (!unit) {
        problems.push(issue(path, `no unit with code "${code}" on ${target.at}: ${history(units, code)}`));
      } else if (!units.get(code, startDay)) {
        problems.push(
          issue(
            path,
            `unit "${code}" (${unit.name} on ${target.at}) is no longer in force when the bulletin starts (${startDay}): ${history(units, code)}; map it to the units of that day`,
          ),
        );
      }
    });
  }
  const issuerCode = bulletin.issuer.unitCode;
  if (issuerCode !== undefined) {
    const day = vietnamDay(bulletin.createdAt);
    if (!units.get(issuerCode, day)) {
      problems.push(
        issue(
          ['issuer', 'unitCode'],
          `no unit with code "${issuerCode}" on ${day} (createdAt): ${history(units, issuerCode)}`,
        ),
      );
    }
  }
  return problems;
}
