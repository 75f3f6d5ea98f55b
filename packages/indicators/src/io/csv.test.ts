import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getDataset } from '../datasets';
import { IndicatorsError } from '../errors';
import type { TidyRow } from '../model';
import { datasetToCsv, parseActualsCsv, parseTidyCsv, writeTidyCsv } from './csv';
import { detectFormat } from './format';
import { datasetToJson, datasetToTidyJson, parseJsonFile } from './json';
import { parsePrinted } from './printed';
import { datasetFromTidyRows, datasetToTidyRows } from './tidy';

const giaLai = getDataset('gia-lai-2024');

function errorOf(fn: () => unknown): IndicatorsError {
  try {
    fn();
  } catch (e) {
    if (IndicatorsError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('tidy CSV', () => {
  it('writes the header, one row per district and province total, and empty cells for missing values', () => {
    const csv = datasetToCsv(giaLai);
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('indicator,unit_code,unit_name,year,value,status,note');
    expect(lines).toContain('commune_radio,64,tỉnh Gia Lai,2024,203,,');
    expect(lines).toContain('commune_radio,622,Thành phố Pleiku,2024,12,,');
    expect(lines).toContain('ward_board,622,Thành phố Pleiku,2021,,,');
    expect(lines.filter((l) => l !== '').length).toBe(giaLai.targets.length + 1);
  });

  it('round-trips the Gia Lai targets with Vietnamese names', () => {
    const rows = parseTidyCsv(datasetToCsv(giaLai));
    expect(rows).toEqual(datasetToTidyRows(giaLai));
    const back = datasetFromTidyRows(rows, giaLai);
    expect(new Set(back.targets.map((t) => JSON.stringify(t)))).toEqual(
      new Set(giaLai.targets.map((t) => JSON.stringify(t))),
    );
  });

  it('refuses rows for a unit or indicator the plan does not have, naming the row', () => {
    const rows = parseTidyCsv('indicator,unit_code,unit_name,year,value\ncommune_radio,999,X,2024,1\n');
    expect(errorOf(() => datasetFromTidyRows(rows, giaLai)).message).toMatch(
      /^row 1: expected a unit code of dataset "gia-lai-2024" \(64, 622, .*\), found 999$/,
    );
    const bad = parseTidyCsv('indicator,unit_code,unit_name,year,value\nradio,622,X,2024,1\n');
    expect(errorOf(() => datasetFromTidyRows(bad, giaLai)).message).toMatch(
      /^row 1: expected an indicator of dataset "gia-lai-2024"/,
    );
  });

  it('reads quotes, BOM and CRLF', () => {
    const text =
      '\uFEFFindicator,unit_code,unit_name,year,value\r\ncommune_radio,622,"Thành phố Pleiku, Gia Lai",2024,12\r\ncommune_radio,623,"Thị xã ""An Khê""",2024,\r\n';
    expect(parseTidyCsv(text)).toEqual([
      {
        indicator: 'commune_radio',
        unitCode: '622',
        unitName: 'Thành phố Pleiku, Gia Lai',
        year: 2024,
        value: 12,
      },
      { indicator: 'commune_radio', unitCode: '623', unitName: 'Thị xã "An Khê"', year: 2024, value: null },
    ]);
  });

  it('names line and column of a bad cell', () => {
    const text = 'indicator,unit_code,unit_name,year,value\ncommune_radio,622,Pleiku,2024,mười\n';
    expect(errorOf(() => parseTidyCsv(text, { source: 'plan.csv' })).message).toBe(
      'plan.csv, line 2, column E (value): expected a number or empty, found "mười"',
    );
    expect(errorOf(() => parseTidyCsv('unit,indicator\n', { source: 'x.csv' })).message).toMatch(
      /^x\.csv, line 1, column A: expected the header "indicator", found "unit"/,
    );
    expect(
      errorOf(() => parseTidyCsv('indicator,unit_code,unit_name,year,value\nx,6,a,2024,1\n')).message,
    ).toMatch(/line 2, column B \(unit_code\): expected a unit code/);
    expect(errorOf(() => parseTidyCsv('indicator,unit_code,unit_name,year,value\n"x,62,a\n')).code).toBe(
      'file_format',
    );
  });

  it('reads actuals with statuses and refuses a value marked missing', () => {
    const text =
      'indicator,unit_code,unit_name,year,value,status\ncommune_radio,622,P,2024,13,provisional\ncommune_radio,623,A,2024,,\n';
    expect(parseActualsCsv(text)).toEqual([
      { indicator: 'commune_radio', unitCode: '622', year: 2024, value: 13, status: 'provisional' },
      { indicator: 'commune_radio', unitCode: '623', year: 2024, value: null, status: 'missing' },
    ]);
    expect(
      errorOf(() =>
        parseActualsCsv(
          'indicator,unit_code,unit_name,year,value,status\nward_board,622,P,2024,3,missing\n',
          { source: 'a.csv' },
        ),
      ).message,
    ).toBe('a.csv, line 2, column F (status): status "missing" needs an empty value, found 3');
  });

  it('never crashes on arbitrary text: rows or a typed error', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (body) => {
        try {
          parseTidyCsv(`indicator,unit_code,unit_name,year,value\n${body}`);
        } catch (e) {
          expect(IndicatorsError.isInstance(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any rows, including Vietnamese text with commas, quotes and line breaks', () => {
    const row = fc.record({
      indicator: fc.constantFrom('commune_radio', 'ward_board', 'x_1'),
      unitCode: fc.constantFrom('64', '622', '23456'),
      unitName: fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.trim()),
      year: fc.integer({ min: 1900, max: 2200 }),
      value: fc.option(
        fc.oneof(
          fc.nat(),
          fc.double({ min: 0, max: 1e6, noNaN: true }).map((d) => Math.round(d * 1000) / 1000),
        ),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows: TidyRow[]) => {
        expect(parseTidyCsv(writeTidyCsv(rows))).toEqual(rows);
      }),
      { numRuns: 200 },
    );
  });
});

describe('JSON', () => {
  it('round-trips the whole dataset and the tidy rows', () => {
    const whole = parseJsonFile(datasetToJson(giaLai));
    expect(whole.kind === 'dataset' && whole.dataset).toEqual(giaLai);
    const tidy = parseJsonFile(datasetToTidyJson(giaLai));
    expect(tidy.kind === 'rows' && tidy.rows).toEqual(datasetToTidyRows(giaLai));
  });

  it('names the element or the line of a problem', () => {
    expect(
      errorOf(() =>
        parseJsonFile('[{"indicator":"commune_radio","unit_code":"622","year":2024,"value":"mười"}]', {
          source: 'r.json',
        }),
      ).message,
    ).toBe('r.json [0].value: expected a number or empty, found "mười"');
    expect(errorOf(() => parseJsonFile('{\n  "id": 1,\n}', { source: 'd.json' })).message).toMatch(
      /^d\.json, line 3, column 1: not valid JSON/,
    );
    const bad = errorOf(() => parseJsonFile('{"id":"x"}', { source: 'd.json' }));
    expect(bad.code).toBe('invalid_dataset');
    expect(bad.issues.some((i) => i.path.startsWith('d.json: title'))).toBe(true);
  });

  it('never crashes on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseJsonFile(JSON.stringify(value));
        } catch (e) {
          expect(IndicatorsError.isInstance(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('file format detection', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('tells XLSX, JSON and CSV apart by content and explains anything else', () => {
    expect(detectFormat(new Uint8Array([0x50, 0x4b, 3, 4, 0]))).toBe('xlsx');
    expect(detectFormat(bytes(' \n[{}]'))).toBe('json');
    expect(detectFormat(bytes('\uFEFFindicator,unit_code,unit_name,year,value\n'))).toBe('csv');
    expect(errorOf(() => detectFormat(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0]), 'old.xls')).message).toMatch(
      /legacy Excel 97-2003/,
    );
    expect(errorOf(() => detectFormat(bytes('%PDF-1.4'), 'a.pdf')).message).toBe(
      'a.pdf: this is a PDF; expected an XLSX, CSV or JSON file',
    );
    expect(errorOf(() => detectFormat(bytes('hello'), 'h.txt')).message).toMatch(
      /^h\.txt: expected an XLSX workbook.*found a file starting "hello"/,
    );
  });
});

describe('printed figures', () => {
  it('reads the forms the appendix uses', () => {
    expect(parsePrinted('203 (92,3%)')).toEqual({ count: 203, rate: 92.3 });
    expect(parsePrinted('29,41%')).toEqual({ count: null, rate: 29.41 });
    expect(parsePrinted('12')).toEqual({ count: 12, rate: null });
    expect(parsePrinted('-')).toEqual({ count: null, rate: null });
    expect(parsePrinted('')).toEqual({ count: null, rate: null });
    expect(parsePrinted('mười')).toBeUndefined();
  });
  it('never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parsePrinted(s);
        expect(r === undefined || typeof r === 'object').toBe(true);
      }),
    );
  });
});
