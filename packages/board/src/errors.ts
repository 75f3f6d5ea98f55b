const MARKER = Symbol.for('@nguon/board/BoardError');

/**
 * What went wrong, as a stable machine-readable code.
 *
 * @example
 * ```ts
 * const code: BoardErrorCode = 'invalid_config';
 * ```
 */
export type BoardErrorCode = 'invalid_config' | 'invalid_option' | 'element_missing' | 'storage_unavailable';

/**
 * The one error class of `@nguon/board`. `code` says what went wrong; the message names the
 * option or config path and what was expected versus found.
 *
 * @example
 * ```ts
 * try {
 *   await startBoard(config);
 * } catch (error) {
 *   if (BoardError.isInstance(error) && error.code === 'invalid_config') console.error(error.message);
 * }
 * ```
 */
export class BoardError extends Error {
  /** Machine-readable reason. */
  readonly code: BoardErrorCode;
  readonly [MARKER] = true;

  constructor(code: BoardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BoardError';
    this.code = code;
  }

  /**
   * True for a `BoardError`, even one thrown by another copy of this package.
   *
   * @example
   * ```ts
   * if (BoardError.isInstance(error)) console.log(error.code);
   * ```
   */
  static isInstance(value: unknown): value is BoardError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
