import { loadUnits } from '@nguon/areas';
import { describe, expect, it } from 'vitest';
import { getDataset } from './datasets/index';
import { IndicatorsError } from './errors';
import type { Actual } from './model';
import { rebaseActuals } from './rebase';

const registry = loadUnits();
const { indicators } = getDataset('gia-lai-2024');
const OLD = '2024-09-01';
const NEW = '2025-07-01';
const has = (unitCode: string, value: number, indicator = 'commune_radio'): Actual => ({
  indicator,
  unitCode,
  year: 2024,
  value,
  status: 'normal',
});

describe('rebaseActuals', () => {
  it('moves the 220 communes of old Gia Lai onto the 2025 communes and lists the two without successor', () => {
    const communes = registry.descendants('64', OLD, { level: 'commune' });
    expect(communes).toHaveLength(220);
    const result = rebaseActuals(
      communes.map((c) => has(c.code, 1)),
      { from: OLD, to: NEW, indicators },
    );
    expect(result.unmapped).toEqual([
      {
        unitCode: '23593',
        name: 'Xã Tân Sơn',
        indicator: 'commune_radio',
        year: 2024,
        reason: 'no_successor',
      },
      {
        unitCode: '23671',
        name: 'Xã Kông Pla',
        indicator: 'commune_radio',
        year: 2024,
        reason: 'no_successor',
      },
    ]);
    expect(result.partial).toEqual([]);
    expect(result.actuals.length).toBeGreaterThan(50);
    expect(result.actuals.every((a) => a.value === 1 && a.status === 'normal')).toBe(true);
    for (const a of result.actuals) expect(registry.get(a.unitCode, NEW)?.parent).toBe('52');
  });

  it('gives a merged unit the value "has it" when any old part had it (units), the sum for items', () => {
    // Phường Pleiku (23575) = Tây Sơn, Hội Thương, Hoa Lư, Phù Đổng and Xã Trà Đa.
    const parts = registry
      .mapBackward('23575', { from: NEW, to: OLD })
      .map((m) => m.code)
      .sort();
    expect(parts).toHaveLength(5);
    const radio = rebaseActuals(
      parts.map((code, i) => has(code, i === 0 ? 1 : 0)),
      { from: OLD, to: NEW, indicators },
    );
    expect(radio.actuals).toEqual([
      {
        indicator: 'commune_radio',
        unitCode: '23575',
        year: 2024,
        value: 1,
        status: 'normal',
        note: `from ${parts.join(', ')}`,
      },
    ]);
    const boards = rebaseActuals(
      parts.map((code) => has(code, 2, 'district_large_board')),
      { from: OLD, to: NEW, indicators },
    );
    expect(boards.actuals[0]).toMatchObject({ unitCode: '23575', value: 10, status: 'normal' });
  });

  it('marks a missing part as a lower bound unless another part already has it', () => {
    const parts = registry.mapBackward('23575', { from: NEW, to: OLD }).map((m) => m.code);
    const withGap = parts.map((code, i) =>
      i === 0 ? { ...has(code, 0), value: null, status: 'missing' as const } : has(code, 0),
    );
    expect(rebaseActuals(withGap, { from: OLD, to: NEW, indicators }).actuals[0]).toMatchObject({
      value: 0,
      status: 'provisional',
      note: expect.stringContaining('lower bound: 1 of 5 parts missing'),
    });
    const settled = withGap.map((a, i) => (i === 1 ? has(a.unitCode, 1) : a));
    expect(rebaseActuals(settled, { from: OLD, to: NEW, indicators }).actuals[0]).toMatchObject({
      value: 1,
      status: 'normal',
    });
  });

  it('flags upper bounds where an old commune was split (Bình Định, An Nghĩa)', () => {
    const result = rebaseActuals([has('21634', 1)], { from: OLD, to: NEW, indicators });
    expect(result.actuals.map((a) => [a.unitCode, a.value, a.status])).toEqual([
      ['21622', 1, 'estimated'],
      ['21628', 1, 'estimated'],
    ]);
    expect(result.partial).toEqual([
      { unitCode: '21622', indicator: 'commune_radio', year: 2024, sources: ['21634'] },
      { unitCode: '21628', indicator: 'commune_radio', year: 2024, sources: ['21634'] },
    ]);
    expect(result.actuals[0]?.note).toContain('upper bound');
  });

  it('goes back from 2025 units to 2024 communes as upper bounds', () => {
    const result = rebaseActuals([has('23575', 1)], { from: NEW, to: OLD, indicators });
    expect(result.actuals).toHaveLength(5);
    expect(result.actuals.every((a) => a.status === 'estimated' && a.value === 1)).toBe(true);
    expect(result.partial).toHaveLength(5);
  });

  it("going forward then back never lowers a commune's value (the result is an upper bound)", () => {
    const communes = registry.descendants('64', OLD, { level: 'commune' });
    const original = communes.map((c, i) => has(c.code, i % 4 === 0 ? 1 : 0));
    const forward = rebaseActuals(original, { from: OLD, to: NEW, indicators });
    const back = rebaseActuals(forward.actuals, { from: NEW, to: OLD, indicators });
    const lost = new Set(forward.unmapped.map((u) => u.unitCode));
    let raised = 0;
    for (const a of original) {
      if (lost.has(a.unitCode)) continue;
      const b = back.actuals.find((x) => x.unitCode === a.unitCode);
      expect(b?.value, a.unitCode).toBeGreaterThanOrEqual(a.value ?? 0);
      if ((b?.value ?? 0) > (a.value ?? 0)) raised++;
    }
    expect(raised).toBeGreaterThan(0);
  });

  it('lists district-level and unknown units as unmapped and rejects bad dates', () => {
    const result = rebaseActuals([has('622', 12), has('99999', 1)], { from: OLD, to: NEW });
    expect(result.unmapped.map((u) => [u.unitCode, u.reason])).toEqual([
      ['622', 'not_commune_level'],
      ['99999', 'unknown_unit'],
    ]);
    expect(() => rebaseActuals([], { from: '2024-9-1', to: NEW })).toThrow(IndicatorsError);
    expect(() => rebaseActuals([has('23575', 1)], { from: '2020-01-01', to: NEW })).toThrow(
      /cannot answer for 2020-01-01/,
    );
  });
});
