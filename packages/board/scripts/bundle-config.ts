import type { BuildOptions } from 'esbuild';

/**
 * esbuild settings of the board's browser bundle: one minified ESM file for the browsers a kiosk
 * runs, built from the workspace sources (`@nguon/source` condition) when `fromSource` is set, so
 * that every unused module of the other packages is dropped. mqtt.js resolves to its browser build.
 */
export function browserBundleOptions(
  entry: string,
  options: { fromSource?: boolean; withMqtt?: boolean; version?: string } = {},
): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    conditions: options.fromSource ? ['@nguon/source'] : [],
    define: { __NGUON_VERSION__: JSON.stringify(options.version ?? '0.0.0') },
    minify: true,
    legalComments: 'eof',
    logLevel: 'error',
    ...(options.withMqtt === false ? { external: ['mqtt'] } : {}),
  };
}
