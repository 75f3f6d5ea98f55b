// @nguon/board: gzip size of the browser bundle without mqtt.js (target ≤ 30 KB), against the size
// of mqtt.js's own browser build measured in the same run. Run after
// `npx turbo run build --filter=@nguon/board`: node bench/board-bundle.bench.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function bundleOf(specifier) {
  const result = await build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: import.meta.dirname, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    external: ['mqtt'],
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  return { bytes: result.outputFiles[0].contents, metafile: result.metafile };
}

// Ours: everything a board page runs (display adapter, device runtime, protocol, zod/mini, jose)
// except mqtt.js, from the built packages, minified as a kiosk would serve it.
const browser = await bundleOf('@nguon/board/browser');
const adapterOnly = await bundleOf('@nguon/board');
// Baseline: the minified browser build mqtt.js ships, which the page loads beside ours.
const mqttBytes = readFileSync(require.resolve('mqtt/dist/mqtt.min'));

const ours = gzip(browser.bytes);
const baseline = gzip(mqttBytes);
console.log(
  `board-bundle (from the built packages, as a vendor's bundler sees them): ours ${kb(ours)} gzip (${kb(browser.bytes.length)} minified), baseline mqtt.js browser build ${kb(baseline)} gzip, ratio ${(ours / baseline).toFixed(2)} (target ours ≤ 30 KB gzip)`,
);
// The kiosk file the package ships (dist/browser/nguon-board.js) is bundled from the workspace
// sources, where every module can be dropped on its own; its build records its size without mqtt.js.
const kiosk = JSON.parse(
  readFileSync(
    require.resolve('@nguon/board/package.json').replace(/package\.json$/, 'dist/browser/size.json'),
    'utf8',
  ),
);
console.log(
  `board-kiosk-bundle: ours ${kb(kiosk.withoutMqtt.gzip)} gzip without mqtt.js (${kb(kiosk.withMqtt.gzip)} with), baseline mqtt.js browser build ${kb(baseline)} gzip, ratio ${(kiosk.withoutMqtt.gzip / baseline).toFixed(2)} (target ours ≤ 30 KB gzip)`,
);
console.log(
  `board-adapter-only: ours ${kb(gzip(adapterOnly.bytes))} gzip (@nguon/board main entry: DomBoardAdapter, Playlist, typography)`,
);

// Where the bytes come from (minified bytes per package before gzip).
const parts = {};
for (const output of Object.values(browser.metafile.outputs)) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/) ?? input.match(/packages\/([^/]+)/);
    const name = match ? match[1] : input;
    parts[name] = (parts[name] ?? 0) + bytesInOutput;
  }
}
for (const [name, bytes] of Object.entries(parts).sort((a, b) => b[1] - a[1])) {
  console.log(`  ${name.padEnd(20)} ${kb(bytes)} minified`);
}
