const MARKER = Symbol.for('@nguon/bulletin/error');

/**
 * Error codes raised by `@nguon/bulletin`. `invalid_bulletin`: the input breaks the bulletin schema;
 * `invalid_json`: the text is not JSON; `media_read_failed`: a media stream failed while hashing; `media_too_large`: it
 * passed the size limit.
 * The CAP module adds its own `cap_*` codes.
 *
 * @example
 * ```ts
 * if (error.code === ('invalid_json' satisfies BulletinErrorCode)) console.error(error.message);
 * ```
 */
export type BulletinErrorCode =
  | 'invalid_bulletin'
  | 'invalid_json'
  | 'media_read_failed'
  | 'media_too_large'
  | (string & {});

/**
 * One problem found in a bulletin: where (`at`, a JSON path such as `$.contents[1].lang`, and the raw
 * `path`) and what was expected versus found (`message`).
 *
 * @example
 * ```ts
 * const issue: BulletinIssue = { path: ['contents', 1, 'lang'], at: '$.contents[1].lang', code: 'invalid_format', message: 'expected a BCP 47 tag' };
 * ```
 */
export interface BulletinIssue {
  /** Keys from the document root to the offending value. */
  path: (string | number)[];
  /** The same path written as a JSON path (`$` is the root). */
  at: string;
  /** A short machine-readable kind, e.g. `invalid_type`, `custom`. */
  code: string;
  /** What was expected and what was found. */
  message: string;
}

/**
 * The one error class of `@nguon/bulletin`. Carries a stable `code`, every `issues` entry found, and
 * the underlying `cause`. Use `BulletinError.isInstance` rather than `instanceof` so that the check
 * survives two copies of the package in one bundle.
 *
 * @example
 * ```ts
 * try { parseBulletin(input); } catch (error) {
 *   if (BulletinError.isInstance(error)) for (const i of error.issues) console.error(`${i.at}: ${i.message}`);
 * }
 * ```
 */
export class BulletinError extends Error {
  /** Stable error code, see {@link BulletinErrorCode}. */
  readonly code: BulletinErrorCode;
  /** Every problem found (empty when the error is not about a document's content). */
  readonly issues: readonly BulletinIssue[];
  readonly [MARKER] = true;

  constructor(
    code: BulletinErrorCode,
    message: string,
    options: { issues?: BulletinIssue[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BulletinError';
    this.code = code;
    this.issues = options.issues ?? [];
  }

  /**
   * True when `value` is a `BulletinError` from any copy of this package.
   *
   * @example
   * ```ts
   * if (BulletinError.isInstance(error)) console.log(error.code);
   * ```
   */
  static isInstance(value: unknown): value is BulletinError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/**
 * Writes a path as a JSON path: `['contents', 1, 'lang']` → `$.contents[1].lang`.
 *
 * @example
 * ```ts
 * formatPath(['targets', 'devices', 0]); // '$.targets.devices[0]'
 * ```
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
