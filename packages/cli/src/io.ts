/**
 * Where a command reads and writes. Injected so that tests run commands in process and so that the
 * command never touches `process` directly.
 */
export interface CliIo {
  /** Standard output: the command's result (JSON, CSV, XML). */
  stdout: (text: string) => void;
  /** Standard error: messages for a person. */
  stderr: (text: string) => void;
  /** Directory that relative file paths are resolved against. */
  cwd: string;
  /** Environment variables. */
  env: Record<string, string | undefined>;
}

/**
 * Thrown by a command to end with a given exit code after it has written its own message.
 *
 * @example
 * ```ts
 * throw new CliExit(1); // e.g. validation found problems, already printed
 * ```
 */
export class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'CliExit';
  }
}
