import { ApiError, type Problem, type ProblemFieldError } from '@nguon/api/lite';

const MARKER = Symbol.for('@nguon/sdk/SdkError');

/**
 * Why a call failed on the client side: `network` (no answer), `timeout` (no answer in time),
 * `invalid_response` (an answer the contract does not allow, e.g. malformed JSON or a body that fails
 * validation), `invalid_input` (a call the contract does not allow, e.g. a missing path parameter),
 * `aborted` (the caller's signal fired). Errors answered by the server carry the problem `code`
 * instead (`not_found`, `state_conflict`…), see {@link ProblemError}.
 *
 * @example
 * ```ts
 * const code: SdkErrorCode = 'timeout';
 * ```
 */
export type SdkErrorCode = 'network' | 'timeout' | 'invalid_response' | 'invalid_input' | 'aborted';

/**
 * The one error class of `@nguon/sdk`: every method of a client rejects with it (or with its
 * subclass {@link ProblemError} for error responses). It extends `ApiError` of `@nguon/api`, so
 * `ApiError.isInstance(error)` is true as well. `operationId` says which call failed.
 *
 * @example
 * ```ts
 * try {
 *   await client.bulletins.get({ id });
 * } catch (error) {
 *   if (SdkError.isInstance(error) && error.code === 'timeout') console.warn('the server is slow');
 * }
 * ```
 */
export class SdkError extends ApiError {
  /** The operation that failed, e.g. `publishBulletin`. */
  readonly operationId: string | undefined;
  readonly [MARKER] = true;

  constructor(
    code: SdkErrorCode | (string & {}),
    message: string,
    options: { cause?: unknown; status?: number; problem?: Problem; operationId?: string } = {},
  ) {
    super(code, message, options);
    this.name = 'SdkError';
    this.operationId = options.operationId;
  }

  /**
   * True for an `SdkError` (or `ProblemError`), even one made by another copy of this package.
   *
   * @example
   * ```ts
   * if (SdkError.isInstance(error)) console.error(error.operationId, error.code, error.message);
   * ```
   */
  static override isInstance(value: unknown): value is SdkError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

const PROBLEM_MARKER = Symbol.for('@nguon/sdk/ProblemError');

/**
 * An error response of the API (RFC 9457 `application/problem+json`): its HTTP `status`, the stable
 * `code` (`invalid_request`, `unauthenticated`, `forbidden`, `out_of_scope`, `not_found`,
 * `state_conflict`…), `title`, `detail`, and for 400 every invalid field in `errors` with its `path`
 * (`body.contents[0].title`, `query.limit`). A response that is not a problem (a proxy's HTML page)
 * still becomes a `ProblemError`, with a code guessed from the status and the text as `detail`.
 *
 * @example
 * ```ts
 * try {
 *   await client.bulletins.approve({ id }, {});
 * } catch (error) {
 *   if (ProblemError.isInstance(error) && error.code === 'state_conflict') console.log(error.detail);
 *   if (ProblemError.isInstance(error)) for (const e of error.errors) console.log(e.path, e.message);
 * }
 * ```
 */
export class ProblemError extends SdkError {
  /** The HTTP status of the answer. */
  declare readonly status: number;
  /** The problem body as answered (or as rebuilt from a non-problem answer). */
  declare readonly problem: Problem;
  /** The problem's `type` URI, e.g. `urn:nguon:problem:not_found`. */
  readonly type: string;
  /** A short, stable summary of the problem type. */
  readonly title: string;
  /** What happened in this case, when the server said. */
  readonly detail: string | undefined;
  /** Every invalid field of a 400 answer (empty otherwise). */
  readonly errors: readonly ProblemFieldError[];
  /** The `Retry-After` of the answer in milliseconds (429, 503), when it had one. */
  readonly retryAfterMs: number | undefined;
  readonly [PROBLEM_MARKER] = true;

  constructor(body: Problem, options: { operationId?: string; retryAfterMs?: number; cause?: unknown } = {}) {
    const where = body.errors?.length
      ? ` (${body.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`
      : '';
    super(
      body.code,
      `${options.operationId ? `${options.operationId}: ` : ''}${body.status} ${body.title}${body.detail ? `: ${body.detail}` : ''}${where}`,
      { problem: body, status: body.status, operationId: options.operationId, cause: options.cause },
    );
    this.name = 'ProblemError';
    this.type = body.type;
    this.title = body.title;
    this.detail = body.detail;
    this.errors = body.errors ?? [];
    this.retryAfterMs = options.retryAfterMs;
  }

  /**
   * True for a `ProblemError`, even one made by another copy of this package.
   *
   * @example
   * ```ts
   * if (ProblemError.isInstance(error) && error.status === 404) return undefined;
   * ```
   */
  static override isInstance(value: unknown): value is ProblemError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[PROBLEM_MARKER] === true
    );
  }
}
