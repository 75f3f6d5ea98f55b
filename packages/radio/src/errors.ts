const marker = Symbol.for('@nguon/radio/error');

/**
 * Stable codes of {@link RadioError}.
 *
 * - `invalid_wav`: bytes that are not a PCM WAV file this package can read.
 * - `no_player`: no supported command-line player was found or the chosen one is missing.
 * - `unsupported_language`: the TTS engine has no voice for a language.
 * - `tts_failed`: the TTS engine ran but produced no speech.
 * - `invalid_option`: an option out of range (volume, rate, …).
 *
 * @example `if (error.code === 'no_player') console.log('install mpg123')`
 */
export type RadioErrorCode =
  | 'invalid_wav'
  | 'no_player'
  | 'unsupported_language'
  | 'tts_failed'
  | 'invalid_option';

/**
 * The one error class of `@nguon/radio`: a stable `code`, a message saying what was expected and
 * what was found, and where (`path`: a byte offset, a file, an option name).
 *
 * @example
 * ```ts
 * try {
 *   parseWav(bytes);
 * } catch (error) {
 *   if (RadioError.isInstance(error)) console.log(error.code, error.path, error.message);
 * }
 * ```
 */
export class RadioError extends Error {
  /** Stable machine-readable code. */
  readonly code: RadioErrorCode;
  /** Where the problem sits, when known (e.g. `byte 12`, a file name, `volume`). */
  readonly path: string | undefined;

  constructor(code: RadioErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RadioError';
    this.code = code;
    this.path = options.path;
    Object.defineProperty(this, marker, { value: true });
  }

  /**
   * True for any `RadioError`, even one thrown by another copy of this package.
   *
   * @example `if (RadioError.isInstance(err)) console.log(err.code)`
   */
  static isInstance(value: unknown): value is RadioError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
