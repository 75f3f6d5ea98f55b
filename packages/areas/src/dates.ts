import { AreasError } from './errors';

/**
 * A calendar day: a `'YYYY-MM-DD'` string, or a `Date` (its calendar day in the machine's local time
 * zone is used).
 *
 * @example
 * ```ts
 * const at: DateLike = '2025-07-01';
 * ```
 */
export type DateLike = string | Date;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Day strings already checked; real programs ask about a handful of dates over and over.
const checked = new Set<string>();

/**
 * Turns a `DateLike` into `'YYYY-MM-DD'`, or throws `AreasError` (`invalid_date`) naming the input.
 *
 * @example
 * ```ts
 * toDay(new Date(2025, 6, 1)); // '2025-07-01'
 * ```
 */
export function toDay(at: DateLike, what = 'date'): string {
  if (typeof at === 'string') {
    if (checked.has(at)) return at;
    const match = DAY.exec(at);
    if (match) {
      const year = Number(match[1]);
      const month = Number(match[2]);
      const day = Number(match[3]);
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      const max = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
      if (month >= 1 && day >= 1 && day <= max) {
        if (checked.size > 1000) checked.clear();
        checked.add(at);
        return at;
      }
    }
    throw new AreasError('invalid_date', `${what} "${at}" is not a calendar date; expected YYYY-MM-DD`);
  }
  if (at instanceof Date && !Number.isNaN(at.getTime())) {
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${String(at.getFullYear()).padStart(4, '0')}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  }
  throw new AreasError(
    'invalid_date',
    `${what} ${at instanceof Date ? 'Invalid Date' : JSON.stringify(at)} is not a date; expected 'YYYY-MM-DD' or a valid Date`,
  );
}
