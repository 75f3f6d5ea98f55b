import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { checkAndReport, FILES, writePlan } from './run';
import { DELIBERATE_MISTAKE } from './synthetic-plan';

test('a SYNTHETIC province writes its plan as XLSX, then validation and the report run on the file', async () => {
  const out = mkdtempSync(join(tmpdir(), 'province-indicators-'));
  const plan = await writePlan(out);
  expect(readFileSync(plan).subarray(0, 2).toString()).toBe('PK');

  const { dataset, findings } = await checkAndReport(out);
  expect(dataset.id).toBe('synthetic-kon-tum-2024');
  expect(dataset.units.filter((u) => u.level === 'district')).toHaveLength(10);
  // 2 indicators × 11 units (province + 10 districts) × 3 years.
  expect(dataset.targets).toHaveLength(66);

  // The one deliberate mistake is found, in both tables, and nothing else is an error.
  const errors = findings.filter((f) => f.severity === 'error');
  expect(errors.map((f) => [f.kind, f.indicator, f.unitCode, f.year, f.published])).toEqual([
    ['rate_mismatch', DELIBERATE_MISTAKE.indicator, '62', DELIBERATE_MISTAKE.year, 85],
    ['rate_mismatch', DELIBERATE_MISTAKE.indicator, '62', DELIBERATE_MISTAKE.year, 85],
  ]);
  expect(errors[0]?.computed).toBeCloseTo(79.41, 1);

  const vi = readFileSync(join(out, FILES.reportVi), 'utf8');
  expect(vi).toContain('<html lang="vi">');
  expect(vi).toContain('SYNTHETIC');
  expect(vi).toContain('Thành phố Kon Tum');
  expect((vi.match(/<svg /g) ?? []).length).toBe(3);
  const en = readFileSync(join(out, FILES.reportEn), 'utf8');
  expect(en).toContain('Validation findings');
});
