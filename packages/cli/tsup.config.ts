import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared';

export default defineConfig([
  packageBuild(import.meta.dirname),
  { ...packageBuild(import.meta.dirname), entry: ['src/bin.ts'], format: ['esm'], dts: false, clean: false },
]);
