import type { BuildOptions, Plugin } from 'esbuild';

/**
 * @nguon/protocol checks valid messages first with ajv validators generated for speed (56 KB
 * minified) and falls back to its zod/mini catalogue for anything they do not accept, with the same
 * results (its fast-path tests compare both). A board verifies a few commands a minute, so the kiosk
 * bundle replaces the generated validators by ones that accept nothing: every message goes the zod
 * way. Drop this once the protocol offers a browser entry without them.
 */
export const zodOnlyValidation: Plugin = {
  name: 'protocol-zod-only',
  setup(build) {
    build.onResolve({ filter: /\/generated\/validators$/ }, (args) =>
      /packages[\\/]protocol[\\/]src/.test(args.importer)
        ? { path: 'validators', namespace: 'protocol-zod-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'protocol-zod-only' }, () => ({
      contents:
        'export const commandValidators = {};\nexport const eventValidators = {};\nexport const presence = () => false;\n',
      loader: 'js',
    }));
  },
};

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
    plugins: options.fromSource ? [zodOnlyValidation] : [],
    ...(options.withMqtt === false ? { external: ['mqtt'] } : {}),
  };
}
