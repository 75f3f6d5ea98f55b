import { IndicatorsError } from './errors';
import type {
  Dataset,
  DatasetUnit,
  IndicatorDefinition,
  Rounding,
  Target,
  UnitScope,
  Universe,
} from './model';

/**
 * Rounds `value` to `decimals` decimal places. Works on the decimal text of the number, so that
 * 1.005 rounds to 1.01 with `half_up` (binary floating point would give 1.00).
 *
 * @example
 * ```ts
 * roundTo(92.27, 1); // 92.3
 * roundTo(2.5, 0, 'half_even'); // 2
 * ```
 */
export function roundTo(value: number, decimals: number, rounding: Rounding = 'half_up'): number {
  if (!Number.isFinite(value)) {
    throw new IndicatorsError('invalid_argument', `roundTo: expected a finite number, found ${value}`);
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new IndicatorsError('invalid_argument', `roundTo: expected 0–15 decimals, found ${decimals}`);
  }
  const sign = value < 0 ? -1 : 1;
  const abs = Math.abs(value);
  // Shift by the exponent in text form: exact for any number printed with ≤ 15 significant digits.
  const text = String(abs);
  const shifted = text.includes('e') ? abs * 10 ** decimals : Number(`${text}e${decimals}`);
  const floor = Math.floor(shifted);
  const fraction = shifted - floor;
  let units: number;
  switch (rounding) {
    case 'floor':
      units = sign > 0 ? floor : Math.ceil(shifted);
      break;
    case 'ceil':
      units = sign > 0 ? Math.ceil(shifted) : floor;
      break;
    case 'half_even':
      units = fraction > 0.5 ? floor + 1 : fraction < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
      break;
    default:
      units = fraction >= 0.5 ? floor + 1 : floor;
  }
  const result = (sign * units) / 10 ** decimals;
  return Object.is(result, -0) ? 0 : result;
}

/**
 * The rate numerator ÷ denominator × 100, unrounded; `null` when either side is missing or the
 * denominator is 0.
 *
 * @example
 * ```ts
 * rawRate(203, 220); // 92.27…
 * rawRate(0, 0); // null
 * ```
 */
export function rawRate(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) return null;
  return (numerator / denominator) * 100;
}

/**
 * The rate numerator ÷ denominator × 100 rounded to `decimals` (default 1) with `rounding`.
 *
 * @example
 * ```ts
 * computeRate(104, 203); // 51.2
 * computeRate(5, 17, 2); // 29.41
 * ```
 */
export function computeRate(
  numerator: number | null,
  denominator: number | null,
  decimals = 1,
  rounding: Rounding = 'half_up',
): number | null {
  const raw = rawRate(numerator, denominator);
  return raw === null ? null : roundTo(raw, decimals, rounding);
}

/**
 * Number of decimals a printed number shows: `"92,3%"` → 1, `"85%"` → 0, `"29,41%"` → 2,
 * `"203 (92,3%)"` → 1 (the rate). Accepts a comma or a dot as decimal mark.
 *
 * @example
 * ```ts
 * printedDecimals('7,0%'); // 1
 * ```
 */
export function printedDecimals(printed: string): number {
  const rate = /(\d+(?:[.,](\d+))?)\s*%/.exec(printed);
  const text = rate ? rate[1] : printed.trim();
  const m = /[.,](\d+)$/.exec(text ?? '');
  return m?.[1]?.length ?? 0;
}

/**
 * Half a unit of the last printed digit: the largest difference between a computed value and a
 * number printed with `decimals` decimals that still agrees (0.5 for "85%", 0.05 for "92,3%").
 *
 * @example
 * ```ts
 * tolerance(1); // 0.05
 * ```
 */
export function tolerance(decimals: number): number {
  return 0.5 * 10 ** -decimals;
}

/**
 * True when the unrounded `computed` value agrees with `printed` shown with `decimals` decimals:
 * |computed − printed| ≤ 0.5·10^−decimals. The bound is inclusive (an exact half may have been
 * rounded either way); a relative slack of 1e−12 absorbs binary floating-point error only.
 *
 * @example
 * ```ts
 * agreesWithPrinted(47.27, 51.2, 1); // false
 * agreesWithPrinted(34.55, 35, 0); // true
 * ```
 */
export function agreesWithPrinted(computed: number, printed: number, decimals: number): boolean {
  const diff = Math.abs(computed - printed);
  return diff <= tolerance(decimals) + 1e-12 * Math.max(1, Math.abs(printed));
}

/**
 * Finds an indicator definition by id, or throws `unknown_indicator`.
 *
 * @example
 * ```ts
 * getIndicator(getDataset('gia-lai-2024'), 'commune_radio').refs; // ['I.1.1', 'II.I.1']
 * ```
 */
export function getIndicator(dataset: Dataset, id: string): IndicatorDefinition {
  const def = dataset.indicators.find((d) => d.id === id);
  if (!def) {
    throw new IndicatorsError(
      'unknown_indicator',
      `expected one of ${dataset.indicators.map((d) => `"${d.id}"`).join(', ')}, found "${id}"`,
    );
  }
  return def;
}

/**
 * How many units of `scope` the unit `unitCode` has at the dataset's snapshot: a universe the
 * dataset records (printed first, then implied), 1 for a unit counting itself (a district in the
 * `district` scope, the province in the `province` scope), otherwise `null`.
 *
 * @example
 * ```ts
 * universeOf(getDataset('gia-lai-2024'), 'wards_towns', '64'); // 38
 * ```
 */
export function universeOf(dataset: Dataset, scope: UnitScope, unitCode: string): number | null {
  const printed = dataset.universes.find(
    (u) => u.scope === scope && u.unitCode === unitCode && u.basis === 'printed',
  );
  if (printed) return printed.value;
  const implied = dataset.universes.find((u) => u.scope === scope && u.unitCode === unitCode);
  if (implied) return implied.value;
  const level = dataset.units.find((u) => u.code === unitCode)?.level ?? levelOfCode(unitCode);
  if ((scope === 'district' && level === 'district') || (scope === 'province' && level === 'province'))
    return 1;
  return null;
}

/**
 * Level of a GSO unit code from its length: 2 digits province, 3 district, 5 commune.
 *
 * @example
 * ```ts
 * levelOfCode('23575'); // 'commune'
 * ```
 */
export function levelOfCode(code: string): 'province' | 'district' | 'commune' {
  return code.length <= 2 ? 'province' : code.length === 3 ? 'district' : 'commune';
}

/**
 * The target value of one (indicator, unit, year), or `null` when the dataset has none or it is
 * missing.
 *
 * @example
 * ```ts
 * targetValue(getDataset('gia-lai-2024'), 'commune_radio', '64', 2024); // 203
 * ```
 */
export function targetValue(
  dataset: Dataset,
  indicator: string,
  unitCode: string,
  year: number,
): number | null {
  return (
    dataset.targets.find((t) => t.indicator === indicator && t.unitCode === unitCode && t.year === year)
      ?.value ?? null
  );
}

/**
 * The denominator of a rate indicator for one unit and year, from a lookup of values (used for
 * `{indicator}` denominators) and the dataset universes. `null` when it cannot be known.
 *
 * @example
 * ```ts
 * const ds = getDataset('gia-lai-2024');
 * denominatorOf(ds, getIndicator(ds, 'commune_radio_ict'), '64', 2024, (id, unit, year) => targetValue(ds, id, unit, year)); // 203
 * ```
 */
export function denominatorOf(
  dataset: Dataset,
  def: IndicatorDefinition,
  unitCode: string,
  year: number,
  lookup: (indicator: string, unitCode: string, year: number) => number | null,
): number | null {
  if (!def.denominator) return null;
  if ('universe' in def.denominator) return universeOf(dataset, def.denominator.universe, unitCode);
  return lookup(def.denominator.indicator, unitCode, year);
}

const SCOPE_LEVEL = {
  commune_level: 'commune',
  wards_towns: 'commune',
  communes_only: 'commune',
  district: 'district',
  province: 'province',
} as const;

/**
 * The numerator of a rate for one unit and year. For an indicator counting `units` it is the value
 * itself. For one counting `items` (boards…) it is the number of units of the indicator's scope
 * that have at least one item — the rate is "share of districts having a board", not boards per
 * district — counted from the sub-units' values; `null` when a sub-unit's value is missing or the
 * unit has no sub-units in the dataset.
 *
 * @example
 * ```ts
 * const ds = getDataset('gia-lai-2024');
 * const lookup = (id: string, unit: string, year: number) => targetValue(ds, id, unit, year);
 * rateNumerator(ds, getIndicator(ds, 'district_large_board'), '64', 2024, lookup); // 8 districts (9 boards)
 * ```
 */
export function rateNumerator(
  dataset: Dataset,
  def: IndicatorDefinition,
  unitCode: string,
  year: number,
  lookup: (indicator: string, unitCode: string, year: number) => number | null,
): number | null {
  const value = lookup(def.id, unitCode, year);
  if (def.counted !== 'items') return value;
  const level = dataset.units.find((u) => u.code === unitCode)?.level ?? levelOfCode(unitCode);
  if (level === SCOPE_LEVEL[def.counts]) return value === null ? null : value > 0 ? 1 : 0;
  const children = dataset.units.filter((u) => u.parent === unitCode);
  if (children.length === 0) return null;
  let having = 0;
  for (const child of children) {
    const n = rateNumerator(dataset, def, child.code, year, lookup);
    if (n === null) return null;
    having += n;
  }
  return having;
}

/**
 * The rate of a target: {@link rateNumerator} ÷ denominator × 100, rounded as the indicator says. `null`
 * for non-rate indicators and when a side is missing.
 *
 * @example
 * ```ts
 * targetRate(getDataset('gia-lai-2024'), 'commune_radio', '64', 2024); // 92.3
 * ```
 */
export function targetRate(
  dataset: Dataset,
  indicator: string,
  unitCode: string,
  year: number,
): number | null {
  const def = getIndicator(dataset, indicator);
  if (def.kind !== 'rate') return null;
  const lookup = (id: string, unit: string, y: number) => targetValue(dataset, id, unit, y);
  return computeRate(
    rateNumerator(dataset, def, unitCode, year, lookup),
    denominatorOf(dataset, def, unitCode, year, lookup),
    def.decimals,
    def.rounding,
  );
}

/**
 * Sums values, treating `null` as missing: `null` when every value is missing, otherwise the sum
 * of the values present.
 *
 * @example
 * ```ts
 * sumPresent([1, null, 2]); // 3
 * sumPresent([null]); // null
 * ```
 */
export function sumPresent(values: readonly (number | null)[]): number | null {
  let sum: number | null = null;
  for (const v of values) if (v !== null) sum = (sum ?? 0) + v;
  return sum;
}

/**
 * A copy of the dataset where every parent unit without a target (none, or `null`) gets the sum of
 * its sub-units' targets, with `basis: 'summed'` — for plans typed in district by district. A target
 * printed in the document is never replaced (use `validateDataset` to compare it with the sum).
 * Boolean indicators and parents whose sub-units are all missing are left alone.
 *
 * @example
 * ```ts
 * const filled = fillTotals(parseDataset(districtRowsOnly));
 * targetValue(filled, 'commune_radio', '64', 2024); // sum of the district rows
 * ```
 */
export function fillTotals(dataset: Dataset): Dataset {
  const targets = dataset.targets.map((t) => ({ ...t }));
  // Lookups built once (first match, dataset order), kept up to date as totals are added.
  const index = indexDataset({ ...dataset, targets });
  const find = (indicator: string, unitCode: string, year: number) =>
    indexedTarget(index, indicator, unitCode, year);
  const add = (t: (typeof targets)[number]) => {
    targets.push(t);
    let byUnit = index.targets.get(t.indicator);
    if (!byUnit) {
      byUnit = new Map();
      index.targets.set(t.indicator, byUnit);
    }
    let byYear = byUnit.get(t.unitCode);
    if (!byYear) {
      byYear = new Map();
      byUnit.set(t.unitCode, byYear);
    }
    if (!byYear.has(t.year)) byYear.set(t.year, t);
  };
  // Deepest parents first, so that a district filled from communes feeds its province.
  const depths = new Map<string, number>();
  const depth = (code: string): number => {
    const known = depths.get(code);
    if (known !== undefined) return known;
    const parent = index.units.get(code)?.parent;
    const d = parent ? 1 + depth(parent) : 0;
    depths.set(code, d);
    return d;
  };
  const parents = dataset.units
    .filter((p) => index.children.has(p.code))
    .sort((a, b) => depth(b.code) - depth(a.code));
  for (const def of dataset.indicators) {
    if (def.kind === 'boolean') continue;
    for (const parent of parents) {
      const children = index.children.get(parent.code) ?? [];
      for (const year of dataset.years) {
        const own = find(def.id, parent.code, year);
        if (own && own.value !== null) continue;
        const parts = children.map((c) => find(def.id, c.code, year)).filter((t) => t !== undefined);
        if (parts.length === 0) continue;
        const sum = sumPresent(parts.map((t) => t.value));
        if (sum === null) continue;
        const missing = children.length - parts.filter((t) => t.value !== null).length;
        const note =
          missing > 0 ? `sum of ${children.length - missing} of ${children.length} sub-units` : undefined;
        const filled = {
          indicator: def.id,
          unitCode: parent.code,
          year,
          value: sum,
          basis: 'summed' as const,
        };
        if (own) Object.assign(own, filled, note ? { note } : {});
        else add(note ? { ...filled, note } : filled);
      }
    }
  }
  return { ...dataset, targets };
}

/**
 * Lookups over one dataset, built once per call of {@link validateDataset}-like functions so that
 * their loops do not search the arrays again. Each map keeps what `Array.find` / `Array.filter`
 * would return: the first unit or target of a key, children in dataset order. Internal: not
 * exported from the package, and never cached across calls (a dataset may be edited between two
 * calls).
 *
 * @internal
 * @example
 * ```ts
 * const index = indexDataset(getDataset('gia-lai-2024'));
 * indexedTarget(index, 'commune_radio', '64', 2024)?.value; // 203
 * ```
 */
export interface DatasetIndex {
  /** First unit of each code. */
  units: Map<string, DatasetUnit>;
  /** Units by parent code, in dataset order. */
  children: Map<string, DatasetUnit[]>;
  /** First target of each (indicator, unit code, year). */
  targets: Map<string, Map<string, Map<number, Target>>>;
  /** First universe of each (scope, unit code) with `basis: 'printed'`, else of any basis. */
  universes: Map<string, Map<string, Universe>>;
}

/**
 * Builds the {@link DatasetIndex} of a dataset, in one pass over its arrays.
 *
 * @internal
 * @example
 * ```ts
 * const index = indexDataset(getDataset('gia-lai-2024'));
 * ```
 */
export function indexDataset(dataset: Dataset): DatasetIndex {
  const units = new Map<string, DatasetUnit>();
  const children = new Map<string, DatasetUnit[]>();
  for (const u of dataset.units) {
    if (!units.has(u.code)) units.set(u.code, u);
    if (u.parent === null || u.parent === undefined) continue;
    const list = children.get(u.parent);
    if (list) list.push(u);
    else children.set(u.parent, [u]);
  }
  const targets = new Map<string, Map<string, Map<number, Target>>>();
  for (const t of dataset.targets) {
    let byUnit = targets.get(t.indicator);
    if (!byUnit) {
      byUnit = new Map();
      targets.set(t.indicator, byUnit);
    }
    let byYear = byUnit.get(t.unitCode);
    if (!byYear) {
      byYear = new Map();
      byUnit.set(t.unitCode, byYear);
    }
    if (!byYear.has(t.year)) byYear.set(t.year, t);
  }
  const universes = new Map<string, Map<string, Universe>>();
  for (const u of dataset.universes) {
    let byUnit = universes.get(u.scope);
    if (!byUnit) {
      byUnit = new Map();
      universes.set(u.scope, byUnit);
    }
    const seen = byUnit.get(u.unitCode);
    // The first printed one wins; until there is one, the first of any basis.
    if (!seen || (seen.basis !== 'printed' && u.basis === 'printed')) byUnit.set(u.unitCode, u);
  }
  return { units, children, targets, universes };
}

/**
 * The first target of (indicator, unit, year) from an index, like `dataset.targets.find(...)`.
 *
 * @internal
 * @example
 * ```ts
 * indexedTarget(indexDataset(ds), 'commune_radio', '64', 2024)?.value; // 203
 * ```
 */
export function indexedTarget(
  index: DatasetIndex,
  indicator: string,
  unitCode: string,
  year: number,
): Target | undefined {
  return index.targets.get(indicator)?.get(unitCode)?.get(year);
}

/**
 * {@link universeOf} answered from an index.
 *
 * @internal
 * @example
 * ```ts
 * indexedUniverseOf(indexDataset(ds), 'wards_towns', '64'); // 38
 * ```
 */
export function indexedUniverseOf(index: DatasetIndex, scope: UnitScope, unitCode: string): number | null {
  const found = index.universes.get(scope)?.get(unitCode);
  if (found) return found.value;
  const level = index.units.get(unitCode)?.level ?? levelOfCode(unitCode);
  if ((scope === 'district' && level === 'district') || (scope === 'province' && level === 'province'))
    return 1;
  return null;
}

/**
 * {@link denominatorOf} answered from an index.
 *
 * @internal
 * @example
 * ```ts
 * indexedDenominatorOf(index, def, '64', 2024, lookup);
 * ```
 */
export function indexedDenominatorOf(
  index: DatasetIndex,
  def: IndicatorDefinition,
  unitCode: string,
  year: number,
  lookup: (indicator: string, unitCode: string, year: number) => number | null,
): number | null {
  if (!def.denominator) return null;
  if ('universe' in def.denominator) return indexedUniverseOf(index, def.denominator.universe, unitCode);
  return lookup(def.denominator.indicator, unitCode, year);
}

/**
 * {@link rateNumerator} answered from an index.
 *
 * @internal
 * @example
 * ```ts
 * indexedRateNumerator(index, def, '64', 2024, lookup);
 * ```
 */
export function indexedRateNumerator(
  index: DatasetIndex,
  def: IndicatorDefinition,
  unitCode: string,
  year: number,
  lookup: (indicator: string, unitCode: string, year: number) => number | null,
): number | null {
  const value = lookup(def.id, unitCode, year);
  if (def.counted !== 'items') return value;
  const level = index.units.get(unitCode)?.level ?? levelOfCode(unitCode);
  if (level === SCOPE_LEVEL[def.counts]) return value === null ? null : value > 0 ? 1 : 0;
  const children = index.children.get(unitCode) ?? [];
  if (children.length === 0) return null;
  let having = 0;
  for (const child of children) {
    const n = indexedRateNumerator(index, def, child.code, year, lookup);
    if (n === null) return null;
    having += n;
  }
  return having;
}
