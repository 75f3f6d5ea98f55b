import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './program';

/** Result of running the CLI in process (tests only). */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `nguon` in process with captured output (tests only; not exported from the package). */
export async function run(args: string[], cwd = mkdtempSync(join(tmpdir(), 'nguon-cli-'))): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}
