import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getDataset } from '../datasets';
import { IndicatorsError } from '../errors';
import { readDatasetXlsx, SHEETS, writeDatasetXlsx } from './xlsx';

const giaLai = getDataset('gia-lai-2024');

async function edit(bytes: Uint8Array, change: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  change(wb);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

async function failure(promise: Promise<unknown>): Promise<IndicatorsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!IndicatorsError.isInstance(error))
    throw new Error(`expected an IndicatorsError, got ${String(error)}`);
  return error;
}

describe('XLSX workbook', () => {
  it('round-trips the Gia Lai plan unchanged', async () => {
    const bytes = await writeDatasetXlsx(giaLai);
    const back = await readDatasetXlsx(bytes);
    const key = (t: { indicator: string; unitCode: string; year: number }) =>
      `${t.indicator}|${t.unitCode}|${t.year}`;
    const sortBy = <T extends { indicator: string; unitCode: string; year: number }>(xs: T[]) =>
      [...xs].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sortBy(back.targets)).toEqual(sortBy(giaLai.targets));
    expect(back.indicators).toEqual(giaLai.indicators);
    expect(back.units).toEqual(giaLai.units);
    const pkey = (p: { table: string; ref: string; year: number }) => `${p.table}|${p.ref}|${p.year}`;
    expect([...back.published].sort((a, b) => pkey(a).localeCompare(pkey(b)))).toEqual(
      [...giaLai.published].sort((a, b) => pkey(a).localeCompare(pkey(b))),
    );
    const ukey = (u: { scope: string; unitCode: string; ref: string }) => `${u.scope}|${u.unitCode}|${u.ref}`;
    expect([...back.universes].sort((a, b) => ukey(a).localeCompare(ukey(b)))).toEqual(
      [...giaLai.universes].sort((a, b) => ukey(a).localeCompare(ukey(b))),
    );
    expect({ ...back, targets: [], published: [], universes: [] }).toEqual({
      ...giaLai,
      targets: [],
      published: [],
      universes: [],
    });
  });

  it('lays table II out like the document: indicator total, then one row per district', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await writeDatasetXlsx(giaLai)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(SHEETS.table2);
    const rows: unknown[][] = [];
    ws?.eachRow((row) => {
      rows.push((row.values as unknown[]).slice(1, 9));
    });
    expect(rows[1]).toEqual([
      'Số TT',
      'Nội dung chỉ tiêu cụ thể',
      'Tổng số đơn vị hành chính (hiện nay)',
      'Năm 2021',
      'Năm 2022',
      'Năm 2023',
      'Năm 2024',
      'Năm 2025',
    ]);
    const total = rows.find((r) => r[0] === '1' && String(r[2]).includes('220'));
    expect(total?.slice(2)).toEqual([
      'Số xã, phường, thị trấn: 220',
      '187 (85%)',
      '189 (86%)',
      '191 (87%)',
      '203 (92,3%)',
      '220 (100%)',
    ]);
    const pleiku = rows.find((r) => r[0] === '1.1');
    expect(pleiku).toEqual(['1.1', 'Thành phố Pleiku', 22, 11, 11, 11, 12, 22]);
  });

  it('takes an officer’s edit in table II and in Tidy, and refuses two different values', async () => {
    const bytes = await writeDatasetXlsx(giaLai);
    const findRow = (ws: ExcelJS.Worksheet, test: (r: ExcelJS.Row) => boolean) => {
      let found: ExcelJS.Row | undefined;
      ws.eachRow((r) => {
        if (!found && test(r)) found = r;
      });
      if (!found) throw new Error('row not found');
      return found;
    };
    const edited = await edit(bytes, (wb) => {
      const t2 = wb.getWorksheet(SHEETS.table2) as ExcelJS.Worksheet;
      findRow(t2, (r) => r.getCell(1).value === '1.1').getCell(7).value = 13;
      const tidy = wb.getWorksheet(SHEETS.tidy) as ExcelJS.Worksheet;
      findRow(
        tidy,
        (r) =>
          r.getCell(1).value === 'commune_radio' &&
          r.getCell(2).value === '622' &&
          r.getCell(4).value === 2024,
      ).getCell(5).value = 13;
    });
    const back = await readDatasetXlsx(edited);
    expect(
      back.targets.find((t) => t.indicator === 'commune_radio' && t.unitCode === '622' && t.year === 2024)
        ?.value,
    ).toBe(13);

    const conflicting = await edit(bytes, (wb) => {
      const t2 = wb.getWorksheet(SHEETS.table2) as ExcelJS.Worksheet;
      findRow(t2, (r) => r.getCell(1).value === '1.1').getCell(7).value = 14;
    });
    const error = await failure(readDatasetXlsx(conflicting));
    expect(error.message).toMatch(
      /Sheet "II\. Theo địa phương", row \d+, column G \(Năm 2024\): says 14 but Sheet "Tidy", row \d+, column E \(value\) says 12/,
    );
  });

  it('lays out a plan that has only targets as table II rows an officer can edit', async () => {
    const targetsOnly = { ...giaLai, published: [], universes: [] };
    const bytes = await writeDatasetXlsx(targetsOnly);
    const edited = await edit(bytes, (wb) => {
      wb.removeWorksheet((wb.getWorksheet(SHEETS.tidy) as ExcelJS.Worksheet).id);
      const t2 = wb.getWorksheet(SHEETS.table2) as ExcelJS.Worksheet;
      let done = false;
      t2.eachRow((row) => {
        if (!done && row.getCell(9).value === 'commune_radio' && row.getCell(10).value === '622') {
          expect(row.getCell(7).value).toBe(12);
          row.getCell(7).value = 15;
          done = true;
        }
      });
      expect(done).toBe(true);
    });
    const back = await readDatasetXlsx(edited);
    expect(back.published).toEqual([]);
    // Without the Tidy sheet, what is left are the indicators broken down by district.
    const withDistricts = new Set(giaLai.targets.filter((t) => t.unitCode !== '64').map((t) => t.indicator));
    expect(back.targets).toHaveLength(giaLai.targets.filter((t) => withDistricts.has(t.indicator)).length);
    expect(
      back.targets.find((t) => t.indicator === 'commune_radio' && t.unitCode === '622' && t.year === 2024)
        ?.value,
    ).toBe(15);
    expect(
      back.targets.find((t) => t.indicator === 'commune_radio' && t.unitCode === '64' && t.year === 2024)
        ?.value,
    ).toBe(203);
  });

  it('names sheet, row and column of a value that is not a number', async () => {
    const bytes = await edit(await writeDatasetXlsx(giaLai), (wb) => {
      const tidy = wb.getWorksheet(SHEETS.tidy) as ExcelJS.Worksheet;
      tidy.getRow(14).getCell(5).value = 'mười';
    });
    const error = await failure(readDatasetXlsx(bytes));
    expect(error.code).toBe('file_format');
    expect(error.message).toBe(
      'Sheet "Tidy", row 14, column E (value): expected a number or empty, found "mười"',
    );
  });

  it('keeps an emptied cell as missing, never 0', async () => {
    const bytes = await edit(await writeDatasetXlsx(giaLai), (wb) => {
      wb.removeWorksheet((wb.getWorksheet(SHEETS.table2) as ExcelJS.Worksheet).id);
      const tidy = wb.getWorksheet(SHEETS.tidy) as ExcelJS.Worksheet;
      tidy.getRow(3).getCell(5).value = null;
    });
    const back = await readDatasetXlsx(bytes);
    const tidyRow = (await readDatasetXlsx(await writeDatasetXlsx(giaLai))).targets;
    expect(tidyRow.length).toBe(back.targets.length);
    expect(back.targets.filter((t) => t.value === 0).length).toBe(
      giaLai.targets.filter((t) => t.value === 0).length,
    );
    expect(back.targets.filter((t) => t.value === null).length).toBe(
      giaLai.targets.filter((t) => t.value === null).length + 1,
    );
  });

  it('says which sheet is missing and rejects bytes that are not a workbook', async () => {
    const noInfo = await edit(await writeDatasetXlsx(giaLai), (wb) => {
      wb.removeWorksheet((wb.getWorksheet(SHEETS.info) as ExcelJS.Worksheet).id);
    });
    expect((await failure(readDatasetXlsx(noInfo, { source: 'plan.xlsx' }))).message).toMatch(
      /^plan\.xlsx: expected a sheet named "Thông tin", found the sheets "I\. Theo năm"/,
    );
    const junk = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect((await failure(readDatasetXlsx(junk, { source: 'x.xlsx' }))).message).toMatch(
      /^x\.xlsx: not a readable XLSX workbook/,
    );
  });

  it('gives a typed error or a dataset, never a crash, whatever an officer types into a cell', async () => {
    const base = await writeDatasetXlsx(giaLai);
    const loaded = new ExcelJS.Workbook();
    await loaded.xlsx.load(Buffer.from(base) as unknown as ArrayBuffer);
    const sheetNames = [SHEETS.tidy, SHEETS.table1, SHEETS.table2, SHEETS.indicators, SHEETS.info];
    const cellValue = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.double(),
      fc.integer({ min: -5, max: 300 }),
      fc.constantFrom(null, true, '-', '', '12 (5,5%)', '1e3', '#N/A'),
      fc.date({ noInvalidDate: true }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...sheetNames),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 11 }),
        cellValue,
        async (sheet, row, column, value) => {
          const edited = await edit(base, (wb) => {
            (wb.getWorksheet(sheet) as ExcelJS.Worksheet).getRow(row).getCell(column).value =
              value as ExcelJS.CellValue;
          });
          try {
            const back = await readDatasetXlsx(edited);
            expect(back.targets.length).toBeGreaterThan(0);
          } catch (e) {
            expect(IndicatorsError.isInstance(e)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('gives a typed error for any bytes that are not a workbook', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...bytes]);
        const error = await readDatasetXlsx(zip).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(IndicatorsError.isInstance(error)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
