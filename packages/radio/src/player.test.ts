import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RadioError } from './errors';
import { checkVolume, codecOf } from './player';

describe('codecOf', () => {
  it('reads the MIME type first, then the file extension', () => {
    expect(codecOf({ path: 'a.mp3', mime: 'audio/wav' })).toBe('wav');
    expect(codecOf({ path: '/blobs/ab.MP3' })).toBe('mp3');
    expect(codecOf({ url: 'http://x/live.m3u8?token=1' })).toBe('hls');
    expect(codecOf({ url: 'http://x/stream', live: 'icecast' })).toBe('mp3');
    expect(codecOf({ url: 'http://x/stream', live: 'icecast', mime: 'audio/aac' })).toBe('aac');
    expect(codecOf({ path: '/var/lib/blobs/0a1b2c' })).toBeUndefined();
    expect(codecOf({ path: '/dir.d/file' })).toBeUndefined();
  });

  it('never throws on arbitrary names and types', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), (name, mime) => {
        const codec = codecOf({ path: name, ...(mime === null ? {} : { mime }) });
        expect(codec === undefined || typeof codec === 'string').toBe(true);
      }),
    );
  });
});

describe('checkVolume', () => {
  it('accepts 0–100 and names anything else', () => {
    expect(checkVolume(0)).toBe(0);
    expect(checkVolume(100)).toBe(100);
    for (const bad of [-1, 101, Number.NaN, Number.POSITIVE_INFINITY]) {
      const error = (() => {
        try {
          checkVolume(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(RadioError.isInstance(error) && error.code).toBe('invalid_option');
      expect((error as Error).message).toBe(`expected a volume of 0–100, found ${bad}`);
    }
  });
});
