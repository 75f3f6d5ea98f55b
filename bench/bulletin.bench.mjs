// Bulletin validation: parseBulletin (the generated fast path for valid bulletins, zod for the rest,
// with the cross-field rules either way) versus an ajv validator compiled from the generated JSON
// Schema (structure only), on the same parsed JSON, in one run. Also zod alone (BulletinSchema),
// which refused bulletins go through.
// Build first: npx turbo run build --filter=@nguon/bulletin
import {
  BulletinSchema,
  bulletinJsonSchema,
  exampleFloodWarning,
  parseBulletin,
  safeParseBulletin,
} from '@nguon/bulletin';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ajv = new Ajv2020({ strict: true });
addFormats(ajv);
const validate = ajv.compile(bulletinJsonSchema('bulletin'));
// zod always lists every issue; ajv does so only with allErrors, which is the like-for-like baseline.
const ajvAll = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajvAll);
const validateAll = ajvAll.compile(bulletinJsonSchema('bulletin'));
// Every format also has zod's pattern beside it, so ajv without formats checks the same and is faster:
// the strictest baseline.
const validatePatterns = new Ajv2020({ strict: true, validateFormats: false }).compile(
  bulletinJsonSchema('bulletin'),
);

/**
 * Times `ours` and `baseline` in alternating rounds (the machine is shared, so load shifts during a
 * run) and returns the median ns per call of each and the median of the per-round ratios.
 */
function compare(ours, baseline, { rounds = 15, ms = 200 } = {}) {
  for (let i = 0; i < 3000; i++) {
    ours(i);
    baseline(i);
  }
  const batchFor = (fn) => {
    let batch = 500;
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

// Many distinct copies so that neither side benefits from validating one object over and over.
const valid = Array.from({ length: 64 }, (_, i) => ({
  ...JSON.parse(JSON.stringify(exampleFloodWarning)),
  version: i + 1,
}));
const invalid = valid.map((b) => ({ ...b, priority: 'urgent', createdAt: 'yesterday' }));

for (const b of valid)
  if (!validate(b) || !validatePatterns(b) || !safeParseBulletin(b).success)
    throw new Error('sample must be valid');
for (const b of invalid)
  if (validate(b) || safeParseBulletin(b).success) throw new Error('sample must be invalid');

const fmt = (ns) => (ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
function report(name, { ours, baseline, ratio }, target) {
  console.log(
    `${name}: ours ${fmt(ours)}/op, baseline ${fmt(baseline)}/op, ratio ${ratio.toFixed(2)}× (target ${target})`,
  );
}

report(
  'parseBulletin vs ajv (JSON Schema), valid flood warning vi + jra',
  compare(
    (i) => parseBulletin(valid[i & 63]),
    (i) => validate(valid[i & 63]),
  ),
  '≤ 2×',
);
report(
  'parseBulletin vs ajv without formats (patterns only), valid flood warning',
  compare(
    (i) => parseBulletin(valid[i & 63]),
    (i) => validatePatterns(valid[i & 63]),
  ),
  '≤ 2×',
);
report(
  'zod alone (BulletinSchema.safeParse) vs ajv, valid flood warning',
  compare(
    (i) => BulletinSchema.safeParse(valid[i & 63]),
    (i) => validate(valid[i & 63]),
  ),
  'none, informative (the path before the fast path)',
);
report(
  'parseBulletin vs ajv with allErrors, valid flood warning',
  compare(
    (i) => parseBulletin(valid[i & 63]),
    (i) => validateAll(valid[i & 63]),
  ),
  '≤ 2×',
);
report(
  'safeParseBulletin vs ajv with allErrors, invalid bulletin (2 problems)',
  compare(
    (i) => safeParseBulletin(invalid[i & 63]),
    (i) => validateAll(invalid[i & 63]),
  ),
  'none, informative',
);
report(
  'safeParseBulletin vs ajv, invalid bulletin (2 problems, all listed)',
  compare(
    (i) => safeParseBulletin(invalid[i & 63]),
    (i) => validate(invalid[i & 63]),
  ),
  'none; ajv stops at the first error',
);
