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

/**
 * Resolves with the name of the first SIGINT or SIGTERM the process receives, for commands that run
 * until stopped (`nguon device run`, `nguon dev`).
 *
 * @example
 * ```ts
 * const signal = await waitForShutdown(); // 'SIGINT' after Ctrl+C
 * ```
 */
export function waitForShutdown(): Promise<string> {
  return new Promise((done) => {
    const on = (signal: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      done(signal);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}
