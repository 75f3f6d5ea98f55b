import { defineProject } from 'vitest/config';

/**
 * Vitest settings shared by every package: tests resolve workspace packages to their `src/`
 * through the `@nguon/source` export condition, so no build is needed before testing.
 */
export const sharedProject = (overrides: { testTimeout?: number } = {}) =>
  defineProject({
    resolve: { conditions: ['@nguon/source'] },
    ssr: { resolve: { conditions: ['@nguon/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 30_000,
    },
  });
