import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkLanguageScript, expectedScripts } from './index';

describe('checkLanguageScript', () => {
  test('each catalogued script is recognised', () => {
    expect(checkLanguageScript('vi', 'Cảnh báo mưa lớn')).toBeUndefined();
    expect(checkLanguageScript('th', 'ประกาศเตือนภัยน้ำท่วม')).toBeUndefined();
    expect(checkLanguageScript('lo', 'ແຈ້ງເຕືອນໄພນ້ຳຖ້ວມ')).toBeUndefined();
    expect(checkLanguageScript('zh', '洪水警报')).toBeUndefined();
    expect(checkLanguageScript('km', 'ការជូនដំណឹង COVID-19')).toBeUndefined();
    expect(checkLanguageScript('lo', 'ประกาศเตือนภัย')).toMatch(
      /^expected Lao script for "lo", found 0% Lao letters/,
    );
    expect(checkLanguageScript('th', 'ແຈ້ງເຕືອນ')).toMatch(/^expected Thai script/);
  });

  test('Vietnamese written in NFD (combining marks) counts as having diacritics', () => {
    const nfd = 'Ủy ban nhân dân xã thông báo lịch tiêm chủng cho trẻ em dưới năm tuổi'.normalize('NFD');
    expect(checkLanguageScript('vi', nfd)).toBeUndefined();
  });

  test('short Vietnamese without accents is tolerated, long is not', () => {
    expect(checkLanguageScript('vi', 'Hop dan')).toBeUndefined();
    expect(checkLanguageScript('vi-VN', 'Thong bao hop dan thon ba vao toi thu sau tai nha van hoa')).toMatch(
      /^expected Vietnamese letters with diacritics for "vi-VN"/,
    );
  });

  test('Cham may be in Cham or Latin script, unless the tag fixes one', () => {
    expect(expectedScripts('cjm')).toEqual(['Cham', 'Latn']);
    expect(checkLanguageScript('cjm', 'ꨀꨇꩉ ꨌꩌ')).toBeUndefined();
    expect(checkLanguageScript('cjm', 'Cham Latin text')).toBeUndefined();
    expect(checkLanguageScript('cjm-Latn', 'ꨀꨇꩉ ꨌꩌ')).toMatch(/^expected Latin script/);
  });

  test('never throws, whatever the text and tag', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ maxLength: 20 }),
        (text, lang) => {
          const result = checkLanguageScript(lang, text);
          expect(result === undefined || typeof result === 'string').toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
