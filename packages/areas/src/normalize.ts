import type { UnitType } from './unit-types';

const APOSTROPHES = /['’‘`ʼ´]/g;
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * Key for matching Vietnamese place names however they were typed: lower case, no diacritics
 * (`đ` → `d`), apostrophes dropped (`K'Bang` → `kbang`), any run of other punctuation or spaces
 * turned into one space (`Ia-Grai` → `ia grai`, `TP.Pleiku` → `tp pleiku`). NFC and NFD input give
 * the same key. It never throws and applying it twice changes nothing.
 *
 * @example
 * ```ts
 * normalizeName('Huyện Đắk Đoa'); // 'huyen dak doa'
 * normalizeName("K'Bang");         // 'kbang'
 * ```
 */
export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(APOSTROPHES, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Like `normalizeName` but keeps the diacritics, with each word's tone mark moved to its end, so
 * that old and new tone placement agree (`hoà` = `hòa`, `thuý` = `thúy`). Used to rank a match typed
 * with the right accents above one that only agrees without them.
 */
export function spellingKey(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(APOSTROPHES, '')
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim()
    .split(' ')
    .map((word) => word.replace(TONE_MARKS, '') + (word.match(TONE_MARKS) ?? []).join(''))
    .join(' ');
}

/** Type words people put in front of a name, as normalised text, longest first. */
const TYPE_PREFIXES: readonly [string, readonly UnitType[]][] = [
  ['thanh pho', ['municipality', 'city']],
  ['thi tran', ['township']],
  ['dac khu', ['special-zone']],
  ['thi xa', ['town']],
  ['phuong', ['ward']],
  ['huyen', ['district']],
  ['tinh', ['province']],
  ['quan', ['urban-district']],
  ['t p', ['municipality', 'city']],
  ['tp', ['municipality', 'city']],
  ['tx', ['town']],
  ['tt', ['township']],
  ['xa', ['commune']],
];

/** English type words people put after a name ("Pleiku City", "Dak Doa District"). */
const TYPE_SUFFIXES: readonly [string, readonly UnitType[]][] = [
  ['special administrative region', ['special-zone']],
  ['special zone', ['special-zone']],
  ['township', ['township']],
  ['province', ['province']],
  ['district', ['district', 'urban-district']],
  ['commune', ['commune']],
  ['city', ['municipality', 'city']],
  ['town', ['town']],
  ['ward', ['ward']],
];

/** Short forms that are names rather than spellings: "TP HCM" is Thành phố Hồ Chí Minh. */
const ALIASES: Readonly<Record<string, string>> = { hcm: 'ho chi minh', tphcm: 'tp ho chi minh' };

/**
 * Splits a normalised query into an optional type word (Vietnamese before the name, or English
 * after it) and the name. The type word is only taken off when a name remains. `words` is how many
 * words the type word took at the front, `tail` at the end.
 */
export function splitTypePrefix(normalized: string): {
  types: readonly UnitType[] | null;
  rest: string;
  words: number;
  tail: number;
} {
  const aliased = ALIASES[normalized] ?? normalized.replace(/ hcm$/, ' ho chi minh');
  for (const [prefix, types] of TYPE_PREFIXES) {
    if (aliased.startsWith(`${prefix} `)) {
      return { types, rest: aliased.slice(prefix.length + 1), words: prefix.split(' ').length, tail: 0 };
    }
  }
  for (const [suffix, types] of TYPE_SUFFIXES) {
    if (aliased.endsWith(` ${suffix}`)) {
      return { types, rest: aliased.slice(0, -suffix.length - 1), words: 0, tail: suffix.split(' ').length };
    }
  }
  return { types: null, rest: aliased, words: 0, tail: 0 };
}

/** Optimal string alignment distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, prevPrev[j - 2]! + 1);
      }
      row.push(value);
      if (value < best) best = value;
    }
    if (best > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}
