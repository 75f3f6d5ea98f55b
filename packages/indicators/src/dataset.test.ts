import { loadUnits } from '@nguon/areas';
import { describe, expect, it } from 'vitest';
import { targetRate } from './compute';
import { getDataset } from './datasets/index';
import type { Dataset } from './model';
import { validateDataset } from './validate';

const ds = getDataset('gia-lai-2024');
const years = [2021, 2022, 2023, 2024, 2025];
const parse = (cells: string) =>
  cells
    .trim()
    .split(/\s+/)
    .map((c) => (c === '-' ? null : Number(c)));
const codeOf = (printedName: string) => {
  const unit = ds.units.find((u) => u.printedName === printedName);
  if (!unit) throw new Error(`no unit printed as ${printedName}`);
  return unit.code;
};
const target = (d: Dataset, indicator: string, unitCode: string, year: number) =>
  d.targets.find((t) => t.indicator === indicator && t.unitCode === unitCode && t.year === year);

// Table II of the appendix, re-typed row by row: district | universe | 2021 … 2025 ("-" = blank or "-").
const tableII: Record<string, string> = {
  commune_radio: `
      Thành phố Pleiku | 22 | 11 11 11 12 22
      Thị xã An Khê | 11 | 5 5 7 11 11
      Thị xã Ayun Pa | 8 | 4 4 4 4 8
      Huyện Chư Păh | 14 | 11 12 12 14 14
      Huyện Chư Pưh | 9 | 9 9 9 9 9
      Huyện Chư Prông | 20 | 20 20 20 20 20
      Huyện Chư Sê | 15 | 14 14 14 15 15
      Huyện Đak Đoa | 17 | 17 17 17 17 17
      Huyện Đak Pơ | 8 | 7 7 7 8 8
      Huyện Đức Cơ | 10 | 9 9 9 9 10
      Huyện Ia Grai | 13 | 12 12 12 12 13
      Huyện Ia Pa | 9 | 9 9 9 9 9
      Huyện Kbang | 14 | 13 14 14 14 14
      Huyện Kông Chro | 14 | 13 13 13 14 14
      Huyện Krông Pa | 14 | 13 13 13 14 14
      Huyện Mang Yang | 12 | 11 11 11 12 12
      Huyện Phú Thiện | 10 | 9 9 9 9 10`,
  commune_radio_ict: `
      Thành phố Pleiku | 22 | 0 0 0 2 22
      Thị xã An Khê | 11 | 0 0 4 8 11
      Thị xã Ayun Pa | 8 | 0 0 0 0 8
      Huyện Chư Păh | 14 | 3 6 6 9 14
      Huyện Chư Pưh | 9 | 2 2 3 3 9
      Huyện Chư Prông | 20 | 2 7 14 14 20
      Huyện Chư Sê | 15 | 0 0 1 3 15
      Huyện Đak Đoa | 17 | 1 1 3 10 17
      Huyện Đak Pơ | 8 | 1 3 5 5 8
      Huyện Đức Cơ | 10 | 1 1 2 4 10
      Huyện Ia Grai | 13 | 2 2 4 7 13
      Huyện Ia Pa | 9 | 0 0 4 4 9
      Huyện Kbang | 14 | 1 2 3 5 14
      Huyện Kông Chro | 14 | 1 1 5 9 14
      Huyện Krông Pa | 14 | 1 3 7 8 14
      Huyện Mang Yang | 12 | 3 4 4 8 12
      Huyện Phú Thiện | 10 | 1 1 1 5 10`,
  ward_board: `
      Thành phố Pleiku | 14 | - 13 13 14 14
      Thị xã An Khê | 6 | - 0 0 2 6
      Thị xã Ayun Pa | 4 | - 0 0 0 4
      Huyện Chư Păh | 2 | - 0 0 1 2
      Huyện Chư Pưh | 1 | - 0 0 0 1
      Huyện Chư Prông | 1 | - 0 0 0 1
      Huyện Chư Sê | 1 | - 0 0 1 1
      Huyện Đak Đoa | 1 | - 0 0 0 1
      Huyện Đak Pơ | 1 | - 0 0 0 1
      Huyện Đức Cơ | 1 | - 0 0 0 1
      Huyện Ia Grai | 1 | - 0 0 0 1
      Huyện Ia Pa | 0 | - 0 0 0 0
      Huyện Kbang | 1 | - 0 0 1 1
      Huyện Kông Chro | 1 | - 0 0 0 1
      Huyện Krông Pa | 1 | - 0 0 0 1
      Huyện Mang Yang | 1 | - 0 0 0 1
      Huyện Phú Thiện | 1 | - 0 0 0 1`,
  commune_board: `
      Thành phố Pleiku | 8 | - 8 8 8 8
      Thị xã An Khê | 5 | - 0 0 3 5
      Thị xã Ayun Pa | 4 | - 0 0 0 3
      Huyện Chư Păh | 12 | - 0 4 9 10
      Huyện Chư Pưh | 8 | - 0 0 0 5
      Huyện Chư Prông | 19 | - 0 0 0 14
      Huyện Chư Sê | 14 | - 0 0 3 10
      Huyện Đak Đoa | 16 | - 0 0 0 12
      Huyện Đak Pơ | 7 | - 0 0 2 5
      Huyện Đức Cơ | 9 | - 0 0 0 6
      Huyện Ia Grai | 12 | - 0 0 0 9
      Huyện Ia Pa | 9 | - 0 0 0 6
      Huyện Kbang | 13 | - 0 0 0 8
      Huyện Kông Chro | 13 | - 0 0 0 8
      Huyện Krông Pa | 13 | - 0 0 0 8
      Huyện Mang Yang | 11 | - 0 0 0 8
      Huyện Phú Thiện | 9 | - 0 0 5 9`,
};
const tableIIDistrictBoards = `
      Thành phố Pleiku | - 1 1 2 3
      Thị xã An Khê | - 0 0 1 1
      Thị xã Ayun Pa | - 0 0 0 1
      Huyện Chư Păh | - 0 0 1 1
      Huyện Chư Pưh | - 0 0 1 1
      Huyện Chư Prông | - 1 1 1 1
      Huyện Chư Sê | - 0 0 0 1
      Huyện Đak Đoa | - 1 1 1 1
      Huyện Đak Pơ | - 0 0 0 1
      Huyện Đức Cơ | - 1 1 1 1
      Huyện Ia Grai | - 0 0 0 1
      Huyện Ia Pa | - 0 0 0 1
      Huyện Kbang | - 0 0 0 1
      Huyện Kông Chro | - 0 0 0 1
      Huyện Krông Pa | - 1 1 1 1
      Huyện Mang Yang | - 0 0 0 1
      Huyện Phú Thiện | - 0 0 0 1`;

describe('gia-lai-2024 transcription', () => {
  it('keys the 17 districts by their GSO code at 2024-09-01', () => {
    const registry = loadUnits();
    const districts = ds.units.filter((u) => u.level === 'district');
    expect(districts).toHaveLength(17);
    for (const d of districts) {
      expect(registry.get(d.code, ds.unitSnapshot)).toMatchObject({
        name: d.name,
        parent: '64',
        level: 'district',
      });
    }
    expect(codeOf('Thành phố Pleiku')).toBe('622');
    expect(codeOf('Huyện Đak Đoa')).toBe('626');
    expect(codeOf('Huyện Kbang')).toBe('625');
    expect(codeOf('Huyện Chư Pưh')).toBe('639');
  });

  it.each(Object.entries(tableII))('has every district figure and universe of %s', (indicator, block) => {
    const def = ds.indicators.find((d) => d.id === indicator)!;
    const denominator =
      def.denominator && 'universe' in def.denominator ? def.denominator.universe : 'commune_level';
    for (const line of block.trim().split('\n')) {
      const [name = '', universe = '', cells = ''] = line.split('|').map((s) => s.trim());
      const code = codeOf(name);
      expect(
        years.map((y) => target(ds, indicator, code, y)?.value),
        `${indicator} ${name}`,
      ).toEqual(parse(cells));
      expect(ds.universes.find((u) => u.scope === denominator && u.unitCode === code)?.value).toBe(
        Number(universe),
      );
    }
  });

  it('has every district figure of the large-board table (II.II)', () => {
    for (const line of tableIIDistrictBoards.trim().split('\n')) {
      const [name = '', cells = ''] = line.split('|').map((s) => s.trim());
      expect(years.map((y) => target(ds, 'district_large_board', codeOf(name), y)?.value)).toEqual(
        parse(cells),
      );
    }
  });

  it('keeps the province totals, rates and printed text of both tables', () => {
    const totals = (id: string) => years.map((y) => target(ds, id, '64', y)?.value);
    expect(totals('commune_radio')).toEqual([187, 189, 191, 203, 220]);
    expect(totals('commune_radio_ict')).toEqual([19, 33, 66, 104, 220]);
    expect(totals('ward_board')).toEqual([null, 13, 13, 19, 38]);
    expect(totals('commune_board')).toEqual([null, 8, 12, 30, 134]);
    expect(totals('district_large_board')).toEqual([null, 5, 5, 9, 19]);
    expect(totals('ward_website')).toEqual([38, 38, 38, 38, 38]);
    expect(totals('commune_website')).toEqual([182, 182, 182, 182, 182]);
    expect(totals('district_media_center')).toEqual([17, 17, 17, 17, 17]);
    expect(totals('province_source_system')).toEqual([null, null, null, 1, null]);
    expect(target(ds, 'ward_website', '64', 2024)?.basis).toBe('derived');
    expect(target(ds, 'commune_radio', '64', 2024)?.basis).toBe('printed');

    const printed = (ref: string, year: number) => ds.published.find((p) => p.ref === ref && p.year === year);
    expect(printed('II.I.1', 2024)).toMatchObject({ count: 203, rate: 92.3, printed: '203 (92,3%)' });
    expect(printed('I.1.2', 2024)).toMatchObject({ count: null, rate: 51.2, printed: '51,2%' });
    expect(printed('I.2.2', 2022)).toMatchObject({ rate: 29.41, printed: '29,41%' });
    expect(printed('I.2.2', 2021)).toMatchObject({ count: null, rate: null, printed: '' });
    expect(printed('II.II', 2021)).toMatchObject({ count: null, rate: null, printed: '-' });
    expect(printed('I.3', 2025)).toMatchObject({ rate: null, printed: '' });
    expect(printed('II.I.4', 2023)).toMatchObject({ count: 12, rate: 7, printed: '12 (7,0%)' });
    expect(ds.targets).toHaveLength(470);
    expect(ds.published).toHaveLength(495);
  });

  it('never turns a blank or "-" into 0', () => {
    for (const p of ds.published) {
      if (p.printed === '' || p.printed === '-') expect([p.count, p.rate]).toEqual([null, null]);
    }
    expect(target(ds, 'ward_board', '622', 2021)?.value).toBeNull();
    expect(target(ds, 'ward_board', '635', 2024)?.value).toBe(0);
  });
});

const expectedFindings = [
  ['rate_mismatch', 'commune_board', '64', 2023, 'I.1.6', 7, 6.59],
  ['rate_mismatch', 'district_large_board', '64', 2024, 'I.2.2', 52.9, 47.06],
  ['rate_mismatch', 'commune_board', '64', 2023, 'II.I.4', 7, 6.59],
  ['rate_mismatch', 'district_large_board', '64', 2024, 'II.II', 52.9, 47.06],
  ['missing', 'ward_board', undefined, 2021, undefined, null, null],
  ['missing', 'commune_board', undefined, 2021, undefined, null, null],
  ['missing', 'district_large_board', undefined, 2021, undefined, null, null],
  ['missing', 'province_source_system', '64', 2021, undefined, null, null],
  ['missing', 'province_source_system', '64', 2022, undefined, null, null],
  ['missing', 'province_source_system', '64', 2023, undefined, null, null],
  ['missing', 'province_source_system', '64', 2025, undefined, null, null],
];
const summary = (d: Dataset, options: Parameters<typeof validateDataset>[1] = { registry: null }) =>
  validateDataset(d, options).map((f) => [
    f.kind,
    f.indicator,
    f.unitCode,
    f.year,
    f.ref,
    f.published,
    f.computed,
  ]);

describe('validateDataset on gia-lai-2024', () => {
  it('finds exactly the discrepancies of the printed appendix', () => {
    expect(summary(ds)).toEqual(expectedFindings);
  });

  it('finds the same with the unit registry (the default): the printed universes match the units of 2024-09-01', () => {
    expect(summary(ds, {})).toEqual(expectedFindings);
    expect(summary(ds, { registry: loadUnits() })).toEqual(expectedFindings);
  });

  it('explains each finding in words', () => {
    const [first] = validateDataset(ds, { registry: null });
    expect(first?.message).toBe(
      'I.1.6 2023: printed "7,0%", but 12 of 182 is 6.59% (allowed difference ±0.05)',
    );
    expect(first?.difference).toBe(-0.41);
  });

  it('reports the IP-conversion rates as wrong if they were taken over all 220 units', () => {
    const variant = structuredClone(ds);
    const ict = variant.indicators.find((d) => d.id === 'commune_radio_ict')!;
    ict.denominator = { universe: 'commune_level' };
    const ictFindings = summary(variant).filter((f) => f[1] === 'commune_radio_ict');
    expect(ictFindings).toEqual([
      ['rate_mismatch', 'commune_radio_ict', '64', 2021, 'I.1.2', 10, 8.64],
      ['rate_mismatch', 'commune_radio_ict', '64', 2022, 'I.1.2', 17.5, 15],
      ['rate_mismatch', 'commune_radio_ict', '64', 2023, 'I.1.2', 35, 30],
      ['rate_mismatch', 'commune_radio_ict', '64', 2024, 'I.1.2', 51.2, 47.27],
      ['rate_mismatch', 'commune_radio_ict', '64', 2021, 'II.I.2', 10, 8.64],
      ['rate_mismatch', 'commune_radio_ict', '64', 2022, 'II.I.2', 17.5, 15],
      ['rate_mismatch', 'commune_radio_ict', '64', 2023, 'II.I.2', 35, 30],
      ['rate_mismatch', 'commune_radio_ict', '64', 2024, 'II.I.2', 51.2, 47.27],
    ]);
  });
});

describe('large district boards (items)', () => {
  it('rates the share of districts having a board, not boards per district', () => {
    expect(years.map((y) => targetRate(ds, 'district_large_board', '64', y))).toEqual([
      null,
      29.4,
      29.4,
      47.1,
      100,
    ]);
    expect(targetRate(ds, 'district_large_board', '622', 2025)).toBe(100); // 3 boards, 1 district
    const [, second] = validateDataset(ds, { registry: null });
    expect(second?.message).toBe(
      'I.2.2 2024: printed "52,9%", but 8 of 17 (units with at least one of the 9 items) is 47.06% (allowed difference ±0.05)',
    );
  });

  it('read as boards ÷ 17 instead, the 2025 "19 (100%)" is the one that does not add up', () => {
    const variant = structuredClone(ds);
    variant.indicators.find((d) => d.id === 'district_large_board')!.counted = 'units';
    const found = summary(variant).filter((f) => f[1] === 'district_large_board' && f[0] !== 'missing');
    expect(found).toEqual([
      ['rate_mismatch', 'district_large_board', '64', 2025, 'I.2.2', 100, 111.76],
      ['rate_mismatch', 'district_large_board', '64', 2025, 'II.II', 100, 111.76],
      ['count_exceeds_universe', 'district_large_board', '64', 2025, 'II.II', 19, 17],
      ['count_exceeds_universe', 'district_large_board', '622', 2024, 'II.II.1', 2, 1],
      ['count_exceeds_universe', 'district_large_board', '622', 2025, 'II.II.1', 3, 1],
    ]);
  });
});

describe('validateDataset on altered plans', () => {
  it('finds district rows that no longer add up to the printed total', () => {
    const d = structuredClone(ds);
    target(d, 'commune_radio', '622', 2024)!.value = 13;
    expect(summary(d).filter((f) => f[0] !== 'missing')).toEqual([
      ['total_mismatch', 'commune_radio', '64', 2024, 'II.I.1', 203, 204],
      ...expectedFindings.slice(0, 4),
    ]);
  });

  it('finds counts above the universe, falling targets and universes that do not add up', () => {
    const d = structuredClone(ds);
    target(d, 'ward_board', '623', 2025)!.value = 7; // An Khê has 6 wards and towns
    target(d, 'ward_board', '64', 2025)!.value = 39;
    target(d, 'commune_radio', '624', 2024)!.value = 3; // Ayun Pa: 4 in 2023
    target(d, 'commune_radio', '64', 2024)!.value = 202;
    d.universes.find((u) => u.scope === 'communes_only' && u.unitCode === '622')!.value = 9;
    const kinds = summary(d).filter((f) => f[0] !== 'missing' && f[0] !== 'rate_mismatch');
    expect(kinds).toEqual([
      ['breakdown_sum', 'commune_board', '64', undefined, 'II.I.4', 182, 183],
      ['breakdown_sum', 'commune_radio', '622', undefined, 'II.I.1.1', 22, 23],
      ['count_exceeds_universe', 'ward_board', '64', 2025, 'II.I.3', 39, 38],
      ['count_exceeds_universe', 'ward_board', '623', 2025, 'II.I.3.2', 7, 6],
      ['decreasing', 'commune_radio', '624', 2024, 'II.I.1.3', 3, 4],
    ]);
  });

  it('finds a printed universe that differs from the unit registry', () => {
    const d = structuredClone(ds);
    d.universes.find(
      (u) => u.scope === 'commune_level' && u.unitCode === '622' && u.ref === 'II.I.1.1',
    )!.value = 23;
    const found = validateDataset(d).filter((f) => f.kind === 'universe_mismatch');
    expect(found.map((f) => [f.unitCode, f.published, f.computed])).toEqual([['622', 23, 22]]);
    expect(validateDataset(d, { registry: null }).filter((f) => f.kind === 'universe_mismatch')).toEqual([]);
  });
});
