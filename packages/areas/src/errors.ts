const MARKER = Symbol.for('@nguon/areas/AreasError');

/**
 * What went wrong, as a stable machine-readable code.
 *
 * @example
 * ```ts
 * const code: AreasErrorCode = 'before_first_snapshot';
 * ```
 */
export type AreasErrorCode =
  | 'invalid_date'
  | 'before_first_snapshot'
  | 'unit_not_found'
  | 'invalid_range'
  | 'invalid_option';

/**
 * The one error class of `@nguon/areas`. `code` says what went wrong; the message names the input
 * (code, date) and what was expected.
 *
 * @example
 * ```ts
 * try {
 *   loadUnits().require('99999', '2025-07-01');
 * } catch (error) {
 *   if (AreasError.isInstance(error) && error.code === 'unit_not_found') console.error(error.message);
 * }
 * ```
 */
export class AreasError extends Error {
  /** Machine-readable reason. */
  readonly code: AreasErrorCode;
  readonly [MARKER] = true;

  constructor(code: AreasErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AreasError';
    this.code = code;
  }

  /**
   * True for an `AreasError`, even one thrown by another copy of this package.
   *
   * @example
   * ```ts
   * if (AreasError.isInstance(error)) console.log(error.code);
   * ```
   */
  static isInstance(value: unknown): value is AreasError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
