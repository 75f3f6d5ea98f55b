import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

// The browser build (export condition `browser`): the same code with src/validators-off.ts in place
// of the generated validators and shapers. Runs after the main build (`npm run build`), into dist/browser.
const off = fileURLToPath(new URL('./src/validators-off.ts', import.meta.url));

export default defineConfig(
  packageBuild(import.meta.dirname, {
    entry: ['src/index.ts'],
    outDir: 'dist/browser',
    dts: false,
    clean: false,
    esbuildPlugins: [
      {
        name: 'validators-off',
        setup(build) {
          build.onResolve({ filter: /\/generated\/(validators|shapers)$/ }, () => ({ path: off }));
        },
      },
    ],
  }),
);
