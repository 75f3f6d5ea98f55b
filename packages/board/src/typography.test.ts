import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayText, fontStackFor, paragraphsOf, scriptOf } from './typography';

describe('scriptOf', () => {
  it('knows the scripts of minority languages and honours a script subtag', () => {
    expect(scriptOf('vi')).toBe('Latn');
    expect(scriptOf('jra')).toBe('Latn');
    expect(scriptOf('cjm')).toBe('Cham');
    expect(scriptOf('blt')).toBe('Tavt');
    expect(scriptOf('blt-Latn')).toBe('Latn');
    expect(scriptOf('km-KH')).toBe('Khmr');
    expect(scriptOf('zh-Hant-TW')).toBe('Hani');
  });

  it('never throws and always answers a known script, whatever the tag', () => {
    fc.assert(
      fc.property(fc.string(), (tag) => {
        expect(['Latn', 'Cham', 'Tavt', 'Khmr', 'Thai', 'Laoo', 'Hani']).toContain(scriptOf(tag));
      }),
    );
  });
});

describe('fontStackFor', () => {
  it('puts the script font first and ends with Vietnamese-complete fonts and sans-serif', () => {
    const stack = fontStackFor('km');
    expect(stack.startsWith('"Noto Sans Khmer"')).toBe(true);
    expect(stack).toContain('"DejaVu Sans"');
    expect(stack.endsWith('sans-serif')).toBe(true);
    expect(fontStackFor('vi', ['Be Vietnam Pro']).startsWith('"Be Vietnam Pro", "Noto Sans"')).toBe(true);
  });

  it('cannot be broken out of by a font name with quotes', () => {
    expect(fontStackFor('vi', ['x", serif; color: red; "'])).not.toContain('";');
  });
});

describe('displayText', () => {
  it('turns combining tone marks into the precomposed letters the fonts draw best', () => {
    const decomposed = 'Tho\u0302ng ba\u0301o ba\u0303o so\u0302\u0301 9';
    expect(displayText(decomposed)).toBe('Thông báo bão số 9');
    expect(displayText(decomposed)).not.toBe(decomposed);
  });

  it('keeps line breaks, drops control characters and outer space', () => {
    expect(displayText('  Mưa lớn\r\nở Ia Grai\u0007  ')).toBe('Mưa lớn\nở Ia Grai');
  });

  it('splits paragraphs at blank lines', () => {
    expect(paragraphsOf('Dòng một\n\n\nDòng hai\nvẫn dòng hai')).toEqual([
      'Dòng một',
      'Dòng hai\nvẫn dòng hai',
    ]);
    expect(paragraphsOf('   ')).toEqual([]);
  });

  it('is idempotent and always NFC for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const once = displayText(text);
        expect(displayText(once)).toBe(once);
        expect(once.normalize('NFC')).toBe(once);
      }),
    );
  });
});
