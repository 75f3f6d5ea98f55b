import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeMpegAudio } from './mpeg-sniff';
import { tempDir, writeSineMp3 } from './test-media';
import { sineWav } from './wav';

describe('looksLikeMpegAudio', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('recognises an MP3 made by ffmpeg (with and without an ID3 tag) and refuses a WAV', async () => {
    const mp3 = new Uint8Array(await readFile(await writeSineMp3(dir.dir, 'a.mp3', 0.5)));
    expect(looksLikeMpegAudio(mp3.subarray(0, 4096))).toBe(true);
    const tag = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 20, ...new Array(20).fill(0)]);
    expect(looksLikeMpegAudio(new Uint8Array([...tag, ...mp3.subarray(0, 4000)]))).toBe(true);
    expect(looksLikeMpegAudio(sineWav({ seconds: 0.2 }).subarray(0, 4096))).toBe(false);
    expect(looksLikeMpegAudio(new Uint8Array(0))).toBe(false);
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        expect(typeof looksLikeMpegAudio(bytes)).toBe('boolean');
      }),
    );
  });
});
