import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RadioError } from './errors';
import { attentionSignalWav, encodeWav, parseWav, sineWav, wavDurationSec } from './wav';

describe('WAV', () => {
  it('encodes and reads back a mono 16-bit file with its duration', () => {
    const wav = sineWav({ seconds: 1.5, sampleRate: 8000 });
    const format = parseWav(wav);
    expect(format).toEqual({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      dataOffset: 44,
      dataBytes: 24000,
    });
    expect(wavDurationSec(format)).toBeCloseTo(1.5, 5);
  });

  it('makes an attention signal that alternates two tones', () => {
    const wav = attentionSignalWav(2, 8000);
    expect(wavDurationSec(parseWav(wav))).toBeCloseTo(2, 5);
    const view = new DataView(wav.buffer);
    const crossings = (from: number, to: number) => {
      let n = 0;
      for (let i = from + 1; i < to; i++) {
        if (view.getInt16(44 + (i - 1) * 2, true) < 0 && view.getInt16(44 + i * 2, true) >= 0) n++;
      }
      return n;
    };
    // Zero crossings per half second: 853 Hz gives about 426, 960 Hz about 480.
    expect(crossings(0, 4000)).toBeGreaterThan(415);
    expect(crossings(0, 4000)).toBeLessThan(435);
    expect(crossings(4000, 8000)).toBeGreaterThan(470);
  });

  it('skips chunks before data and accepts an open size written to a pipe', () => {
    const wav = encodeWav([0, 0.5, -0.5, 0], 8000);
    const list = new Uint8Array([0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0]);
    const withList = new Uint8Array([...wav.subarray(0, 36), ...list, ...wav.subarray(36)]);
    new DataView(withList.buffer).setUint32(36 + 12 + 4, 0xffffffff, true);
    expect(parseWav(withList)).toMatchObject({ dataOffset: 44 + 12, dataBytes: undefined });
  });

  it('says where and what is wrong', () => {
    expect(() => parseWav(new TextEncoder().encode('ID3\u0004 not a wave file'))).toThrow(
      /expected "RIFF", found "ID3.*at byte 0/,
    );
    const wav = sineWav({ seconds: 0.1 });
    new DataView(wav.buffer).setUint16(20, 3, true);
    const error = (() => {
      try {
        parseWav(wav);
      } catch (e) {
        return e;
      }
    })();
    expect(RadioError.isInstance(error) && error.code).toBe('invalid_wav');
    expect((error as RadioError).message).toBe('expected PCM (format 1), found format 3 (at byte 20)');
  });

  it('never crashes on arbitrary bytes: a format or an invalid_wav error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const format = parseWav(bytes);
          expect(format.dataOffset).toBeLessThanOrEqual(bytes.length);
        } catch (error) {
          expect(RadioError.isInstance(error) && error.code).toBe('invalid_wav');
        }
      }),
    );
  });

  it('never crashes on a valid header with bytes changed or cut', () => {
    const wav = sineWav({ seconds: 0.01, sampleRate: 8000 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(63), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(wav.length),
        (edits, cut) => {
          const bytes = wav.slice(0, cut);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          try {
            const format = parseWav(bytes);
            expect(format.sampleRate).toBeGreaterThanOrEqual(1000);
            expect(format.dataBytes ?? 0).toBeLessThanOrEqual(bytes.length);
          } catch (error) {
            expect(RadioError.isInstance(error) && error.code).toBe('invalid_wav');
          }
        },
      ),
    );
  });
});
