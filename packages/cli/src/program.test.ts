import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { run } from './test-helpers';

describe('nguon', () => {
  test('--help lists the command groups', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: nguon');
  });

  test('an unknown command exits non-zero with a message', async () => {
    const result = await run(['no-such-command']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown command|too many arguments/i);
  });

  test('the real bin runs as a process', () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
    const out = execFileSync(
      process.execPath,
      ['--conditions=@nguon/source', '--import', tsx, bin, '--help'],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain('Usage: nguon');
  });
});
