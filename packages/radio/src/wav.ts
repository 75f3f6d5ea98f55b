import { RadioError } from './errors';

/**
 * The format of a PCM WAV file: what a player needs to time it.
 *
 * @example `const f: WavFormat = { sampleRate: 22050, channels: 1, bitsPerSample: 16, dataOffset: 44, dataBytes: 88200 };`
 */
export interface WavFormat {
  /** Samples per second per channel. */
  sampleRate: number;
  /** 1 = mono, 2 = stereo. */
  channels: number;
  /** 8, 16, 24 or 32. */
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /**
   * Bytes of sample data: the size the header declares, bounded by the bytes actually given.
   * `undefined` when the header leaves it open (a stream written to a pipe declares 0 or 0xFFFFFFFF).
   */
  dataBytes: number | undefined;
}

/**
 * Bytes per second of a WAV format.
 *
 * @example `wavByteRate({ sampleRate: 8000, channels: 1, bitsPerSample: 16 }) // 16000`
 */
export function wavByteRate(format: Pick<WavFormat, 'sampleRate' | 'channels' | 'bitsPerSample'>): number {
  return format.sampleRate * format.channels * (format.bitsPerSample / 8);
}

/**
 * Duration in seconds of a WAV file whose data size is known.
 *
 * @example `wavDurationSec(parseWav(bytes))`
 */
export function wavDurationSec(format: WavFormat): number | undefined {
  return format.dataBytes === undefined ? undefined : format.dataBytes / wavByteRate(format);
}

const ascii = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

function fail(message: string, at: number): never {
  throw new RadioError('invalid_wav', `${message} (at byte ${at})`, { path: `byte ${at}` });
}

/**
 * Reads the header of a PCM WAV file (RIFF/WAVE, `fmt ` then `data`, other chunks skipped). Accepts
 * a prefix of a file too, as long as it reaches the `data` chunk, and streams written to pipes whose
 * size fields are 0 or 0xFFFFFFFF. Throws {@link RadioError} `invalid_wav` naming the byte offset
 * and what was expected otherwise.
 *
 * @example
 * ```ts
 * const format = parseWav(await readFile('speech.wav'));
 * console.log(wavDurationSec(format)); // 3.42
 * ```
 */
export function parseWav(bytes: Uint8Array): WavFormat {
  if (bytes.length < 12) fail(`expected a 12-byte RIFF header, found ${bytes.length} bytes`, 0);
  if (ascii(bytes, 0) !== 'RIFF') fail(`expected "RIFF", found ${JSON.stringify(ascii(bytes, 0))}`, 0);
  if (ascii(bytes, 8) !== 'WAVE') fail(`expected "WAVE", found ${JSON.stringify(ascii(bytes, 8))}`, 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  let fmt: Omit<WavFormat, 'dataOffset' | 'dataBytes'> | undefined;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      if (size < 16 || at + 8 + 16 > bytes.length)
        fail(`expected a 16-byte "fmt " chunk, found ${size} bytes`, at);
      const audioFormat = view.getUint16(at + 8, true);
      // 1 = integer PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE, which ffmpeg and ALSA write for PCM too.
      if (audioFormat !== 1 && audioFormat !== 0xfffe)
        fail(`expected PCM (format 1), found format ${audioFormat}`, at + 8);
      const channels = view.getUint16(at + 10, true);
      const sampleRate = view.getUint32(at + 12, true);
      const bitsPerSample = view.getUint16(at + 22, true);
      if (channels < 1 || channels > 8) fail(`expected 1 to 8 channels, found ${channels}`, at + 10);
      if (sampleRate < 1000 || sampleRate > 384_000)
        fail(`expected a sample rate of 1000–384000 Hz, found ${sampleRate}`, at + 12);
      if (![8, 16, 24, 32].includes(bitsPerSample))
        fail(`expected 8, 16, 24 or 32 bits per sample, found ${bitsPerSample}`, at + 22);
      fmt = { channels, sampleRate, bitsPerSample };
    } else if (id === 'data') {
      if (fmt === undefined) fail('expected a "fmt " chunk before "data"', at);
      const available = bytes.length - (at + 8);
      const open = size === 0 || size === 0xffffffff;
      return {
        ...fmt,
        dataOffset: at + 8,
        dataBytes: open ? undefined : Math.min(size, Math.max(0, available)),
      };
    }
    // Chunks are padded to an even size.
    at += 8 + size + (size % 2);
  }
  return fail(
    fmt === undefined ? 'expected a "fmt " chunk' : 'expected a "data" chunk',
    Math.min(at, bytes.length),
  );
}

/**
 * Encodes mono 16-bit PCM samples (floats in −1…1, clipped) as a WAV file.
 *
 * @example
 * ```ts
 * const wav = encodeWav(Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 10)), 8000);
 * ```
 */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
    view.setInt16(44 + i * 2, Math.round(s * 32767), true);
  }
  return out;
}

/**
 * A sine tone as a WAV file (mono, 16-bit), with 10 ms fades so it starts and stops without clicks.
 *
 * @example `await writeFile('tone.wav', sineWav({ frequency: 1000, seconds: 1 }))`
 */
export function sineWav(options: {
  frequency?: number;
  seconds: number;
  sampleRate?: number;
  amplitude?: number;
}): Uint8Array {
  const rate = options.sampleRate ?? 22050;
  const frequency = options.frequency ?? 440;
  const amplitude = options.amplitude ?? 0.5;
  const n = Math.round(options.seconds * rate);
  const fade = Math.min(Math.round(rate * 0.01), Math.floor(n / 2));
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const envelope = fade === 0 ? 1 : Math.min(1, i / fade, (n - 1 - i) / fade);
    samples[i] = amplitude * envelope * Math.sin((2 * Math.PI * frequency * i) / rate);
  }
  return encodeWav(samples, rate);
}

/**
 * The built-in attention signal (P-Q4) played before an emergency on a radio: alternating 853 Hz
 * and 960 Hz half-second tones (the two-tone pair public alerting systems use), `seconds` long
 * (default 4), mono 16-bit at 22050 Hz.
 *
 * @example `await writeFile('attention.wav', attentionSignalWav())`
 */
export function attentionSignalWav(seconds = 4, sampleRate = 22050): Uint8Array {
  const n = Math.round(seconds * rate(sampleRate));
  const samples = new Float32Array(n);
  const half = Math.round(sampleRate / 2);
  const fade = Math.round(sampleRate * 0.005);
  for (let i = 0; i < n; i++) {
    const step = Math.floor(i / half);
    const inStep = i - step * half;
    const frequency = step % 2 === 0 ? 853 : 960;
    const envelope = Math.min(1, inStep / fade, (half - 1 - inStep) / fade, (n - 1 - i) / fade);
    samples[i] = 0.7 * Math.max(0, envelope) * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  }
  return encodeWav(samples, sampleRate);
}

function rate(sampleRate: number): number {
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 384_000) {
    throw new RadioError('invalid_option', `expected a sample rate of 1000–384000 Hz, found ${sampleRate}`, {
      path: 'sampleRate',
    });
  }
  return sampleRate;
}
