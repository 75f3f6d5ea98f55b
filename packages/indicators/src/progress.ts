import { loadUnits } from '@nguon/areas';
import {
  computeRate,
  getIndicator,
  indexDataset,
  indexedDenominatorOf,
  indexedRateNumerator,
  indexedTarget,
  levelOfCode,
  roundTo,
} from './compute';
import { IndicatorsError, type InputIssue } from './errors';
import {
  type Actual,
  type ActualInput,
  type Dataset,
  type IndicatorDefinition,
  type ObservationStatus,
  type ProgressRow,
  withStatus,
} from './model';
import type { UnitRegistryLike } from './registry';

/**
 * Options of {@link aggregateActuals} and {@link progress}.
 *
 * @example
 * ```ts
 * const options: AggregateOptions = { registry: loadUnits() };
 * ```
 */
export interface AggregateOptions {
  /**
   * Unit registry; `loadUnits()` from `@nguon/areas` by default, `null` for none. It places each
   * commune in its district at the dataset's snapshot and tells which communes of a district have
   * no actual. Without it, actuals must be on the dataset's own units.
   */
  registry?: UnitRegistryLike | null;
}

const STATUS_RANK: Record<ObservationStatus, number> = {
  normal: 0,
  provisional: 1,
  estimated: 2,
  missing: 3,
};

/**
 * Actuals for every unit of the dataset, for one year: a unit's own actual when recorded, otherwise
 * the sum over its sub-units (communes → district → province).
 *
 * Rules for a sum: all parts missing → `null`, status `missing`; some parts missing → the sum of the
 * others, status `provisional` at least and a note "lower bound"; otherwise the least reliable
 * status of the parts (`estimated` over `provisional` over `normal`). Boolean indicators are never
 * summed.
 *
 * Throws `invalid_actuals` (with the index of each) for an actual of an unknown indicator or on a
 * unit that is not inside the plan's units at its snapshot — e.g. a 2025 unit against a 2024 plan:
 * re-base those first with `rebaseActuals`.
 *
 * @example
 * ```ts
 * const rows = aggregateActuals(getDataset('gia-lai-2024'), actuals, 2024, { registry: loadUnits() });
 * rows.find((a) => a.indicator === 'commune_radio' && a.unitCode === '64')?.value;
 * ```
 */
export function aggregateActuals(
  dataset: Dataset,
  actuals: readonly ActualInput[],
  year: number,
  options: AggregateOptions = {},
): Actual[] {
  const at = dataset.unitSnapshot;
  const registry = options.registry === undefined ? loadUnits() : (options.registry ?? undefined);
  const parentOf = new Map<string, string | null>(dataset.units.map((u) => [u.code, u.parent]));
  const unitCodes = new Set(parentOf.keys());
  const inYear = withStatus(actuals.filter((a) => a.year === year));
  const issues: InputIssue[] = [];
  const known = new Set(dataset.indicators.map((d) => d.id));
  inYear.forEach((a, i) => {
    if (!known.has(a.indicator)) {
      issues.push({
        path: `${i}.indicator`,
        message: `expected an indicator of ${dataset.id}, found "${a.indicator}"`,
      });
    }
    if (parentOf.has(a.unitCode)) return;
    let unit: ReturnType<UnitRegistryLike['get']>;
    try {
      unit = registry?.get(a.unitCode, at);
    } catch {
      unit = undefined;
    }
    if (!unit?.parent || !unitCodes.has(unit.parent)) {
      issues.push({
        path: `${i}.unitCode`,
        message: unit
          ? `expected a unit inside ${dataset.units.map((u) => u.code).join(', ')} on ${at}, found ${a.unitCode} (${unit.name}) under ${unit.parent ?? 'nothing'}`
          : `expected a unit in force on ${at} (the plan's unit snapshot), found ${a.unitCode}${registry ? '' : ' (no unit registry given)'}`,
      });
      return;
    }
    parentOf.set(a.unitCode, unit.parent);
  });
  if (issues.length > 0) {
    throw new IndicatorsError(
      'invalid_actuals',
      `${issues.length} actual(s) of ${year} cannot be placed in ${dataset.id}:\n${issues
        .slice(0, 5)
        .map((x) => `  at ${x.path}: ${x.message}`)
        .join('\n')}`,
      { issues },
    );
  }
  // Sub-units of each unit, in the order of `parentOf`; built once, not searched per unit.
  const recorded = new Map<string, string[]>();
  for (const [c, p] of parentOf) {
    if (p === null || p === undefined) continue;
    const list = recorded.get(p);
    if (list) list.push(c);
    else recorded.set(p, [c]);
  }
  const childrenMemo = new Map<string, readonly string[]>();
  const childrenOf = (code: string): readonly string[] => {
    const cached = childrenMemo.get(code);
    if (cached) return cached;
    const known = [...(recorded.get(code) ?? [])];
    // Communes recorded under a district: every commune of the district is expected.
    if (registry && levelOfCode(code) === 'district' && known.some((c) => levelOfCode(c) === 'commune')) {
      const seen = new Set(known);
      for (const c of registry.descendants(code, at, { level: 'commune' })) {
        if (!seen.has(c.code)) {
          known.push(c.code);
          seen.add(c.code);
        }
      }
    }
    childrenMemo.set(code, known);
    return known;
  };

  const out: Actual[] = [];
  for (const def of dataset.indicators) {
    const direct = new Map(inYear.filter((a) => a.indicator === def.id).map((a) => [a.unitCode, a]));
    const memo = new Map<string, Actual>();
    const resolve = (code: string): Actual => {
      const cached = memo.get(code);
      if (cached) return cached;
      const own = direct.get(code);
      let result: Actual;
      if (own) {
        result = own;
      } else {
        const children = def.kind === 'boolean' ? [] : childrenOf(code);
        const parts = children.map(resolve);
        const present = parts.filter((p) => p.value !== null);
        if (present.length === 0) {
          result = { indicator: def.id, unitCode: code, year, value: null, status: 'missing' };
        } else {
          const missing = parts.length - present.length;
          let status = present.reduce<ObservationStatus>(
            (s, p) => (STATUS_RANK[p.status] > STATUS_RANK[s] ? p.status : s),
            'normal',
          );
          if (missing > 0 && STATUS_RANK[status] < STATUS_RANK.provisional) status = 'provisional';
          result = {
            indicator: def.id,
            unitCode: code,
            year,
            value: present.reduce((s, p) => s + (p.value ?? 0), 0),
            status,
            ...(missing > 0 ? { note: `lower bound: ${missing} of ${parts.length} sub-units missing` } : {}),
          };
        }
      }
      memo.set(code, result);
      return result;
    };
    for (const unit of dataset.units) out.push(resolve(unit.code));
  }
  return out;
}

/**
 * Progress of actuals against the targets of one year: one row per target of that year, with the
 * target and actual values, their rates (for rate indicators) and achievement = actual ÷ target ×
 * 100 rounded to 1 decimal. Actuals are aggregated up the unit tree first (see
 * {@link aggregateActuals}).
 *
 * Status: `no_target` when the target is missing, `no_actual` when the actual is missing,
 * `achieved` when actual ≥ target, otherwise `behind`. With a target of 0, achievement is `null`.
 *
 * @example
 * ```ts
 * const rows = progress(getDataset('gia-lai-2024'), actuals, 2024);
 * rows.filter((r) => r.status === 'behind');
 * ```
 */
export function progress(
  dataset: Dataset,
  actuals: readonly ActualInput[],
  year: number,
  options: AggregateOptions = {},
): ProgressRow[] {
  if (!dataset.years.includes(year)) {
    throw new IndicatorsError(
      'invalid_argument',
      `progress: expected one of the dataset years ${dataset.years.join(', ')}, found ${year}`,
    );
  }
  const aggregated = aggregateActuals(dataset, actuals, year, options);
  // Lookups built once per call (first match, as Array.find would give).
  const index = indexDataset(dataset);
  const actualsByKey = new Map<string, Actual>();
  for (const a of aggregated) {
    const key = `${a.indicator}\u0000${a.unitCode}`;
    if (!actualsByKey.has(key)) actualsByKey.set(key, a);
  }
  const actualOf = (indicator: string, unitCode: string) => actualsByKey.get(`${indicator}\u0000${unitCode}`);
  const targetOf = (indicator: string, unitCode: string) =>
    indexedTarget(index, indicator, unitCode, year)?.value ?? null;
  const nameOf = (code: string) => index.units.get(code)?.name ?? code;
  const definitions = new Map<string, IndicatorDefinition>();
  for (const d of dataset.indicators) if (!definitions.has(d.id)) definitions.set(d.id, d);

  return dataset.targets
    .filter((t) => t.year === year)
    .map((t) => {
      const def = definitions.get(t.indicator) ?? getIndicator(dataset, t.indicator);
      const actual = actualOf(t.indicator, t.unitCode);
      const actualValue = actual?.value ?? null;
      const rate = (lookup: (id: string, unit: string, y: number) => number | null) =>
        def.kind === 'rate'
          ? computeRate(
              indexedRateNumerator(index, def, t.unitCode, year, lookup),
              indexedDenominatorOf(index, def, t.unitCode, year, lookup),
              def.decimals,
              def.rounding,
            )
          : null;
      const status =
        t.value === null
          ? 'no_target'
          : actualValue === null
            ? 'no_actual'
            : actualValue >= t.value
              ? 'achieved'
              : 'behind';
      return {
        indicator: t.indicator,
        unitCode: t.unitCode,
        unitName: nameOf(t.unitCode),
        year,
        target: t.value,
        actual: actualValue,
        targetRate: rate((id, unit) => targetOf(id, unit)),
        actualRate: rate((id, unit) => actualOf(id, unit)?.value ?? null),
        achievement:
          t.value === null || actualValue === null || t.value === 0
            ? null
            : roundTo((actualValue / t.value) * 100, 1),
        status,
        actualStatus: actual?.status ?? null,
      } satisfies ProgressRow;
    });
}
