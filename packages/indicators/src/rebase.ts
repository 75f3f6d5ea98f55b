import { loadUnits } from '@nguon/areas';
import { IndicatorsError } from './errors';
import {
  type Actual,
  type ActualInput,
  type IndicatorDefinition,
  IsoDate,
  type ObservationStatus,
  withStatus,
} from './model';
import type { UnitRegistryLike } from './registry';

/**
 * Options of {@link rebaseActuals}.
 *
 * @example
 * ```ts
 * const options: RebaseOptions = { from: '2024-09-01', to: '2025-07-01', indicators: getDataset('gia-lai-2024').indicators };
 * ```
 */
export interface RebaseOptions {
  /** Date of the unit set the actuals are recorded on, `YYYY-MM-DD`. */
  from: string;
  /** Date of the unit set to move them to; earlier than `from` to go back. */
  to: string;
  /** Definitions, to know which indicators count items (summed) rather than units (any-part rule). */
  indicators?: readonly IndicatorDefinition[];
  /** Unit registry; `loadUnits()` from `@nguon/areas` by default. */
  registry?: UnitRegistryLike;
}

/**
 * An actual that could not be moved, and why: `unknown_unit` (no such unit on `from`),
 * `not_commune_level` (only commune-level actuals are moved; re-aggregate districts and provinces
 * from them afterwards), `no_successor` (the sources record no unit on `to` for it).
 *
 * @example
 * ```ts
 * const u: UnmappedActual = { unitCode: '23671', name: 'Xã Kông Pla', indicator: 'commune_radio', year: 2024, reason: 'no_successor' };
 * ```
 */
export interface UnmappedActual {
  unitCode: string;
  name: string | null;
  indicator: string;
  year: number;
  reason: 'unknown_unit' | 'not_commune_level' | 'no_successor';
}

/**
 * A moved actual that is an upper bound: the new unit received only part of an old unit, or one old
 * unit's value went to several new units.
 *
 * @example
 * ```ts
 * const p: PartialMapping = { unitCode: '23575', indicator: 'commune_radio', year: 2024, sources: ['23575', '23578'] };
 * ```
 */
export interface PartialMapping {
  unitCode: string;
  indicator: string;
  year: number;
  sources: string[];
}

/**
 * Result of {@link rebaseActuals}.
 *
 * @example
 * ```ts
 * const { actuals, unmapped, partial }: RebaseResult = rebaseActuals(old, { from: '2024-09-01', to: '2025-07-01' });
 * ```
 */
export interface RebaseResult {
  /** Actuals on the units in force on `to`, sorted by indicator, unit code and year. */
  actuals: Actual[];
  /** Actuals that could not be moved. */
  unmapped: UnmappedActual[];
  /** Moved actuals that are upper bounds (their status is `estimated`). */
  partial: PartialMapping[];
}

const STATUS_RANK: Record<ObservationStatus, number> = {
  normal: 0,
  provisional: 1,
  estimated: 2,
  missing: 3,
};

interface Contribution {
  source: Actual;
  exact: boolean;
}

/**
 * Moves commune-level actuals recorded on the units of one date onto the units of another, through
 * the successor links of `@nguon/areas` (forward when `to` is later, backward when earlier).
 *
 * The rule for a new unit N, given the old units that map to it:
 * - indicators counting **units** (does the commune have a radio system?): N has it when any of its
 *   parts had it, so N's value is the largest of theirs (1 when any part had it);
 * - indicators counting **items** (how many boards?): N's value is the sum of its parts.
 *
 * The value is exact only when every part is a whole old unit (`full` or `same`) that went to N
 * alone, as in the 2025 commune mergers. When N received only part of an old unit (`partial`), or
 * one old unit maps to several new ones (always the case going back from a merger), the old value is
 * given whole to each of them: the result is an **upper bound**, marked `estimated` with a note and
 * listed in `partial`. Sums over such units count the same thing more than once; allocate by hand
 * (or by a share you trust) where that matters. Missing parts make the value `provisional` (a lower
 * bound) unless the any-part rule already says yes.
 *
 * Only commune-level actuals are moved: re-aggregate districts and the province afterwards (the
 * 2025 units have no districts). Everything that could not be moved is listed in `unmapped`.
 *
 * @example
 * ```ts
 * const { actuals, unmapped } = rebaseActuals(
 *   [{ indicator: 'commune_radio', unitCode: '23575', year: 2024, value: 1, status: 'normal' }],
 *   { from: '2024-09-01', to: '2025-07-01' },
 * );
 * actuals[0]?.unitCode; // '23575' (Phường Pleiku, formed from Tây Sơn and others)
 * ```
 */
export function rebaseActuals(input: readonly ActualInput[], options: RebaseOptions): RebaseResult {
  const actuals = withStatus(input);
  for (const key of ['from', 'to'] as const) {
    if (!IsoDate.safeParse(options[key]).success) {
      throw new IndicatorsError(
        'invalid_argument',
        `rebaseActuals: expected ${key} as YYYY-MM-DD, found "${options[key]}"`,
      );
    }
  }
  const { from, to } = options;
  const registry = options.registry ?? loadUnits();
  const counted = new Map((options.indicators ?? []).map((d) => [d.id, d.counted]));
  const unmapped: UnmappedActual[] = [];
  const into = new Map<string, Contribution[]>();
  const mappingCache = new Map<string, { code: string; type: string }[]>();

  for (const a of actuals) {
    let unit: ReturnType<UnitRegistryLike['get']>;
    try {
      unit = registry.get(a.unitCode, from);
    } catch (cause) {
      throw new IndicatorsError(
        'invalid_argument',
        `rebaseActuals: the unit registry cannot answer for ${from}`,
        { cause },
      );
    }
    const base = { unitCode: a.unitCode, indicator: a.indicator, year: a.year };
    if (!unit) {
      unmapped.push({ ...base, name: null, reason: 'unknown_unit' });
      continue;
    }
    if (unit.level !== 'commune') {
      unmapped.push({ ...base, name: unit.name, reason: 'not_commune_level' });
      continue;
    }
    let mappings = mappingCache.get(a.unitCode);
    if (!mappings) {
      try {
        mappings = [...registry.explainMapping(a.unitCode, { from, to }).mappings];
      } catch (cause) {
        throw new IndicatorsError(
          'invalid_argument',
          `rebaseActuals: cannot map ${a.unitCode} from ${from} to ${to}`,
          {
            cause,
          },
        );
      }
      mappingCache.set(a.unitCode, mappings);
    }
    if (mappings.length === 0) {
      unmapped.push({ ...base, name: unit.name, reason: 'no_successor' });
      continue;
    }
    for (const m of mappings) {
      const key = `${a.indicator}|${m.code}|${a.year}`;
      const list = into.get(key) ?? [];
      list.push({ source: a, exact: m.type !== 'partial' && mappings.length === 1 });
      into.set(key, list);
    }
  }

  const result: Actual[] = [];
  const partial: PartialMapping[] = [];
  for (const [key, parts] of into) {
    const [indicator = '', unitCode = '', yearText = ''] = key.split('|');
    const year = Number(yearText);
    const items = counted.get(indicator) === 'items';
    const present = parts.filter((p) => p.source.value !== null);
    const values = present.map((p) => p.source.value ?? 0);
    const sources = [...new Set(parts.map((p) => p.source.unitCode))].sort();
    if (present.length === 0) {
      result.push({
        indicator,
        unitCode,
        year,
        value: null,
        status: 'missing',
        note: `from ${sources.join(', ')}`,
      });
      continue;
    }
    const value = items ? values.reduce((s, v) => s + v, 0) : Math.max(...values);
    let status = present.reduce<ObservationStatus>(
      (s, p) => (STATUS_RANK[p.source.status] > STATUS_RANK[s] ? p.source.status : s),
      'normal',
    );
    const notes: string[] = [];
    const missing = parts.length - present.length;
    const settled = !items && value > 0 && present.some((p) => p.exact && (p.source.value ?? 0) === value);
    if (missing > 0 && !settled) {
      if (STATUS_RANK[status] < STATUS_RANK.provisional) status = 'provisional';
      notes.push(`lower bound: ${missing} of ${parts.length} parts missing`);
    }
    if (parts.some((p) => !p.exact) && !settled) {
      status = 'estimated';
      notes.push('upper bound: part of an old unit, or an old unit shared with other new units');
      partial.push({ unitCode, indicator, year, sources });
    }
    notes.push(`from ${sources.join(', ')}`);
    result.push({ indicator, unitCode, year, value, status, note: notes.join('; ') });
  }
  const order = (a: { indicator: string; unitCode: string; year: number }, b: typeof a) =>
    a.indicator.localeCompare(b.indicator) || a.unitCode.localeCompare(b.unitCode) || a.year - b.year;
  return { actuals: result.sort(order), unmapped: unmapped.sort(order), partial: partial.sort(order) };
}
