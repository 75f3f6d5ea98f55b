import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AreasError, loadUnits, normalizeName } from './index';

describe('normalizeName', () => {
  test('folds diacritics, đ, case, apostrophes and punctuation', () => {
    expect(normalizeName('Huyện Đắk Đoa')).toBe('huyen dak doa');
    expect(normalizeName("K'Bang")).toBe('kbang');
    expect(normalizeName('KBang')).toBe('kbang');
    expect(normalizeName('Ia-Grai')).toBe('ia grai');
    expect(normalizeName('  TP.Pleiku ')).toBe('tp pleiku');
    expect(normalizeName('Hoà')).toBe(normalizeName('Hòa'));
    expect(normalizeName('Thuý')).toBe(normalizeName('Thúy'));
  });

  test('NFC and NFD input give the same key', () => {
    const nfc = 'Xã Kông Bơ La, Thị xã Ayun Pa'.normalize('NFC');
    expect(normalizeName(nfc.normalize('NFD'))).toBe(normalizeName(nfc));
  });

  test('is idempotent and never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const once = normalizeName(text);
        expect(normalizeName(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  test('is idempotent on Vietnamese-looking text', () => {
    const letters = [..."aăâeêioôơuưyđAĂÂĐ '-."];
    const marks = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
    const syllable = fc
      .tuple(fc.constantFrom(...letters), fc.constantFrom(...marks))
      .map(([letter, mark]) => letter + mark);
    fc.assert(
      fc.property(fc.array(syllable, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        const once = normalizeName(text);
        expect(normalizeName(once)).toBe(once);
        expect(normalizeName(text.normalize('NFC'))).toBe(once);
      }),
    );
  });
});

describe('diacritic-stripped names still find the unit', () => {
  const units = loadUnits();
  const gialai = units.descendants('52', '2025-07-01');
  const strip = (text: string) =>
    text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

  test('every Gia Lai commune of 2025-07-01, typed without diacritics, is among the exact hits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...gialai), fc.constantFrom('short', 'full', 'lower'), (unit, form) => {
        const typed =
          form === 'short'
            ? strip(unit.shortName)
            : form === 'full'
              ? strip(unit.name)
              : strip(unit.name).toLowerCase();
        const hits = units.search(typed, { at: '2025-07-01', limit: 50 });
        const hit = hits.find((m) => m.unit.code === unit.code);
        expect(hit?.exact).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('malformed input gives typed errors, never a crash', () => {
  const units = loadUnits();

  test('any string as a date is accepted as a real day or refused with an AreasError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/)), (text) => {
        try {
          units.get('52', text);
          expect(text).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        } catch (error) {
          expect(AreasError.isInstance(error)).toBe(true);
          expect(['invalid_date', 'before_first_snapshot']).toContain((error as AreasError).code);
          expect((error as Error).message).toContain(text);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('search never throws on any query', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const hits = units.search(text, { at: '2025-07-01', limit: 3 });
        expect(hits.length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 300 },
    );
  });
});
