const MARKER = Symbol.for('@nguon/server/ServerError');

/**
 * Codes of {@link ServerError}: `config` (bad options), `database` (the database failed or could not
 * be reached), `migration` (a migration failed).
 *
 * @example
 * ```ts
 * const code: ServerErrorCode = 'database';
 * ```
 */
export type ServerErrorCode = 'config' | 'database' | 'migration';

/**
 * The error class of `@nguon/server` for failures outside a request (opening the database,
 * migrating, bad options). Errors inside a request become problem+json answers instead.
 *
 * @example
 * ```ts
 * try { await openDatabase({ url: 'postgres://nobody@127.0.0.1:1/x' }); }
 * catch (e) { if (ServerError.isInstance(e)) console.error(e.code, e.message); }
 * ```
 */
export class ServerError extends Error {
  /** Stable code, see {@link ServerErrorCode}. */
  readonly code: ServerErrorCode;
  readonly [MARKER] = true;

  constructor(code: ServerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServerError';
    this.code = code;
  }

  /**
   * True when `value` is a `ServerError` from any copy of this package.
   *
   * @example
   * ```ts
   * if (ServerError.isInstance(error)) console.log(error.code);
   * ```
   */
  static isInstance(value: unknown): value is ServerError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
