import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadUnits } from '@nguon/areas';
import {
  type Actual,
  type Dataset,
  type Finding,
  getDataset,
  IndicatorsError,
  listDatasets,
  parseActuals,
  progress,
  type TidyRow,
  type UnitRegistryLike,
  validateDataset,
} from '@nguon/indicators';
import {
  datasetFromTidyRows,
  datasetToCsv,
  datasetToJson,
  datasetToTidyJson,
  detectFormat,
  type FileFormat,
  parseActualsCsv,
  parseJsonFile,
  parseTidyCsvWithLines,
  progressToCsv,
  readDatasetXlsx,
  renderReport,
  writeDatasetXlsx,
} from '@nguon/indicators/node';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io';

const FORMATS = ['csv', 'json', 'xlsx', 'dataset-json'] as const;
type ExportFormat = (typeof FORMATS)[number];

/** Prints a message for a person and ends with exit code 1. */
function fail(io: CliIo, message: string): never {
  io.stderr(`nguon indicators: ${message}\n`);
  throw new CliExit(1);
}

/** Runs `body`, turning package errors (bad files, unknown datasets) into a message and exit 1. */
async function guard<T>(io: CliIo, body: () => Promise<T> | T): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (IndicatorsError.isInstance(error)) {
      const details =
        error.issues.length > 1
          ? `\n${error.issues.map((i) => `  at ${i.path}: ${i.message}`).join('\n')}`
          : '';
      fail(io, `${error.message}${details}`);
    }
    throw error;
  }
}

let registry: UnitRegistryLike | undefined;
function units(): UnitRegistryLike {
  registry ??= loadUnits();
  return registry;
}

function readBytes(io: CliIo, file: string): Uint8Array {
  const path = resolve(io.cwd, file);
  try {
    return readFileSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    return fail(
      io,
      `${file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : String(code ?? cause)})`,
    );
  }
}

function checkFormat(io: CliIo, value: string | undefined, allowed: readonly string[]): string | undefined {
  if (value !== undefined && !allowed.includes(value)) {
    fail(io, `--format must be one of ${allowed.join(', ')}, found "${value}"`);
  }
  return value;
}

/**
 * Reads a plan file (XLSX, whole-dataset JSON, or tidy CSV/JSON rows applied onto `base`).
 * The format is taken from the content unless `format` is given.
 */
async function readDatasetFile(
  io: CliIo,
  file: string,
  format: string | undefined,
  baseId: string | undefined,
): Promise<Dataset> {
  const bytes = readBytes(io, file);
  const detected: FileFormat = (format as FileFormat | undefined) ?? detectFormat(bytes, file);
  if (detected === 'xlsx') return readDatasetXlsx(bytes, { source: file });
  const text = new TextDecoder('utf-8').decode(bytes);
  let rows: TidyRow[];
  let where: (i: number) => string;
  if (detected === 'csv') {
    const withLines = parseTidyCsvWithLines(text, { source: file });
    rows = withLines.map((r) => r.row);
    where = (i) => `${file}, line ${withLines[i]?.line ?? '?'}`;
  } else {
    const parsed = parseJsonFile(text, { source: file });
    if (parsed.kind === 'dataset') return parsed.dataset;
    rows = parsed.rows;
    where = (i) => `${file} [${i}]`;
  }
  const base = baseId ?? guessBase(rows.map((r) => r.unitCode));
  if (base === undefined) {
    fail(
      io,
      `${file} holds values only (tidy rows), and no built-in dataset has its province; pass --base DATASET (one of ${listDatasets().join(', ')}) or use an XLSX or whole-dataset JSON file, which carry the indicator definitions`,
    );
  }
  return datasetFromTidyRows(rows, getDataset(base), { where });
}

/** The built-in dataset whose province or units appear among the rows' unit codes. */
function guessBase(codes: readonly string[]): string | undefined {
  const set = new Set(codes);
  return listDatasets().find((id) => {
    const d = getDataset(id);
    return set.has(d.province) || d.units.some((u) => set.has(u.code));
  });
}

async function datasetOrFile(
  io: CliIo,
  arg: string,
  format: string | undefined,
  base: string | undefined,
): Promise<Dataset> {
  if (listDatasets().includes(arg)) return getDataset(arg);
  let isFile = false;
  try {
    isFile = statSync(resolve(io.cwd, arg)).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    fail(
      io,
      `expected a dataset id (${listDatasets().join(', ')}) or a file, found "${arg}" (no such dataset or file)`,
    );
  }
  return readDatasetFile(io, arg, format, base);
}

function readActuals(io: CliIo, file: string): Actual[] {
  const bytes = readBytes(io, file);
  const format = detectFormat(bytes, file);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (format === 'csv') return parseActualsCsv(text, { source: file });
  if (format === 'json') {
    const data = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    if (!Array.isArray(data)) fail(io, `${file}: expected a JSON array of actuals, found ${typeof data}`);
    const rows = data.map((item) =>
      typeof item === 'object' && item !== null && 'unit_code' in item
        ? (() => {
            const { unit_code, unit_name: _name, ...rest } = item as Record<string, unknown>;
            return { ...rest, unitCode: unit_code };
          })()
        : item,
    );
    try {
      return parseActuals(rows);
    } catch (error) {
      if (IndicatorsError.isInstance(error)) {
        fail(io, `${file}: ${error.issues.map((i) => `[${i.path}]: ${i.message}`).join('; ')}`);
      }
      throw error;
    }
  }
  return fail(io, `${file}: actuals must be a CSV or JSON file, found an XLSX workbook`);
}

function findingLine(f: Finding): string {
  const where = [f.indicator, f.ref ? `(${f.ref})` : '', f.unitCode ?? '', f.year ?? '']
    .filter((x) => x !== '')
    .join(' ');
  return `${f.severity.padEnd(7)} ${f.kind.padEnd(22)} ${where}: ${f.message}`;
}

function writeOut(io: CliIo, file: string, data: string | Uint8Array): string {
  const path = resolve(io.cwd, file);
  try {
    writeFileSync(path, data);
  } catch (cause) {
    fail(io, `${file}: cannot write the file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`);
  }
  return path;
}

function validYear(io: CliIo, dataset: Dataset, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const year = Number(text);
  if (!/^\d{4}$/.test(text) || !dataset.years.includes(year)) {
    fail(io, `--year must be one of the plan years ${dataset.years.join(', ')}, found "${text}"`);
  }
  return year;
}

/**
 * Registers the `nguon indicators` commands: `list`, `export`, `import`, `validate`, `report` and
 * `progress`.
 *
 * @example
 * ```ts
 * registerIndicatorCommands(program, io); // then: nguon indicators validate gia-lai-2024 --json
 * ```
 */
export function registerIndicatorCommands(program: Command, io: CliIo): void {
  const group = program
    .command('indicators')
    .description('grassroots-information plans (chỉ tiêu): list, export, import, validate, report, progress');

  group
    .command('list')
    .description('list the built-in datasets and their indicators')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const all = listDatasets().map((id) => getDataset(id));
      if (options.json) {
        io.stdout(
          `${JSON.stringify(
            all.map((d) => ({
              id: d.id,
              title: d.title,
              province: d.province,
              years: d.years,
              indicators: d.indicators.map((i) => ({ id: i.id, kind: i.kind, refs: i.refs, name: i.name })),
            })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      for (const d of all) {
        io.stdout(
          `${d.id}  ${d.title.vi} (${d.document.number}, ${d.years[0]}–${d.years[d.years.length - 1]})\n`,
        );
        for (const i of d.indicators)
          io.stdout(
            `  ${i.id.padEnd(24)} ${i.kind.padEnd(7)} ${i.refs.join(', ').padEnd(16)} ${i.name.vi}\n`,
          );
      }
    });

  group
    .command('export')
    .description('write a dataset as tidy CSV, tidy JSON, whole-dataset JSON or an XLSX workbook')
    .argument('<dataset>', 'dataset id, e.g. gia-lai-2024')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .option('--out <file>', 'write to this file instead of standard output (required for xlsx)')
    .action(async (id: string, options: { format: string; out?: string }) => {
      const format = checkFormat(io, options.format, FORMATS) as ExportFormat;
      const dataset = await guard(io, () => getDataset(id));
      let data: string | Uint8Array;
      if (format === 'xlsx') {
        if (options.out === undefined) fail(io, 'an XLSX workbook is binary: give --out FILE.xlsx');
        data = await writeDatasetXlsx(dataset);
      } else if (format === 'csv') data = datasetToCsv(dataset, { bom: options.out !== undefined });
      else if (format === 'json') data = datasetToTidyJson(dataset);
      else data = datasetToJson(dataset);
      if (options.out === undefined) io.stdout(data as string);
      else {
        writeOut(io, options.out, data);
        io.stderr(`wrote ${options.out} (${format}, ${dataset.targets.length} targets)\n`);
      }
    });

  group
    .command('import')
    .description('read an XLSX, CSV or JSON plan, check it and print it as tidy CSV')
    .argument('<file>', 'the file to read')
    .option('--format <format>', 'csv, json or xlsx (default: from the content)')
    .option(
      '--base <dataset>',
      'dataset whose definitions tidy CSV/JSON rows belong to (default: by province code)',
    )
    .action(async (file: string, options: { format?: string; base?: string }) => {
      const format = checkFormat(io, options.format, ['csv', 'json', 'xlsx']);
      const dataset = await guard(io, () => readDatasetFile(io, file, format, options.base));
      const findings = validateDataset(dataset);
      io.stdout(datasetToCsv(dataset, { bom: false }));
      io.stderr(
        `read ${file}: dataset ${dataset.id}, ${dataset.indicators.length} indicators, ${dataset.targets.length} targets; ${findings.length} finding(s)${findings.length > 0 ? ' — run `nguon indicators validate` on the file to list them' : ''}\n`,
      );
    });

  group
    .command('validate')
    .description(
      'recompute every total and rate and compare with the printed figures (exit 1 when anything is found)',
    )
    .argument('<dataset-or-file>', 'dataset id or a plan file')
    .option('--json', 'print the findings as a JSON array')
    .option('--format <format>', 'csv, json or xlsx when a file (default: from the content)')
    .option('--base <dataset>', 'dataset whose definitions tidy CSV/JSON rows belong to')
    .action(async (arg: string, options: { json?: boolean; format?: string; base?: string }) => {
      const format = checkFormat(io, options.format, ['csv', 'json', 'xlsx']);
      const dataset = await guard(io, () => datasetOrFile(io, arg, format, options.base));
      const findings = await guard(io, () => validateDataset(dataset, { registry: units() }));
      if (options.json) {
        io.stdout(
          `${JSON.stringify(
            findings.map((f) => ({
              indicator: f.indicator,
              unit_code: f.unitCode ?? null,
              year: f.year ?? null,
              published: f.published,
              computed: f.computed,
              kind: f.kind,
              message: f.message,
              severity: f.severity,
              ref: f.ref ?? null,
              difference: f.difference,
            })),
            null,
            2,
          )}\n`,
        );
      } else {
        for (const f of findings) io.stdout(`${findingLine(f)}\n`);
        const errors = findings.filter((f) => f.severity === 'error').length;
        io.stderr(
          findings.length === 0
            ? `${dataset.id}: no findings, every total and rate agrees\n`
            : `${dataset.id}: ${findings.length} finding(s), ${errors} error(s)\n`,
        );
      }
      if (findings.length > 0) throw new CliExit(1);
    });

  group
    .command('report')
    .description('write a self-contained HTML report with charts (prints on A4)')
    .argument('<dataset-or-file>', 'dataset id or a plan file')
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--lang <lang>', 'vi or en', 'vi')
    .option('--actuals <file>', 'actuals (CSV or JSON) to compare with the targets')
    .option('--year <year>', 'year of the district section')
    .option('--format <format>', 'csv, json or xlsx when a file (default: from the content)')
    .option('--base <dataset>', 'dataset whose definitions tidy CSV/JSON rows belong to')
    .action(
      async (
        arg: string,
        options: {
          out: string;
          lang: string;
          actuals?: string;
          year?: string;
          format?: string;
          base?: string;
        },
      ) => {
        if (options.lang !== 'vi' && options.lang !== 'en')
          fail(io, `--lang must be vi or en, found "${options.lang}"`);
        const format = checkFormat(io, options.format, ['csv', 'json', 'xlsx']);
        const dataset = await guard(io, () => datasetOrFile(io, arg, format, options.base));
        const year = validYear(io, dataset, options.year);
        const actuals =
          options.actuals === undefined
            ? undefined
            : await guard(io, () => readActuals(io, options.actuals as string));
        const html = await guard(io, () =>
          renderReport(dataset, {
            lang: options.lang as 'vi' | 'en',
            findings: validateDataset(dataset, { registry: units() }),
            registry: units(),
            ...(actuals === undefined ? {} : { actuals }),
            ...(year === undefined ? {} : { year }),
          }),
        );
        writeOut(io, options.out, html);
        io.stderr(`wrote ${options.out} (${Math.round(html.length / 1024)} KB)\n`);
      },
    );

  group
    .command('progress')
    .description('achievement per unit: actuals against the targets of one year, as CSV')
    .argument('<dataset-or-file>', 'dataset id or a plan file')
    .requiredOption(
      '--actuals <file>',
      'actuals as CSV (indicator,unit_code,unit_name,year,value,status) or JSON',
    )
    .requiredOption('--year <year>', 'the year to compare')
    .option('--json', 'print JSON rows')
    .action(async (arg: string, options: { actuals: string; year: string; json?: boolean }) => {
      const dataset = await guard(io, () => datasetOrFile(io, arg, undefined, undefined));
      const year = validYear(io, dataset, options.year) as number;
      const actuals = await guard(io, () => readActuals(io, options.actuals));
      const rows = await guard(io, () => progress(dataset, actuals, year, { registry: units() }));
      if (options.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      io.stdout(progressToCsv(rows));
      const behind = rows.filter((r) => r.status === 'behind').length;
      io.stderr(`${dataset.id} ${year}: ${rows.length} rows, ${behind} behind target\n`);
    });
}
