// @nguon/api: matchRoute per request, and openApiDocument() generation, each against a baseline
// measured in the same run. Run after `npx turbo run build --filter=@nguon/api`: node bench/api.bench.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildPath, matchRoute, openApiDocument, ROUTE_LIST } from '@nguon/api';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Requests: every route with sample parameters, plus misses (unknown path, wrong method).
const requests = [];
for (const r of ROUTE_LIST) {
  const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const params = Object.fromEntries(
    names.map((n) => [n, n === 'unitCode' ? '24065' : '01JDXF1A2B3C4D5E6F7G8H9J0K']),
  );
  requests.push([r.method, `${buildPath(r.operationId, params)}?limit=20`]);
}
requests.push(['GET', '/v1/nothing/here'], ['DELETE', '/v1/bulletins/01JDXF1A2B3C4D5E6F7G8H9J0K']);

// Baseline: what a minimal router does — one anchored RegExp per route, tried in order, with the
// parameters decoded. It answers no 405 and builds no problem body.
const table = ROUTE_LIST.map((r) => ({
  method: r.method,
  names: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
  re: new RegExp(`^${r.path.replace(/\./g, '\\.').replace(/\{\w+\}/g, '([^/]+)')}$`),
  operationId: r.operationId,
}));
function baseline(method, url) {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  for (const r of table) {
    if (r.method !== method) continue;
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1]);
      });
      return { operationId: r.operationId, params };
    }
  }
  return undefined;
}

const rounds = 20_000;
const time = (fn) => {
  for (let i = 0; i < 2_000; i++) for (const [m, p] of requests) fn(m, p);
  const samples = [];
  for (let s = 0; s < 7; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds / 7; i++) for (const [m, p] of requests) fn(m, p);
    samples.push(Number(process.hrtime.bigint() - start) / ((rounds / 7) * requests.length));
  }
  return median(samples);
};
const ours = time(matchRoute);
const base = time(baseline);
console.log(
  `api matchRoute (${requests.length} requests mixed, ns/request): ours ${ours.toFixed(0)}, baseline RegExp list ${base.toFixed(0)}, ` +
    `ratio ${(ours / base).toFixed(2)} (target ≤ 2)`,
);

// openApiDocument(): generating the document from zod at run time vs JSON.parse of the shipped file.
const file = join(dirname(createRequire(import.meta.url).resolve('@nguon/api/package.json')), 'openapi.json');
const text = readFileSync(file, 'utf8');
const gen = [];
const parse = [];
for (let i = 0; i < 9; i++) {
  let t = performance.now();
  openApiDocument();
  gen.push(performance.now() - t);
  t = performance.now();
  JSON.parse(text);
  parse.push(performance.now() - t);
}
console.log(
  `api openApiDocument() (median of 9): ours ${median(gen).toFixed(1)} ms, baseline JSON.parse of openapi.json ${median(parse).toFixed(2)} ms, ` +
    `ratio ${(median(gen) / median(parse)).toFixed(1)} (target: none; serve the shipped file on hot paths)`,
);

// Browser bundle of a client that builds paths: `@nguon/api/lite` vs the full entry (with zod and
// the schemas of @nguon/bulletin, @nguon/indicators and @nguon/protocol). Built packages, minified.
const { build } = await import('esbuild');
const { gzipSync } = await import('node:zlib');
const bundle = async (from) => {
  const result = await build({
    stdin: {
      contents: `import { buildPath } from '${from}'; console.log(buildPath('getBulletin', { id: 'x' }));`,
      resolveDir: dirname(file),
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return gzipSync(result.outputFiles[0].contents).length / 1024;
};
const liteKb = await bundle('@nguon/api/lite');
const fullKb = await bundle('@nguon/api');
console.log(
  `api client bundle (buildPath, gzip): ours @nguon/api/lite ${liteKb.toFixed(1)} KB, baseline full entry ${fullKb.toFixed(1)} KB, ` +
    `ratio ${(liteKb / fullKb).toFixed(2)} (target: lite ≤ 8 KB, leaving the SDK room in its 15 KB)`,
);
