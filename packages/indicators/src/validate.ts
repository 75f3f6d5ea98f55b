import { loadUnits } from '@nguon/areas';
import {
  agreesWithPrinted,
  indexDataset,
  indexedDenominatorOf,
  indexedRateNumerator,
  indexedTarget,
  levelOfCode,
  printedDecimals,
  rawRate,
  roundTo,
  sumPresent,
} from './compute';
import type { Dataset, Finding, IndicatorDefinition, PublishedFigure, Target, UnitScope } from './model';
import { isWardOrTown, type UnitRegistryLike } from './registry';

/**
 * Options of {@link validateDataset}.
 *
 * @example
 * ```ts
 * const options: ValidateOptions = { registry: null }; // skip the unit registry
 * ```
 */
export interface ValidateOptions {
  /**
   * Unit registry to compare printed universes with the units in force at the dataset's snapshot;
   * `loadUnits()` from `@nguon/areas` by default. `null` skips `universe_mismatch`, as does a
   * snapshot the registry does not cover (before 2024-09-01 for `@nguon/areas`).
   */
  registry?: UnitRegistryLike | null;
}

const r2 = (x: number) => roundTo(x, 2);

/**
 * Checks the arithmetic of a plan and returns every discrepancy found (an empty list when all
 * figures agree). Nothing is thrown for a discrepancy: a published plan is what it is, and the
 * findings say where it disagrees with itself.
 *
 * Checks, in this order:
 * 1. `breakdown_sum`: district universes add up to the province universe; wards/towns + communes
 *    = commune-level units; a universe printed twice has one value.
 * 2. `universe_mismatch`: printed universes equal the unit registry's counts at the snapshot.
 * 3. `total_mismatch`: each printed province total equals the sum of its district rows.
 * 4. `rate_mismatch`: each printed rate agrees with count ÷ denominator × 100 within half a unit of
 *    its last printed digit (|computed − printed| ≤ 0.5·10^−d for d printed decimals). For an
 *    indicator counting items, the count is the number of units having at least one item.
 * 5. `count_exceeds_universe`: a count of units (not of items) is not above its denominator.
 * 6. `decreasing`: targets do not fall from one year to the next.
 * 7. `missing`: one warning per (indicator, year) with missing targets.
 *
 * @example
 * ```ts
 * const findings = validateDataset(getDataset('gia-lai-2024'));
 * findings.filter((f) => f.kind === 'rate_mismatch');
 * ```
 */
export function validateDataset(dataset: Dataset, options: ValidateOptions = {}): Finding[] {
  const findings: Finding[] = [];
  // Every lookup below goes through maps built once here: the checks are linear in the size of the
  // plan, not quadratic (a national plan has ~70,000 targets). The maps keep what Array.find and
  // Array.filter would give: first match, dataset order.
  const index = indexDataset(dataset);
  const unitOrder = new Map(dataset.units.map((u, i) => [u.code, i]));
  const lookup = (id: string, unit: string, year: number) =>
    indexedTarget(index, id, unit, year)?.value ?? null;
  const unitName = (code: string) => index.units.get(code)?.name ?? code;
  // The indicator a universe belongs to: the one whose table row the universe is printed on.
  const indicatorByUniverse = new Map<string, string>();
  const indicatorFor = (u: { scope: UnitScope; ref: string }) => {
    const key = `${u.scope}\u0000${u.ref}`;
    let id = indicatorByUniverse.get(key);
    if (id === undefined) {
      id =
        dataset.indicators.find((d) => d.refs.some((r) => u.ref === r || u.ref.startsWith(`${r}.`)))?.id ??
        dataset.indicators.find(
          (d) => d.denominator && 'universe' in d.denominator && d.denominator.universe === u.scope,
        )?.id ??
        dataset.indicators[0]?.id ??
        'unknown';
      indicatorByUniverse.set(key, id);
    }
    return id;
  };
  // Published figures by (indicator, unit, year) and by (indicator, year), in dataset order.
  const figuresOf = new Map<string, PublishedFigure[]>();
  const figuresOfYear = new Map<string, PublishedFigure[]>();
  for (const p of dataset.published) {
    push(figuresOf, `${p.indicator}|${p.unitCode}|${p.year}`, p);
    push(figuresOfYear, `${p.indicator}|${p.year}`, p);
  }
  const refOf = (indicator: string, unitCode: string, year: number): string | undefined => {
    const figs = figuresOf.get(`${indicator}|${unitCode}|${year}`) ?? [];
    return (figs.find((p) => p.count !== null) ?? figs[0])?.ref;
  };

  // 1. Universes add up.
  const universes = new Map<string, { scope: UnitScope; unitCode: string; value: number; ref: string }>();
  for (const u of dataset.universes) {
    const key = `${u.scope}|${u.unitCode}`;
    const seen = universes.get(key);
    if (seen && seen.value !== u.value) {
      findings.push({
        kind: 'breakdown_sum',
        severity: 'error',
        indicator: indicatorFor(u),
        unitCode: u.unitCode,
        ref: u.ref,
        published: u.value,
        computed: seen.value,
        difference: seen.value - u.value,
        message: `${unitName(u.unitCode)}: the ${u.scope} universe is ${seen.value} at ${seen.ref} but ${u.value} at ${u.ref}`,
      });
    }
    if (!seen) universes.set(key, u);
  }
  // Universes by (scope, parent of their unit), in the order of `universes`.
  const universeParts = new Map<string, { value: number }[]>();
  for (const u of universes.values()) {
    const parent = index.units.get(u.unitCode)?.parent;
    if (typeof parent === 'string') push(universeParts, `${u.scope}|${parent}`, u);
  }
  for (const total of universes.values()) {
    if (levelOfCode(total.unitCode) !== 'province') continue;
    const parts = universeParts.get(`${total.scope}|${total.unitCode}`) ?? [];
    if (parts.length === 0) continue;
    const sum = parts.reduce((s, u) => s + u.value, 0);
    if (sum !== total.value) {
      findings.push({
        kind: 'breakdown_sum',
        severity: 'error',
        indicator: indicatorFor(total),
        unitCode: total.unitCode,
        ref: total.ref,
        published: total.value,
        computed: sum,
        difference: sum - total.value,
        message: `${unitName(total.unitCode)}: ${parts.length} unit rows of the ${total.scope} universe add up to ${sum}, printed total ${total.value}`,
      });
    }
  }
  for (const u of dataset.units) {
    const all = universes.get(`commune_level|${u.code}`);
    const wards = universes.get(`wards_towns|${u.code}`);
    const communes = universes.get(`communes_only|${u.code}`);
    if (all && wards && communes && wards.value + communes.value !== all.value) {
      findings.push({
        kind: 'breakdown_sum',
        severity: 'error',
        indicator: indicatorFor(all),
        unitCode: u.code,
        ref: all.ref,
        published: all.value,
        computed: wards.value + communes.value,
        difference: wards.value + communes.value - all.value,
        message: `${unitName(u.code)}: ${wards.value} wards/towns + ${communes.value} communes = ${wards.value + communes.value}, printed ${all.value} commune-level units`,
      });
    }
  }

  // 2. Universes against the registry at the snapshot.
  const registry = options.registry === undefined ? loadUnits() : options.registry;
  if (registry) {
    const cached = cachedRegistry(registry);
    for (const u of universes.values()) {
      let counted: number | null;
      try {
        counted = countInRegistry(cached, u.scope, u.unitCode, dataset.unitSnapshot);
      } catch {
        // The registry does not cover the snapshot (e.g. before its first date): nothing to compare.
        break;
      }
      if (counted !== null && counted !== u.value) {
        findings.push({
          kind: 'universe_mismatch',
          severity: 'warning',
          indicator: indicatorFor(u),
          unitCode: u.unitCode,
          ref: u.ref,
          published: u.value,
          computed: counted,
          difference: counted - u.value,
          message: `${unitName(u.unitCode)}: the plan counts ${u.value} ${u.scope} units, the unit registry has ${counted} on ${dataset.unitSnapshot}`,
        });
      }
    }
  }

  // 3. Totals equal the sum of unit rows.
  for (const def of dataset.indicators) {
    for (const year of dataset.years) {
      for (const parent of dataset.units) {
        const children = index.children.get(parent.code);
        if (!children) continue;
        const rows: Target[] = [];
        for (const c of children) {
          const row = indexedTarget(index, def.id, c.code, year);
          if (row !== undefined) rows.push(row);
        }
        if (rows.length === 0) continue;
        const total = indexedTarget(index, def.id, parent.code, year);
        if (total?.basis !== 'printed') continue;
        const sum = sumPresent(rows.map((t) => t.value));
        if (sum !== total.value) {
          findings.push({
            kind: 'total_mismatch',
            severity: 'error',
            indicator: def.id,
            unitCode: parent.code,
            year,
            ref: refOf(def.id, parent.code, year),
            published: total.value,
            computed: sum,
            difference: sum === null || total.value === null ? null : sum - total.value,
            message: `${def.id} ${year}: ${rows.length} unit rows add up to ${sum ?? 'nothing (all missing)'}, printed total ${total.value ?? 'missing'}`,
          });
        }
      }
    }
  }

  // 4. Printed rates against recomputed ones.
  const definitions = new Map<string, IndicatorDefinition>();
  for (const d of dataset.indicators) if (!definitions.has(d.id)) definitions.set(d.id, d);
  for (const fig of dataset.published) {
    if (fig.rate === null) continue;
    const def = definitions.get(fig.indicator);
    if (def?.kind !== 'rate') continue;
    const items = def.counted === 'items';
    const numerator = items
      ? indexedRateNumerator(index, def, fig.unitCode, fig.year, lookup)
      : (fig.count ?? lookup(def.id, fig.unitCode, fig.year));
    const denominator = indexedDenominatorOf(index, def, fig.unitCode, fig.year, lookup);
    const raw = rawRate(numerator, denominator);
    if (raw === null) continue;
    const decimals = printedDecimals(fig.printed);
    if (!agreesWithPrinted(raw, fig.rate, decimals)) {
      findings.push({
        kind: 'rate_mismatch',
        severity: 'error',
        indicator: def.id,
        unitCode: fig.unitCode,
        year: fig.year,
        ref: fig.ref,
        published: fig.rate,
        computed: r2(raw),
        difference: r2(raw - fig.rate),
        message: `${fig.ref} ${fig.year}: printed "${fig.printed}", but ${numerator} of ${denominator}${items ? ` (units with at least one of the ${fig.count ?? lookup(def.id, fig.unitCode, fig.year)} items)` : ''} is ${r2(raw)}% (allowed difference ±${roundTo(0.5 * 10 ** -decimals, decimals + 1)})`,
      });
    }
  }

  // Targets by indicator, by (indicator, unit) and by (indicator, year), in dataset order.
  const targetsOf = new Map<string, Target[]>();
  const seriesOf = new Map<string, Map<string, Target[]>>();
  const targetsOfYear = new Map<string, Map<number, Target[]>>();
  for (const t of dataset.targets) {
    push(targetsOf, t.indicator, t);
    let byUnit = seriesOf.get(t.indicator);
    if (!byUnit) {
      byUnit = new Map();
      seriesOf.set(t.indicator, byUnit);
    }
    push(byUnit, t.unitCode, t);
    let byYear = targetsOfYear.get(t.indicator);
    if (!byYear) {
      byYear = new Map();
      targetsOfYear.set(t.indicator, byYear);
    }
    push(byYear, t.year, t);
  }

  // 5. Counts of units within their denominator.
  for (const def of dataset.indicators) {
    if (def.kind !== 'rate' || def.counted !== 'units') continue;
    for (const t of sortedTargets(targetsOf.get(def.id) ?? [], unitOrder)) {
      if (t.value === null) continue;
      const denominator = indexedDenominatorOf(index, def, t.unitCode, t.year, lookup);
      if (denominator !== null && t.value > denominator) {
        findings.push({
          kind: 'count_exceeds_universe',
          severity: 'error',
          indicator: def.id,
          unitCode: t.unitCode,
          year: t.year,
          ref: refOf(def.id, t.unitCode, t.year),
          published: t.value,
          computed: denominator,
          difference: denominator - t.value,
          message: `${unitName(t.unitCode)} ${t.year}: ${t.value} ${def.id} units, but only ${denominator} to count among`,
        });
      }
    }
  }

  // 6. Targets do not decrease.
  for (const def of dataset.indicators) {
    const byUnit = seriesOf.get(def.id);
    if (!byUnit) continue;
    for (const unit of dataset.units) {
      const series = yearSeries(byUnit.get(unit.code));
      for (let i = 1; i < series.length; i++) {
        const prev = series[i - 1]!;
        const cur = series[i]!;
        if (cur.value! < prev.value!) {
          findings.push({
            kind: 'decreasing',
            severity: 'warning',
            indicator: def.id,
            unitCode: unit.code,
            year: cur.year,
            ref: refOf(def.id, unit.code, cur.year),
            published: cur.value,
            computed: prev.value,
            difference: cur.value! - prev.value!,
            message: `${unitName(unit.code)}: ${def.id} falls from ${prev.value} in ${prev.year} to ${cur.value} in ${cur.year}`,
          });
        }
      }
    }
  }

  // 7. Missing targets, one finding per (indicator, year).
  for (const def of dataset.indicators) {
    for (const year of dataset.years) {
      const all = targetsOfYear.get(def.id)?.get(year) ?? [];
      const missing = all.filter((t) => t.value === null);
      if (missing.length === 0) continue;
      const only = missing.length === 1 ? missing[0]!.unitCode : undefined;
      const missingUnits = new Set(missing.map((m) => m.unitCode));
      const printed = [
        ...new Set(
          (figuresOfYear.get(`${def.id}|${year}`) ?? [])
            .filter((p) => missingUnits.has(p.unitCode))
            .map((p) => (p.printed === '' ? 'blank' : `"${p.printed}"`)),
        ),
      ];
      findings.push({
        kind: 'missing',
        severity: 'warning',
        indicator: def.id,
        ...(only === undefined ? {} : { unitCode: only }),
        year,
        published: null,
        computed: null,
        difference: null,
        message: `${def.id} ${year}: no target for ${missing.length} of ${all.length} unit(s)${printed.length > 0 ? ` (printed ${printed.join(' or ')})` : ''}`,
      });
    }
  }
  return findings;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Targets by unit (in `order`, unknown units last) then year; a stable sort, as before. */
function sortedTargets(targets: readonly Target[], order: Map<string, number>): Target[] {
  const keyed = targets.map((t) => ({ t, o: order.get(t.unitCode) ?? 1e9 }));
  keyed.sort((a, b) => a.o - b.o || a.t.year - b.t.year);
  return keyed.map((k) => k.t);
}

/** The non-missing targets of one (indicator, unit), by year (stable: equal years keep their order). */
function yearSeries(targets: readonly Target[] | undefined): Target[] {
  const series: Target[] = [];
  if (!targets) return series;
  let sorted = true;
  for (const t of targets) {
    if (t.value === null) continue;
    const last = series[series.length - 1];
    if (last && last.year > t.year) sorted = false;
    series.push(t);
  }
  return sorted ? series : series.sort((a, b) => a.year - b.year);
}

/**
 * A view of a registry that remembers each `get` and `descendants` answer (and error) for the
 * length of one validation: the same province is asked about for several scopes.
 */
function cachedRegistry(registry: UnitRegistryLike): UnitRegistryLike {
  const gets = new Map<string, { value: ReturnType<UnitRegistryLike['get']> } | { error: unknown }>();
  const descendants = new Map<
    string,
    { value: ReturnType<UnitRegistryLike['descendants']> } | { error: unknown }
  >();
  const remember = <T>(
    map: Map<string, { value: T } | { error: unknown }>,
    key: string,
    compute: () => T,
  ): T => {
    let entry = map.get(key);
    if (!entry) {
      try {
        entry = { value: compute() };
      } catch (error) {
        entry = { error };
      }
      map.set(key, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.value;
  };
  return {
    get: (code, at) => remember(gets, `${code}\u0000${at}`, () => registry.get(code, at)),
    descendants: (code, at, options) =>
      remember(descendants, `${code}\u0000${at}\u0000${options?.level ?? ''}`, () =>
        registry.descendants(code, at, options),
      ),
    explainMapping: (code, options) => registry.explainMapping(code, options),
  };
}

/**
 * Number of units of `scope` inside `unitCode` in the registry on `at`; `null` when the registry
 * does not know the unit.
 *
 * @example
 * ```ts
 * countInRegistry(loadUnits(), 'commune_level', '64', '2024-09-01');
 * ```
 */
export function countInRegistry(
  registry: UnitRegistryLike,
  scope: UnitScope,
  unitCode: string,
  at: string,
): number | null {
  const unit = registry.get(unitCode, at);
  if (!unit) return null;
  if (scope === 'province') return unit.level === 'province' ? 1 : 0;
  if (scope === 'district') {
    return unit.level === 'district' ? 1 : registry.descendants(unitCode, at, { level: 'district' }).length;
  }
  const communes =
    unit.level === 'commune' ? [unit] : registry.descendants(unitCode, at, { level: 'commune' });
  if (scope === 'commune_level') return communes.length;
  const wards = communes.filter(isWardOrTown).length;
  return scope === 'wards_towns' ? wards : communes.length - wards;
}
