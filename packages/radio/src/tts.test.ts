import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RadioError } from './errors';
import { tempDir } from './test-media';
import { EspeakTts, parseVoices } from './tts';

const text = 'Thông báo: ngày mai, thứ Sáu, trạm y tế xã tổ chức tiêm chủng cho trẻ em dưới năm tuổi.';

describe('EspeakTts (real espeak-ng)', () => {
  let tts: EspeakTts;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tts = await EspeakTts.detect();
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('speaks Vietnamese into a WAV of plausible length', async () => {
    const { durationSec } = await tts.synthesize(text, join(dir.dir, 'vi.wav'), { lang: 'vi' });
    // 19 words at 160 words a minute: about 7 s of speech; pauses and tones vary it.
    expect(durationSec).toBeGreaterThan(3);
    expect(durationSec).toBeLessThan(14);
  });

  it('follows the rate hint', async () => {
    const slow = await tts.synthesize(text, join(dir.dir, 'slow.wav'), { lang: 'vi', rate: 0.5 });
    const fast = await tts.synthesize(text, join(dir.dir, 'fast.wav'), { lang: 'vi', rate: 2 });
    expect(slow.durationSec).toBeGreaterThan(fast.durationSec * 2);
  });

  it('announces the languages it has and refuses those it has not', async () => {
    expect(tts.languages()).toContain('vi');
    expect(tts.supports('vi-VN')).toBe(true);
    expect(tts.languages()).toEqual(expect.arrayContaining(['en', 'zh', 'th']));
    for (const lang of ['jra', 'bdq', 'km']) {
      expect(tts.supports(lang)).toBe(false);
      const error = await tts
        .synthesize('Ơi', join(dir.dir, `${lang}.wav`), { lang })
        .catch((e: unknown) => e);
      expect(RadioError.isInstance(error) && error.code).toBe('unsupported_language');
      expect((error as Error).message).toContain(`"${lang}"`);
    }
  });

  it('refuses an empty text and a rate out of range', async () => {
    await expect(tts.synthesize('  ', join(dir.dir, 'e.wav'), { lang: 'vi' })).rejects.toThrow(/empty/);
    await expect(tts.synthesize('Chào', join(dir.dir, 'r.wav'), { lang: 'vi', rate: 3 })).rejects.toThrow(
      /0\.5–2, found 3/,
    );
  });

  it('reports a missing espeak-ng clearly', async () => {
    const error = await EspeakTts.detect({ path: 'espeak-ng-not-installed' }).catch((e: unknown) => e);
    expect(RadioError.isInstance(error) && error.code).toBe('no_player');
  });
});

describe('parseVoices', () => {
  it('reads the language column and ignores the header', () => {
    const listing = [
      'Pty Language       Age/Gender VoiceName          File                 Other Languages',
      ' 5  vi              --/M      Vietnamese_(Northern) aav/vi',
      ' 5  vi-vn-x-central --/M      Vietnamese_(Central) aav/vi-VN-x-central',
      ' 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)',
    ].join('\n');
    expect(parseVoices(listing)).toEqual([
      { tag: 'vi', name: 'Vietnamese_(Northern)', aliases: [] },
      { tag: 'vi-vn-x-central', name: 'Vietnamese_(Central)', aliases: [] },
      { tag: 'cmn', name: 'Chinese_(Mandarin,_latin_as_English)', aliases: ['zh-cmn', 'zh'] },
    ]);
  });
});

describe('parseVoices on arbitrary output', () => {
  it('never throws and keeps only well-formed language tags', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 20 }), (lines) => {
        for (const voice of parseVoices(lines.join('\n'))) {
          expect(voice.tag).toMatch(/^[a-z]{2,8}(?:-[a-z0-9]{1,8})*$/);
          expect(voice.name.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});
