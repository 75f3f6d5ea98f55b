import ExcelJS from 'exceljs';
import { IndicatorsError } from '../errors';
import {
  type Dataset,
  type DatasetUnit,
  IndicatorDefinition,
  type PublishedFigure,
  parseDataset,
  type Target,
  type Universe,
} from '../model';
import { parsePrinted } from './printed';
import { unitLabel } from './tidy';

/**
 * Sheet names of a plan workbook. `table1` and `table2` look like the appendix of the plan (table I
 * per year, table II per district and year); `tidy` holds one row per (indicator, unit, year);
 * `indicators`, `units` and `info` hold what a program needs to read the workbook back.
 *
 * @example
 * ```ts
 * workbook.getWorksheet(SHEETS.tidy);
 * ```
 */
export const SHEETS = {
  table1: 'I. Theo năm',
  table2: 'II. Theo địa phương',
  tidy: 'Tidy',
  indicators: 'Chỉ tiêu',
  units: 'Đơn vị',
  info: 'Thông tin',
} as const;

const T2 = { universe: 3 } as const;
const TIDY_COLUMNS = ['indicator', 'unit_code', 'unit_name', 'year', 'value', 'basis', 'note'] as const;
const IND_COLUMNS = [
  'id',
  'refs',
  'name_vi',
  'name_en',
  'description_vi',
  'description_en',
  'counts',
  'counted',
  'kind',
  'denominator',
  'decimals',
  'rounding',
  'source',
] as const;
const UNIT_COLUMNS = ['code', 'name', 'printed_name', 'level', 'parent'] as const;

const SECTION_NAMES: Record<string, { vi: string; en: string }> = {
  commune: { vi: 'Cấp xã', en: 'Commune level' },
  district: { vi: 'Cấp huyện', en: 'District level' },
  province: { vi: 'Cấp tỉnh', en: 'Province level' },
};

const letter = (column: number) => String.fromCharCode(64 + column);
const grey = { argb: 'FF808080' };
const thin = { style: 'thin' as const };
const border = { top: thin, left: thin, bottom: thin, right: thin };

function levelOfScope(scope: string): 'commune' | 'district' | 'province' {
  return scope === 'district' ? 'district' : scope === 'province' ? 'province' : 'commune';
}

/** Compares item references such as `II.I.1.10` and `II.I.1.2` by their numbered parts. */
function compareRefs(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isNaN(nx) || Number.isNaN(ny) ? x.localeCompare(y) : nx - ny;
    if (c !== 0) return c;
  }
  return 0;
}

function pageSetup(ws: ExcelJS.Worksheet): void {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
  };
}

function header(ws: ExcelJS.Worksheet, values: string[]): void {
  const row = ws.addRow(values);
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  row.eachCell((c) => {
    c.border = border;
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
  });
  ws.views = [{ state: 'frozen', ySplit: row.number }];
}

/** A printed district cell: an integer becomes a number cell an officer can edit; anything else stays text. */
function printedCell(printed: string): string | number | null {
  if (printed === '') return null;
  return /^\d+$/.test(printed) ? Number(printed) : printed;
}

/**
 * Writes a plan as an XLSX workbook an officer can open in Excel, edit and import back with
 * {@link readDatasetXlsx}. Sheets (see {@link SHEETS}): `I. Theo năm` and `II. Theo địa phương`
 * reproduce the appendix tables of the document (Số TT, Nội dung chỉ tiêu, Tổng số đơn vị hành
 * chính, Năm 2021…2025, districts under each indicator) with the figures as printed; `Tidy` has one
 * row per (indicator, unit, year) with the target value; `Chỉ tiêu`, `Đơn vị` and `Thông tin` hold
 * the definitions, units and plan details. The grey columns at the right of the tables (indicator id,
 * unit code, item reference) tell the importer what each row is: leave them as they are.
 *
 * @example
 * ```ts
 * import { writeDatasetXlsx } from '@nguon/indicators/node';
 * await writeFile('gia-lai-2024.xlsx', await writeDatasetXlsx(getDataset('gia-lai-2024')));
 * ```
 */
export async function writeDatasetXlsx(dataset: Dataset): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'nguon';
  const years = [...dataset.years].sort((a, b) => a - b);
  const defs = new Map(dataset.indicators.map((d) => [d.id, d]));
  const yearHeaders = years.map((y) => `Năm ${y}`);

  // Table I: one row per printed figure reference of table I, grouped by level like the document.
  const t1 = wb.addWorksheet(SHEETS.table1);
  pageSetup(t1);
  t1.columns = [
    { width: 7 },
    { width: 70 },
    ...years.map(() => ({ width: 11 })),
    { width: 22 },
    { width: 10 },
  ];
  const t1Title = t1.addRow([`I. CHỈ TIÊU CHIẾN LƯỢC THEO NĂM — ${dataset.title.vi}`]);
  t1Title.font = { bold: true };
  header(t1, ['Số TT', 'Nội dung chỉ tiêu', ...yearHeaders, 'Mã chỉ tiêu', 'Mục']);
  const t1Refs = groupByRef(dataset.published.filter((p) => p.table === 'I'));
  let lastLevel = '';
  for (const [ref, figures] of t1Refs) {
    const first = figures[0] as PublishedFigure;
    const def = defs.get(first.indicator);
    const level = levelOfScope(def?.counts ?? 'commune_level');
    if (level !== lastLevel) {
      const section = ref.split('.')[1] ?? '';
      const row = t1.addRow([section, SECTION_NAMES[level]?.vi ?? level]);
      row.font = { bold: true };
      row.eachCell((c) => {
        c.border = border;
      });
      lastLevel = level;
    }
    const cells = years.map((y) => figures.find((f) => f.year === y)?.printed ?? null);
    const row = t1.addRow([
      ref.replace(/^I\./, ''),
      def?.name.vi ?? first.indicator,
      ...cells,
      first.indicator,
      ref,
    ]);
    styleDataRow(row, years.length + 2);
  }

  // Table II: per indicator a total row (the province) and one row per district, as printed.
  const t2 = wb.addWorksheet(SHEETS.table2);
  pageSetup(t2);
  t2.columns = [
    { width: 7 },
    { width: 60 },
    { width: 22 },
    ...years.map(() => ({ width: 12 })),
    { width: 22 },
    { width: 10 },
    { width: 12 },
  ];
  const t2Title = t2.addRow([`II. CHỈ TIÊU CỤ THỂ PHÂN THEO ĐỊA PHƯƠNG — ${dataset.title.vi}`]);
  t2Title.font = { bold: true };
  header(t2, [
    'Số TT',
    'Nội dung chỉ tiêu cụ thể',
    'Tổng số đơn vị hành chính (hiện nay)',
    ...yearHeaders,
    'Mã chỉ tiêu',
    'Mã đơn vị',
    'Mục',
  ]);
  const t2Refs = groupByRef(dataset.published.filter((p) => p.table === 'II'));
  const totalRefs = [...t2Refs.keys()].filter((ref) =>
    (t2Refs.get(ref) ?? []).some((f) => f.unitCode === dataset.province),
  );
  let lastSection = '';
  for (const totalRef of totalRefs) {
    const figures = t2Refs.get(totalRef) ?? [];
    const indicator = (figures[0] as PublishedFigure).indicator;
    const def = defs.get(indicator);
    const section = totalRef.split('.')[1] ?? '';
    if (section !== lastSection) {
      const level = levelOfScope(def?.counts ?? 'commune_level');
      const row = t2.addRow([section, SECTION_NAMES[level]?.vi ?? level]);
      row.font = { bold: true };
      row.eachCell((c) => {
        c.border = border;
      });
      lastSection = section;
    }
    const universeText = (unitCode: string, ref: string) =>
      dataset.universes.find((u) => u.ref === ref && u.unitCode === unitCode && u.basis === 'printed');
    const stt = (ref: string) => ref.split('.').slice(2).join('.');
    const total = t2.addRow([
      stt(totalRef),
      def?.name.vi ?? indicator,
      universeText(dataset.province, totalRef)?.printed ?? null,
      ...years.map((y) => figures.find((f) => f.year === y)?.printed ?? null),
      indicator,
      dataset.province,
      totalRef,
    ]);
    styleDataRow(total, years.length + 3);
    total.font = { bold: true };
    const childRefs = [...t2Refs.keys()]
      .filter(
        (ref) => ref.startsWith(`${totalRef}.`) && ref.split('.').length === totalRef.split('.').length + 1,
      )
      .sort(compareRefs);
    for (const ref of childRefs) {
      const rows = t2Refs.get(ref) ?? [];
      const unitCode = (rows[0] as PublishedFigure).unitCode;
      const universe = universeText(unitCode, ref);
      const row = t2.addRow([
        stt(ref),
        unitLabel(dataset, unitCode),
        universe ? printedCell(universe.printed) : null,
        ...years.map((y) => printedCell(rows.find((f) => f.year === y)?.printed ?? '')),
        indicator,
        unitCode,
        ref,
      ]);
      styleDataRow(row, years.length + 3);
    }
  }

  // Indicators with targets below the province but no printed table II: a block built from the
  // targets, without item references, so that officers still edit district figures in table II.
  const unitByCode = new Map(dataset.units.map((u) => [u.code, u]));
  const targetIndex = new Map(
    dataset.targets.map((x) => [`${x.indicator}|${x.unitCode}|${x.year}`, x.value]),
  );
  const printedIndicators = new Set(
    dataset.published.filter((p) => p.table === 'II').map((p) => p.indicator),
  );
  for (const def of dataset.indicators) {
    if (printedIndicators.has(def.id)) continue;
    const unitsOf = [
      ...new Set(
        dataset.targets
          .filter((x) => x.indicator === def.id && x.unitCode !== dataset.province)
          .map((x) => x.unitCode),
      ),
    ].filter((code) => {
      const unit = unitByCode.get(code);
      return unit === undefined || unit.parent === dataset.province;
    });
    if (unitsOf.length === 0) continue;
    const value = (code: string, year: number) => targetIndex.get(`${def.id}|${code}|${year}`) ?? null;
    const total = t2.addRow([
      '',
      def.name.vi,
      null,
      ...years.map((y) => value(dataset.province, y)),
      def.id,
      dataset.province,
      null,
    ]);
    styleDataRow(total, years.length + 3);
    total.font = { bold: true };
    for (const code of unitsOf) {
      const row = t2.addRow([
        '',
        unitLabel(dataset, code),
        null,
        ...years.map((y) => value(code, y)),
        def.id,
        code,
        null,
      ]);
      styleDataRow(row, years.length + 3);
    }
  }

  // Tidy: the targets.
  const tidy = wb.addWorksheet(SHEETS.tidy);
  tidy.columns = [
    { width: 24 },
    { width: 10 },
    { width: 28 },
    { width: 8 },
    { width: 10 },
    { width: 10 },
    { width: 40 },
  ];
  header(tidy, [...TIDY_COLUMNS]);
  for (const t of sortTargets(dataset)) {
    tidy.addRow([
      t.indicator,
      t.unitCode,
      unitLabel(dataset, t.unitCode),
      t.year,
      t.value,
      t.basis,
      t.note ?? null,
    ]);
  }
  tidy.autoFilter = { from: 'A1', to: `G${tidy.rowCount}` };

  const ind = wb.addWorksheet(SHEETS.indicators);
  header(ind, [...IND_COLUMNS]);
  ind.columns = IND_COLUMNS.map((c) => ({ width: c.startsWith('name') ? 50 : 16 }));
  for (const d of dataset.indicators) {
    ind.addRow([
      d.id,
      d.refs.join(', '),
      d.name.vi,
      d.name.en,
      d.description?.vi ?? null,
      d.description?.en ?? null,
      d.counts,
      d.counted,
      d.kind,
      d.denominator === undefined
        ? null
        : 'universe' in d.denominator
          ? `universe:${d.denominator.universe}`
          : `indicator:${d.denominator.indicator}`,
      d.decimals,
      d.rounding,
      d.source,
    ]);
  }

  const units = wb.addWorksheet(SHEETS.units);
  header(units, [...UNIT_COLUMNS]);
  units.columns = [{ width: 8 }, { width: 30 }, { width: 30 }, { width: 10 }, { width: 8 }];
  for (const u of dataset.units) units.addRow([u.code, u.name, u.printedName, u.level, u.parent]);

  const info = wb.addWorksheet(SHEETS.info);
  info.columns = [{ width: 22 }, { width: 100 }];
  header(info, ['key', 'value']);
  const printedUniverses = new Set(
    [...t2Refs.entries()].flatMap(([ref, fs]) => fs.map((f) => `${ref}|${f.unitCode}`)),
  );
  const otherUniverses = dataset.universes.filter(
    (u) => u.basis !== 'printed' || !printedUniverses.has(`${u.ref}|${u.unitCode}`),
  );
  const otherPublished = dataset.published.filter((p) => p.table !== 'I' && p.table !== 'II');
  const meta: [string, string][] = [
    ['id', dataset.id],
    ['title_vi', dataset.title.vi],
    ['title_en', dataset.title.en],
    ['issuer_vi', dataset.issuer.vi],
    ['issuer_en', dataset.issuer.en],
    ['document_number', dataset.document.number],
    ['document_date', dataset.document.date],
    ...(dataset.document.title
      ? ([
          ['document_title_vi', dataset.document.title.vi],
          ['document_title_en', dataset.document.title.en],
        ] as [string, string][])
      : []),
    ['province', dataset.province],
    ['unit_snapshot', dataset.unitSnapshot],
    ['years', years.join(', ')],
    ['sources', JSON.stringify(dataset.sources)],
    ['notes', JSON.stringify(dataset.notes)],
    ['other_universes', JSON.stringify(otherUniverses)],
    ['other_published', JSON.stringify(otherPublished)],
  ];
  for (const [k, v] of meta) info.addRow([k, v]);
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

function styleDataRow(row: ExcelJS.Row, dataColumns: number): void {
  row.alignment = { vertical: 'top', wrapText: true };
  for (let c = 1; c <= dataColumns; c++) {
    const cell = row.getCell(c);
    cell.border = border;
    if (c > 2) cell.alignment = { horizontal: 'center', vertical: 'top' };
  }
  for (let c = dataColumns + 1; c <= dataColumns + 3; c++) row.getCell(c).font = { color: grey, size: 8 };
}

function groupByRef(figures: readonly PublishedFigure[]): Map<string, PublishedFigure[]> {
  const map = new Map<string, PublishedFigure[]>();
  for (const f of [...figures].sort((a, b) => compareRefs(a.ref, b.ref))) {
    const list = map.get(f.ref);
    if (list) list.push(f);
    else map.set(f.ref, [f]);
  }
  return map;
}

function sortTargets(dataset: Dataset): Target[] {
  const order = new Map(dataset.indicators.map((d, i) => [d.id, i]));
  const unitOrder = new Map(dataset.units.map((u, i) => [u.code, i]));
  return [...dataset.targets].sort(
    (a, b) =>
      (order.get(a.indicator) ?? 0) - (order.get(b.indicator) ?? 0) ||
      (unitOrder.get(a.unitCode) ?? 1e6) - (unitOrder.get(b.unitCode) ?? 1e6) ||
      a.unitCode.localeCompare(b.unitCode) ||
      a.year - b.year,
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Where a cell is, for messages: `Sheet "Tidy", row 14, column E (value)`. */
function place(sheet: string, row: number, column?: number, name?: string): string {
  const col = column === undefined ? '' : `, column ${letter(column)}${name ? ` (${name})` : ''}`;
  return `Sheet "${sheet}", row ${row}${col}`;
}

function fail(where: string, message: string): never {
  throw new IndicatorsError('file_format', `${where}: ${message}`);
}

type CellValue = string | number | null;

/** Reduces an ExcelJS cell value (rich text, formula result, hyperlink…) to text, a number or empty. */
function cellValue(cell: ExcelJS.Cell): CellValue | { error: string } {
  const v = cell.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'boolean') return { error: `found the logical value ${v ? 'TRUE' : 'FALSE'}` };
  if (v instanceof Date) return { error: `found a date (${v.toISOString().slice(0, 10)})` };
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('error' in v) return { error: `found the Excel error ${String(v.error)}` };
    if ('formula' in v || 'sharedFormula' in v) {
      const r = (v as { result?: unknown }).result;
      if (typeof r === 'number' || typeof r === 'string') return r;
      if (r === undefined || r === null)
        return { error: 'found a formula without a saved result (save the file in Excel first)' };
      return { error: `found a formula whose result is ${JSON.stringify(r)}` };
    }
    if ('text' in v) return String((v as { text: unknown }).text);
  }
  return { error: `found an unsupported cell value ${JSON.stringify(v)}` };
}

function text(ws: ExcelJS.Worksheet, r: number, c: number, name?: string): string {
  const v = cellValue(ws.getRow(r).getCell(c));
  if (v !== null && typeof v === 'object') fail(place(ws.name, r, c, name), `expected text, ${v.error}`);
  return v === null ? '' : String(v).trim();
}

function columnIndex(ws: ExcelJS.Worksheet, headerRow: number, name: string): number {
  const row = ws.getRow(headerRow);
  for (let c = 1; c <= row.cellCount; c++) if (text(ws, headerRow, c) === name) return c;
  return fail(place(ws.name, headerRow), `expected a column headed "${name}", found none`);
}

function findHeaderRow(ws: ExcelJS.Worksheet, first: string): number {
  for (let r = 1; r <= Math.min(ws.rowCount, 10); r++) if (text(ws, r, 1) === first) return r;
  return fail(
    `Sheet "${ws.name}"`,
    `expected a header row starting with "${first}" in the first 10 rows, found none`,
  );
}

/** A map that remembers where each value came from and refuses two different values for one key. */
class Claims<T> {
  readonly values = new Map<string, { value: T; where: string }>();
  claim(
    key: string,
    value: T,
    where: string,
    same: (a: T, b: T) => boolean,
    describe: (v: T) => string,
  ): void {
    const before = this.values.get(key);
    if (before === undefined) {
      this.values.set(key, { value, where });
      return;
    }
    if (!same(before.value, value)) {
      fail(
        where,
        `says ${describe(value)} but ${before.where} says ${describe(before.value)}; make them agree (or delete one of the two sheets)`,
      );
    }
  }
}

/**
 * Reads a workbook written by {@link writeDatasetXlsx} (and edited in Excel) back into a dataset.
 * Targets come from the `Tidy` sheet and from the district rows of table II; where both give a
 * value for the same (indicator, unit, year) they must agree. The printed figures come from tables I
 * and II. Every problem is an {@link IndicatorsError} naming sheet, row and column, e.g.
 * `Sheet "Tidy", row 14, column E (value): expected a number or empty, found "mười"`. Nothing is
 * dropped or turned into 0: an empty cell is a missing value.
 *
 * @example
 * ```ts
 * import { readDatasetXlsx } from '@nguon/indicators/node';
 * const plan = await readDatasetXlsx(await readFile('ke-hoach.xlsx'));
 * ```
 */
export async function readDatasetXlsx(
  bytes: Uint8Array,
  options: { source?: string } = {},
): Promise<Dataset> {
  const source = options.source ?? 'XLSX';
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer,
    );
  } catch (cause) {
    throw new IndicatorsError(
      'file_format',
      `${source}: not a readable XLSX workbook (${cause instanceof Error ? cause.message : String(cause)})`,
      { cause },
    );
  }
  const sheet = (name: string, required: boolean) => {
    const ws = wb.getWorksheet(name);
    if (!ws && required) {
      const found = wb.worksheets.map((w) => `"${w.name}"`).join(', ') || 'none';
      fail(source, `expected a sheet named "${name}", found the sheets ${found}`);
    }
    return ws;
  };

  // Plan details.
  const info = sheet(SHEETS.info, true) as ExcelJS.Worksheet;
  const meta = new Map<string, { value: string; row: number }>();
  for (let r = 2; r <= info.rowCount; r++) {
    const k = text(info, r, 1);
    if (k !== '') meta.set(k, { value: text(info, r, 2), row: r });
  }
  const need = (key: string): string => {
    const m = meta.get(key);
    if (m === undefined || m.value === '')
      fail(`Sheet "${SHEETS.info}"`, `expected a row "${key}" with a value, found none`);
    return m.value;
  };
  const json = (key: string): unknown => {
    const m = meta.get(key);
    if (m === undefined || m.value === '') return [];
    try {
      return JSON.parse(m.value);
    } catch {
      return fail(
        place(SHEETS.info, m.row, 2, key),
        `expected JSON, found ${JSON.stringify(m.value.slice(0, 40))}`,
      );
    }
  };
  const years = need('years')
    .split(/[,;\s]+/)
    .filter((y) => y !== '')
    .map((y) => {
      if (!/^\d{4}$/.test(y))
        fail(
          place(SHEETS.info, meta.get('years')?.row ?? 0, 2, 'years'),
          `expected years such as "2021, 2022", found "${y}"`,
        );
      return Number(y);
    });
  const province = need('province');

  // Indicator definitions.
  const indWs = sheet(SHEETS.indicators, true) as ExcelJS.Worksheet;
  const indHeader = findHeaderRow(indWs, 'id');
  const ic = Object.fromEntries(IND_COLUMNS.map((c) => [c, columnIndex(indWs, indHeader, c)])) as Record<
    (typeof IND_COLUMNS)[number],
    number
  >;
  const indicators: IndicatorDefinition[] = [];
  for (let r = indHeader + 1; r <= indWs.rowCount; r++) {
    const id = text(indWs, r, ic.id);
    if (id === '') continue;
    const den = text(indWs, r, ic.denominator);
    const [denKind, denValue] = den.split(':');
    const decimalsText = text(indWs, r, ic.decimals);
    const descVi = text(indWs, r, ic.description_vi);
    const descEn = text(indWs, r, ic.description_en);
    const raw = dropUndefined({
      id,
      description: descVi === '' && descEn === '' ? undefined : { vi: descVi, en: descEn },
      refs: text(indWs, r, ic.refs)
        .split(/[,;]/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
      name: { vi: text(indWs, r, ic.name_vi), en: text(indWs, r, ic.name_en) },
      counts: text(indWs, r, ic.counts),
      counted: text(indWs, r, ic.counted) || undefined,
      kind: text(indWs, r, ic.kind),
      denominator:
        den === '' ? undefined : denKind === 'universe' ? { universe: denValue } : { indicator: denValue },
      decimals: decimalsText === '' ? undefined : Number(decimalsText),
      rounding: text(indWs, r, ic.rounding) || undefined,
      source: text(indWs, r, ic.source),
    });
    const parsed = IndicatorDefinition.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue?.path[0] ?? 'id');
      const sub = String(issue?.path[1] ?? 'vi');
      const column = (ic as Record<string, number>)[
        field === 'name' || field === 'description' ? `${field}_${sub}` : field
      ];
      fail(place(SHEETS.indicators, r, column, field), issue?.message ?? 'invalid indicator definition');
    }
    indicators.push(parsed.data);
  }
  const defs = new Map(indicators.map((d) => [d.id, d]));

  // Units.
  const units: DatasetUnit[] = [];
  const unitWs = sheet(SHEETS.units, false);
  if (unitWs) {
    const h = findHeaderRow(unitWs, 'code');
    for (let r = h + 1; r <= unitWs.rowCount; r++) {
      const code = text(unitWs, r, 1);
      if (code === '') continue;
      const level = text(unitWs, r, 4);
      if (level !== 'province' && level !== 'district' && level !== 'commune') {
        fail(place(SHEETS.units, r, 4, 'level'), `expected province, district or commune, found "${level}"`);
      }
      const parent = text(unitWs, r, 5);
      units.push({
        code,
        name: text(unitWs, r, 2),
        printedName: text(unitWs, r, 3),
        level,
        parent: parent === '' ? null : parent,
      });
    }
  }

  const targets = new Claims<{ value: number | null; basis: Target['basis']; note?: string }>();
  const sameValue = (a: { value: number | null }, b: { value: number | null }) => a.value === b.value;
  const showValue = (v: { value: number | null }) => (v.value === null ? 'empty' : String(v.value));
  const checkIndicator = (where: string, id: string) => {
    if (!defs.has(id))
      fail(
        where,
        `expected an indicator id listed in sheet "${SHEETS.indicators}" (${[...defs.keys()].join(', ')}), found "${id}"`,
      );
  };
  const checkYear = (where: string, year: number) => {
    if (!years.includes(year))
      fail(where, `expected one of the plan years ${years.join(', ')}, found ${year}`);
  };

  // Tidy sheet.
  const tidyWs = sheet(SHEETS.tidy, false);
  if (tidyWs) {
    const h = findHeaderRow(tidyWs, 'indicator');
    const tc = Object.fromEntries(TIDY_COLUMNS.map((c) => [c, columnIndex(tidyWs, h, c)])) as Record<
      (typeof TIDY_COLUMNS)[number],
      number
    >;
    for (let r = h + 1; r <= tidyWs.rowCount; r++) {
      const indicator = text(tidyWs, r, tc.indicator, 'indicator');
      const unitCode = text(tidyWs, r, tc.unit_code, 'unit_code');
      const yearCell = cellValue(tidyWs.getRow(r).getCell(tc.year));
      const valueCell = cellValue(tidyWs.getRow(r).getCell(tc.value));
      if (indicator === '' && unitCode === '' && yearCell === null && valueCell === null) continue;
      checkIndicator(place(SHEETS.tidy, r, tc.indicator, 'indicator'), indicator);
      if (!/^(\d{2}|\d{3}|\d{5})$/.test(unitCode)) {
        fail(
          place(SHEETS.tidy, r, tc.unit_code, 'unit_code'),
          `expected a unit code of 2, 3 or 5 digits, found "${unitCode}"`,
        );
      }
      const year = Number(typeof yearCell === 'object' && yearCell !== null ? Number.NaN : yearCell);
      if (!Number.isInteger(year)) {
        fail(
          place(SHEETS.tidy, r, tc.year, 'year'),
          `expected a year such as 2024, found ${JSON.stringify(yearCell)}`,
        );
      }
      checkYear(place(SHEETS.tidy, r, tc.year, 'year'), year);
      const value = numberOrEmpty(valueCell, place(SHEETS.tidy, r, tc.value, 'value'));
      const basisText = text(tidyWs, r, tc.basis, 'basis') || 'printed';
      if (basisText !== 'printed' && basisText !== 'derived' && basisText !== 'summed') {
        fail(
          place(SHEETS.tidy, r, tc.basis, 'basis'),
          `expected printed, derived, summed or empty, found "${basisText}"`,
        );
      }
      const note = text(tidyWs, r, tc.note, 'note');
      targets.claim(
        `${indicator}|${unitCode}|${year}`,
        { value, basis: basisText, ...(note === '' ? {} : { note }) },
        place(SHEETS.tidy, r, tc.value, 'value'),
        sameValue,
        showValue,
      );
    }
  }

  // Tables I and II: printed figures; district rows of table II are targets too.
  const published: PublishedFigure[] = [];
  const universes = new Claims<Universe>();
  for (const [table, name] of [
    ['I', SHEETS.table1],
    ['II', SHEETS.table2],
  ] as const) {
    const ws = sheet(name, false);
    if (!ws) continue;
    const h = findHeaderRow(ws, 'Số TT');
    const idCol = columnIndex(ws, h, 'Mã chỉ tiêu');
    const unitCol = table === 'II' ? columnIndex(ws, h, 'Mã đơn vị') : undefined;
    const refCol = columnIndex(ws, h, 'Mục');
    const yearCols = years.map((y) => {
      const c = columnIndex(ws, h, `Năm ${y}`);
      return { year: y, column: c };
    });
    for (let r = h + 1; r <= ws.rowCount; r++) {
      const indicator = text(ws, r, idCol);
      if (indicator === '') {
        for (const { column, year } of yearCols) {
          const v = cellValue(ws.getRow(r).getCell(column));
          if (v !== null) {
            fail(
              place(name, r, column, `Năm ${year}`),
              `this row has figures but no indicator id in column ${letter(idCol)} (Mã chỉ tiêu); copy the id from a row above or remove the figures`,
            );
          }
        }
        continue;
      }
      checkIndicator(place(name, r, idCol, 'Mã chỉ tiêu'), indicator);
      const unitCode = unitCol === undefined ? province : text(ws, r, unitCol);
      if (!/^(\d{2}|\d{3}|\d{5})$/.test(unitCode)) {
        fail(
          place(name, r, unitCol, 'Mã đơn vị'),
          `expected a unit code of 2, 3 or 5 digits, found "${unitCode}"`,
        );
      }
      const ref = text(ws, r, refCol);
      if (ref === '' && table === 'I')
        fail(place(name, r, refCol, 'Mục'), 'expected the item reference (e.g. I.1.1), found an empty cell');
      // A table II row without an item reference is a target row the plan did not print (written
      // for plans that exist only as targets): its cells are targets, not printed figures.
      const targetsOnly = ref === '';
      const isDistrictRow = table === 'II' && (unitCode !== province || targetsOnly);
      for (const { year, column } of yearCols) {
        const where = place(name, r, column, `Năm ${year}`);
        const v = cellValue(ws.getRow(r).getCell(column));
        if (v !== null && typeof v === 'object')
          fail(where, `expected a figure such as 12, 92,3% or 203 (92,3%), ${v.error}`);
        const printed = v === null ? '' : typeof v === 'number' ? String(v) : v.trim();
        const figure = parsePrinted(printed);
        if (figure === undefined) {
          fail(
            where,
            `expected a figure such as 12, 92,3%, 203 (92,3%), "-" or empty, found ${JSON.stringify(printed)}`,
          );
        }
        if (typeof v === 'number' && (v < 0 || !Number.isFinite(v)))
          fail(where, `expected a non-negative number, found ${v}`);
        if (!targetsOnly)
          published.push({
            table,
            ref,
            indicator,
            unitCode,
            year,
            count: figure.count,
            rate: figure.rate,
            printed,
          });
        if (isDistrictRow) {
          if (figure.rate !== null)
            fail(where, `expected a number of units or empty, found the rate ${JSON.stringify(printed)}`);
          targets.claim(
            `${indicator}|${unitCode}|${year}`,
            { value: figure.count, basis: 'printed' },
            where,
            sameValue,
            showValue,
          );
        }
      }
      if (table === 'II') {
        const where = place(name, r, T2.universe, 'Tổng số đơn vị hành chính');
        const uv = cellValue(ws.getRow(r).getCell(T2.universe));
        if (uv !== null && typeof uv === 'object') fail(where, `expected a number of units, ${uv.error}`);
        if (uv !== null && targetsOnly) {
          fail(
            where,
            `a number of units is only read on a row with an item reference in column ${letter(refCol)} (Mục); add one (e.g. II.I.1.1) or clear this cell`,
          );
        }
        if (uv !== null) {
          const printed = String(uv).trim();
          const m = /(\d+)\s*$/.exec(printed);
          if (!m)
            fail(
              where,
              `expected a number of units such as 22 or "Số xã: 182", found ${JSON.stringify(printed)}`,
            );
          const scope = defs.get(indicator)?.counts ?? 'commune_level';
          universes.claim(
            `${scope}|${unitCode}|${ref}`,
            { scope, unitCode, value: Number(m[1]), ref, printed, basis: 'printed' },
            where,
            (a, b) => a.value === b.value,
            (u) => String(u.value),
          );
        }
      }
    }
  }

  const otherUniverses = json('other_universes');
  const raw = {
    id: need('id'),
    title: { vi: need('title_vi'), en: need('title_en') },
    issuer: { vi: need('issuer_vi'), en: need('issuer_en') },
    document: {
      number: need('document_number'),
      date: need('document_date'),
      ...(meta.has('document_title_vi')
        ? { title: { vi: need('document_title_vi'), en: need('document_title_en') } }
        : {}),
    },
    province,
    unitSnapshot: need('unit_snapshot'),
    years,
    units,
    indicators,
    targets: [...targets.values.entries()].map(([key, { value }]) => {
      const [indicator, unitCode, year] = key.split('|');
      return {
        indicator,
        unitCode,
        year: Number(year),
        value: value.value,
        basis: value.basis,
        ...(value.note === undefined ? {} : { note: value.note }),
      };
    }),
    published: [...published, ...(json('other_published') as PublishedFigure[])],
    universes: [
      ...[...universes.values.values()].map((u) => u.value),
      ...(Array.isArray(otherUniverses) ? otherUniverses : []),
    ],
    sources: json('sources'),
    notes: json('notes'),
  };
  try {
    return parseDataset(raw);
  } catch (cause) {
    if (IndicatorsError.isInstance(cause)) {
      throw new IndicatorsError('invalid_dataset', `${source}: ${cause.message}`, {
        cause,
        issues: cause.issues,
      });
    }
    throw cause;
  }
}

function numberOrEmpty(v: CellValue | { error: string }, where: string): number | null {
  if (v === null) return null;
  if (typeof v === 'object') return fail(where, `expected a number or empty, ${v.error}`);
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) fail(where, `expected a non-negative number or empty, found ${v}`);
    return v;
  }
  const t = v.trim();
  if (/^\d+([.,]\d+)?$/.test(t)) return Number(t.replace(',', '.'));
  return fail(where, `expected a number or empty, found ${JSON.stringify(v)}`);
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
