/**
 * A printed cell of a plan table read as numbers: `count` and `rate` (percent), each `null` when
 * the cell does not state it.
 *
 * @example
 * ```ts
 * const p: PrintedFigure = { count: 203, rate: 92.3 };
 * ```
 */
export interface PrintedFigure {
  count: number | null;
  rate: number | null;
}

const NUM = String.raw`(\d+(?:[.,]\d+)?)`;
const FORMS: [RegExp, (m: RegExpExecArray) => PrintedFigure][] = [
  [new RegExp(`^${NUM}$`), (m) => ({ count: num(m[1]), rate: null })],
  [new RegExp(`^${NUM}\\s*%$`), (m) => ({ count: null, rate: num(m[1]) })],
  [new RegExp(`^${NUM}\\s*\\(\\s*${NUM}\\s*%\\s*\\)$`), (m) => ({ count: num(m[1]), rate: num(m[2]) })],
];

function num(text: string | undefined): number {
  return Number((text ?? '').replace(',', '.'));
}

/**
 * Reads a figure as Vietnamese plans print it: `"12"`, `"92,3%"`, `"203 (92,3%)"`, `"-"` or blank
 * (both missing). A decimal comma or point is accepted. Returns `undefined` for anything else so
 * the caller can say where the cell is.
 *
 * @example
 * ```ts
 * parsePrinted('203 (92,3%)'); // { count: 203, rate: 92.3 }
 * parsePrinted('-'); // { count: null, rate: null }
 * parsePrinted('mười'); // undefined
 * ```
 */
export function parsePrinted(text: string): PrintedFigure | undefined {
  const t = text.trim();
  if (t === '' || t === '-' || t === '–') return { count: null, rate: null };
  for (const [re, make] of FORMS) {
    const m = re.exec(t);
    if (m) return make(m);
  }
  return undefined;
}

/**
 * Formats a number the Vietnamese way (decimal comma), with at most `decimals` decimals and no
 * trailing zeros: `92.3` → `"92,3"`.
 *
 * @example
 * ```ts
 * formatViNumber(29.41, 2); // "29,41"
 * ```
 */
export function formatViNumber(value: number, decimals = 1): string {
  const fixed = value
    .toFixed(decimals)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
  return fixed.replace('.', ',');
}
