import type { ErrorCode } from '@nguon/protocol';

const marker = Symbol.for('@nguon/device/error');

/**
 * What went wrong in the device runtime: a wire error code of protocol §9 (`media_integrity`,
 * `media_unavailable`, `unsupported_capability`, …) or a local code for problems that never reach
 * the wire (`invalid_config`, `store`, `closed`).
 *
 * @example `if (error.code === 'media_integrity') raiseAlarm()`
 */
export type DeviceErrorCode = ErrorCode | 'invalid_config' | 'store' | 'closed';

/**
 * Options of {@link DeviceError}.
 *
 * @example `new DeviceError('store', 'cannot write seq', { path: 'seq.json', cause })`
 */
export interface DeviceErrorOptions {
  /** Where the problem sits: a config field, a store key, a file, a URL. */
  path?: string;
  /** The protocol rule involved, e.g. `P-M1`. */
  rule?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The one error class of `@nguon/device`: a stable `code`, a `message` saying what was expected and
 * what was found, where (`path`) and the protocol `rule` involved.
 *
 * @example
 * ```ts
 * try {
 *   await cache.ensure(ref);
 * } catch (error) {
 *   if (DeviceError.isInstance(error) && error.code === 'media_integrity') console.log(error.message);
 * }
 * ```
 */
export class DeviceError extends Error {
  /** Stable machine-readable code. */
  readonly code: DeviceErrorCode;
  /** Where the problem sits, when known. */
  readonly path: string | undefined;
  /** The protocol rule involved, when there is one. */
  readonly rule: string | undefined;

  constructor(code: DeviceErrorCode, message: string, options: DeviceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeviceError';
    this.code = code;
    this.path = options.path;
    this.rule = options.rule;
    Object.defineProperty(this, marker, { value: true });
  }

  /**
   * True for any `DeviceError`, even one thrown by another copy of this package.
   *
   * @example
   * ```ts
   * if (DeviceError.isInstance(err)) console.log(err.code);
   * ```
   */
  static isInstance(value: unknown): value is DeviceError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
