import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

const entry = ['src/index.ts', 'src/validate.ts'];

// ky is ESM-only: the ESM build imports it, the CJS build bundles it so that `require` works too.
export default defineConfig([
  packageBuild(import.meta.dirname, { entry, format: ['esm'] }),
  packageBuild(import.meta.dirname, { entry, format: ['cjs'], noExternal: ['ky'], clean: false }),
]);
