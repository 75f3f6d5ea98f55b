import type * as z from 'zod';
import { BulletinError, type BulletinIssue, formatPath } from './errors';
import { fastParseBulletin } from './fast-path';
import { type Bulletin, BulletinSchema } from './schema';
import { checkBulletinUnits, type UnitLookup } from './units-check';

/**
 * Options of {@link parseBulletin}.
 *
 * @example
 * ```ts
 * parseBulletin(input, { units: loadUnits() });
 * ```
 */
export interface ParseBulletinOptions {
  /**
   * Also check unit codes against this registry (`loadUnits()` from `@nguon/areas`), see
   * `checkBulletinUnits`. Off by default: the unit data is large for a browser.
   */
  units?: UnitLookup;
}

/**
 * Result of {@link safeParseBulletin}: the bulletin, or the error listing every issue.
 *
 * @example
 * ```ts
 * const r: SafeParseBulletinResult = safeParseBulletin(input);
 * if (r.success) console.log(r.data.id);
 * ```
 */
export type SafeParseBulletinResult =
  | { success: true; data: Bulletin }
  | { success: false; error: BulletinError };

/**
 * Turns zod issues into {@link BulletinIssue}s with JSON paths.
 *
 * @example
 * ```ts
 * const r = BulletinSchema.safeParse(x);
 * if (!r.success) console.log(toBulletinIssues(r.error.issues));
 * ```
 */
export function toBulletinIssues(issues: readonly z.core.$ZodIssue[]): BulletinIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
    let message = issue.message;
    if (issue.code === 'invalid_type' && message.endsWith('received undefined')) {
      message = `required field is missing (expected ${issue.expected})`;
    }
    if (issue.code === 'invalid_key')
      message = `invalid key ${JSON.stringify(String(issue.path.at(-1)))}: ${issue.issues.map((i) => i.message).join('; ')}`;
    if (issue.code === 'unrecognized_keys')
      message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling`;
    return { path, at: formatPath(path), code: issue.code, message };
  });
}

function errorOf(issues: BulletinIssue[]): BulletinError {
  const lines = issues.map((i) => `  ${i.at}: ${i.message}`).join('\n');
  const noun = issues.length === 1 ? 'problem' : 'problems';
  return new BulletinError('invalid_bulletin', `invalid bulletin, ${issues.length} ${noun}:\n${lines}`, {
    issues,
  });
}

/**
 * Validates `input` (parsed JSON) as a bulletin and returns it typed, or throws a
 * {@link BulletinError} with code `invalid_bulletin` listing every issue with its JSON path.
 *
 * @example
 * ```ts
 * const bulletin = parseBulletin(JSON.parse(text));
 * const checked = parseBulletin(JSON.parse(text), { units: loadUnits() }); // also unit codes
 * ```
 */
export function parseBulletin(input: unknown, options: ParseBulletinOptions = {}): Bulletin {
  const result = safeParseBulletin(input, options);
  if (!result.success) throw result.error;
  return result.data;
}

/**
 * Like {@link parseBulletin} but never throws: returns `{ success, data }` or `{ success, error }`.
 *
 * @example
 * ```ts
 * const r = safeParseBulletin(input);
 * if (!r.success) for (const i of r.error.issues) console.error(i.at, i.message);
 * ```
 */
export function safeParseBulletin(
  input: unknown,
  options: ParseBulletinOptions = {},
): SafeParseBulletinResult {
  // Valid input takes the fast path (same result, several times faster); the rest goes through zod,
  // which lists every issue.
  let data = fastParseBulletin(input);
  if (data === undefined) {
    const result = BulletinSchema.safeParse(input);
    if (!result.success) return { success: false, error: errorOf(toBulletinIssues(result.error.issues)) };
    data = result.data;
  }
  const unitProblems = options.units ? checkBulletinUnits(data, options.units) : [];
  if (unitProblems.length > 0) return { success: false, error: errorOf(unitProblems) };
  return { success: true, data };
}

/**
 * Where in `text` a `JSON.parse` error happened, as 1-based line and column, when the engine says.
 *
 * @example
 * ```ts
 * try { JSON.parse('{\n  x') } catch (e) { jsonErrorLocation('{\n  x', e); } // { line: 2, column: 3 }
 * ```
 */
export function jsonErrorLocation(
  text: string,
  error: unknown,
): { line: number; column: number } | undefined {
  const message = error instanceof Error ? error.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(message);
  let offset: number;
  if (position) offset = Number(position[1]);
  else if (/end of JSON input/i.test(message)) offset = text.length;
  else return undefined;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Parses JSON text and validates it as a bulletin. Bad JSON throws a {@link BulletinError} with code
 * `invalid_json` whose message gives line and column; schema problems throw `invalid_bulletin`.
 *
 * @example
 * ```ts
 * const bulletin = parseBulletinJson(await readFile('flood.json', 'utf8'));
 * ```
 */
export function parseBulletinJson(
  text: string,
  source = 'input',
  options: ParseBulletinOptions = {},
): Bulletin {
  let data: unknown;
  // Editors on Windows often save UTF-8 with a byte-order mark, which JSON.parse refuses.
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    data = JSON.parse(json);
  } catch (cause) {
    const where = jsonErrorLocation(json, cause);
    const at = where ? `${source}:${where.line}:${where.column}` : source;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new BulletinError('invalid_json', `${at}: not valid JSON (${detail})`, { cause });
  }
  return parseBulletin(data, options);
}
