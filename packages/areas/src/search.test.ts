import { describe, expect, test } from 'vitest';
import { loadUnits } from './index';

const units = loadUnits();
const first = (query: string, opts: Parameters<typeof units.search>[1] = {}) => units.search(query, opts)[0];

describe('search finds the spellings people use', () => {
  test.each(['Đak Đoa', 'Dak Doa', 'Đăk Đoa', 'Đắk Đoa', 'dak doa', 'Huyện Đak Đoa', 'huyen dak doa'])(
    '%s → Huyện Đăk Đoa',
    (query) => {
      const hit = first(query, { at: '2024-09-01', level: 'district' });
      expect(hit?.unit.name).toBe('Huyện Đăk Đoa');
      expect(hit?.exact).toBe(true);
    },
  );

  test.each(['Kbang', 'KBang', "K'Bang", 'K’Bang', 'Huyện Kbang'])('%s → Huyện KBang', (query) => {
    expect(first(query, { at: '2024-09-01', level: 'district' })?.unit.code).toBe('625');
  });

  test.each([
    'TP. Pleiku',
    'Thành phố Pleiku',
    'tp Pleiku',
    'Pleiku',
    'T.P. Pleiku',
    'Tp.Pleiku',
    'TP Pleiku',
  ])('%s → Thành phố Pleiku', (query) => {
    const hit = first(query, { at: '2024-09-01' });
    expect(hit?.unit.code).toBe('622');
    expect(hit?.exact).toBe(true);
  });

  test.each(['Ia Grai', 'Ia-Grai', 'IaGrai', 'ia grai'])('%s → Huyện Ia Grai', (query) => {
    expect(first(query, { at: '2024-09-01', level: 'district' })?.unit.code).toBe('628');
  });

  test('a type word makes the unit of that type rank first', () => {
    expect(first('Thị trấn Đăk Đoa', { at: '2024-09-01' })?.unit.code).toBe('23677');
    expect(first('Huyện Đăk Đoa', { at: '2024-09-01' })?.unit.code).toBe('626');
    expect(first('Thị xã An Khê', { at: '2024-09-01' })?.unit.code).toBe('623');
    expect(first('Tỉnh Gia Lai', { at: '2025-07-01' })?.unit.code).toBe('52');
    expect(first('Xã Ia O', { at: '2025-07-01', within: '52' })?.unit.name).toBe('Xã Ia O');
  });

  test('English type words after the name and the HCM short form work too', () => {
    expect(first('Pleiku City', { at: '2024-09-01' })?.unit.code).toBe('622');
    expect(first('Dak Doa District', { at: '2024-09-01' })?.unit.code).toBe('626');
    expect(first('Gia Lai province', { at: '2025-07-01' })?.unit.code).toBe('52');
    expect(first('TP HCM', { at: '2025-07-01' })?.unit.code).toBe('79');
    expect(first('TP.HCM', { at: '2025-07-01' })?.unit.code).toBe('79');
  });

  test('a name that starts like a type word is still found (Tịnh Hà, not Tỉnh Hà…)', () => {
    expect(first('Tịnh Hà', { at: '2024-09-01' })?.unit.name).toBe('Xã Tịnh Hà');
  });

  test('old and new tone placement match each other', () => {
    const old = first('Xã Hoà Lạc', { at: '2025-07-01' });
    const modern = first('Xã Hòa Lạc', { at: '2025-07-01' });
    expect(old?.unit.code).toBe(modern?.unit.code);
    expect(old?.score).toBe(modern?.score);
    expect(old?.exact).toBe(true);
  });

  test('typed diacritics rank the unit spelled that way first', () => {
    const hits = units.search('Đắk Hòa', { at: '2024-09-01', limit: 5 });
    expect(hits[0]?.unit.shortName).toBe('Đắk Hòa');
  });

  test('exact matches first, then prefix, then near misses', () => {
    const hits = units.search('Ia Grai', { at: '2024-09-01', within: '64', limit: 20 });
    expect(hits[0]?.exact).toBe(true);
    const scores = hits.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(units.search('Plei', { at: '2024-09-01', limit: 1 })[0]).toMatchObject({ exact: false });
    expect(first('Plei', { at: '2024-09-01' })?.unit.shortName.startsWith('Plei')).toBe(true);
    const typo = first('Pleikuu', { at: '2024-09-01' });
    expect(typo?.unit.code).toBe('622');
    expect(typo?.exact).toBe(false);
  });

  test('without a date, old names are found with their dates', () => {
    const hits = units.search('Đăk HLơ');
    expect(hits[0]?.unit).toMatchObject({ code: '23674', validTo: '2025-03-01' });
    expect(units.search('Pleiku', { level: 'commune' })[0]?.unit).toMatchObject({
      code: '23575',
      validFrom: '2025-07-01',
    });
  });

  test('within and limit narrow the results; nonsense finds nothing', () => {
    expect(units.search('An', { at: '2025-07-01', within: '52', limit: 3 })).toHaveLength(3);
    expect(units.search('An Khê', { at: '2025-07-01', within: '01' })).toEqual([]);
    expect(units.search('zzzzqqqq', { at: '2025-07-01' })).toEqual([]);
    expect(units.search(' - . ', { at: '2025-07-01' })).toEqual([]);
    expect(() => units.search('An', { limit: 0 })).toThrow(/limit must be a positive integer/);
    expect(() => units.search('An', { at: '2025-07-01', within: '64' })).toThrow(
      /No unit with code "64" on 2025-07-01/,
    );
    expect(() => units.search('An', { within: '999' })).toThrow(/no unit ever had the code "999"/);
  });
});
