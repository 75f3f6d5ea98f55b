import type { BuildOptions, Plugin } from 'esbuild';

/**
 * mqtt.js's browser build (dist/mqtt.esm.js) has only a default export, while the device runtime
 * imports `connect` by name (which Node's build provides). This plugin puts a two-line module in
 * front of the browser build that offers both.
 */
export const mqttBrowserShim: Plugin = {
  name: 'mqtt-browser-shim',
  setup(build) {
    build.onResolve({ filter: /^mqtt$/ }, () => ({ path: 'mqtt', namespace: 'mqtt-browser-shim' }));
    build.onLoad({ filter: /.*/, namespace: 'mqtt-browser-shim' }, () => ({
      contents:
        "import mqtt from 'mqtt/dist/mqtt.esm';\nexport const connect = mqtt.connect;\nexport const connectAsync = mqtt.connectAsync;\nexport default mqtt;\n",
      resolveDir: import.meta.dirname,
      loader: 'js',
    }));
  },
};

/**
 * esbuild settings of the board's browser bundle: one ESM file for Chromium-based kiosks, built
 * from the workspace sources (`@nguon/source` condition) when `fromSource` is set.
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
    ...(options.withMqtt === false ? { external: ['mqtt'] } : { plugins: [mqttBrowserShim] }),
  };
}
