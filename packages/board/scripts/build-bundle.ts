// Builds the kiosk bundle dist/browser/nguon-board.js (everything, mqtt.js included) and records
// the size of the same bundle without mqtt.js in dist/browser/size.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { browserBundleOptions } from './bundle-config';

const root = new URL('../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
const entry = new URL('src/browser.ts', root).pathname;
const out = new URL('dist/browser/', root);
mkdirSync(out, { recursive: true });

const full = await build({ ...browserBundleOptions(entry, { fromSource: true, version }), write: false });
const withoutMqtt = await build({
  ...browserBundleOptions(entry, { fromSource: true, version, withMqtt: false }),
  write: false,
});
const fullBytes = full.outputFiles[0]!.contents;
const coreBytes = withoutMqtt.outputFiles[0]!.contents;
writeFileSync(new URL('nguon-board.js', out), fullBytes);
const size = {
  withMqtt: { bytes: fullBytes.length, gzip: gzipSync(fullBytes, { level: 9 }).length },
  withoutMqtt: { bytes: coreBytes.length, gzip: gzipSync(coreBytes, { level: 9 }).length },
};
writeFileSync(new URL('size.json', out), `${JSON.stringify(size, null, 2)}\n`);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `nguon-board.js: ${kb(size.withMqtt.gzip)} gzip with mqtt.js, ${kb(size.withoutMqtt.gzip)} gzip without (target ≤ 30 KB)`,
);
