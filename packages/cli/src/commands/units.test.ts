import { describe, expect, test } from 'vitest';
import { run } from '../test-helpers';

describe('nguon units list', () => {
  test('lists the 17 districts of old Gia Lai as JSON', async () => {
    const result = await run(['units', 'list', '--at', '2024-09-01', '--parent', '64', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { code: string; name: string; level: string; parent: string }[];
    expect(rows).toHaveLength(17);
    expect(rows[0]).toMatchObject({ code: '622', name: 'Thành phố Pleiku', level: 'district', parent: '64' });
  });

  test('prints a readable table of provinces by default', async () => {
    const result = await run(['units', 'list', '--at', '2025-07-01']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^code\s+name\s+type\s+parent\s+valid/);
    expect(result.stdout).toMatch(/52\s+Tỉnh Gia Lai\s+province\s+2025-07-01 →/);
    expect(result.stdout).toContain('34 units on 2025-07-01');
  });

  test('--level lists every unit of a level, also under a parent', async () => {
    const all = await run(['units', 'list', '--at', '2025-07-01', '--level', 'commune', '--json']);
    expect(JSON.parse(all.stdout)).toHaveLength(3321);
    const gialai = await run([
      'units',
      'list',
      '--at',
      '2025-07-01',
      '--parent',
      '52',
      '--level',
      'commune',
      '--json',
    ]);
    expect(JSON.parse(gialai.stdout)).toHaveLength(135);
  });

  test('--at defaults to today', async () => {
    const result = await run(['units', 'list', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(34);
  });

  test('a bad date or unknown parent exits 1 with a clear message', async () => {
    const bad = await run(['units', 'list', '--at', '2025-02-30']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"2025-02-30" is not a calendar date; expected YYYY-MM-DD');
    const unknown = await run(['units', 'list', '--at', '2025-07-01', '--parent', '64']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No unit with code "64" on 2025-07-01');
    const early = await run(['units', 'list', '--at', '2020-01-01']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('before 2024-09-01');
  });
});

describe('nguon units find', () => {
  test('finds a district by the spelling of Plan 1055', async () => {
    const result = await run(['units', 'find', 'Đak Đoa', '--at', '2024-09-01', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { code: string; name: string; exact: boolean }[];
    expect(rows.slice(0, 2).map((r) => r.name)).toEqual(['Huyện Đăk Đoa', 'Thị trấn Đăk Đoa']);
    expect(rows[0]?.exact).toBe(true);
  });

  test('prints a table and searches old names with --all', async () => {
    const result = await run(['units', 'find', 'dak hlo', '--all']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/23674\s+Xã Đăk HLơ\s+commune\s+625\s+2024-09-01 → 2025-03-01\s+exact/);
  });

  test('no match exits 1, also with --json', async () => {
    const result = await run(['units', 'find', 'zzzzqqqq', '--at', '2025-07-01']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no unit matches "zzzzqqqq" on 2025-07-01');
    const json = await run(['units', 'find', 'zzzzqqqq', '--at', '2025-07-01', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  test('--within and --level narrow the search', async () => {
    const result = await run(['units', 'find', 'Ia O', '--at', '2025-07-01', '--within', '52', '--json']);
    const rows = JSON.parse(result.stdout) as { name: string; parent: string }[];
    expect(rows[0]).toMatchObject({ name: 'Xã Ia O', parent: '52' });
    expect(rows.every((r) => r.parent === '52')).toBe(true);
    const both = await run(['units', 'find', 'Ia O', '--all', '--at', '2025-07-01']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('use either --at DATE or --all');
    const bad = await run(['units', 'find', 'Ia O', '--level', 'village']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--level must be one of province, district, commune, found "village"');
  });
});

describe('nguon units map', () => {
  test('maps old Gia Lai to the merged province as JSON', async () => {
    const result = await run(['units', 'map', '64', '--from', '2024-09-01', '--to', '2025-07-01', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({
        code: '52',
        name: 'Tỉnh Gia Lai',
        level: 'province',
        parent: null,
        type: 'full',
      }),
    ]);
  });

  test('maps back in time when --to is earlier, with partial shares', async () => {
    const result = await run(['units', 'map', '00004', '--from', '2025-07-01', '--to', '2025-03-01']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('00004 Phường Ba Đình (2025-07-01) ← 2025-03-01');
    expect(result.stdout).toMatch(/00016\s+Phường Ngọc Hà\s+partial/);
    expect(result.stdout).toMatch(/00004\s+Phường Trúc Bạch\s+full/);
  });

  test('says which units have no recorded successor', async () => {
    const result = await run([
      'units',
      'map',
      '23671',
      '--from',
      '2024-09-01',
      '--to',
      '2025-03-01',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    expect(result.stderr).toContain('23671 Xã Kông Pla');
    expect(result.stderr).toContain('no recorded successor');
  });

  test('an unknown code or a bad date exits 1', async () => {
    const unknown = await run(['units', 'map', '99999', '--from', '2025-07-01', '--to', '2026-04-30']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No unit with code "99999" on 2025-07-01');
    const bad = await run(['units', 'map', '52', '--from', 'yesterday', '--to', '2026-04-30']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('from "yesterday" is not a calendar date');
    const missing = await run(['units', 'map', '52', '--from', '2025-07-01']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--to <date>'");
  });
});
