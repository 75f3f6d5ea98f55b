import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomPlan } from './__fixtures__/random-plan';
import { validateDatasetOracle } from './__fixtures__/validate-oracle';
import { computeRate, rawRate, tolerance } from './compute';
import { getDataset } from './datasets/index';
import { type Dataset, type DatasetInput, parseDataset } from './model';
import { validateDataset } from './validate';

interface Plan {
  universes: number[];
  counts: number[][]; // [district][year]
  decimals: number;
}

/** A consistent plan: district counts within their universe, growing, totals and rates as printed. */
const consistentPlan = fc
  .array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 })
  .chain((universes) =>
    fc.record({
      universes: fc.constant(universes),
      counts: fc.tuple(
        ...universes.map((u) =>
          fc
            .tuple(
              fc.integer({ min: 0, max: u }),
              fc.integer({ min: 0, max: u }),
              fc.integer({ min: 0, max: u }),
            )
            .map((xs) => xs.sort((a, b) => a - b)),
        ),
      ),
      decimals: fc.integer({ min: 0, max: 2 }),
    }),
  );

const YEARS = [2023, 2024, 2025];

function build({ universes, counts, decimals }: Plan): Dataset {
  const codes = universes.map((_, i) => String(601 + i));
  const universeTotal = universes.reduce((a, b) => a + b, 0);
  const targets: DatasetInput['targets'] = [];
  const published: DatasetInput['published'] = [];
  YEARS.forEach((year, y) => {
    const total = counts.reduce((s, c) => s + c[y]!, 0);
    const rate = computeRate(total, universeTotal, decimals)!;
    targets.push({ indicator: 'radio', unitCode: '60', year, value: total });
    published.push({
      table: 'II',
      ref: 'II.1',
      indicator: 'radio',
      unitCode: '60',
      year,
      count: total,
      rate,
      printed: `${total} (${rate.toFixed(decimals).replace('.', ',')}%)`,
    });
    codes.forEach((code, d) => {
      targets.push({ indicator: 'radio', unitCode: code, year, value: counts[d]![y]! });
    });
  });
  return parseDataset({
    id: 'synthetic',
    title: { vi: 't', en: 't' },
    issuer: { vi: 'i', en: 'i' },
    document: { number: '1/KH', date: '2024-01-01' },
    province: '60',
    unitSnapshot: '2024-09-01',
    years: YEARS,
    units: [
      { code: '60', name: 'Tỉnh X', printedName: 'tỉnh X', level: 'province', parent: null },
      ...codes.map((code) => ({
        code,
        name: `Huyện ${code}`,
        printedName: code,
        level: 'district' as const,
        parent: '60',
      })),
    ],
    indicators: [
      {
        id: 'radio',
        refs: ['II.1'],
        name: { vi: 'r', en: 'r' },
        counts: 'commune_level',
        kind: 'rate',
        denominator: { universe: 'commune_level' },
        source: 's',
      },
    ],
    targets,
    published,
    universes: [
      {
        scope: 'commune_level',
        unitCode: '60',
        value: universeTotal,
        ref: 'II.1',
        printed: String(universeTotal),
      },
      ...codes.map((code, d) => ({
        scope: 'commune_level' as const,
        unitCode: code,
        value: universes[d]!,
        ref: `II.1.${d + 1}`,
        printed: String(universes[d]),
      })),
    ],
  });
}

describe('validateDataset (properties)', () => {
  it('finds nothing in a plan whose totals and rates were computed correctly', () => {
    fc.assert(
      fc.property(consistentPlan, (plan) => {
        expect(validateDataset(build(plan), { registry: null })).toEqual([]);
      }),
    );
  });

  it('always finds a district figure changed after the total was printed', () => {
    fc.assert(
      fc.property(
        consistentPlan,
        fc.nat(),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 5 }),
        (plan, pick, y, delta) => {
          const ds = build(plan);
          const district = String(601 + (pick % plan.universes.length));
          const t = ds.targets.find((x) => x.unitCode === district && x.year === YEARS[y])!;
          t.value = t.value! + delta;
          const found = validateDataset(ds, { registry: null });
          expect(found).toContainEqual(
            expect.objectContaining({
              kind: 'total_mismatch',
              unitCode: '60',
              year: YEARS[y],
              difference: delta,
            }),
          );
        },
      ),
    );
  });

  it('finds a printed rate moved by one unit of its last digit whenever that leaves the tolerance', () => {
    fc.assert(
      fc.property(consistentPlan, fc.integer({ min: 0, max: 2 }), fc.constantFrom(-1, 1), (plan, y, sign) => {
        const ds = build(plan);
        const fig = ds.published[y]!;
        const step = 10 ** -plan.decimals;
        fig.rate = Math.max(0, Number((fig.rate! + sign * step).toFixed(plan.decimals)));
        fig.printed = `${fig.count} (${fig.rate.toFixed(plan.decimals).replace('.', ',')}%)`;
        const kinds = validateDataset(ds, { registry: null }).map((f) => f.kind);
        const raw = rawRate(
          fig.count,
          plan.universes.reduce((a, b) => a + b, 0),
        )!;
        // Beyond half a unit of the last digit it must be reported; at exactly half (12.5% printed
        // as "12%" after a move from "13%") it still agrees.
        expect(kinds.includes('rate_mismatch')).toBe(
          Math.abs(raw - fig.rate) > tolerance(plan.decimals) + 1e-9,
        );
      }),
    );
  });
});

describe('validateDataset (indexed) against the linear-search oracle', () => {
  it('gives exactly the same findings, in the same order, on generated plans', () => {
    fc.assert(
      fc.property(randomPlan, fc.boolean(), (plan, withRegistry) => {
        const options = withRegistry ? {} : { registry: null };
        expect(validateDataset(plan, options)).toEqual(validateDatasetOracle(plan, options));
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same findings on the Gia Lai plan, as published and with figures altered', () => {
    const ds = getDataset('gia-lai-2024');
    expect(validateDataset(ds)).toEqual(validateDatasetOracle(ds));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -3, max: 3 }), fc.nat(), (pick, delta, u) => {
        const altered = structuredClone(ds);
        const t = altered.targets[pick % altered.targets.length]!;
        t.value = t.value === null ? 1 : Math.max(0, t.value + delta);
        const universe = altered.universes[u % altered.universes.length]!;
        universe.value += delta;
        expect(validateDataset(altered, { registry: null })).toEqual(
          validateDatasetOracle(altered, { registry: null }),
        );
      }),
      { numRuns: 15 },
    );
  });

  it('meets every kind of finding on generated plans, so the comparison is not vacuous', () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(randomPlan, (plan) => {
        for (const f of validateDataset(plan)) kinds.add(f.kind);
      }),
      { numRuns: 200, seed: 42 },
    );
    expect([...kinds].sort()).toEqual([
      'breakdown_sum',
      'count_exceeds_universe',
      'decreasing',
      'missing',
      'rate_mismatch',
      'total_mismatch',
      'universe_mismatch',
    ]);
  });
});
