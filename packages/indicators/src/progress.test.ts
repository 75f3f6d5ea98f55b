import { loadUnits } from '@nguon/areas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateActualsOracle, progressOracle } from './__fixtures__/progress-oracle';
import { randomPlanWithActuals } from './__fixtures__/random-plan';
import { getDataset } from './datasets/index';
import { IndicatorsError } from './errors';
import type { Actual } from './model';
import { aggregateActuals, progress } from './progress';

const ds = getDataset('gia-lai-2024');
const registry = loadUnits();
const at = ds.unitSnapshot;
const row = (rows: ReturnType<typeof progress>, indicator: string, unitCode: string) =>
  rows.find((r) => r.indicator === indicator && r.unitCode === unitCode);

describe('progress', () => {
  it('compares district actuals with targets and sums them for the province', () => {
    const actuals: Actual[] = [
      { indicator: 'commune_radio', unitCode: '622', year: 2024, value: 12, status: 'normal' },
      { indicator: 'commune_radio', unitCode: '623', year: 2024, value: 9, status: 'provisional' },
    ];
    const rows = progress(ds, actuals, 2024);
    expect(rows).toHaveLength(ds.targets.filter((t) => t.year === 2024).length);
    expect(row(rows, 'commune_radio', '622')).toEqual({
      indicator: 'commune_radio',
      unitCode: '622',
      unitName: 'Thành phố Pleiku',
      year: 2024,
      target: 12,
      actual: 12,
      targetRate: 54.5,
      actualRate: 54.5,
      achievement: 100,
      status: 'achieved',
      actualStatus: 'normal',
    });
    expect(row(rows, 'commune_radio', '623')).toMatchObject({
      target: 11,
      actual: 9,
      achievement: 81.8,
      status: 'behind',
    });
    // 15 districts report nothing: the province value is a lower bound.
    expect(row(rows, 'commune_radio', '64')).toMatchObject({
      target: 203,
      actual: 21,
      status: 'behind',
      actualStatus: 'provisional',
    });
    expect(row(rows, 'commune_radio', '624')).toMatchObject({
      actual: null,
      status: 'no_actual',
      actualStatus: 'missing',
    });
  });

  it('aggregates commune actuals through the unit registry, counting silent communes as missing', () => {
    const pleikuCommunes = registry.descendants('622', at, { level: 'commune' });
    expect(pleikuCommunes).toHaveLength(22);
    const actuals: Actual[] = pleikuCommunes.slice(0, 20).map((c, i) => ({
      indicator: 'commune_radio',
      unitCode: c.code,
      year: 2024,
      value: i < 13 ? 1 : 0,
      status: 'normal',
    }));
    const agg = aggregateActuals(ds, actuals, 2024, { registry });
    expect(agg.find((a) => a.indicator === 'commune_radio' && a.unitCode === '622')).toEqual({
      indicator: 'commune_radio',
      unitCode: '622',
      year: 2024,
      value: 13,
      status: 'provisional',
      note: 'lower bound: 2 of 22 sub-units missing',
    });
    const all = pleikuCommunes.map((c) => ({
      indicator: 'commune_radio',
      unitCode: c.code,
      year: 2024,
      value: 1,
      status: 'normal' as const,
    }));
    const rows = progress(ds, all, 2024, { registry });
    expect(row(rows, 'commune_radio', '622')).toMatchObject({
      actual: 22,
      achievement: 183.3,
      status: 'achieved',
      actualStatus: 'normal',
    });
  });

  it('rates IP conversion over the stations actually reported', () => {
    const actuals: Actual[] = [
      { indicator: 'commune_radio', unitCode: '622', year: 2024, value: 10, status: 'normal' },
      { indicator: 'commune_radio_ict', unitCode: '622', year: 2024, value: 4, status: 'estimated' },
    ];
    expect(row(progress(ds, actuals, 2024), 'commune_radio_ict', '622')).toMatchObject({
      target: 2,
      targetRate: 16.7,
      actual: 4,
      actualRate: 40,
      achievement: 200,
      actualStatus: 'estimated',
    });
  });

  it('marks missing targets and yes/no indicators', () => {
    const rows2021 = progress(ds, [], 2021);
    expect(row(rows2021, 'ward_board', '622')).toMatchObject({
      target: null,
      status: 'no_target',
      achievement: null,
    });
    const rows2024 = progress(
      ds,
      [{ indicator: 'province_source_system', unitCode: '64', year: 2024, value: 0, status: 'normal' }],
      2024,
    );
    expect(row(rows2024, 'province_source_system', '64')).toMatchObject({
      target: 1,
      actual: 0,
      status: 'behind',
      achievement: 0,
    });
  });

  it('takes hand-written actuals without a status: null is missing, a number is normal', () => {
    const rows = progress(
      ds,
      [
        { indicator: 'ward_board', unitCode: '622', year: 2024, value: 14 },
        { indicator: 'ward_board', unitCode: '623', year: 2024, value: null },
      ],
      2024,
    );
    expect(row(rows, 'ward_board', '622')).toMatchObject({
      actual: 14,
      status: 'achieved',
      actualStatus: 'normal',
    });
    expect(row(rows, 'ward_board', '623')).toMatchObject({
      actual: null,
      status: 'no_actual',
      actualStatus: 'missing',
    });
  });

  it('refuses actuals it cannot place in the plan instead of dropping them', () => {
    const bad = [
      { indicator: 'commune_radio', unitCode: '21550', year: 2024, value: 1 }, // a commune of Bình Định
      { indicator: 'radio', unitCode: '622', year: 2024, value: 1 },
      { indicator: 'commune_radio', unitCode: '99999', year: 2024, value: 1 },
    ];
    try {
      progress(ds, bad, 2024);
      expect.unreachable();
    } catch (error) {
      expect(IndicatorsError.isInstance(error) && error.code).toBe('invalid_actuals');
      const issues = (error as IndicatorsError).issues;
      expect(issues.map((i) => i.path)).toEqual(['0.unitCode', '1.indicator', '2.unitCode']);
      expect(issues[0]?.message).toMatch(/found 21550 \(.+\) under 5\d\d/);
    }
    // Another year's actuals do not matter.
    expect(() => progress(ds, bad, 2023)).not.toThrow();
  });

  it('rejects a year outside the plan', () => {
    expect(() => progress(ds, [], 2026)).toThrow(
      /expected one of the dataset years 2021, 2022, 2023, 2024, 2025, found 2026/,
    );
  });
});

describe('progress (indexed) against the linear-search oracle', () => {
  it('gives exactly the same rows on generated plans and actuals', () => {
    fc.assert(
      fc.property(randomPlanWithActuals, ({ plan, actuals, year }) => {
        expect(progress(plan, actuals, year, { registry: null })).toEqual(
          progressOracle(plan, actuals, year, { registry: null }),
        );
        expect(aggregateActuals(plan, actuals, year, { registry: null })).toEqual(
          aggregateActualsOracle(plan, actuals, year, { registry: null }),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same rows on the Gia Lai plan with commune actuals placed through the registry', () => {
    const communes = ['622', '623', '624'].flatMap((d) => registry.descendants(d, at, { level: 'commune' }));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            commune: fc.nat({ max: communes.length - 1 }),
            indicator: fc.constantFrom('commune_radio', 'commune_radio_ict', 'ward_board'),
            value: fc.option(fc.integer({ min: 0, max: 3 })),
          }),
          { maxLength: 30 },
        ),
        (drawn) => {
          const actuals = drawn.map((a) => ({
            indicator: a.indicator,
            unitCode: communes[a.commune]!.code,
            year: 2024,
            value: a.value,
          }));
          expect(progress(ds, actuals, 2024, { registry })).toEqual(
            progressOracle(ds, actuals, 2024, { registry }),
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});
