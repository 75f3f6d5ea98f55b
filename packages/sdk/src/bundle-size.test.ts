import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { browserBundle } from './__fixtures__/bundle';

/** The budget of DESIGN.md: the SDK's browser bundle, without zod, at most 15 KB gzip. */
const BUDGET_BYTES = 15 * 1024;

describe('browser bundle', () => {
  it(`stays within ${BUDGET_BYTES / 1024} KB gzip, without zod`, async () => {
    const code = await browserBundle(new URL('./index.ts', import.meta.url));
    const gzip = gzipSync(code, { level: 9 }).length;
    console.info(
      `@nguon/sdk browser bundle: ${code.length} B minified, ${gzip} B gzip (budget ${BUDGET_BYTES} B)`,
    );
    expect(code).not.toMatch(/ZodError|\$ZodType/);
    expect(code).not.toMatch(/node:/);
    expect(code).toContain('createBulletin');
    expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
