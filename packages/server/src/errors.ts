const MARKER = Symbol.for('@nguon/server/ServerError');

/**
 * Codes of {@link ServerError}: `config` (bad options), `database` (the database failed or could not
 * be reached), `migration` (a migration failed), `not_found` (e.g. a command for a device that is not
 * registered: a route answers 404), `invalid` (e.g. a command body the protocol refuses: 400).
 *
 * @example
 * ```ts
 * const code: ServerErrorCode = 'database';
 * ```
 */
export type ServerErrorCode = 'config' | 'database' | 'migration' | 'not_found' | 'invalid';

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
