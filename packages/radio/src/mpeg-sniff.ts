// Bitrates in kbit/s by [version group][layer][index]: MPEG-1 and MPEG-2/2.5, layers I–III.
const bitrates: Record<'v1' | 'v2', Record<1 | 2 | 3, number[]>> = {
  v1: {
    1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  },
  v2: {
    1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    3: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  },
};
const sampleRates: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

/** The length in bytes of the MPEG audio frame whose header starts at `at`, or 0 when there is none. */
function frameLength(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) return 0;
  const b1 = bytes[at + 1] as number;
  const b2 = bytes[at + 2] as number;
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return 0;
  const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved
  const layerBits = (b1 >> 1) & 3; // 3 = I, 2 = II, 1 = III, 0 reserved
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3)
    return 0;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const kbps = bitrates[version === 3 ? 'v1' : 'v2'][layer][bitrateIndex] as number;
  const rate = sampleRates[version]?.[rateIndex] as number;
  const padding = (b2 >> 1) & 1;
  if (layer === 1) return Math.floor((12 * kbps * 1000) / rate + padding) * 4;
  const perFrame = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((perFrame * kbps * 1000) / rate) + padding;
}

/**
 * True when `head` (the first few KiB of a file) holds MPEG audio: after an optional ID3v2 tag, two
 * consecutive valid frame headers. Used to refuse a file that is not MP3 before it reaches a
 * loudspeaker through a player that would not say so.
 *
 * @example `looksLikeMpegAudio(await readHead('notice.mp3')) // true`
 */
export function looksLikeMpegAudio(head: Uint8Array): boolean {
  let start = 0;
  if (head[0] === 0x49 && head[1] === 0x44 && head[2] === 0x33 && head.length >= 10) {
    const size =
      (((head[6] as number) & 0x7f) << 21) |
      (((head[7] as number) & 0x7f) << 14) |
      (((head[8] as number) & 0x7f) << 7) |
      ((head[9] as number) & 0x7f);
    start = 10 + size + (((head[5] as number) & 0x10) !== 0 ? 10 : 0);
    // A tag longer than the head read: nothing to judge, let the player decide.
    if (start + 4 > head.length) return true;
  }
  const end = Math.min(head.length - 4, start + 2048);
  for (let at = start; at < end; at++) {
    const length = frameLength(head, at);
    if (length === 0) continue;
    const next = at + length;
    // The second frame lies beyond what was read: one valid header is all we can check.
    if (next + 4 > head.length) return true;
    if (frameLength(head, next) > 0) return true;
  }
  return false;
}
