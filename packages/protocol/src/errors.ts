import type { ErrorCode } from './codes';
import type { RuleId } from './rules';

const marker = Symbol.for('@nguon/protocol/error');

/**
 * What went wrong, as a stable string: a wire error code of §9 (sent back in `ack.code`), or a
 * local code for problems that never reach the wire (`invalid_topic`, `invalid_key`).
 *
 * @example `if (err.code === 'invalid_topic') …`
 */
export type ProtocolErrorCode = ErrorCode | 'invalid_topic' | 'invalid_key';

/**
 * Options of {@link ProtocolError}.
 *
 * @example `new ProtocolError('expired', 'exp: …', { rule: 'P-S2', ref: id })`
 */
export interface ProtocolErrorOptions {
  /** The protocol rule that the input breaks (see {@link RULES}). */
  rule?: RuleId;
  /** The command or message id, when it could be read: the `ref` of the `ack` to send. */
  ref?: string;
  /** Where in the input the problem sits, e.g. `body.playout.startAt` or a topic level. */
  path?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one error class of `@nguon/protocol`. `code` is stable and machine-readable, `rule` names the
 * rule of the protocol that was broken, and `message` says what was expected and what was found.
 *
 * @example
 * ```ts
 * try {
 *   parseTopic('nguon/v2/52/dev/abc/cmd');
 * } catch (error) {
 *   if (ProtocolError.isInstance(error)) console.log(error.code, error.rule); // invalid_topic P-X12
 * }
 * ```
 */
export class ProtocolError extends Error {
  /** Stable code (a §9 wire code or a local one). */
  readonly code: ProtocolErrorCode;
  /** The rule id that was broken, when there is one. */
  readonly rule: RuleId | undefined;
  /** The id of the offending message when it could be read (use it as the `ack` `ref`). */
  readonly ref: string | undefined;
  /** Where in the input the problem sits. */
  readonly path: string | undefined;

  constructor(code: ProtocolErrorCode, message: string, options: ProtocolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProtocolError';
    this.code = code;
    this.rule = options.rule;
    this.ref = options.ref;
    this.path = options.path;
    Object.defineProperty(this, marker, { value: true });
  }

  /**
   * True for any `ProtocolError`, even one thrown by another copy of this package.
   *
   * @example
   * ```ts
   * if (ProtocolError.isInstance(err) && err.code === 'expired') retryLater();
   * ```
   */
  static isInstance(value: unknown): value is ProtocolError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
