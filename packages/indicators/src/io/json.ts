import { IndicatorsError } from '../errors';
import { type Dataset, parseDataset, type TidyRow } from '../model';
import { parseValueText } from './csv';
import { datasetToTidyRows } from './tidy';

/**
 * One tidy row as JSON, with the same snake_case names as the CSV columns.
 *
 * @example
 * ```ts
 * const row: TidyJsonRow = { indicator: 'commune_radio', unit_code: '622', unit_name: 'Thành phố Pleiku', year: 2024, value: 12 };
 * ```
 */
export interface TidyJsonRow {
  indicator: string;
  unit_code: string;
  unit_name: string;
  year: number;
  value: number | null;
  status?: string;
  note?: string;
}

/**
 * A dataset's targets as a JSON array of tidy rows (same columns as the CSV; missing is `null`).
 *
 * @example
 * ```ts
 * const json = datasetToTidyJson(getDataset('gia-lai-2024'));
 * ```
 */
export function datasetToTidyJson(dataset: Dataset): string {
  const rows: TidyJsonRow[] = datasetToTidyRows(dataset).map((r) => ({
    indicator: r.indicator,
    unit_code: r.unitCode,
    unit_name: r.unitName,
    year: r.year,
    value: r.value,
    ...(r.note === undefined ? {} : { note: r.note }),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/**
 * The whole dataset (definitions, targets, printed figures, universes) as JSON that
 * {@link parseDataset} and {@link parseJsonFile} read back unchanged.
 *
 * @example
 * ```ts
 * await writeFile('gia-lai-2024.dataset.json', datasetToJson(getDataset('gia-lai-2024')));
 * ```
 */
export function datasetToJson(dataset: Dataset): string {
  return `${JSON.stringify(dataset, null, 2)}\n`;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * What a JSON file holds: a whole dataset (an object) or tidy rows (an array).
 *
 * @example
 * ```ts
 * const parsed = parseJsonFile(text, { source: 'plan.json' });
 * if (parsed.kind === 'dataset') console.log(parsed.dataset.id);
 * ```
 */
export type ParsedJsonFile = { kind: 'dataset'; dataset: Dataset } | { kind: 'rows'; rows: TidyRow[] };

/**
 * Reads a JSON file: an object is parsed as a whole dataset (errors give the path inside it, e.g.
 * `plan.json: targets.12.value: …`), an array as tidy rows (errors name the element, e.g.
 * `plan.json [14].value: expected a number or null, found "mười"`). Broken JSON names line and column.
 *
 * @example
 * ```ts
 * const parsed = parseJsonFile('[{"indicator":"commune_radio","unit_code":"622","unit_name":"Pleiku","year":2024,"value":12}]');
 * ```
 */
export function parseJsonFile(text: string, options: { source?: string } = {}): ParsedJsonFile {
  const source = options.source ?? 'JSON';
  const clean = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(clean);
  } catch (cause) {
    const m = /position (\d+)/.exec(cause instanceof Error ? cause.message : '');
    const where = m?.[1] === undefined ? '' : `, ${lineColumn(clean, Number(m[1]))}`;
    throw new IndicatorsError(
      'file_format',
      `${source}${where}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
  if (Array.isArray(data))
    return { kind: 'rows', rows: data.map((item, i) => jsonRow(item, `${source} [${i}]`)) };
  if (typeof data === 'object' && data !== null) {
    try {
      return { kind: 'dataset', dataset: parseDataset(data) };
    } catch (cause) {
      if (IndicatorsError.isInstance(cause)) {
        const issues = cause.issues.map((i) => ({ path: `${source}: ${i.path}`, message: i.message }));
        throw new IndicatorsError('invalid_dataset', `${source}: ${cause.message}`, { cause, issues });
      }
      throw cause;
    }
  }
  throw new IndicatorsError(
    'file_format',
    `${source}: expected a dataset object or an array of tidy rows, found ${data === null ? 'null' : typeof data}`,
  );
}

function jsonRow(item: unknown, where: string): TidyRow {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new IndicatorsError(
      'file_format',
      `${where}: expected an object {indicator, unit_code, unit_name, year, value}, found ${JSON.stringify(item)}`,
    );
  }
  const o = item as Record<string, unknown>;
  const str = (key: string, pattern: RegExp, expected: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || !pattern.test(v)) {
      throw new IndicatorsError(
        'file_format',
        `${where}.${key}: expected ${expected}, found ${JSON.stringify(v) ?? 'nothing'}`,
      );
    }
    return v;
  };
  const indicator = str('indicator', /^[a-z][a-z0-9_]{0,63}$/, 'a snake_case indicator id');
  const unitCode = str('unit_code', /^(\d{2}|\d{3}|\d{5})$/, 'a unit code of 2, 3 or 5 digits');
  const unitName = o.unit_name === undefined ? '' : str('unit_name', /^/, 'a string');
  const year = o.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1900 || year > 2200) {
    throw new IndicatorsError(
      'file_format',
      `${where}.year: expected a year such as 2024, found ${JSON.stringify(year) ?? 'nothing'}`,
    );
  }
  let value: number | null;
  if (o.value === null || (typeof o.value === 'number' && Number.isFinite(o.value) && o.value >= 0)) {
    value = o.value;
  } else if (typeof o.value === 'string') {
    const parsed = parseValueText(o.value);
    if (typeof parsed === 'object' && parsed !== null)
      throw new IndicatorsError('file_format', `${where}.value: ${parsed.error}`);
    value = parsed;
  } else {
    throw new IndicatorsError(
      'file_format',
      `${where}.value: expected a number or null, found ${JSON.stringify(o.value) ?? 'nothing'}`,
    );
  }
  const row: TidyRow = { indicator, unitCode, unitName, year, value };
  if (typeof o.note === 'string') row.note = o.note;
  return row;
}
