import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillTotalsOracle } from './__fixtures__/compute-oracle';
import { randomPlan } from './__fixtures__/random-plan';
import {
  agreesWithPrinted,
  computeRate,
  fillTotals,
  printedDecimals,
  rawRate,
  roundTo,
  sumPresent,
  targetRate,
  targetValue,
  tolerance,
  universeOf,
} from './compute';
import { getDataset } from './datasets/index';
import { IndicatorsError } from './errors';

describe('roundTo', () => {
  it('rounds decimal halves the way a printed table does', () => {
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(92.25, 1)).toBe(92.3);
    expect(roundTo(2.5, 0)).toBe(3);
    expect(roundTo(-2.5, 0)).toBe(-3);
    expect(roundTo(2.5, 0, 'half_even')).toBe(2);
    expect(roundTo(3.5, 0, 'half_even')).toBe(4);
    expect(roundTo(1.19, 1, 'floor')).toBe(1.1);
    expect(roundTo(1.11, 1, 'ceil')).toBe(1.2);
    expect(roundTo(1e-7, 2)).toBe(0);
  });

  it('throws a typed error for non-finite values and bad decimals', () => {
    expect(() => roundTo(Number.NaN, 1)).toThrow(IndicatorsError);
    expect(() => roundTo(1, -1)).toThrow(/expected 0–15 decimals, found -1/);
  });

  it('stays within half a unit of the last digit and keeps at most d decimals', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 4 }), (x, d) => {
        const r = roundTo(x, d);
        expect(Math.abs(r - x)).toBeLessThanOrEqual(tolerance(d) * (1 + 1e-9) + 1e-9);
        expect(Math.abs(r * 10 ** d - Math.round(r * 10 ** d))).toBeLessThan(1e-6);
      }),
    );
  });

  it('is monotone: a larger value never rounds lower', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('half_up', 'half_even', 'floor', 'ceil' as const),
        (a, b, d, mode) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(roundTo(lo, d, mode)).toBeLessThanOrEqual(roundTo(hi, d, mode));
        },
      ),
    );
  });
});

describe('rates', () => {
  it('computes rates and gives null for 0 or missing denominators', () => {
    expect(computeRate(203, 220)).toBe(92.3);
    expect(computeRate(5, 17, 2)).toBe(29.41);
    expect(computeRate(104, 203)).toBe(51.2);
    expect(rawRate(0, 0)).toBeNull();
    expect(rawRate(null, 5)).toBeNull();
    expect(computeRate(3, null)).toBeNull();
  });

  it('reads the printed decimals of Vietnamese figures', () => {
    expect(printedDecimals('85%')).toBe(0);
    expect(printedDecimals('92,3%')).toBe(1);
    expect(printedDecimals('29,41%')).toBe(2);
    expect(printedDecimals('203 (92,3%)')).toBe(1);
    expect(printedDecimals('7,0%')).toBe(1);
    expect(printedDecimals('12')).toBe(0);
  });

  it('accepts exactly half a unit of the last printed digit, no more', () => {
    expect(agreesWithPrinted(34.55, 35, 0)).toBe(true);
    expect(agreesWithPrinted(92.27, 92.3, 1)).toBe(true);
    expect(agreesWithPrinted(47.27, 51.2, 1)).toBe(false);
    expect(agreesWithPrinted(6.59, 7.0, 1)).toBe(false);
    expect(agreesWithPrinted(92.25, 92.3, 1)).toBe(true);
    expect(agreesWithPrinted(92.249, 92.3, 1)).toBe(false);
  });

  it('a rounded rate always agrees with its raw value; a rate off by more than the tolerance never does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 3 }),
        // ≥ 1.01: past the tolerance by at least 1 % of it, well above the 1e-12 relative slack for
        // float error, which reaches 1e-6 at the largest raw value here (10,000 of 1 = 1,000,000 %).
        fc.double({ min: 1.01, max: 100, noNaN: true }),
        (n, m, d, k) => {
          const raw = rawRate(n, m)!;
          expect(agreesWithPrinted(raw, computeRate(n, m, d)!, d)).toBe(true);
          expect(agreesWithPrinted(raw, raw + tolerance(d) * k, d)).toBe(false);
        },
      ),
    );
  });

  it('sums present values and keeps all-missing as null', () => {
    expect(sumPresent([1, null, 2])).toBe(3);
    expect(sumPresent([null, null])).toBeNull();
    expect(sumPresent([])).toBeNull();
  });
});

describe('dataset lookups', () => {
  const ds = getDataset('gia-lai-2024');
  it('finds universes printed and implied', () => {
    expect(universeOf(ds, 'commune_level', '64')).toBe(220);
    expect(universeOf(ds, 'wards_towns', '64')).toBe(38);
    expect(universeOf(ds, 'communes_only', '622')).toBe(8);
    expect(universeOf(ds, 'district', '64')).toBe(17);
    expect(universeOf(ds, 'district', '622')).toBe(1);
    expect(universeOf(ds, 'wards_towns', '99999')).toBeNull();
  });

  it('computes target rates from the definitions', () => {
    expect(targetRate(ds, 'commune_radio', '64', 2024)).toBe(92.3);
    expect(targetRate(ds, 'commune_radio_ict', '64', 2024)).toBe(51.2);
    expect(targetRate(ds, 'commune_board', '64', 2023)).toBe(6.6);
    expect(targetRate(ds, 'ward_board', '64', 2021)).toBeNull();
    expect(targetRate(ds, 'province_source_system', '64', 2024)).toBeNull();
    expect(() => targetRate(ds, 'nope', '64', 2024)).toThrow(/found "nope"/);
  });
});

describe('fillTotals', () => {
  it('fills missing province totals from the district rows and keeps printed ones', () => {
    const ds = structuredClone(getDataset('gia-lai-2024'));
    const withoutTotals = {
      ...ds,
      targets: ds.targets.filter((t) => !(t.indicator === 'commune_radio' && t.unitCode === '64')),
    };
    withoutTotals.targets.find(
      (t) => t.indicator === 'commune_radio' && t.unitCode === '624' && t.year === 2025,
    )!.value = null;
    const filled = fillTotals(withoutTotals);
    const radio = filled.targets.filter((t) => t.indicator === 'commune_radio' && t.unitCode === '64');
    expect(radio.map((t) => [t.year, t.value, t.basis, t.note])).toEqual([
      [2021, 187, 'summed', undefined],
      [2022, 189, 'summed', undefined],
      [2023, 191, 'summed', undefined],
      [2024, 203, 'summed', undefined],
      [2025, 212, 'summed', 'sum of 16 of 17 sub-units'],
    ]);
    // Printed totals stay as printed; missing-everywhere years stay missing.
    expect(fillTotals(ds).targets).toEqual(ds.targets);
    expect(targetValue(fillTotals(ds), 'ward_board', '64', 2021)).toBeNull();
  });
});

describe('fillTotals (indexed) against the linear-search oracle', () => {
  it('gives exactly the same plan on generated plans', () => {
    fc.assert(
      fc.property(randomPlan, (plan) => {
        expect(fillTotals(plan)).toEqual(fillTotalsOracle(plan));
      }),
      { numRuns: 150 },
    );
  });
});
