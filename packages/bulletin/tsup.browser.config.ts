import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

// The browser build (export condition `browser`): the same code with src/fast-path-off.ts in place of
// the generated validator and shaper. Runs after the main build (`npm run build`), into dist/browser.
const off = fileURLToPath(new URL('./src/fast-path-off.ts', import.meta.url));

export default defineConfig(
  packageBuild(import.meta.dirname, {
    outDir: 'dist/browser',
    dts: false,
    clean: false,
    esbuildPlugins: [
      {
        name: 'fast-path-off',
        setup(build) {
          build.onResolve({ filter: /\/generated\/bulletin-(validator|shaper)$/ }, () => ({ path: off }));
        },
      },
    ],
  }),
);
