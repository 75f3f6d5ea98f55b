import { describe, expect, test } from 'vitest';
import { AreasError, loadUnits } from './index';

const units = loadUnits();

describe('Gia Lai through the reforms', () => {
  test('old Gia Lai 64 on 2024-09-01 has 17 districts and 220 communes', () => {
    expect(units.require('64', '2024-09-01').name).toBe('Tỉnh Gia Lai');
    expect(units.children('64', '2024-09-01')).toHaveLength(17);
    expect(units.descendants('64', '2024-09-01', { level: 'commune' })).toHaveLength(220);
  });

  test('on 2025-03-01 old Gia Lai has 218 communes', () => {
    expect(units.descendants('64', '2025-03-01', { level: 'commune' })).toHaveLength(218);
  });

  test('code 52 is Bình Định until 2025-07-01, then the merged Gia Lai with 135 communes and wards', () => {
    expect(units.get('52', '2025-06-30')?.name).toBe('Tỉnh Bình Định');
    const gialai = units.require('52', '2025-07-01');
    expect(gialai).toMatchObject({ name: 'Tỉnh Gia Lai', validFrom: '2025-07-01', validTo: null });
    const communes = units.children('52', '2025-07-01');
    expect(communes).toHaveLength(135);
    expect(communes.filter((u) => u.type === 'ward')).toHaveLength(25);
    expect(communes.filter((u) => u.type === 'commune')).toHaveLength(110);
    expect(units.get('64', '2025-07-01')).toBeUndefined();
    expect(units.versions('64').at(-1)?.validTo).toBe('2025-07-01');
  });

  test('districts end on 2025-07-01', () => {
    expect(units.unitsAt('2025-06-30', { level: 'district' }).length).toBeGreaterThan(600);
    expect(units.unitsAt('2025-07-01', { level: 'district' })).toEqual([]);
    expect(units.versions('622')).toMatchObject([
      { name: 'Thành phố Pleiku', type: 'city', validTo: '2025-07-01' },
    ]);
  });

  test('63 provinces before the reform, 34 after', () => {
    expect(units.unitsAt('2024-09-01', { level: 'province' })).toHaveLength(63);
    expect(units.unitsAt('2025-07-01', { level: 'province' })).toHaveLength(34);
    expect(units.unitsAt('2026-04-30', { level: 'commune' })).toHaveLength(3321);
  });

  test('Kông Bơ La 23674 keeps the code of Đăk HLơ with a new name', () => {
    const [before, renamed, after] = units.versions('23674');
    expect(before).toMatchObject({
      name: 'Xã Đăk HLơ',
      parent: '625',
      validFrom: '2024-09-01',
      validTo: '2025-03-01',
    });
    expect(renamed).toMatchObject({
      name: 'Xã Kông Bơ La',
      parent: '625',
      validFrom: '2025-03-01',
      validTo: '2025-07-01',
    });
    expect(after).toMatchObject({
      name: 'Xã Kông Bơ La',
      parent: '52',
      validFrom: '2025-07-01',
      validTo: null,
    });
    expect(units.get('23671', '2024-12-31')?.name).toBe('Xã Kông Pla');
    expect(units.get('23671', '2025-03-01')).toBeUndefined();
  });

  test('a unit has its short name, English name and Vietnamese type', () => {
    expect(units.require('626', '2024-09-01')).toMatchObject({
      name: 'Huyện Đăk Đoa',
      shortName: 'Đăk Đoa',
      nameEn: 'Dak Doa District',
      type: 'district',
      level: 'district',
      parent: '64',
    });
    expect(units.require('01', '2024-09-01').type).toBe('municipality');
    expect(units.require('11948', '2025-07-01').type).toBe('special-zone');
    expect(JSON.parse(JSON.stringify(units.require('23575', '2025-07-01'))).nameEn).toBe('Pleiku Ward');
  });
});

describe('hierarchy', () => {
  test('ancestors are nearest first', () => {
    expect(units.ancestors('23674', '2024-09-01').map((u) => u.code)).toEqual(['625', '64']);
    expect(units.ancestors('23674', '2025-07-01').map((u) => u.name)).toEqual(['Tỉnh Gia Lai']);
    expect(units.ancestors('64', '2024-09-01')).toEqual([]);
  });

  test('descendants list every level below unless one is asked for', () => {
    const all = units.descendants('625', '2024-09-01');
    expect(all.every((u) => u.level === 'commune')).toBe(true);
    const province = units.descendants('64', '2024-09-01');
    expect(province).toHaveLength(17 + 220);
    expect(units.descendants('64', '2024-09-01', { level: 'district' })).toHaveLength(17);
  });

  test('unitsAt filters by parent and level', () => {
    const pleiku = units.unitsAt('2024-09-01', { parent: '622' });
    expect(pleiku.map((u) => u.name)).toContain('Xã Tân Sơn');
    expect(units.unitsAt('2025-03-01', { parent: '622' }).map((u) => u.name)).not.toContain('Xã Tân Sơn');
  });

  test('a Date is read as its local calendar day', () => {
    expect(units.get('52', new Date(2025, 6, 1, 0, 0, 1))?.name).toBe('Tỉnh Gia Lai');
    expect(units.get('52', new Date(2025, 5, 30, 23, 59))?.name).toBe('Tỉnh Bình Định');
  });
});

describe('the 2026-04-30 changes', () => {
  test('Đồng Nai becomes a centrally run city and some communes become wards', () => {
    expect(units.versions('75').map((u) => [u.name, u.type, u.validFrom])).toEqual([
      ['Tỉnh Đồng Nai', 'province', '2024-09-01'],
      ['Thành phố Đồng Nai', 'municipality', '2026-04-30'],
    ]);
    expect(units.get('25270', '2026-04-29')?.name).toBe('Xã Lộc Ninh');
    expect(units.get('25270', '2026-04-30')?.name).toBe('Phường Lộc Ninh');
    expect(units.mapForward('25270', { from: '2025-07-01', to: '2026-04-30' })).toMatchObject([
      { code: '25270', name: 'Phường Lộc Ninh', type: 'same' },
    ]);
  });

  test('a change of tone placement alone does not make a new version', () => {
    const versions = units.versions('09988');
    expect(versions.filter((u) => u.validFrom >= '2025-07-01')).toHaveLength(1);
    expect(units.get('09988', '2025-07-01')?.name).toBe(units.get('09988', '2026-05-01')?.name);
  });
});

describe('errors', () => {
  test('require names the code and the date, and when the code was in force', () => {
    expect(() => units.require('64', '2025-07-01')).toThrow(
      /"64" on 2025-07-01.*2024-09-01–2025-07-01 as "Tỉnh Gia Lai"/,
    );
    try {
      units.require('99999', '2025-07-01');
      expect.unreachable();
    } catch (error) {
      expect(AreasError.isInstance(error)).toBe(true);
      expect((error as AreasError).code).toBe('unit_not_found');
      expect((error as Error).message).toContain('no unit ever had this code');
    }
  });

  test('an invalid date is named in the error', () => {
    for (const bad of ['2025-02-30', '2025-7-1', 'yesterday', '', '2025-13-01']) {
      expect(() => units.get('52', bad)).toThrow(expect.objectContaining({ code: 'invalid_date' }));
      expect(() => units.get('52', bad)).toThrow(`"${bad}"`);
    }
    expect(() => units.unitsAt(new Date('nope'))).toThrow(/Invalid Date/);
    expect(units.get('52', '2028-02-29')?.name).toBe('Tỉnh Gia Lai');
    expect(() => units.get('52', '2027-02-29')).toThrow(
      /"2027-02-29" is not a calendar date; expected YYYY-MM-DD/,
    );
  });

  test('a date before the first snapshot is refused, not answered with the 2024 state', () => {
    expect(() => units.get('64', '2024-08-31')).toThrow(
      expect.objectContaining({
        code: 'before_first_snapshot',
        message: expect.stringContaining('2024-08-31'),
      }),
    );
  });

  test('a date after the last snapshot gets the last known state', () => {
    expect(units.get('52', '2030-01-01')?.name).toBe('Tỉnh Gia Lai');
  });

  test('a bad level is refused', () => {
    expect(() => units.unitsAt('2025-07-01', { level: 'village' as never })).toThrow(/level must be one of/);
  });
});

describe('the generated data hangs together', () => {
  test('versions of a code are in order, do not overlap, and each has its parent in force', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    for (const day of units.snapshots) {
      for (const unit of units.unitsAt(day)) {
        if (seen.has(unit.code)) continue;
        seen.add(unit.code);
        const versions = units.versions(unit.code);
        versions.forEach((version, i) => {
          const next = versions[i + 1];
          if (next && (version.validTo === null || version.validTo > next.validFrom)) {
            problems.push(`${unit.code} versions overlap`);
          }
          if (version.parent && !units.get(version.parent, version.validFrom)) {
            problems.push(`${unit.code} parent ${version.parent} missing on ${version.validFrom}`);
          }
        });
      }
    }
    expect(problems).toEqual([]);
    expect(seen.size).toBeGreaterThan(11_000);
  });

  test('every commune in force on 2025-07-01 has at least one predecessor or is reported as new', () => {
    const orphans = units
      .unitsAt('2025-07-01', { level: 'commune' })
      .filter((u) => units.mapBackward(u.code, { from: '2025-07-01', to: '2025-03-01' }).length === 0);
    expect(orphans.map((u) => `${u.code} ${u.name}`)).toEqual([]);
  });
});
