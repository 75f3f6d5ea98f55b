// Test-only generator of small, messy plans: a province, districts, communes, six indicators of
// every kind, targets with gaps and missing values, printed figures that may or may not agree,
// universes printed twice or at odd refs. Used to check that the indexed validateDataset and
// progress give exactly what the linear-search oracles give.
import fc from 'fast-check';
import type { ActualInput, Dataset, DatasetInput, ObservationStatus } from '../model';
import { parseDataset } from '../model';

export const PLAN_YEARS = [2023, 2024, 2025];

const INDICATORS: DatasetInput['indicators'] = [
  {
    id: 'radio',
    refs: ['II.1'],
    name: { vi: 'r', en: 'r' },
    counts: 'commune_level',
    kind: 'rate',
    denominator: { universe: 'commune_level' },
    source: 's',
  },
  {
    id: 'ict',
    refs: ['II.2'],
    name: { vi: 'i', en: 'i' },
    counts: 'commune_level',
    kind: 'rate',
    denominator: { indicator: 'radio' },
    decimals: 2,
    source: 's',
  },
  {
    id: 'board',
    refs: ['II.3'],
    name: { vi: 'b', en: 'b' },
    counts: 'district',
    counted: 'items',
    kind: 'rate',
    denominator: { universe: 'district' },
    source: 's',
  },
  {
    id: 'ward_board',
    refs: ['II.4'],
    name: { vi: 'w', en: 'w' },
    counts: 'wards_towns',
    counted: 'items',
    kind: 'rate',
    denominator: { universe: 'wards_towns' },
    source: 's',
  },
  {
    id: 'staff',
    refs: ['II.5'],
    name: { vi: 's', en: 's' },
    counts: 'commune_level',
    kind: 'count',
    source: 's',
  },
  { id: 'portal', refs: [], name: { vi: 'p', en: 'p' }, counts: 'province', kind: 'boolean', source: 's' },
];
const IDS = INDICATORS.map((d) => d.id);
const SCOPES = ['commune_level', 'wards_towns', 'communes_only', 'district', 'province'] as const;
const REFS = ['II.1', 'II.1.2', 'II.3', 'II.9', 'III'];

const value = fc.option(fc.integer({ min: 0, max: 6 }), { freq: 6 });

/** A parsed plan of 1–4 districts with 0–4 communes each; units sometimes listed children first. */
export const randomPlan: fc.Arbitrary<Dataset> = fc
  .record({
    communes: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
    reversed: fc.boolean(),
  })
  .chain(({ communes, reversed }) => {
    const units: DatasetInput['units'] = [
      { code: '60', name: 'Tỉnh X', printedName: 'tỉnh X', level: 'province', parent: null },
    ];
    communes.forEach((n, d) => {
      const district = String(601 + d);
      units.push({ code: district, name: `Huyện ${district}`, printedName: district, level: 'district', parent: '60' });
      for (let c = 0; c < n; c++) {
        const code = `${district}${String(c).padStart(2, '0')}`;
        const name = `${c % 2 === 0 ? 'Phường' : 'Xã'} ${code}`;
        units.push({ code, name, printedName: code, level: 'commune', parent: district });
      }
    });
    if (reversed) units!.reverse();
    const codes = units!.map((u) => u.code);
    const combos = IDS.length * codes.length * PLAN_YEARS.length;
    return fc.record({
      units: fc.constant(units),
      targets: fc.uniqueArray(
        fc.record({
          at: fc.nat({ max: combos - 1 }),
          value,
          basis: fc.constantFrom('printed', 'printed', 'summed', 'derived'),
        }),
        { selector: (t) => t.at, maxLength: combos },
      ),
      published: fc.array(
        fc.record({
          indicator: fc.constantFrom(...IDS),
          unit: fc.nat({ max: codes.length - 1 }),
          year: fc.constantFrom(...PLAN_YEARS),
          count: value,
          rate: fc.option(fc.integer({ min: 0, max: 10000 }), { freq: 4 }),
          decimals: fc.integer({ min: 0, max: 2 }),
          blank: fc.boolean(),
        }),
        { maxLength: 25 },
      ),
      universes: fc.array(
        fc.record({
          scope: fc.constantFrom(...SCOPES),
          unit: fc.nat({ max: codes.length - 1 }),
          value: fc.integer({ min: 0, max: 6 }),
          ref: fc.constantFrom(...REFS),
          basis: fc.constantFrom('printed', 'snapshot'),
        }),
        { maxLength: 20 },
      ),
    });
  })
  .map(({ units, targets, published, universes }) => {
    const codes = units!.map((u) => u.code);
    const n = codes.length * PLAN_YEARS.length;
    return parseDataset({
      id: 'random',
      title: { vi: 't', en: 't' },
      issuer: { vi: 'i', en: 'i' },
      document: { number: '1/KH', date: '2024-01-01' },
      province: '60',
      unitSnapshot: '2024-09-01',
      years: PLAN_YEARS,
      units,
      indicators: INDICATORS,
      targets: targets.map((t) => ({
        indicator: IDS[Math.floor(t.at / n)]!,
        unitCode: codes[Math.floor((t.at % n) / PLAN_YEARS.length)]!,
        year: PLAN_YEARS[t.at % PLAN_YEARS.length]!,
        value: t.value,
        basis: t.basis,
      })),
      published: published.map((p) => {
        const rate = p.rate === null ? null : Number((p.rate / 100).toFixed(p.decimals));
        return {
          table: 'II',
          ref: `II.${p.indicator}`,
          indicator: p.indicator,
          unitCode: codes[p.unit]!,
          year: p.year,
          count: p.count,
          rate,
          printed: p.blank ? '' : `${p.count ?? ''} (${rate?.toFixed(p.decimals).replace('.', ',') ?? '-'}%)`,
        };
      }),
      universes: universes.map((u) => ({
        scope: u.scope,
        unitCode: codes[u.unit]!,
        value: u.value,
        ref: u.ref,
        printed: String(u.value),
        basis: u.basis,
      })),
    });
  });

const STATUSES: ObservationStatus[] = ['normal', 'estimated', 'provisional', 'missing'];

/** A plan with actuals on its own units (some duplicated, some missing, any status). */
export const randomPlanWithActuals: fc.Arbitrary<{ plan: Dataset; actuals: ActualInput[]; year: number }> =
  randomPlan.chain((plan) =>
    fc.record({
      plan: fc.constant(plan),
      year: fc.constantFrom(...PLAN_YEARS),
      actuals: fc.array(
        fc
          .record({
            indicator: fc.constantFrom(...IDS),
            unit: fc.nat({ max: plan.units.length - 1 }),
            year: fc.constantFrom(...PLAN_YEARS),
            value,
            status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }),
          })
          .map(({ unit, status, ...a }) => ({
            ...a,
            unitCode: plan.units[unit]!.code,
            ...(status === undefined ? {} : { status }),
          })),
        { maxLength: 40 },
      ),
    }),
  );
