const MARKER = Symbol.for('@nguon/testkit/TestkitError');

/**
 * What went wrong, as a stable machine-readable code.
 *
 * @example
 * ```ts
 * const code: TestkitErrorCode = 'fd_limit';
 * ```
 */
export type TestkitErrorCode =
  | 'invalid_option'
  | 'fd_limit'
  | 'broker_failed'
  | 'broker_unreachable'
  | 'connect_timeout'
  | 'ack_timeout'
  | 'invalid_id';

/**
 * The one error class of `@nguon/testkit`. `code` says what went wrong; the message names the
 * option or value and what was expected.
 *
 * @example
 * ```ts
 * try {
 *   await simulator.start();
 * } catch (error) {
 *   if (TestkitError.isInstance(error) && error.code === 'fd_limit') console.error(error.message);
 * }
 * ```
 */
export class TestkitError extends Error {
  /** Machine-readable reason. */
  readonly code: TestkitErrorCode;
  readonly [MARKER] = true;

  constructor(code: TestkitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TestkitError';
    this.code = code;
  }

  /**
   * True for a `TestkitError`, even one thrown by another copy of this package.
   *
   * @example
   * ```ts
   * if (TestkitError.isInstance(error)) console.log(error.code);
   * ```
   */
  static isInstance(value: unknown): value is TestkitError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
