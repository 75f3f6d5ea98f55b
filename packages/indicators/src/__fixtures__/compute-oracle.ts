// Test-only oracle: fillTotals as it was before the indexed rewrite (linear searches inside loops).
// The property test in compute.test.ts checks that the indexed implementation gives the same plan.
import { sumPresent } from '../compute';
import type { Dataset } from '../model';

export function fillTotalsOracle(dataset: Dataset): Dataset {
  const targets = dataset.targets.map((t) => ({ ...t }));
  const find = (indicator: string, unitCode: string, year: number) =>
    targets.find((t) => t.indicator === indicator && t.unitCode === unitCode && t.year === year);
  // Deepest parents first, so that a district filled from communes feeds its province.
  const depth = (code: string): number => {
    const parent = dataset.units.find((u) => u.code === code)?.parent;
    return parent ? 1 + depth(parent) : 0;
  };
  const parents = dataset.units
    .filter((p) => dataset.units.some((u) => u.parent === p.code))
    .sort((a, b) => depth(b.code) - depth(a.code));
  for (const def of dataset.indicators) {
    if (def.kind === 'boolean') continue;
    for (const parent of parents) {
      const children = dataset.units.filter((u) => u.parent === parent.code);
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
        else targets.push(note ? { ...filled, note } : filled);
      }
    }
  }
  return { ...dataset, targets };
}
