#!/usr/bin/env node
// Transcribes the appendix (PHỤ LỤC) of Gia Lai plan 1055/KH-UBND (06/5/2024) into
// src/datasets/gia-lai-2024.json.
//
// Usage (from packages/indicators):
//   npx tsx --conditions=@nguon/source scripts/transcribe.mjs <plan-text-file> [--out <file>] [--areas <module>]
//
// The input is the plan as plain text with tab-separated table rows. District names are matched
// to GSO codes through @nguon/areas name search at the plan's unit snapshot; the script stops
// with an error when a name does not match exactly one district of province 64.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROVINCE = '64';
const SNAPSHOT = '2024-09-01';
const YEARS = [2021, 2022, 2023, 2024, 2025];
const SOURCE = '1055/KH-UBND';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const here = dirname(fileURLToPath(import.meta.url));
const out = option('--out') ?? resolve(here, '../src/datasets/gia-lai-2024.json');
const areasModule = option('--areas') ?? '@nguon/areas';
const input = args[0];
if (input === undefined) {
  console.error('usage: transcribe.mjs <plan-text-file> [--out <file>] [--areas <module>]');
  process.exit(2);
}

class TranscribeError extends Error {}
process.on('uncaughtException', (error) => {
  if (!(error instanceof TranscribeError)) throw error;
  console.error(`transcribe: ${error.message}`);
  process.exit(1);
});
const fail = (line, message) => {
  throw new TranscribeError(`${input}:${line}: ${message}`);
};

// Indicator definitions. Denominators follow the printed rates: the IP-conversion rate (I.1.2) is
// printed as converted stations ÷ stations (19/187 = 10%, 104/203 = 51,2%), not ÷ 220 units.
const indicators = [
  {
    id: 'commune_radio',
    refs: ['I.1.1', 'II.I.1'],
    name: {
      vi: 'Xã, phường, thị trấn có hệ thống truyền thanh hoạt động đến thôn, làng, tổ dân phố, khu dân cư',
      en: 'Commune-level units with a radio system reaching villages and residential groups',
    },
    counts: 'commune_level',
    counted: 'units',
    kind: 'rate',
    denominator: { universe: 'commune_level' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'commune_radio_ict',
    refs: ['I.1.2', 'II.I.2'],
    name: {
      vi: 'Đơn vị chuyển đổi đài truyền thanh có dây/không dây FM sang truyền thanh ứng dụng công nghệ thông tin - viễn thông',
      en: 'Commune-level radio stations converted from wired/FM to IP (ICT-based) radio',
    },
    description: {
      vi: 'Tỷ lệ tính trên số đơn vị có hệ thống truyền thanh (chỉ tiêu commune_radio), như các tỷ lệ in trong Phụ lục.',
      en: 'The rate is taken over the units that have a radio system (indicator commune_radio), as the printed rates are.',
    },
    counts: 'commune_level',
    counted: 'units',
    kind: 'rate',
    denominator: { indicator: 'commune_radio' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'ward_website',
    refs: ['I.1.3'],
    name: {
      vi: 'Phường, thị trấn có trang thông tin điện tử tại UBND cấp xã',
      en: 'Wards and towns whose People’s Committee has a website',
    },
    counts: 'wards_towns',
    counted: 'units',
    kind: 'rate',
    denominator: { universe: 'wards_towns' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'commune_website',
    refs: ['I.1.4'],
    name: {
      vi: 'Xã có trang thông tin điện tử tại UBND cấp xã',
      en: 'Communes whose People’s Committee has a website',
    },
    counts: 'communes_only',
    counted: 'units',
    kind: 'rate',
    denominator: { universe: 'communes_only' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'ward_board',
    refs: ['I.1.5', 'II.I.3'],
    name: {
      vi: 'Phường, thị trấn có bảng tin điện tử công cộng',
      en: 'Wards and towns with a public electronic board',
    },
    counts: 'wards_towns',
    counted: 'units',
    kind: 'rate',
    denominator: { universe: 'wards_towns' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'commune_board',
    refs: ['I.1.6', 'II.I.4'],
    name: { vi: 'Xã có bảng tin điện tử công cộng', en: 'Communes with a public electronic board' },
    counts: 'communes_only',
    counted: 'units',
    kind: 'rate',
    denominator: { universe: 'communes_only' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'district_media_center',
    refs: ['I.2.1'],
    name: {
      vi: 'Huyện, thị xã, thành phố có cơ sở truyền thông cấp huyện',
      en: 'Districts with a district-level media centre',
    },
    counts: 'district',
    counted: 'units',
    kind: 'rate',
    denominator: { universe: 'district' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'district_large_board',
    refs: ['I.2.2', 'II.II'],
    name: {
      vi: 'Bảng tin điện tử công cộng cỡ lớn (màn hình LED, LCD) của cấp huyện kết nối với Hệ thống thông tin nguồn cấp tỉnh',
      en: 'Large public electronic boards (LED/LCD) of districts connected to the provincial source system',
    },
    description: {
      vi: 'Bảng II.II đếm số bảng tin (một huyện có thể có nhiều bảng); tỷ lệ ở mục I.2.2 được in như số bảng ÷ 17 huyện.',
      en: 'Table II.II counts boards (a district may have several); the I.2.2 rates are printed as boards ÷ 17 districts.',
    },
    counts: 'district',
    counted: 'items',
    kind: 'rate',
    denominator: { universe: 'district' },
    decimals: 1,
    rounding: 'half_up',
    source: SOURCE,
  },
  {
    id: 'province_source_system',
    refs: ['I.3'],
    name: {
      vi: 'Có Hệ thống thông tin nguồn để cung cấp thông tin thiết yếu và quản lý, giám sát, đánh giá hiệu quả hoạt động thông tin cơ sở trên địa bàn tỉnh',
      en: 'The province has a source information system for essential information and for managing, monitoring and evaluating grassroots information',
    },
    counts: 'province',
    counted: 'units',
    kind: 'boolean',
    decimals: 0,
    rounding: 'half_up',
    source: SOURCE,
  },
];

const TABLE_I_ROWS = {
  1.1: 'commune_radio',
  1.2: 'commune_radio_ict',
  1.3: 'ward_website',
  1.4: 'commune_website',
  1.5: 'ward_board',
  1.6: 'commune_board',
  2.1: 'district_media_center',
  2.2: 'district_large_board',
};
const TABLE_II_SECTIONS = {
  1: { indicator: 'commune_radio', scope: 'commune_level' },
  2: { indicator: 'commune_radio_ict', scope: 'commune_level' },
  3: { indicator: 'ward_board', scope: 'wards_towns' },
  4: { indicator: 'commune_board', scope: 'communes_only' },
};

/** Parses one cell: "", "-", "12", "92,3%", "203 (92,3%)". */
function parseCell(text, line) {
  const t = text.replace(/<\/?i>/g, '').trim();
  if (t === '' || t === '-') return { count: null, rate: null, printed: t };
  let m = /^(\d+)$/.exec(t);
  if (m) return { count: Number(m[1]), rate: null, printed: t };
  m = /^(\d+(?:,\d+)?)%$/.exec(t);
  if (m) return { count: null, rate: Number(m[1].replace(',', '.')), printed: t };
  m = /^(\d+) \((\d+(?:,\d+)?)%\)$/.exec(t);
  if (m) return { count: Number(m[1]), rate: Number(m[2].replace(',', '.')), printed: t };
  return fail(line, `expected a cell like "12", "92,3%", "203 (92,3%)", "-" or blank, found "${t}"`);
}

const text = readFileSync(input, 'utf8');
const lines = text.split(/\r?\n/);
const start = lines.findIndex((l) => l.trim() === 'PHỤ LỤC');
if (start === -1) fail(1, 'expected a line "PHỤ LỤC" (the appendix), found none');
if (!lines.slice(start, start + 6).some((l) => l.includes('1055') && l.includes('06 /5/2024'))) {
  fail(start + 1, 'expected the appendix of plan 1055/KH-UBND of 06/5/2024');
}

const areas = await import(areasModule);
const registry = await areas.loadUnits();
const province = registry.get(PROVINCE, SNAPSHOT);
if (!province) fail(0, `unit registry has no province ${PROVINCE} at ${SNAPSHOT}`);
const districtsAtSnapshot = registry.unitsAt(SNAPSHOT, { level: 'district', parent: PROVINCE });

const units = new Map();
units.set(PROVINCE, {
  code: PROVINCE,
  name: province.name,
  printedName: 'tỉnh Gia Lai',
  level: 'province',
  parent: null,
});
function matchDistrict(printedName, line) {
  const name = printedName.replace(/<\/?i>/g, '').trim();
  const hits = registry.search(name, { at: SNAPSHOT, level: 'district', within: PROVINCE, limit: 3 });
  const exact = hits.filter((h) => h.exact);
  const chosen = exact.length === 1 ? exact[0] : hits.length === 1 ? hits[0] : undefined;
  if (!chosen) {
    const found = hits.map((h) => `${h.unit.code} ${h.unit.name} (${h.score})`).join('; ') || 'no match';
    fail(
      line,
      `expected "${name}" to match exactly one district of province ${PROVINCE} at ${SNAPSHOT}, found ${found}`,
    );
  }
  const unit = chosen.unit;
  const known = units.get(unit.code);
  if (known && known.printedName !== name) {
    fail(line, `"${name}" and "${known.printedName}" both matched ${unit.code} ${unit.name}`);
  }
  units.set(unit.code, {
    code: unit.code,
    name: unit.name,
    printedName: name,
    level: 'district',
    parent: PROVINCE,
  });
  return unit.code;
}

const published = [];
const universes = [];
const countTargets = new Map(); // `${indicator}|${unit}|${year}` -> count or null

function cells(row, line, from) {
  const c = row.slice(from, from + YEARS.length);
  while (c.length < YEARS.length) c.push('');
  if (row.slice(from + YEARS.length).some((x) => x.trim() !== '')) {
    fail(line, `expected ${YEARS.length} year columns, found more`);
  }
  return c.map((x) => parseCell(x, line));
}

function record(table, ref, indicator, unitCode, parsed, { target = true } = {}) {
  parsed.forEach((cell, i) => {
    const year = YEARS[i];
    published.push({
      table,
      ref,
      indicator,
      unitCode,
      year,
      count: cell.count,
      rate: cell.rate,
      printed: cell.printed,
    });
    if (target) countTargets.set(`${indicator}|${unitCode}|${year}`, cell.count);
  });
}

// Table I: strategic targets per year (rates for the province).
let i = start;
const tableI = lines.findIndex((l, n) => n > start && l.startsWith('I. CHỈ TIÊU CHIẾN LƯỢC THEO NĂM'));
const tableII = lines.findIndex(
  (l, n) => n > start && l.startsWith('II. CHỈ TIÊU CỤ THỂ PHÂN THEO ĐỊA PHƯƠNG'),
);
if (tableI === -1 || tableII === -1)
  fail(start + 1, 'expected the headings of tables I and II in the appendix');
const tableIRates = new Map(); // indicator -> parsed cells
for (i = tableI + 1; i < tableII; i++) {
  const row = lines[i].split('\t');
  const no = row[0]?.trim() ?? '';
  if (lines[i].trim() === '' || no === 'Số TT') continue;
  if (/^[123]$/.test(no)) continue; // level headings: Cấp xã / Cấp huyện / Cấp tỉnh
  if (no === '' && row[1]?.startsWith('Có Hệ thống thông tin nguồn')) {
    const parsed = cells(row, i + 1, 2);
    record('I', 'I.3', 'province_source_system', PROVINCE, parsed, { target: false });
    tableIRates.set('province_source_system', parsed);
    continue;
  }
  const id = TABLE_I_ROWS[no];
  if (!id) fail(i + 1, `expected a row number among ${Object.keys(TABLE_I_ROWS).join(', ')}, found "${no}"`);
  const parsed = cells(row, i + 1, 2);
  record('I', `I.${no}`, id, PROVINCE, parsed, { target: false });
  tableIRates.set(id, parsed);
}

// Table II: targets per district; section I (commune level) has a universe column, II does not.
let section = null; // 'I' | 'II'
let current = null; // { indicator, scope, ref }
for (i = tableII + 1; i < lines.length; i++) {
  const raw = lines[i];
  if (raw.trim() === '') continue;
  const row = raw.split('\t');
  const no = row[0]?.trim() ?? '';
  if (no === 'Số TT') continue;
  if (no === 'I' && row[1]?.trim() === 'Cấp xã') {
    section = 'I';
    continue;
  }
  if (no === 'II' && row[1]?.trim() === 'Cấp huyện') {
    section = 'II';
    continue;
  }
  const line = i + 1;
  if (section === 'I') {
    if (/^\d+$/.test(no)) {
      const sec = TABLE_II_SECTIONS[no];
      if (!sec) fail(line, `expected section row 1–4, found "${no}"`);
      const m = /:\s*(\d+)\s*$/.exec(row[2] ?? '');
      if (!m) fail(line, `expected a universe like "Số xã: 182", found "${row[2] ?? ''}"`);
      current = { ...sec, ref: `II.I.${no}` };
      universes.push({
        scope: sec.scope,
        unitCode: PROVINCE,
        value: Number(m[1]),
        ref: current.ref,
        printed: row[2].trim(),
      });
      record('II', current.ref, sec.indicator, PROVINCE, cells(row, line, 3));
      continue;
    }
    const m = /^(\d+)\.(\d+)$/.exec(no);
    if (!m || current === null || `II.I.${m[1]}` !== current.ref) {
      fail(line, `expected a district row under ${current?.ref ?? 'a section row'}, found "${no}"`);
    }
    const code = matchDistrict(row[1] ?? '', line);
    const u = (row[2] ?? '').trim();
    if (!/^\d+$/.test(u)) fail(line, `expected the number of units as an integer, found "${u}"`);
    universes.push({
      scope: current.scope,
      unitCode: code,
      value: Number(u),
      ref: `${current.ref}.${m[2]}`,
      printed: u,
    });
    record('II', `${current.ref}.${m[2]}`, current.indicator, code, cells(row, line, 3));
    continue;
  }
  if (section === 'II') {
    if (no === '' && (row[1] ?? '').startsWith('Số bảng tin điện tử công cộng cỡ lớn')) {
      record('II', 'II.II', 'district_large_board', PROVINCE, cells(row, line, 2));
      continue;
    }
    if (/^\d+$/.test(no)) {
      const code = matchDistrict(row[1] ?? '', line);
      record('II', `II.II.${no}`, 'district_large_board', code, cells(row, line, 2));
      continue;
    }
    fail(line, `expected a district row of section II, found "${raw.slice(0, 60)}"`);
  }
  if (section === null) fail(line, `expected section "I  Cấp xã" before "${raw.slice(0, 60)}"`);
}

const districtCodes = [...units.values()].filter((u) => u.level === 'district').map((u) => u.code);
if (districtCodes.length !== 17) fail(0, `expected 17 districts in table II, found ${districtCodes.length}`);
if (districtsAtSnapshot.length !== districtCodes.length) {
  console.warn(
    `note: the registry has ${districtsAtSnapshot.length} districts in ${PROVINCE} at ${SNAPSHOT}, the plan lists ${districtCodes.length}`,
  );
}
// The plan prints no universe for districts; its rates (5 → 29,41%) imply 17. Count them at the snapshot.
universes.push({
  scope: 'district',
  unitCode: PROVINCE,
  value: districtsAtSnapshot.length,
  ref: 'I.2',
  printed: '',
  basis: 'snapshot',
});

// Targets: one per (indicator, unit, year). Counts as printed in table II. Where the plan prints
// only a rate (I.1.3, I.1.4, I.2.1), the province target is rate × universe when that is a whole
// number. The source-system row is a yes/no target: "100%" → 1.
const universeOf = (scope) => universes.find((u) => u.scope === scope && u.unitCode === PROVINCE)?.value;
const targets = [];
const unitOrder = [PROVINCE, ...districtCodes];
for (const def of indicators) {
  for (const unitCode of unitOrder) {
    for (const [y, year] of YEARS.entries()) {
      const key = `${def.id}|${unitCode}|${year}`;
      if (countTargets.has(key)) {
        targets.push({ indicator: def.id, unitCode, year, value: countTargets.get(key), basis: 'printed' });
        continue;
      }
      if (unitCode !== PROVINCE) continue;
      const rate = tableIRates.get(def.id)?.[y]?.rate ?? null;
      if (def.kind === 'boolean') {
        targets.push({
          indicator: def.id,
          unitCode,
          year,
          value: rate === null ? null : rate >= 100 ? 1 : 0,
          basis: 'derived',
        });
        continue;
      }
      const universe = universeOf(def.counts);
      const derived = rate === null || universe === undefined ? null : (rate * universe) / 100;
      const whole = derived !== null && Math.abs(derived - Math.round(derived)) < 1e-9;
      targets.push({
        indicator: def.id,
        unitCode,
        year,
        value: whole ? Math.round(derived) : null,
        basis: 'derived',
        ...(derived !== null && !whole
          ? { note: `printed ${rate}% of ${universe} is not a whole number of units` }
          : {}),
      });
    }
  }
}

const dataset = {
  id: 'gia-lai-2024',
  title: {
    vi: 'Chỉ tiêu chiến lược theo năm và phân cụ thể địa phương về Thông tin cơ sở năm 2024 và giai đoạn 2021-2025 trên địa bàn tỉnh Gia Lai',
    en: 'Grassroots information targets by year and by district, 2024 and 2021–2025, Gia Lai province',
  },
  issuer: { vi: 'Ủy ban nhân dân tỉnh Gia Lai', en: 'People’s Committee of Gia Lai province' },
  document: {
    number: SOURCE,
    date: '2024-05-06',
    title: {
      vi: 'Kế hoạch Thông tin cơ sở năm 2024 triển khai Chiến lược phát triển lĩnh vực thông tin cơ sở giai đoạn 2021-2025 trên địa bàn tỉnh Gia Lai',
      en: 'Grassroots information plan 2024 implementing the 2021–2025 grassroots information strategy in Gia Lai province',
    },
  },
  province: PROVINCE,
  unitSnapshot: SNAPSHOT,
  years: YEARS,
  units: [...units.values()],
  indicators,
  targets,
  published,
  universes,
  sources: [
    {
      title: 'Kế hoạch số 1055/KH-UBND ngày 06/5/2024 của UBND tỉnh Gia Lai, Phụ lục (bảng I và II)',
      publisher: 'Ủy ban nhân dân tỉnh Gia Lai',
    },
  ],
  notes: [
    'The plan counts units "hiện nay" (at issue): 220 commune-level units, 38 wards and towns, 182 communes, 17 districts. Unit codes are those valid on 2024-09-01.',
    'Blank and "-" cells are missing (null), never 0.',
    'Rates are not stored: targets hold counts; rates are recomputed from the indicator definitions. The printed figures are kept in "published".',
  ],
};

writeFileSync(out, `${JSON.stringify(dataset, null, 2)}\n`);
console.log(
  `wrote ${out}: ${indicators.length} indicators, ${targets.length} targets, ${published.length} printed figures, ${universes.length} universes, ${units.size} units`,
);
