import { IndicatorsError } from '../errors';

/**
 * File formats the importers read.
 *
 * @example
 * ```ts
 * const f: FileFormat = 'xlsx';
 * ```
 */
export type FileFormat = 'csv' | 'json' | 'xlsx';

/**
 * Tells what a file is from its first bytes (not its name): XLSX (a ZIP), JSON (`{` or `[`), or a
 * tidy CSV (header starting `indicator,`). Anything else is an {@link IndicatorsError}
 * (`file_format`) saying what the file looks like, e.g. a legacy `.xls` or a PDF.
 *
 * @example
 * ```ts
 * detectFormat(await readFile('plan.xlsx'), 'plan.xlsx'); // 'xlsx'
 * ```
 */
export function detectFormat(bytes: Uint8Array, source = 'file'): FileFormat {
  const b = (i: number) => bytes[i] ?? -1;
  if (b(0) === 0x50 && b(1) === 0x4b && b(2) === 0x03 && b(3) === 0x04) return 'xlsx';
  if (b(0) === 0xd0 && b(1) === 0xcf && b(2) === 0x11 && b(3) === 0xe0) {
    throw new IndicatorsError(
      'file_format',
      `${source}: this is a legacy Excel 97-2003 (.xls) workbook; open it in Excel or LibreOffice and save it as .xlsx`,
    );
  }
  if (b(0) === 0x25 && b(1) === 0x50 && b(2) === 0x44 && b(3) === 0x46) {
    throw new IndicatorsError('file_format', `${source}: this is a PDF; expected an XLSX, CSV or JSON file`);
  }
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 256))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'json';
  if (/^"?indicator"?\s*,/i.test(head)) return 'csv';
  const shown = JSON.stringify(head.slice(0, 40));
  throw new IndicatorsError(
    'file_format',
    `${source}: expected an XLSX workbook, a JSON file or a CSV whose header begins "indicator,unit_code,unit_name,year,value", found ${head === '' ? 'an empty file' : `a file starting ${shown}`}`,
  );
}
