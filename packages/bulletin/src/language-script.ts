import { BULLETIN_LANGUAGES, type ScriptCode } from './catalogues';

const SCRIPT_PATTERNS: Record<ScriptCode, RegExp> = {
  Latn: /\p{Script=Latin}/gu,
  Khmr: /\p{Script=Khmer}/gu,
  Thai: /\p{Script=Thai}/gu,
  Laoo: /\p{Script=Lao}/gu,
  Cham: /\p{Script=Cham}/gu,
  Tavt: /\p{Script=Tai_Viet}/gu,
  Hani: /\p{Script=Han}/gu,
};

const SCRIPT_NAMES: Record<ScriptCode, string> = {
  Latn: 'Latin',
  Khmr: 'Khmer',
  Thai: 'Thai',
  Laoo: 'Lao',
  Cham: 'Cham',
  Tavt: 'Tai Viet',
  Hani: 'Han',
};

const LETTER = /\p{L}/gu;
// Letters that only Vietnamese orthography puts together: base letters with breve, circumflex,
// horn or stroke, and vowels carrying one of the five tone marks.
const VIETNAMESE_LETTER = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/iu;

/** Share of letters that must be in the expected script(s): leaves room for names and acronyms. */
export const SCRIPT_MIN_SHARE = 0.6;
/** A Vietnamese text with at least this many Latin letters must contain a Vietnamese letter. */
export const VIETNAMESE_MIN_LETTERS = 40;

function count(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n++;
  return n;
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
  const [primary = '', second] = lang.split('-');
  if (second !== undefined && second.length === 4) {
    const script = (second[0]?.toUpperCase() ?? '') + second.slice(1).toLowerCase();
    if (script in SCRIPT_PATTERNS) return [script as ScriptCode];
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
 * checkLanguageScript('km', 'Canh bao lu'); // 'expected Khmer script for "km", found 0% Khmer letters (11 letters)'
 * checkLanguageScript('vi', 'Cảnh báo lũ'); // undefined
 * ```
 */
export function checkLanguageScript(lang: string, text: string): string | undefined {
  const scripts = expectedScripts(lang);
  if (scripts === undefined) return undefined;
  const letters = count(LETTER, text);
  if (letters === 0) return undefined;
  let inScript = 0;
  for (const script of scripts) inScript += count(SCRIPT_PATTERNS[script], text);
  const names = scripts.map((s) => SCRIPT_NAMES[s]).join(' or ');
  if (inScript / letters < SCRIPT_MIN_SHARE) {
    return `expected ${names} script for "${lang}", found ${Math.round((100 * inScript) / letters)}% ${names} letters (${letters} letters)`;
  }
  const primary = lang.split('-')[0]?.toLowerCase();
  if (
    primary === 'vi' &&
    inScript >= VIETNAMESE_MIN_LETTERS &&
    !VIETNAMESE_LETTER.test(text.normalize('NFC'))
  ) {
    return `expected Vietnamese letters with diacritics for "${lang}" (ă, â, đ, ê, ô, ơ, ư or tone marks), found none in ${inScript} letters: the text looks typed without accents`;
  }
  return undefined;
}
