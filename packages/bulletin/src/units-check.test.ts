import { loadUnits } from '@nguon/areas';
import { describe, expect, test } from 'vitest';
import {
  type Bulletin,
  checkBulletinUnits,
  exampleFloodWarning,
  examplePolicyNotice,
  safeParseBulletin,
} from './index';

const units = loadUnits();

describe('unit codes against the registry', () => {
  test('both samples target units in force on their snapshot and start days', () => {
    expect(checkBulletinUnits(examplePolicyNotice, units)).toEqual([]);
    expect(checkBulletinUnits(exampleFloodWarning, units)).toEqual([]);
    expect(safeParseBulletin(exampleFloodWarning, { units }).success).toBe(true);
  });

  test('a code unknown on the snapshot date is reported with its history', () => {
    const b: Bulletin = structuredClone(examplePolicyNotice);
    b.targets = { units: { at: '2025-07-01', codes: ['24065', '64'] } };
    const r = safeParseBulletin(b, { units });
    expect(r.success).toBe(false);
    expect(r.success ? [] : r.error.issues.map((i) => `${i.at}: ${i.message}`)).toEqual([
      '$.targets.units.codes[1]: no unit with code "64" on 2025-07-01: it was "Tỉnh Gia Lai" 2024-09-01–2025-07-01',
    ]);
  });

  test('a code from an old snapshot that is gone when the bulletin starts must be mapped', () => {
    const b: Bulletin = structuredClone(examplePolicyNotice);
    b.targets = { units: { at: '2024-09-01', codes: ['64'] } };
    const [problem] = checkBulletinUnits(b, units);
    expect(problem?.at).toBe('$.targets.units.codes[0]');
    expect(problem?.message).toMatch(
      /^unit "64" \(Tỉnh Gia Lai on 2024-09-01\) is no longer in force when the bulletin starts \(2026-12-01\)/,
    );
  });

  test('the issuer unit must exist when the bulletin is created', () => {
    const b: Bulletin = structuredClone(examplePolicyNotice);
    b.issuer.unitCode = '99999';
    expect(checkBulletinUnits(b, units).map((i) => i.message)).toEqual([
      'no unit with code "99999" on 2026-11-26 (createdAt): no unit ever had this code',
    ]);
  });

  test('without a registry, unit codes are only checked for their shape', () => {
    const b: Bulletin = structuredClone(examplePolicyNotice);
    b.targets = { units: { at: '2025-07-01', codes: ['99999'] } };
    expect(safeParseBulletin(b).success).toBe(true);
  });
});
