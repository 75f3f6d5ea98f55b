const MARKER = Symbol.for('@nguon/indicators/error');

/**
 * What went wrong, as a stable machine-readable code.
 *
 * - `invalid_dataset` / `invalid_actuals`: input did not match the schema (see `issues`).
 * - `invalid_argument`: a function got an argument it cannot use (bad year, bad date…).
 * - `unknown_dataset` / `unknown_indicator` / `unknown_unit`: a lookup found nothing.
 * - `file_format` / `file_read`: used by the file importers (`@nguon/indicators/node`).
 *
 * @example
 * ```ts
 * const code: IndicatorsErrorCode = 'invalid_dataset';
 * ```
 */
export type IndicatorsErrorCode =
  | 'invalid_dataset'
  | 'invalid_actuals'
  | 'invalid_argument'
  | 'unknown_dataset'
  | 'unknown_indicator'
  | 'unknown_unit'
  | 'file_format'
  | 'file_read';

/**
 * One problem found in an input, with where it is (`path`, e.g. `targets.12.value`, or a file
 * location such as `actuals.csv:14`) and what was expected versus found.
 *
 * @example
 * ```ts
 * const issue: InputIssue = { path: 'targets.3.year', message: 'expected an integer year, found "2024a"' };
 * ```
 */
export interface InputIssue {
  /** Dotted path inside the input, or `file:line[:column]`. Empty for the input as a whole. */
  path: string;
  /** What was expected and what was found. */
  message: string;
}

/**
 * The one error class of `@nguon/indicators`. Every error thrown by this package is an
 * `IndicatorsError` with a `code`, an optional list of `issues` (for invalid input) and an
 * optional `cause`.
 *
 * Use {@link IndicatorsError.isInstance} rather than `instanceof` so the check survives two copies
 * of the package in one bundle.
 *
 * @example
 * ```ts
 * try {
 *   parseDataset({});
 * } catch (error) {
 *   if (IndicatorsError.isInstance(error)) console.error(error.code, error.issues);
 * }
 * ```
 */
export class IndicatorsError extends Error {
  /** Stable code, see {@link IndicatorsErrorCode}. */
  readonly code: IndicatorsErrorCode;
  /** Problems found in the input, each with its path. Empty when not about input. */
  readonly issues: readonly InputIssue[];
  readonly [MARKER] = true;

  constructor(
    code: IndicatorsErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly InputIssue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IndicatorsError';
    this.code = code;
    this.issues = options.issues ?? [];
  }

  /**
   * True when `value` is an `IndicatorsError` from any copy of this package.
   *
   * @example
   * ```ts
   * IndicatorsError.isInstance(new IndicatorsError('unknown_dataset', 'no such dataset')); // true
   * ```
   */
  static isInstance(value: unknown): value is IndicatorsError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
