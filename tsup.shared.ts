import { readFileSync } from 'node:fs';
import type { Options } from 'tsup';

/**
 * tsup settings shared by every package: ESM + CJS + declarations, the package version injected
 * as `__NGUON_VERSION__`.
 */
export function packageBuild(dir: string, overrides: Partial<Options> = {}): Options {
  const pkg = JSON.parse(readFileSync(new URL('package.json', `file://${dir}/`), 'utf8')) as {
    version: string;
  };
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { customConditions: [] } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    tsconfig: 'tsconfig.json',
    define: { __NGUON_VERSION__: JSON.stringify(pkg.version) },
    ...overrides,
  };
}
