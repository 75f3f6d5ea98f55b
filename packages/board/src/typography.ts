/**
 * Scripts a board may have to draw, as ISO 15924 codes. Vietnamese and most minority languages of
 * the Central Highlands (Jrai, Bahnar, Ê Đê…) are written in Latin letters with many diacritics;
 * Cham, Tai Dam, Khmer, Thai, Lao and Chinese bring their own scripts.
 *
 * @example
 * ```ts
 * const script: BoardScript = 'Cham';
 * ```
 */
export type BoardScript = 'Latn' | 'Cham' | 'Tavt' | 'Khmr' | 'Thai' | 'Laoo' | 'Hani';

// Languages whose usual script is not Latin. Everything else (vi, jra, bdq, rad, …) is Latin.
const LANGUAGE_SCRIPTS: Readonly<Record<string, BoardScript>> = {
  cjm: 'Cham',
  blt: 'Tavt',
  tdd: 'Tavt',
  km: 'Khmr',
  th: 'Thai',
  lo: 'Laoo',
  zh: 'Hani',
  yue: 'Hani',
};

const SCRIPT_SUBTAGS: Readonly<Record<string, BoardScript>> = {
  latn: 'Latn',
  cham: 'Cham',
  tavt: 'Tavt',
  khmr: 'Khmr',
  thai: 'Thai',
  laoo: 'Laoo',
  hani: 'Hani',
  hans: 'Hani',
  hant: 'Hani',
};

// Fonts with full Vietnamese coverage first (stacked diacritics such as ệ, ở, ữ must not fall back
// glyph by glyph), then the platform's sans-serif. DejaVu Sans and Liberation Sans ship with Debian.
const LATIN_STACK = [
  'Noto Sans',
  'Roboto',
  'Be Vietnam Pro',
  'Segoe UI',
  'DejaVu Sans',
  'Liberation Sans',
  'Arial',
  'sans-serif',
];

const SCRIPT_FONTS: Readonly<Record<BoardScript, readonly string[]>> = {
  Latn: [],
  Cham: ['Noto Sans Cham'],
  Tavt: ['Noto Sans Tai Viet'],
  Khmr: ['Noto Sans Khmer', 'Khmer OS', 'Khmer OS System'],
  Thai: ['Noto Sans Thai', 'Leelawadee UI', 'Tahoma'],
  Laoo: ['Noto Sans Lao', 'Phetsarath OT', 'Saysettha OT'],
  Hani: ['Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC'],
};

/**
 * The script a BCP 47 language tag is written in: an explicit script subtag wins (`blt-Latn`),
 * then the language's usual script, then Latin. Never throws, whatever the input.
 *
 * @example
 * ```ts
 * scriptOf('cjm'); // 'Cham'
 * scriptOf('blt-Latn'); // 'Latn'
 * scriptOf('vi'); // 'Latn'
 * ```
 */
export function scriptOf(lang: string): BoardScript {
  const subtags = String(lang).toLowerCase().split(/[-_]/);
  for (const subtag of subtags.slice(1)) {
    const script = SCRIPT_SUBTAGS[subtag];
    if (script) return script;
  }
  return LANGUAGE_SCRIPTS[subtags[0] ?? ''] ?? 'Latn';
}

/**
 * A CSS `font-family` value for text in `lang`: `preferred` fonts first, then fonts made for the
 * language's script, then fonts with complete Vietnamese coverage, then `sans-serif`.
 *
 * @example
 * ```ts
 * fontStackFor('km'); // '"Noto Sans Khmer", "Khmer OS", …, sans-serif'
 * ```
 */
export function fontStackFor(lang: string, preferred: readonly string[] = []): string {
  const families = [...preferred, ...SCRIPT_FONTS[scriptOf(lang)], ...LATIN_STACK];
  return [...new Set(families)]
    .map((family) => (family === 'sans-serif' ? family : `"${family.replace(/["\\]/g, '')}"`))
    .join(', ');
}

/**
 * Text as the screen should draw it: Unicode NFC (so a tone mark typed as a combining character
 * is drawn with the precomposed glyph), line ends unified, control characters other than line
 * breaks and tabs removed, outer blank space trimmed.
 *
 * @example
 * ```ts
 * displayText('Tho\u0302ng ba\u0301o'); // 'Thông báo', precomposed
 * displayText('  Mưa lớn\r\n'); // 'Mưa lớn'
 * ```
 */
export function displayText(text: string): string {
  return String(text)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\P{Cc}\n\t]/gu, '')
    .trim();
}

/**
 * Splits a text into paragraphs at blank lines, each one passed through {@link displayText}.
 *
 * @example
 * ```ts
 * paragraphsOf('Dòng một\n\nDòng hai'); // ['Dòng một', 'Dòng hai']
 * ```
 */
export function paragraphsOf(text: string): string[] {
  return displayText(text)
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
}
