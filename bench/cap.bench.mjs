// CAP 1.2 parsing: parseCap (well-formedness check, namespace and element-order checks, every CAP rule,
// typed model) versus a bare fast-xml-parser parse of the same text into plain objects, in one run.
// Also capToBulletin (parse + mapping + bulletin schema check) against the same baseline, and serializeCap
// (checks every rule, then writes) against fast-xml-parser's XMLBuilder writing the parsed tree.
// Build first: npx turbo run build --filter=@nguon/bulletin
import { readFileSync } from 'node:fs';
import { capToBulletin, parseCap, serializeCap } from '@nguon/bulletin';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/** Alternating rounds on a shared machine; medians of ns per call and of per-round ratios. */
function compare(ours, baseline, { rounds = 11, ms = 200 } = {}) {
  for (let i = 0; i < 200; i++) {
    ours(i);
    baseline(i);
  }
  const batchFor = (fn) => {
    let batch = 20;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < batch; i++) fn(i);
      if (performance.now() - t > ms / 4) return batch;
      batch *= 2;
    }
  };
  const batches = [batchFor(ours), batchFor(baseline)];
  const time = (fn, batch) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn(i);
    return Number(process.hrtime.bigint() - t) / batch;
  };
  const a = [];
  const b = [];
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    a.push(time(ours, batches[0]));
    b.push(time(baseline, batches[1]));
    ratios.push(a[r] / b[r]);
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { ours: median(a), baseline: median(b), ratio: median(ratios) };
}

const fixture = (name) =>
  readFileSync(new URL(`../packages/bulletin/src/cap/__fixtures__/${name}`, import.meta.url), 'utf8');
const docs = [fixture('alerts/ca-eccc-naad-2019.xml'), fixture('vn-gialai-flood.xml')];
const bare = new XMLParser({ ignoreAttributes: false });
const builder = new XMLBuilder({ ignoreAttributes: false, format: true });
const us = (ns) => `${(ns / 1000).toFixed(1)} µs`;

for (const [label, xml] of [
  ['Canadian alert, 2 languages, 11 KB', docs[0]],
  ['Vietnamese alert, 2 languages, 2.5 KB', docs[1]],
]) {
  const parse = compare(
    () => parseCap(xml),
    () => bare.parse(xml),
  );
  console.log(
    `parseCap (${label}): ours ${us(parse.ours)}, baseline ${us(parse.baseline)} (bare fast-xml-parser parse), ratio ${parse.ratio.toFixed(2)} (target ≤ 3)`,
  );
  const toBulletin = compare(
    () => capToBulletin(xml),
    () => bare.parse(xml),
  );
  console.log(
    `capToBulletin (${label}): ours ${us(toBulletin.ours)}, baseline ${us(toBulletin.baseline)} (bare fast-xml-parser parse), ratio ${toBulletin.ratio.toFixed(2)} (target ≤ 4)`,
  );
  const alert = parseCap(xml);
  const tree = bare.parse(xml);
  const serialize = compare(
    () => serializeCap(alert),
    () => builder.build(tree),
  );
  console.log(
    `serializeCap (${label}): ours ${us(serialize.ours)}, baseline ${us(serialize.baseline)} (fast-xml-parser XMLBuilder on the parsed tree, no checks), ratio ${serialize.ratio.toFixed(2)} (target ≤ 2)`,
  );
}
