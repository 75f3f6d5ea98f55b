// Indicators at national size: validate + HTML report of a synthetic plan with 34 provinces, about
// 3,300 communes, 5 years and the 9 indicators of the Gia Lai plan (commune indicators recorded per
// commune as 0/1, totals per province and for the country).
// Baseline, same run: JSON.stringify + JSON.parse of the same dataset (the least work any tool that
// reads the plan must do). Target (DESIGN.md / task): validate + report ≤ 1 s.
// Run after `npx turbo run build --filter=@nguon/indicators`:  node bench/indicators.bench.mjs [provinces]
import { getDataset, parseDataset, progress, validateDataset } from '@nguon/indicators';
import { readDatasetXlsx, renderReport, writeDatasetXlsx } from '@nguon/indicators/node';

const PROVINCES = Number(process.argv[2] ?? 34);
const COMMUNES = 3321;
const YEARS = [2021, 2022, 2023, 2024, 2025];
const NATION = '00';

function buildNationalDataset() {
  const definitions = getDataset('gia-lai-2024').indicators;
  const communeScopes = new Set(['commune_level', 'wards_towns', 'communes_only']);
  const units = [{ code: NATION, name: 'Cả nước', printedName: 'Cả nước', level: 'province', parent: null }];
  const targets = [];
  const universes = [];
  const published = [];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const perProvince = Math.round(COMMUNES / 34);
  const nationCount = new Map();
  const nationUniverse = { commune_level: 0, wards_towns: 0, communes_only: 0 };
  for (let p = 0; p < PROVINCES; p++) {
    const code = String(p * 2 + 1).padStart(2, '0');
    units.push({
      code,
      name: `Tỉnh ${code}`,
      printedName: `Tỉnh ${code}`,
      level: 'province',
      parent: NATION,
    });
    const communes = [];
    for (let c = 0; c < perProvince; c++) {
      const cc = `${code}${String(c).padStart(3, '0')}`;
      const ward = c < Math.round(perProvince * 0.15);
      communes.push({ code: cc, ward });
      units.push({
        code: cc,
        name: `${ward ? 'Phường' : 'Xã'} ${cc}`,
        printedName: cc,
        level: 'commune',
        parent: code,
      });
    }
    const wards = communes.filter((c) => c.ward).length;
    const sizes = {
      commune_level: communes.length,
      wards_towns: wards,
      communes_only: communes.length - wards,
    };
    for (const [scope, value] of Object.entries(sizes)) {
      universes.push({ scope, unitCode: code, value, ref: `II.${scope}.${code}`, printed: String(value) });
      nationUniverse[scope] += value;
    }
    for (const def of definitions) {
      const inScope = (c) =>
        def.counts === 'commune_level' || (def.counts === 'wards_towns' ? c.ward : !c.ward);
      for (const year of YEARS) {
        let sum = 0;
        if (communeScopes.has(def.counts)) {
          const share = 0.3 + 0.15 * (year - 2021);
          for (const c of communes) {
            if (!inScope(c)) continue;
            // One draw per commune: once a commune has something it keeps it (no decreasing target), and
            // a commune with an ICT radio also has a radio (the ICT rate's denominator).
            c.draw ??= random();
            const value = c.draw < share ? 1 : 0;
            sum += value;
            targets.push({ indicator: def.id, unitCode: c.code, year, value, basis: 'printed' });
          }
        } else {
          sum = def.counts === 'province' ? (year >= 2024 ? 1 : 0) : year >= 2023 ? 1 : 0;
        }
        targets.push({ indicator: def.id, unitCode: code, year, value: sum, basis: 'printed' });
        const key = `${def.id}|${year}`;
        nationCount.set(key, (nationCount.get(key) ?? 0) + sum);
      }
    }
  }
  for (const [scope, value] of Object.entries(nationUniverse)) {
    universes.push({ scope, unitCode: NATION, value, ref: `II.${scope}`, printed: String(value) });
  }
  for (const def of definitions) {
    for (const year of YEARS) {
      const value = nationCount.get(`${def.id}|${year}`) ?? 0;
      targets.push({ indicator: def.id, unitCode: NATION, year, value, basis: 'printed' });
      published.push({
        table: 'II',
        ref: `II.${def.id}`,
        indicator: def.id,
        unitCode: NATION,
        year,
        count: value,
        rate: null,
        printed: String(value),
      });
    }
  }
  return parseDataset({
    id: 'synthetic-national',
    title: { vi: 'SYNTHETIC — kế hoạch toàn quốc', en: 'SYNTHETIC — national plan' },
    issuer: { vi: 'SYNTHETIC', en: 'SYNTHETIC' },
    document: { number: 'SYNTHETIC', date: '2024-05-06' },
    province: NATION,
    unitSnapshot: '2025-07-01',
    years: YEARS,
    units,
    indicators: definitions,
    targets,
    published,
    universes,
  });
}

function time(fn, runs) {
  fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const t0 = performance.now();
const dataset = buildNationalDataset();
const built = performance.now() - t0;
const communes = dataset.units.filter((u) => u.level === 'commune').length;
console.log(
  `dataset: ${PROVINCES} provinces, ${communes} communes, ${YEARS.length} years, ${dataset.indicators.length} indicators, ${dataset.targets.length} targets (built and parsed in ${built.toFixed(0)} ms)`,
);

const baseline = time(() => JSON.parse(JSON.stringify(dataset)), 5);
let findings = [];
let htmlLength = 0;
const validateMs = time(() => {
  findings = validateDataset(dataset);
}, 1);
const reportMs = time(() => {
  htmlLength = renderReport(dataset, { findings, generatedAt: new Date(0) }).length;
}, 1);
const ours = validateMs + reportMs;
console.log(
  `  validate ${validateMs.toFixed(0)} ms (${findings.length} findings), report ${reportMs.toFixed(0)} ms (${Math.round(htmlLength / 1024)} KB)`,
);
console.log(
  `indicators validate+report (national): ours ${ours.toFixed(0)} ms, baseline ${baseline.toFixed(1)} ms (JSON.stringify+parse of the same dataset), ratio ${(ours / baseline).toFixed(1)}× (target: ours ≤ 1000 ms)`,
);

// Not part of the target: progress of one year's commune actuals (every commune reports) against the plan.
const actuals = dataset.targets
  .filter((t) => t.year === 2024 && t.unitCode.length === 5)
  .map((t) => ({ indicator: t.indicator, unitCode: t.unitCode, year: t.year, value: t.value }));
let rows = 0;
const progressMs = time(() => {
  rows = progress(dataset, actuals, 2024, { registry: null }).length;
}, 3);
console.log(`  progress 2024 ${progressMs.toFixed(0)} ms (${actuals.length} commune actuals, ${rows} rows)`);

// Not part of the target: the Excel round trip of the same plan, for the record.
const x0 = performance.now();
const workbook = await writeDatasetXlsx(dataset);
const x1 = performance.now();
const back = await readDatasetXlsx(workbook);
const x2 = performance.now();
console.log(
  `  xlsx write ${(x1 - x0).toFixed(0)} ms (${Math.round(workbook.length / 1024)} KB), read ${(x2 - x1).toFixed(0)} ms (${back.targets.length} targets back)`,
);
