import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseContent, mergeConfig } from './config';

describe('chooseContent (P-B1)', () => {
  const contents = [{ lang: 'en' }, { lang: 'vi-VN' }, { lang: 'jra' }];
  it('follows config.languages, then vi, then the first content', () => {
    expect(chooseContent(contents, ['jra', 'vi'])).toEqual({ lang: 'jra' });
    expect(chooseContent(contents, ['ede'])).toEqual({ lang: 'vi-VN' });
    expect(chooseContent([{ lang: 'bdq' }, { lang: 'en' }], ['ede'])).toEqual({ lang: 'bdq' });
  });

  it('always returns one of the contents', () => {
    const tag = fc.constantFrom('vi', 'vi-VN', 'jra', 'ede', 'bdq', 'en', 'km', 'EN');
    fc.assert(
      fc.property(
        fc.array(
          tag.map((lang) => ({ lang })),
          { minLength: 1 },
        ),
        fc.array(tag),
        (list, languages) => {
          expect(list).toContain(chooseContent(list, languages));
        },
      ),
    );
  });
});

describe('mergeConfig (P-D3)', () => {
  it('applies only a higher configVersion, and only the fields present', () => {
    const held = { configVersion: 2, volume: 50, languages: ['vi'] };
    expect(mergeConfig(held, { configVersion: 2, volume: 10 })).toBeUndefined();
    expect(mergeConfig(held, { configVersion: 1, volume: 10 })).toBeUndefined();
    expect(mergeConfig(held, { configVersion: 3, volume: 10 })).toEqual({
      configVersion: 3,
      volume: 10,
      languages: ['vi'],
    });
  });
});
