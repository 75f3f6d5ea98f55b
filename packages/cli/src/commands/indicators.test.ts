import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from '../test-helpers';

const dir = () => mkdtempSync(join(tmpdir(), 'nguon-ind-'));

describe('nguon indicators', () => {
  test('list shows the Gia Lai dataset and its nine indicators', async () => {
    const r = await run(['indicators', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('gia-lai-2024');
    for (const id of [
      'commune_radio',
      'commune_radio_ict',
      'ward_board',
      'district_large_board',
      'province_source_system',
    ]) {
      expect(r.stdout).toContain(id);
    }
    const json = JSON.parse((await run(['indicators', 'list', '--json'])).stdout) as {
      id: string;
      indicators: unknown[];
    }[];
    expect(json[0]?.id).toBe('gia-lai-2024');
    expect(json[0]?.indicators).toHaveLength(9);
  });

  test('export writes tidy CSV and JSON with empty cells for missing values', async () => {
    const csv = await run(['indicators', 'export', 'gia-lai-2024', '--format', 'csv']);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe('indicator,unit_code,unit_name,year,value,status,note');
    expect(csv.stdout).toContain('commune_radio,64,tỉnh Gia Lai,2024,203,,');
    expect(csv.stdout).toContain('ward_board,622,Thành phố Pleiku,2021,,,');
    const json = JSON.parse(
      (await run(['indicators', 'export', 'gia-lai-2024', '--format', 'json'])).stdout,
    ) as {
      unit_code: string;
      year: number;
      indicator: string;
      value: number | null;
    }[];
    expect(
      json.find((r) => r.indicator === 'commune_radio' && r.unit_code === '622' && r.year === 2024)?.value,
    ).toBe(12);
  });

  test('export xlsx needs --out, then import reads the workbook back to the same CSV', async () => {
    const cwd = dir();
    const noOut = await run(['indicators', 'export', 'gia-lai-2024', '--format', 'xlsx'], cwd);
    expect(noOut.code).toBe(1);
    expect(noOut.stderr).toContain('--out');
    const out = await run(
      ['indicators', 'export', 'gia-lai-2024', '--format', 'xlsx', '--out', 'plan.xlsx'],
      cwd,
    );
    expect(out.code).toBe(0);
    expect(readFileSync(join(cwd, 'plan.xlsx')).subarray(0, 2).toString()).toBe('PK');
    const back = await run(['indicators', 'import', 'plan.xlsx'], cwd);
    expect(back.code).toBe(0);
    const direct = await run(['indicators', 'export', 'gia-lai-2024', '--format', 'csv']);
    const sorted = (s: string) =>
      s
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)
        .filter(Boolean)
        .sort();
    expect(sorted(back.stdout)).toEqual(sorted(direct.stdout));
  });

  test('import names the place of a bad cell and rejects a file that is not a plan', async () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'bad.csv'),
      'indicator,unit_code,unit_name,year,value\ncommune_radio,622,Pleiku,2024,12\ncommune_radio,623,An Khê,2024,mười\n',
    );
    const bad = await run(['indicators', 'import', 'bad.csv'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'bad.csv, line 3, column E (value): expected a number or empty, found "mười"',
    );
    writeFileSync(join(cwd, 'notes.txt'), 'Kế hoạch năm 2024\n');
    const txt = await run(['indicators', 'import', 'notes.txt'], cwd);
    expect(txt.code).toBe(1);
    expect(txt.stderr).toMatch(/notes\.txt: expected an XLSX workbook, a JSON file or a CSV/);
    const missing = await run(['indicators', 'import', 'nope.xlsx'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.xlsx: cannot read the file (no such file)');
  });

  test('validate and report read a workbook, and a broken workbook gets a clear error', async () => {
    const cwd = dir();
    await run(['indicators', 'export', 'gia-lai-2024', '--format', 'xlsx', '--out', 'plan.xlsx'], cwd);
    const v = await run(['indicators', 'validate', 'plan.xlsx', '--json'], cwd);
    const direct = await run(['indicators', 'validate', 'gia-lai-2024', '--json'], cwd);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout)).toEqual(JSON.parse(direct.stdout));
    const r = await run(['indicators', 'report', 'plan.xlsx', '--out', 'plan.html', '--lang', 'en'], cwd);
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'plan.html'), 'utf8')).toContain('<svg');
    writeFileSync(
      join(cwd, 'broken.xlsx'),
      Buffer.concat([readFileSync(join(cwd, 'plan.xlsx')).subarray(0, 300)]),
    );
    const broken = await run(['indicators', 'validate', 'broken.xlsx'], cwd);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.xlsx: not a readable XLSX workbook/);
  });

  test('import applies edited tidy rows onto the dataset of their province', async () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'edit.csv'),
      '\uFEFFindicator,unit_code,unit_name,year,value\r\ncommune_radio,622,"Thành phố Pleiku",2024,13\r\n',
    );
    const r = await run(['indicators', 'import', 'edit.csv'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('commune_radio,622,Thành phố Pleiku,2024,13,,');
    expect(r.stderr).toContain('dataset gia-lai-2024');
    writeFileSync(
      join(cwd, 'unknown.csv'),
      'indicator,unit_code,unit_name,year,value\n\ncommune_radio,622,P,2024,13\ncommune_radio,999,X,2024,1\n',
    );
    const unknown = await run(['indicators', 'import', 'unknown.csv'], cwd);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /unknown\.csv, line 4: expected a unit code of dataset "gia-lai-2024" .*found 999/,
    );
  });

  test('validate exits 1 with the findings of the Gia Lai appendix, as text and JSON', async () => {
    const r = await run(['indicators', 'validate', 'gia-lai-2024']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/rate_mismatch\s+commune_board \(I\.1\.6\) 64 2023/);
    const json = await run(['indicators', 'validate', 'gia-lai-2024', '--json']);
    expect(json.code).toBe(1);
    const findings = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining([
          'indicator',
          'unit_code',
          'year',
          'published',
          'computed',
          'kind',
          'message',
        ]),
      );
    }
    expect(findings).toContainEqual(
      expect.objectContaining({
        indicator: 'commune_board',
        unit_code: '64',
        year: 2023,
        kind: 'rate_mismatch',
        published: 7,
      }),
    );
  });

  test('validate exits 0 on a consistent plan and reads files too', async () => {
    const cwd = dir();
    const whole = JSON.parse(
      (await run(['indicators', 'export', 'gia-lai-2024', '--format', 'dataset-json'])).stdout,
    ) as {
      published: unknown[];
      universes: unknown[];
      targets: { indicator: string; value: number | null; year: number }[];
    };
    // Without printed figures and with every target present and not falling, nothing is left to disagree.
    const fill = (t: { indicator: string; value: number | null }) =>
      t.value ?? (t.indicator === 'province_source_system' ? 1 : 0);
    const clean = { ...whole, published: [], targets: whole.targets.map((t) => ({ ...t, value: fill(t) })) };
    writeFileSync(join(cwd, 'clean.json'), JSON.stringify(clean));
    const r = await run(['indicators', 'validate', 'clean.json'], cwd);
    expect(r.stderr).toContain('no findings');
    expect(r.code).toBe(0);
    const unknown = await run(['indicators', 'validate', 'ha-noi-2030'], cwd);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('expected a dataset id (gia-lai-2024) or a file, found "ha-noi-2030"');
  });

  test('report writes a Vietnamese or English HTML file with inline SVG charts', async () => {
    const cwd = dir();
    const vi = await run(['indicators', 'report', 'gia-lai-2024', '--out', 'bao-cao.html'], cwd);
    expect(vi.code).toBe(0);
    const html = readFileSync(join(cwd, 'bao-cao.html'), 'utf8');
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('<svg');
    const en = await run(
      ['indicators', 'report', 'gia-lai-2024', '--out', 'report.html', '--lang', 'en'],
      cwd,
    );
    expect(en.code).toBe(0);
    expect(readFileSync(join(cwd, 'report.html'), 'utf8')).toContain('Province targets by year');
    const badLang = await run(
      ['indicators', 'report', 'gia-lai-2024', '--out', 'x.html', '--lang', 'fr'],
      cwd,
    );
    expect(badLang.code).toBe(1);
    expect(badLang.stderr).toContain('--lang must be vi or en, found "fr"');
  });

  test('progress compares actuals with the targets of a year, per unit', async () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'actuals.csv'),
      'indicator,unit_code,unit_name,year,value,status\ncommune_radio,622,Pleiku,2024,10,normal\ncommune_radio,623,An Khê,2024,11,provisional\n',
    );
    const r = await run(
      ['indicators', 'progress', 'gia-lai-2024', '--actuals', 'actuals.csv', '--year', '2024'],
      cwd,
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'indicator,unit_code,unit_name,year,target,actual,achievement,status,actual_status',
    );
    const pleiku = lines.find((l) => l.startsWith('commune_radio,622,'));
    expect(pleiku).toMatch(/^commune_radio,622,[^,]+,2024,12,10,83\.\d*,behind,normal$/);
    expect(lines.find((l) => l.startsWith('commune_radio,623,'))).toMatch(/,11,11,100,achieved,provisional$/);
    const badYear = await run(
      ['indicators', 'progress', 'gia-lai-2024', '--actuals', 'actuals.csv', '--year', '2030'],
      cwd,
    );
    expect(badYear.code).toBe(1);
    expect(badYear.stderr).toContain(
      '--year must be one of the plan years 2021, 2022, 2023, 2024, 2025, found "2030"',
    );
    writeFileSync(
      join(cwd, 'bad.csv'),
      'indicator,unit_code,unit_name,year,value,status\ncommune_radio,622,Pleiku,2024,10,done\n',
    );
    const bad = await run(
      ['indicators', 'progress', 'gia-lai-2024', '--actuals', 'bad.csv', '--year', '2024'],
      cwd,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'bad.csv, line 2, column F (status): expected one of normal, estimated, provisional, missing or empty, found "done"',
    );
  });
});
