// @nguon/areas: cold load of the national data and get(code, at), each against a baseline measured
// in the same run. Run after `npx turbo run build --filter=@nguon/areas`: node bench/areas.bench.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadUnits } from '@nguon/areas';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(createRequire(import.meta.url).resolve('@nguon/areas/package.json'));
const dataFile = join(packageDir, 'src', 'data', 'generated', 'units.ts');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// 1. Cold load in a fresh process: import the built package and build the registry, vs reading and
// JSON.parse-ing the generated data file that the package is made from.
const ours = `const t = performance.now(); const { loadUnits } = await import('@nguon/areas'); loadUnits();
console.log(performance.now() - t);`;
// The generated module holds the JSON text in one quoted string; the baseline unquotes it first and
// times only JSON.parse of that same text.
const baseline = `const { readFileSync } = await import('node:fs');
const source = readFileSync(${JSON.stringify(dataFile)}, 'utf8');
const text = source.slice(source.indexOf("'") + 1, source.lastIndexOf("'")).replace(/\\\\(.)/g, '$1');
const t = performance.now(); JSON.parse(text); console.log(performance.now() - t);`;
const cold = (code) =>
  Number(
    spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: here, encoding: 'utf8' }).stdout,
  );
const runs = 9;
const loadOurs = [];
const loadBase = [];
for (let i = 0; i < runs; i++) {
  loadOurs.push(cold(ours));
  loadBase.push(cold(baseline));
}
const load = median(loadOurs);
const parse = median(loadBase);
console.log(
  `areas load (cold, fresh process, median of ${runs}): ours ${load.toFixed(1)} ms, baseline JSON.parse ${parse.toFixed(1)} ms, ` +
    `ratio ${(load / parse).toFixed(2)} (target ≤ 50 ms)`,
);

// 2. get(code, at) amortised over 2e6 calls on a mix of codes and dates, vs Map.get on code alone.
const units = loadUnits();
const dates = units.snapshots;
const sample = units
  .unitsAt('2025-03-01')
  .filter((_, i) => i % 7 === 0)
  .slice(0, 1000);
const codes = sample.map((u) => u.code);
const map = new Map(sample.map((u) => [u.code, u]));
const calls = 2_000_000;
const time = (fn) => {
  fn(calls / 10); // warm up
  const start = process.hrtime.bigint();
  const found = fn(calls);
  return { ns: Number(process.hrtime.bigint() - start) / calls, found };
};
const get = time((n) => {
  let found = 0;
  for (let i = 0; i < n; i++) if (units.get(codes[i % codes.length], dates[i % dates.length])) found++;
  return found;
});
const plain = time((n) => {
  let found = 0;
  for (let i = 0; i < n; i++) if (map.get(codes[i % codes.length])) found++;
  return found;
});
console.log(
  `areas get(code, at) (${calls} calls, ${get.found} found): ours ${get.ns.toFixed(0)} ns, baseline Map.get ${plain.ns.toFixed(0)} ns, ` +
    `ratio ${(get.ns / plain.ns).toFixed(1)} (target ≤ 1000 ns)`,
);
const size = readFileSync(dataFile).length;
console.log(
  `areas data: ${(size / 1024).toFixed(0)} KB generated module (${units.unitsAt('2026-04-30').length} units in force on 2026-04-30)`,
);
