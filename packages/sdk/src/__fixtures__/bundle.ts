// Bundles an entry of this package for browsers with esbuild (minified, workspace packages from src).
import { build } from 'esbuild';

export async function browserBundle(entry: URL, format: 'esm' | 'iife' = 'esm'): Promise<string> {
  const result = await build({
    entryPoints: [entry.pathname],
    bundle: true,
    minify: true,
    format,
    platform: 'browser',
    target: 'es2022',
    conditions: ['@nguon/source'],
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}
