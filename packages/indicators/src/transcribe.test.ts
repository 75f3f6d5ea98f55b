import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getDataset } from './datasets/index';

const script = new URL('../scripts/transcribe.mjs', import.meta.url).pathname;
const committed = new URL('./datasets/gia-lai-2024.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'nguon-transcribe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ds = getDataset('gia-lai-2024');
const cells = (ref: string) =>
  [2021, 2022, 2023, 2024, 2025].map((y) => ds.published.find((p) => p.ref === ref && p.year === y)!.printed);
const TABLE_I_NAMES: Record<string, string> = {
  '1.1': 'Tỷ lệ xã, phường, thị trấn có hệ thống truyền thanh',
  '1.2': 'Tỷ lệ chuyển đổi đài truyền thanh',
  '1.3': 'Tỷ lệ phường, thị trấn có trang thông tin điện tử',
  '1.4': 'Tỷ lệ xã có trang thông tin điện tử',
  '1.5': 'Tỷ lệ phường, thị trấn có bảng tin điện tử công cộng',
  '1.6': 'Tỷ lệ xã có bảng tin điện tử công cộng',
  '2.1': 'Tỷ lệ huyện có cơ sở truyền thông cấp huyện',
  '2.2': 'Tỷ lệ huyện có bảng tin điện tử công cộng cỡ lớn',
};

/** An appendix laid out like the plan's text, rebuilt from the figures of the committed dataset. */
function appendix(): string[] {
  const districts = ds.units.filter((u) => u.level === 'district');
  const lines = [
    'PHỤ LỤC',
    '',
    '(Ban hành kèm theo Kế hoạch số: 1055 /KH-UBND ngày 06 /5/2024 của Ủy ban nhân dân tỉnh Gia Lai)',
    'I. CHỈ TIÊU CHIẾN LƯỢC THEO NĂM',
    'Số TT\tNội dung chỉ tiêu\tNăm 2021\tNăm 2022\tNăm 2023\tNăm 2024\tNăm 2025',
    '1\tCấp xã',
  ];
  for (const no of Object.keys(TABLE_I_NAMES)) {
    if (no === '2.1') lines.push('2\tCấp huyện');
    lines.push([no, TABLE_I_NAMES[no], ...cells(`I.${no}`)].join('\t'));
  }
  lines.push('3\tCấp tỉnh', ['', 'Có Hệ thống thông tin nguồn', ...cells('I.3')].join('\t'), '');
  lines.push('II. CHỈ TIÊU CỤ THỂ PHÂN THEO ĐỊA PHƯƠNG', 'Số TT\tNội dung\tTổng số\tNăm 2021', 'I\tCấp xã');
  for (const section of [1, 2, 3, 4]) {
    const ref = `II.I.${section}`;
    const total = ds.universes.find((u) => u.ref === ref)!;
    lines.push([section, 'Chỉ tiêu', total.printed, ...cells(ref)].join('\t'));
    districts.forEach((d, i) => {
      const u = ds.universes.find((x) => x.ref === `${ref}.${i + 1}`)!;
      lines.push([`${section}.${i + 1}`, d.printedName, u.printed, ...cells(`${ref}.${i + 1}`)].join('\t'));
    });
  }
  lines.push('II\tCấp huyện', ['', 'Số bảng tin điện tử công cộng cỡ lớn', ...cells('II.II')].join('\t'));
  districts.forEach((d, i) => {
    lines.push([i + 1, `<i>${d.printedName}</i>`, ...cells(`II.II.${i + 1}`)].join('\t'));
  });
  return lines;
}

function transcribe(lines: string[]) {
  const input = join(dir, `plan-${Math.random().toString(36).slice(2)}.txt`);
  const out = `${input}.json`;
  writeFileSync(input, `${lines.join('\n')}\n`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@nguon/source', script, input, '--out', out],
    {
      encoding: 'utf8',
    },
  );
  return { ...run, input, out };
}

describe('scripts/transcribe.mjs', () => {
  it('rebuilds the committed dataset from an appendix with the same figures', () => {
    const run = transcribe(appendix());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(run.out, 'utf8'))).toEqual(JSON.parse(readFileSync(committed, 'utf8')));
  });

  it('stops at a cell it cannot read, naming the line', () => {
    const lines = appendix();
    const at = lines.findIndex((l) => l.startsWith('1.1\tThành phố Pleiku'));
    lines[at] = lines[at]!.replace(/\t12\t/, '\t12a\t');
    const run = transcribe(lines);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${run.input}:${at + 1}: expected a cell like "12", "92,3%", "203 (92,3%)", "-" or blank, found "12a"`,
    );
  });

  it('stops at a district name that matches no district of Gia Lai', () => {
    const lines = appendix();
    const at = lines.findIndex((l) => l.startsWith('2.3\t'));
    lines[at] = lines[at]!.replace('Thị xã Ayun Pa', 'Thị xã Ayun Pe Xyz');
    const run = transcribe(lines);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `:${at + 1}: expected "Thị xã Ayun Pe Xyz" to match exactly one district of province 64`,
    );
  });
});
