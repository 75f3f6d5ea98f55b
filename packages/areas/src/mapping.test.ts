import { describe, expect, test } from 'vitest';
import { loadUnits } from './index';

const units = loadUnits();
const pick = (list: { code: string; type: string }[]) => list.map((m) => `${m.code}:${m.type}`);

describe('mapping across the 2025-07-01 reform', () => {
  test('Phường Pleiku 23575 was formed from five whole units', () => {
    const from = units.mapBackward('23575', { from: '2025-07-01', to: '2025-03-01' });
    expect(from.map((m) => m.name)).toEqual([
      'Phường Hội Thương',
      'Phường Phù Đổng',
      'Phường Hoa Lư',
      'Phường Tây Sơn',
      'Xã Trà Đa',
    ]);
    expect(new Set(from.map((m) => m.type))).toEqual(new Set(['full']));
  });

  test('a partial merge shows in both directions', () => {
    expect(pick(units.mapForward('00016', { from: '2025-03-01', to: '2025-07-01' }))).toEqual([
      '00004:partial',
      '00008:partial',
    ]);
    const ba = units.mapBackward('00004', { from: '2025-07-01', to: '2025-03-01' });
    expect(pick(ba)).toContain('00004:full');
    expect(pick(ba)).toContain('00016:partial');
  });

  test('an unchanged commune maps to itself as the same unit', () => {
    const iaO = units.search('Ia O', { at: '2025-03-01', within: '628', limit: 1 })[0]!.unit;
    expect(units.mapForward(iaO.code, { from: '2025-03-01', to: '2025-07-01' })).toMatchObject([
      { code: iaO.code, name: 'Xã Ia O', type: 'same', parent: '52' },
    ]);
  });

  test('a 2024-09-01 commune goes through the 2025-03-01 state to the new commune', () => {
    expect(units.mapForward('23674', { from: '2024-09-01', to: '2026-04-30' })).toMatchObject([
      { code: '23674', name: 'Xã Kông Bơ La', validFrom: '2025-07-01' },
    ]);
  });

  test('provinces map through their communes', () => {
    expect(units.mapForward('64', { from: '2024-09-01', to: '2025-07-01' })).toMatchObject([
      { code: '52', name: 'Tỉnh Gia Lai', type: 'full', via: 'communes' },
    ]);
    expect(pick(units.mapBackward('52', { from: '2025-07-01', to: '2024-09-01' }))).toEqual([
      '52:full',
      '64:full',
    ]);
    expect(pick(units.mapForward('01', { from: '2024-09-01', to: '2025-07-01' }))).toEqual(['01:same']);
    // A mapping link from An Giang into Đồng Tháp crosses the merger and is left out by the generator.
    expect(pick(units.mapForward('89', { from: '2025-03-01', to: '2025-07-01' }))).toEqual(['91:full']);
    expect(pick(units.mapBackward('82', { from: '2025-07-01', to: '2025-03-01' }))).toEqual([
      '82:full',
      '87:full',
    ]);
  });

  test('a district maps to the new communes covering it once districts are gone', () => {
    const kbang = units.mapForward('625', { from: '2024-09-01', to: '2025-07-01' });
    expect(kbang.every((m) => m.level === 'commune' && m.via === 'communes')).toBe(true);
    expect(kbang.map((m) => m.name)).toContain('Xã Kbang');
    expect(kbang.map((m) => m.name)).toContain('Xã Kông Bơ La');
  });

  test('island districts without communes map straight to their special zone', () => {
    expect(units.mapForward('318', { from: '2025-03-01', to: '2025-07-01' })).toMatchObject([
      { name: 'Đặc khu Bạch Long Vĩ', type: 'full' },
    ]);
  });
});

describe('2024-09-01 → 2025-03-01 from the snapshot diff', () => {
  test('a renamed unit keeps its code; a vanished one is reported unmapped, not guessed', () => {
    expect(units.mapForward('23674', { from: '2024-09-01', to: '2025-03-01' })).toMatchObject([
      { code: '23674', name: 'Xã Kông Bơ La', type: 'same' },
    ]);
    expect(units.mapForward('23671', { from: '2024-09-01', to: '2025-03-01' })).toEqual([]);
    const report = units.explainMapping('23671', { from: '2024-09-01', to: '2025-07-01' });
    expect(report.unmapped.map((u) => u.name)).toEqual(['Xã Kông Pla']);
    const pleiku = units.explainMapping('622', { from: '2024-09-01', to: '2025-03-01' });
    expect(pleiku.mappings).toMatchObject([{ code: '622', type: 'same' }]);
    expect(pleiku.unmapped.map((u) => `${u.code} ${u.name}`)).toEqual(['23593 Xã Tân Sơn']);
  });

  test('going back, a unit with no recorded predecessor is reported', () => {
    const report = units.explainMapping('23674', { from: '2025-03-01', to: '2024-09-01' });
    expect(report.direction).toBe('backward');
    expect(report.mappings).toMatchObject([{ name: 'Xã Đăk HLơ', type: 'same' }]);
  });
});

describe('mapping errors', () => {
  test('dates in the wrong order are refused', () => {
    expect(() => units.mapForward('23674', { from: '2025-07-01', to: '2024-09-01' })).toThrow(
      expect.objectContaining({ code: 'invalid_range' }),
    );
    expect(() => units.mapBackward('23674', { from: '2024-09-01', to: '2025-07-01' })).toThrow(/from ≥ to/);
  });

  test('a code that is not in force on from is refused', () => {
    expect(() => units.mapForward('23671', { from: '2025-03-01', to: '2025-07-01' })).toThrow(
      expect.objectContaining({ code: 'unit_not_found' }),
    );
  });

  test('the same date maps a unit to itself', () => {
    expect(pick(units.mapForward('23674', { from: '2025-07-01', to: '2025-07-01' }))).toEqual(['23674:same']);
  });
});
