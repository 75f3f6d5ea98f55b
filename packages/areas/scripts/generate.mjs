// Builds the package's own versioned dataset (src/data/units.json) from the shared source files:
// four snapshots of Vietnam's administrative units and the 2025-07-01 merge mapping.
// Usage: npm run generate -w @nguon/areas [-- <directory with the source files>]
// The facts come from thanglequoc/vietnamese-provinces-database and dvhcvn/20250701 (both MIT);
// see the package README and NOTICE.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const sourceDir = resolve(process.argv[2] ?? join(here, '..', '..', '..', '..', 'shared', 'data', 'areas'));
const outFile = join(here, '..', 'src', 'data', 'generated', 'units.ts');

const SNAPSHOTS = ['2024-09-01', '2025-03-01', '2025-07-01', '2026-04-30'];
const REFORM = SNAPSHOTS.indexOf('2025-07-01');

// Order matters: it is the numeric type id stored in the data and read by src/unit-types.ts.
const TYPES = [
  ['province', 'Tỉnh', 'Province'],
  ['municipality', 'Thành phố', 'City'],
  ['district', 'Huyện', 'District'],
  ['urban-district', 'Quận', 'District'],
  ['town', 'Thị xã', 'Town'],
  ['city', 'Thành phố', 'City'],
  ['commune', 'Xã', 'Commune'],
  ['ward', 'Phường', 'Ward'],
  ['township', 'Thị trấn', 'Township'],
  ['special-zone', 'Đặc khu', 'Special administrative region'],
];
const TYPES_BY_LEVEL = { province: [0, 1], district: [2, 3, 4, 5], commune: [6, 7, 8, 9] };
const LINK_TYPES = ['same', 'full', 'partial'];

const log = [];
const note = (message) => log.push(message);

function read(file) {
  return JSON.parse(readFileSync(join(sourceDir, file), 'utf8'));
}

/** Splits "Huyện Đăk Đoa" into its type id and short name; fixes a lower-case type word. */
function classify(fullName, level, where) {
  const name = fullName.normalize('NFC').trim();
  for (const id of TYPES_BY_LEVEL[level]) {
    const word = TYPES[id][1];
    if (name.toLowerCase().startsWith(`${word.toLowerCase()} `)) {
      const shortName = name.slice(word.length + 1).trim();
      const fixed = `${word} ${shortName}`;
      if (fixed !== name) note(`${where}: spelling "${name}" written as "${fixed}"`);
      return { type: id, name: fixed, shortName };
    }
  }
  throw new Error(`${where}: cannot tell the unit type of "${fullName}" at level ${level}`);
}

const TONES = /[\u0300\u0301\u0303\u0309\u0323]/g;
/** Key that ignores letter case and where the tone mark sits (hoà = hòa, thuý = thúy). */
function spellingKey(name) {
  return name
    .normalize('NFD')
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(TONES, '') + (word.match(TONES) ?? []).join(''))
    .join(' ')
    .normalize('NFC');
}

function fold(text) {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

function englishName(type, shortName) {
  const word = TYPES[type][2];
  const plain = fold(shortName);
  return /^\d/.test(plain) ? `${word} ${plain}` : `${plain} ${word}`;
}

function loadSnapshot(date) {
  const units = new Map();
  const add = (raw, level, parent) => {
    const where = `vn-units-${date}.json ${level} ${raw.Code}`;
    const { type, name } = classify(raw.FullName, level, where);
    const nameEn = raw.FullNameEn ?? englishName(type, raw.Name);
    units.set(raw.Code, { code: raw.Code, level, type, name, parent, nameEn });
  };
  for (const province of read(`vn-units-${date}.json`)) {
    add(province, 'province', null);
    for (const district of province.District ?? []) {
      add(district, 'district', province.Code);
      for (const ward of district.Ward ?? []) add(ward, 'commune', district.Code);
    }
    for (const ward of province.Wards ?? []) add(ward, 'commune', province.Code);
  }
  return units;
}

const snapshots = SNAPSHOTS.map(loadSnapshot);

// Versions: a code keeps one version while its level, parent and spelling key stay the same.
const versions = [];
const codes = [...new Set(snapshots.flatMap((s) => [...s.keys()]))].sort(
  (a, b) => a.length - b.length || a.localeCompare(b),
);
for (const code of codes) {
  let open = null;
  snapshots.forEach((snapshot, index) => {
    const unit = snapshot.get(code);
    const same =
      open &&
      unit &&
      unit.level === open.level &&
      unit.parent === open.parent &&
      unit.type === open.type &&
      spellingKey(unit.name) === spellingKey(open.name);
    if (same) {
      if (unit.name !== open.name)
        note(`${code}: spelling "${open.name}" → "${unit.name}" kept in one version`);
      Object.assign(open, { name: unit.name, nameEn: unit.nameEn });
      return;
    }
    if (open) {
      open.to = index;
      open = null;
    }
    if (unit) {
      open = { ...unit, from: index, to: -1 };
      versions.push(open);
    }
  });
}
const versionsOf = new Map();
for (const [index, version] of versions.entries()) {
  version.index = index;
  const list = versionsOf.get(version.code) ?? [];
  list.push(version);
  versionsOf.set(version.code, list);
}
const versionAt = (code, snapshotIndex) =>
  versionsOf.get(code)?.find((v) => v.from <= snapshotIndex && (v.to === -1 || snapshotIndex < v.to));

/** Province code of a version, read in the last snapshot the version is in. */
const provinceOf = (version) => {
  const snapshot = version.to === -1 ? SNAPSHOTS.length - 1 : version.to - 1;
  let unit = version;
  while (unit && unit.level !== 'province') unit = versionAt(unit.parent, snapshot);
  return unit?.code;
};

// Links between commune versions.
const links = [];
// 1. The same code continuing across a snapshot boundary other than the 2025 reform.
for (const list of versionsOf.values()) {
  for (let i = 1; i < list.length; i++) {
    const before = list[i - 1];
    const after = list[i];
    if (before.level !== 'commune' || after.level !== 'commune') continue; // higher levels map via communes
    if (before.to !== after.from || after.from === REFORM) continue;
    links.push([before.index, after.index, 0]);
  }
}
// 2. The 2025-07-01 mapping (merges.json: new ← old, full or partial).
const merges = read('vn-2025-07-01-merges.json').data;
const mappedNew = new Set(merges.flatMap((p) => p.level2s.map((l) => l.level2_id)));
const reform = snapshots[REFORM];
const spellingFold = (name) => fold(spellingKey(name));
let mappingLinks = 0;
for (const province of merges) {
  const oldProvinces = new Set(province.merges.map((m) => m.old_id));
  for (const entry of province.level2s) {
    let target = reform.get(entry.level2_id);
    if (!target) {
      const candidates = [...reform.values()].filter(
        (u) =>
          u.level === 'commune' &&
          u.parent === province.level1_id &&
          !mappedNew.has(u.code) &&
          spellingFold(u.name) === spellingFold(entry.name),
      );
      if (candidates.length !== 1) throw new Error(`merges.json: new unit ${entry.level2_id} not found`);
      target = candidates[0];
      note(`merges.json: new unit ${entry.level2_id} "${entry.name}" is ${target.code} in the snapshot`);
    }
    const targetVersion = versionAt(target.code, REFORM);
    for (const old of entry.merges) {
      // Island districts without communes (Bạch Long Vĩ, Côn Đảo, …) map straight to a special zone.
      const list = (versionsOf.get(old.old_id) ?? []).filter((v) => v.level !== 'province' && v.to !== -1);
      let source = list.find((v) => v.to === REFORM) ?? list.at(-1);
      if (!source) {
        note(`merges.json: old unit ${old.old_id} "${old.name}" is in no snapshot; link skipped`);
        continue;
      }
      // An old commune must come from one of the old provinces the new province was formed from;
      // otherwise the code is wrong, and the unit of that name in those provinces is meant.
      if (source.level === 'commune' && !oldProvinces.has(provinceOf(source))) {
        const candidates = versions.filter(
          (v) =>
            v.level === 'commune' &&
            v.to === REFORM &&
            oldProvinces.has(provinceOf(v)) &&
            spellingFold(v.name) === spellingFold(old.name),
        );
        if (candidates.length !== 1) {
          note(
            `merges.json: old unit ${old.old_id} "${old.name}" lies outside province ${province.level1_id}; link skipped`,
          );
          continue;
        }
        note(
          `merges.json: old unit ${old.old_id} "${old.name}" lies outside province ${province.level1_id}; ` +
            `taken as ${candidates[0].code} "${candidates[0].name}" of province ${provinceOf(candidates[0])}`,
        );
        source = candidates[0];
      }
      if (source.to !== REFORM) {
        note(
          `merges.json: old unit ${old.old_id} "${old.name}" left the snapshots on ${SNAPSHOTS[source.to]}; linked to ${target.code} as the mapping says`,
        );
      }
      links.push([source.index, targetVersion.index, LINK_TYPES.indexOf(old.type)]);
      mappingLinks++;
    }
  }
}
// A new unit whose only predecessor is the whole of one unit with the same code is that unit continued.
const incoming = new Map();
for (const link of links) incoming.set(link[1], [...(incoming.get(link[1]) ?? []), link]);
for (const list of incoming.values()) {
  const [only] = list;
  if (list.length === 1 && only[2] === 1 && versions[only[0]].code === versions[only[1]].code) only[2] = 0;
}
links.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

// Cross-check: the provinces that the communes of each new province came from should be the ones
// merges.json lists for that province (level 1).
let provinceMismatches = 0;
for (const province of merges) {
  const listed = new Set(province.merges.map((m) => m.old_id));
  const found = new Set(
    links
      .filter(([, to]) => versions[to].parent === province.level1_id && versions[to].from === REFORM)
      .map(([from]) => provinceOf(versions[from])),
  );
  const same = listed.size === found.size && [...listed].every((code) => found.has(code));
  if (!same) {
    provinceMismatches++;
    note(
      `merges.json: province ${province.level1_id} lists ${[...listed]} but its communes came from ${[...found]}`,
    );
  }
}
note(
  `province check: ${merges.length - provinceMismatches} of ${merges.length} new provinces agree with their communes`,
);

// Cross-check with splits.json (old → new) without using it as a source of links.
const splits = read('vn-2025-07-01-splits.json').data;
const linkSet = new Set(links.map(([a, b]) => `${versions[a].code}>${versions[b].code}`));
let splitPairs = 0;
let splitMissing = 0;
for (const province of splits) {
  for (const entry of province.level3s) {
    for (const split of entry.splits) {
      splitPairs++;
      if (!linkSet.has(`${entry.level3_id}>${split.new_id}`)) splitMissing++;
    }
  }
}
note(`splits.json: ${splitPairs} old→new pairs, ${splitMissing} not also in merges.json (by code)`);

const withSuccessor = new Set(links.map((l) => l[0]));
const unmapped = versions.filter((v) => v.level === 'commune' && v.to !== -1 && !withSuccessor.has(v.index));
note(`unmapped commune versions (ended without a known successor): ${unmapped.length}`);

const nameEnOverride = {};
for (const v of versions) {
  const derived = englishName(v.type, v.name.slice(TYPES[v.type][1].length + 1));
  if (derived !== v.nameEn) nameEnOverride[v.index] = v.nameEn;
}

const data = {
  snapshots: SNAPSHOTS,
  code: versions.map((v) => v.code),
  name: versions.map((v) => v.name.slice(TYPES[v.type][1].length + 1)),
  type: versions.map((v) => v.type),
  parent: versions.map((v) => v.parent ?? ''),
  from: versions.map((v) => v.from),
  to: versions.map((v) => v.to),
  nameEn: nameEnOverride,
  links: links.flat(),
};
// A JSON string parsed at load time: V8 parses JSON text several times faster than the same data
// written as a JavaScript object literal.
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  '// Generated by scripts/generate.mjs from the sources credited in NOTICE. Do not edit.\n' +
    '/** The unit data as JSON text (columnar; read by registry.ts). */\n' +
    `export const UNIT_DATA_JSON: string = '${JSON.stringify(data).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}';\n`,
);
const spelling = log.filter((line) => line.includes('kept in one version'));
for (const line of log) if (!spelling.includes(line)) console.log(line);
console.log(
  `${spelling.length} codes changed only the spelling of their name (tone placement, case): one version each`,
);
console.log(
  `${versions.length} versions of ${codes.length} codes, ${links.length} links (${mappingLinks} from the 2025 mapping), ` +
    `${Object.keys(nameEnOverride).length} English names kept as given → ${outFile.slice(outFile.indexOf('src'))}`,
);
