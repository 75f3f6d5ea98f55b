import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { IndicatorsError } from '../errors';
import { type Actual, type Dataset, ObservationStatus, type ProgressRow, type TidyRow } from '../model';
import { datasetToTidyRows } from './tidy';

/**
 * Columns of a tidy CSV file, in order. Files must begin with the first five; `status` and `note`
 * are optional and may be left out.
 *
 * @example
 * ```ts
 * TIDY_CSV_COLUMNS.join(','); // "indicator,unit_code,unit_name,year,value,status,note"
 * ```
 */
export const TIDY_CSV_COLUMNS = [
  'indicator',
  'unit_code',
  'unit_name',
  'year',
  'value',
  'status',
  'note',
] as const;

const REQUIRED = 5;
const letter = (i: number) => String.fromCharCode(65 + i);

/** Where a CSV cell is, for messages: `plan.csv, line 14, column E (value)`. */
function at(source: string, line: number, column?: number): string {
  const col = column === undefined ? '' : `, column ${letter(column)} (${TIDY_CSV_COLUMNS[column]})`;
  return `${source}, line ${line}${col}`;
}

/**
 * Parses a cell as an observation value: a non-negative decimal with a dot (`12`, `92.3`) or empty
 * for missing. Returns a message when the text is neither.
 *
 * @example
 * ```ts
 * parseValueText('12'); // 12
 * parseValueText(''); // null
 * parseValueText('mười'); // { error: 'expected a number or empty, found "mười"' }
 * ```
 */
export function parseValueText(text: string): number | null | { error: string } {
  const t = text.trim();
  if (t === '') return null;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  return { error: `expected a number or empty, found ${JSON.stringify(text)}` };
}

/**
 * Writes tidy rows as CSV: header `indicator,unit_code,unit_name,year,value,status,note`, one row per
 * (indicator, unit, year); a missing value is an empty cell, never 0. UTF-8 with a byte-order mark
 * by default so that Excel shows Vietnamese letters correctly; lines end with CRLF (RFC 4180).
 *
 * @example
 * ```ts
 * const csv = writeTidyCsv([{ indicator: 'commune_radio', unitCode: '622', unitName: 'Thành phố Pleiku', year: 2024, value: 12 }]);
 * ```
 */
export function writeTidyCsv(rows: readonly TidyRow[], options: { bom?: boolean } = {}): string {
  const body = stringify(
    rows.map((r) => [
      r.indicator,
      r.unitCode,
      r.unitName,
      String(r.year),
      r.value === null ? '' : String(r.value),
      r.status ?? '',
      r.note ?? '',
    ]),
    { header: true, columns: [...TIDY_CSV_COLUMNS], record_delimiter: '\r\n' },
  );
  return (options.bom === false ? '' : '\uFEFF') + body;
}

/**
 * A dataset's targets as tidy CSV (see {@link writeTidyCsv}); the province total is the row whose
 * `unit_code` is the province's code.
 *
 * @example
 * ```ts
 * await writeFile('gia-lai-2024.csv', datasetToCsv(getDataset('gia-lai-2024')));
 * ```
 */
export function datasetToCsv(dataset: Dataset, options: { bom?: boolean } = {}): string {
  return writeTidyCsv(datasetToTidyRows(dataset), options);
}

/**
 * Reads a tidy CSV file (comma-separated, UTF-8 with or without BOM, LF or CRLF, quoted cells
 * allowed). The header must begin with `indicator,unit_code,unit_name,year,value`. Every problem
 * throws an {@link IndicatorsError} (`file_format`) naming the line and column, e.g.
 * `plan.csv, line 14, column E (value): expected a number or empty, found "mười"`.
 *
 * @example
 * ```ts
 * const rows = parseTidyCsv(await readFile('plan.csv', 'utf8'), { source: 'plan.csv' });
 * ```
 */
export function parseTidyCsv(text: string, options: { source?: string } = {}): TidyRow[] {
  return readTidyCsv(text, options.source ?? 'CSV').map((r) => r.row);
}

/**
 * Like {@link parseTidyCsv}, and also gives the line each row starts on, so that a later check (an
 * unknown unit, a duplicate) can name the line.
 *
 * @example
 * ```ts
 * const rows = parseTidyCsvWithLines(text, { source: 'plan.csv' });
 * datasetFromTidyRows(rows.map((r) => r.row), plan, { where: (i) => `plan.csv, line ${rows[i]?.line}` });
 * ```
 */
export function parseTidyCsvWithLines(
  text: string,
  options: { source?: string } = {},
): { row: TidyRow; line: number }[] {
  return readTidyCsv(text, options.source ?? 'CSV');
}

function readTidyCsv(text: string, source: string): { row: TidyRow; line: number }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (cause) {
    const line = (cause as { lines?: number }).lines;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new IndicatorsError(
      'file_format',
      `${line === undefined ? source : at(source, line)}: not readable as CSV (${reason})`,
      { cause },
    );
  }
  const head = records[0];
  if (head === undefined) {
    throw new IndicatorsError(
      'file_format',
      `${source}: expected a header line "${TIDY_CSV_COLUMNS.slice(0, REQUIRED).join(',')}", found an empty file`,
    );
  }
  const header = head.record.map((h) => h.trim().toLowerCase());
  for (let i = 0; i < header.length; i++) {
    const want = TIDY_CSV_COLUMNS[i];
    if (header[i] !== want && (i < REQUIRED || want !== undefined)) {
      throw new IndicatorsError(
        'file_format',
        `${source}, line ${head.info.lines}, column ${letter(i)}: expected the header ${JSON.stringify(want ?? '(no more columns)')}, found ${JSON.stringify(head.record[i])} (the header must begin with "${TIDY_CSV_COLUMNS.slice(0, REQUIRED).join(',')}")`,
      );
    }
  }
  if (header.length < REQUIRED) {
    throw new IndicatorsError(
      'file_format',
      `${source}, line ${head.info.lines}: expected the header to begin with "${TIDY_CSV_COLUMNS.slice(0, REQUIRED).join(',')}", found "${head.record.join(',')}"`,
    );
  }
  return records.slice(1).map(({ record, info }) => {
    const line = info.lines;
    if (record.length !== header.length) {
      throw new IndicatorsError(
        'file_format',
        `${at(source, line)}: expected ${header.length} cells like the header, found ${record.length}`,
      );
    }
    const cell = (i: number) => record[i] ?? '';
    const indicator = cell(0).trim();
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(indicator)) {
      throw new IndicatorsError(
        'file_format',
        `${at(source, line, 0)}: expected a snake_case indicator id such as "commune_radio", found ${JSON.stringify(cell(0))}`,
      );
    }
    const unitCode = cell(1).trim();
    if (!/^(\d{2}|\d{3}|\d{5})$/.test(unitCode)) {
      throw new IndicatorsError(
        'file_format',
        `${at(source, line, 1)}: expected a unit code of 2, 3 or 5 digits, found ${JSON.stringify(cell(1))}`,
      );
    }
    const yearText = cell(3).trim();
    if (!/^\d{4}$/.test(yearText)) {
      throw new IndicatorsError(
        'file_format',
        `${at(source, line, 3)}: expected a year such as 2024, found ${JSON.stringify(cell(3))}`,
      );
    }
    const value = parseValueText(cell(4));
    if (typeof value === 'object' && value !== null) {
      throw new IndicatorsError('file_format', `${at(source, line, 4)}: ${value.error}`);
    }
    const row: TidyRow = { indicator, unitCode, unitName: cell(2).trim(), year: Number(yearText), value };
    if (header.length > 5) {
      const status = cell(5).trim();
      if (status !== '') {
        const parsed = ObservationStatus.safeParse(status);
        if (!parsed.success) {
          throw new IndicatorsError(
            'file_format',
            `${at(source, line, 5)}: expected one of ${ObservationStatus.options.join(', ')} or empty, found ${JSON.stringify(status)}`,
          );
        }
        row.status = parsed.data;
      }
    }
    if (header.length > 6 && cell(6) !== '') row.note = cell(6);
    return { row, line };
  });
}

/**
 * Reads actuals (*số thực hiện*) from a tidy CSV file (see {@link parseTidyCsv}). An empty value is
 * an actual with status `missing`; a value without a status is `normal`. A value given with status
 * `missing`, or an empty value with another status, is an error naming the line.
 *
 * @example
 * ```ts
 * const actuals = parseActualsCsv(await readFile('actuals-2024.csv', 'utf8'), { source: 'actuals-2024.csv' });
 * ```
 */
export function parseActualsCsv(text: string, options: { source?: string } = {}): Actual[] {
  const source = options.source ?? 'CSV';
  return readTidyCsv(text, source).map(({ row, line }) => {
    const status = row.status ?? (row.value === null ? 'missing' : 'normal');
    if ((row.value === null) !== (status === 'missing')) {
      throw new IndicatorsError(
        'file_format',
        `${at(source, line, 5)}: ${row.value === null ? `an empty value needs status "missing", found "${status}"` : `status "missing" needs an empty value, found ${row.value}`}`,
      );
    }
    const actual: Actual = {
      indicator: row.indicator,
      unitCode: row.unitCode,
      year: row.year,
      value: row.value,
      status,
    };
    if (row.note !== undefined) actual.note = row.note;
    return actual;
  });
}

/**
 * Progress rows (from `progress()`) as CSV: `indicator,unit_code,unit_name,year,target,actual,achievement,status,actual_status`;
 * a missing number is an empty cell.
 *
 * @example
 * ```ts
 * const csv = progressToCsv(progress(getDataset('gia-lai-2024'), actuals, 2024));
 * ```
 */
export function progressToCsv(rows: readonly ProgressRow[]): string {
  return stringify(
    rows.map((r) => [
      r.indicator,
      r.unitCode,
      r.unitName,
      String(r.year),
      r.target ?? '',
      r.actual ?? '',
      r.achievement ?? '',
      r.status,
      r.actualStatus ?? '',
    ]),
    {
      header: true,
      columns: [
        'indicator',
        'unit_code',
        'unit_name',
        'year',
        'target',
        'actual',
        'achievement',
        'status',
        'actual_status',
      ],
    },
  );
}
