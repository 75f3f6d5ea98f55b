import { BULLETIN_LANGUAGES, type ScriptCode } from './catalogues';

type Ranges = readonly (readonly [number, number])[];

// Unicode blocks of the scripts we check ([from, to] inclusive). One pass over char codes is several
// times faster than `\p{Script=…}` regexes, and every content is checked on each parse.
const SCRIPT_RANGES: Record<ScriptCode, Ranges> = {
  Latn: [
    [0x41, 0x5a],
    [0x61, 0x7a],
    [0xc0, 0xd6],
    [0xd8, 0xf6],
    [0xf8, 0x24f],
    [0x1e00, 0x1eff],
    [0x2c60, 0x2c7f],
    [0xa720, 0xa7ff],
    [0xff21, 0xff3a],
    [0xff41, 0xff5a],
  ],
  Khmr: [[0x1780, 0x17ff]],
  Thai: [[0x0e00, 0x0e7f]],
  Laoo: [[0x0e80, 0x0eff]],
  Cham: [[0xaa00, 0xaa5f]],
  Tavt: [[0xaa80, 0xaadf]],
  Hani: [
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xf900, 0xfaff],
    [0x20000, 0x2ebef],
  ],
};
const ALL_RANGES: Ranges = Object.values(SCRIPT_RANGES).flat();

const SCRIPT_NAMES: Record<ScriptCode, string> = {
  Latn: 'Latin',
  Khmr: 'Khmer',
  Thai: 'Thai',
  Laoo: 'Lao',
  Cham: 'Cham',
  Tavt: 'Tai Viet',
  Hani: 'Han',
};

const OTHER_LETTER = /^\p{L}$/u;
// Letters that only Vietnamese orthography puts together: base letters with breve, circumflex,
// horn or stroke, and vowels carrying one of the five tone marks (precomposed, NFC).
const VIETNAMESE_LETTERS: ReadonlySet<number> = new Set(
  [...'ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ']
    .flatMap((c) => [c, c.toUpperCase()])
    .map((c) => c.codePointAt(0) ?? 0),
);

/**
 * Share of letters that must be in the expected script(s): leaves room for names and acronyms.
 *
 * @example
 * ```ts
 * SCRIPT_MIN_SHARE; // 0.6
 * ```
 */
export const SCRIPT_MIN_SHARE = 0.6;
/**
 * A Vietnamese text with at least this many Latin letters must contain a Vietnamese letter.
 *
 * @example
 * ```ts
 * VIETNAMESE_MIN_LETTERS; // 40
 * ```
 */
export const VIETNAMESE_MIN_LETTERS = 40;

function inRanges(code: number, ranges: Ranges): boolean {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as readonly [number, number];
    if (code >= range[0] && code <= range[1]) return true;
  }
  return false;
}

/**
 * Counts the letters of `text` (characters of the checked scripts' blocks count as letters, marks
 * included), those in `scripts`, and whether a Vietnamese letter or combining diacritic occurs.
 */
function tally(text: string, scripts: readonly ScriptCode[]) {
  const latin = scripts.includes('Latn');
  let letters = 0;
  let inScript = 0;
  let vietnamese = false;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      const lower = code | 0x20;
      if (lower >= 0x61 && lower <= 0x7a) {
        letters++;
        if (latin) inScript++;
      }
      continue;
    }
    if (VIETNAMESE_LETTERS.has(code)) {
      vietnamese = true;
      letters++;
      if (latin) inScript++;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      code = text.codePointAt(i) ?? code;
      i++;
    }
    // Combining diacritics (Vietnamese typed in NFD) belong to the letter before them.
    if (code >= 0x300 && code <= 0x36f) {
      vietnamese = true;
      continue;
    }
    if (!inRanges(code, ALL_RANGES) && !OTHER_LETTER.test(String.fromCodePoint(code))) continue;
    letters++;
    for (const script of scripts) {
      if (inRanges(code, SCRIPT_RANGES[script])) {
        inScript++;
        break;
      }
    }
  }
  return { letters, inScript, vietnamese };
}

/**
 * The scripts that text in `lang` may use: the tag's own script subtag (`cjm-Cham`) if it has one,
 * else the catalogue's entry for its primary language, else `undefined` (no check).
 *
 * @example
 * ```ts
 * expectedScripts('km'); // ['Khmr']
 * expectedScripts('cjm-Latn'); // ['Latn']
 * ```
 */
export function expectedScripts(lang: string): readonly ScriptCode[] | undefined {
  if (scriptCache.has(lang)) return scriptCache.get(lang);
  const scripts = lookUpScripts(lang);
  // Tags repeat across bulletins; the cache is bounded so that odd input cannot grow it forever.
  if (scriptCache.size < 1_000) scriptCache.set(lang, scripts);
  return scripts;
}

const scriptCache = new Map<string, readonly ScriptCode[] | undefined>();

function lookUpScripts(lang: string): readonly ScriptCode[] | undefined {
  const [primary = '', second] = lang.split('-');
  if (second !== undefined && second.length === 4) {
    const script = (second[0]?.toUpperCase() ?? '') + second.slice(1).toLowerCase();
    if (script in SCRIPT_RANGES) return [script as ScriptCode];
  }
  const entry = (BULLETIN_LANGUAGES as Record<string, { scripts: readonly ScriptCode[] }>)[
    primary.toLowerCase()
  ];
  return entry?.scripts;
}

/**
 * Checks that `text` is written in a script that fits language `lang`. Returns `undefined` when it
 * fits (or when the language is unknown), else a message saying what was expected and found.
 * Rules: at least {@link SCRIPT_MIN_SHARE} of the letters are in an expected script; for `vi`, a text
 * of {@link VIETNAMESE_MIN_LETTERS} or more letters contains Vietnamese letters with diacritics.
 *
 * @example
 * ```ts
 * checkLanguageScript('km', 'Canh bao lu'); // 'expected Khmer script for "km", found 0% Khmer letters (9 letters)'
 * checkLanguageScript('vi', 'Cảnh báo lũ'); // undefined
 * ```
 */
export function checkLanguageScript(lang: string, text: string): string | undefined {
  const scripts = expectedScripts(lang);
  if (scripts === undefined) return undefined;
  const { letters, inScript, vietnamese } = tally(text, scripts);
  if (letters === 0) return undefined;
  if (inScript / letters < SCRIPT_MIN_SHARE) {
    const names = scripts.map((s) => SCRIPT_NAMES[s]).join(' or ');
    return `expected ${names} script for "${lang}", found ${Math.round((100 * inScript) / letters)}% ${names} letters (${letters} letters)`;
  }
  if (inScript >= VIETNAMESE_MIN_LETTERS && !vietnamese && /^vi(-|$)/i.test(lang)) {
    return `expected Vietnamese letters with diacritics for "${lang}" (ă, â, đ, ê, ô, ơ, ư or tone marks), found none in ${inScript} letters: the text looks typed without accents`;
  }
  return undefined;
}
