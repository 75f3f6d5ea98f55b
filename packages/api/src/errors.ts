import { PROBLEM_CODES, type Problem, type ProblemCode, problem } from './problem-codes';

const MARKER = Symbol.for('@nguon/api/ApiError');

/**
 * What went wrong: a problem code of the API (see `PROBLEM_CODES`) or one of the contract's own
 * codes: `missing_param` / `invalid_param` (buildPath), `unknown_operation`.
 *
 * @example
 * ```ts
 * const code: ApiErrorCode = 'missing_param';
 * ```
 */
export type ApiErrorCode = ProblemCode | 'missing_param' | 'invalid_param' | 'unknown_operation';

/**
 * The one error class of `@nguon/api`. Thrown by the contract helpers (`buildPath` with a missing
 * parameter…), and the class a server throws or a client raises for an error response: it carries
 * the problem body when there is one.
 *
 * @example
 * ```ts
 * try {
 *   buildPath('getBulletin', { id: '' });
 * } catch (error) {
 *   if (ApiError.isInstance(error)) console.error(error.code, error.message);
 * }
 * ```
 */
export class ApiError extends Error {
  /** Machine-readable reason. */
  readonly code: ApiErrorCode | (string & {});
  /** The HTTP status this error is answered with, when it is an API problem. */
  readonly status: number | undefined;
  /** The problem body, when the error stands for an error response. */
  readonly problem: Problem | undefined;
  readonly [MARKER] = true;

  constructor(
    code: ApiErrorCode | (string & {}),
    message: string,
    options: { cause?: unknown; status?: number; problem?: Problem } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.problem = options.problem;
    this.status = options.status ?? options.problem?.status;
  }

  /**
   * An error for a problem code, with its problem body built by `problem()`.
   *
   * @example
   * ```ts
   * throw ApiError.of('state_conflict', 'bulletin 01J… is published; it cannot be approved again');
   * ```
   */
  static of(code: ProblemCode, detail: string, options: { cause?: unknown } = {}): ApiError {
    return new ApiError(code, detail, { ...options, problem: problem(code, { detail }) });
  }

  /**
   * An error that carries an error response's problem body (what a client raises).
   *
   * @example
   * ```ts
   * throw ApiError.fromProblem(ProblemSchema.parse(await res.json()));
   * ```
   */
  static fromProblem(body: Problem): ApiError {
    const where = body.errors?.length
      ? ` (${body.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`
      : '';
    return new ApiError(
      body.code,
      `${body.status} ${body.title}${body.detail ? `: ${body.detail}` : ''}${where}`,
      {
        problem: body,
      },
    );
  }

  /**
   * The problem body to answer with: the carried one, or a fresh one for a problem code
   * (`internal` for the contract's own codes).
   *
   * @example
   * ```ts
   * return c.json(error.toProblem(), error.toProblem().status);
   * ```
   */
  toProblem(): Problem {
    if (this.problem) return this.problem;
    const code = (this.code in PROBLEM_CODES ? this.code : 'internal') as ProblemCode;
    return problem(code, { detail: this.message });
  }

  /**
   * True for an `ApiError`, even one thrown by another copy of this package.
   *
   * @example
   * ```ts
   * if (ApiError.isInstance(error)) console.log(error.code);
   * ```
   */
  static isInstance(value: unknown): value is ApiError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
