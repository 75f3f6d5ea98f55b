import type { Readable } from 'node:stream';
import { RadioError } from './errors';
import { parseWav, type WavFormat, wavByteRate } from './wav';

/**
 * Consumes a decoder's PCM output at the rate a sound card would (the pipe's back-pressure holds the
 * decoder to real time), so a headless device or a test without a sound card still plays for the
 * real duration. `bytes` resolves with the bytes of audio consumed once the stream ended and the
 * last byte fell due (or at once after `cancel()`); it rejects with `invalid_wav` when a WAV stream's
 * header is unreadable. The decoder may run ahead of the clock by what the pipe buffers hold.
 */
export function paceStream(
  stream: Readable,
  format: 'wav' | Pick<WavFormat, 'sampleRate' | 'channels' | 'bitsPerSample'>,
  /** Bytes of real audio when known: ALSA pads the last period with silence, which is not timed. */
  limitBytes = Number.POSITIVE_INFINITY,
): { bytes: Promise<number>; cancel: () => void } {
  let cancel: () => void = () => undefined;
  const bytes = new Promise<number>((resolve, reject) => {
    let byteRate = format === 'wav' ? 0 : wavByteRate(format);
    let header: Buffer | undefined = format === 'wav' ? Buffer.alloc(0) : undefined;
    let audioBytes = 0;
    let startedAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let endTimer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const dueIn = () => (startedAt === 0 ? 0 : startedAt + (audioBytes / byteRate) * 1000 - Date.now());
    const consume = (bytes: number) => {
      bytes = Math.min(bytes, limitBytes - audioBytes);
      if (bytes <= 0) return;
      if (startedAt === 0) startedAt = Date.now();
      audioBytes += bytes;
      const wait = dueIn();
      if (wait > 40 && !done) {
        stream.pause();
        timer = setTimeout(() => {
          timer = undefined;
          stream.resume();
        }, wait - 20);
      }
    };
    stream.on('data', (chunk: Buffer) => {
      if (header === undefined) return consume(chunk.length);
      const head = Buffer.concat([header, chunk]);
      header = head;
      try {
        const parsed = parseWav(head);
        byteRate = wavByteRate(parsed);
        const rest = head.length - parsed.dataOffset;
        header = undefined;
        consume(rest);
      } catch (error) {
        // A header split over chunks is incomplete, not wrong: wait for more unless it is long enough.
        if (head.length > 65_536 || !RadioError.isInstance(error) || isWrongMagic(head)) {
          done = true;
          stream.destroy();
          reject(error);
        }
      }
    });
    stream.on('end', () => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      endTimer = setTimeout(() => resolve(audioBytes), Math.max(0, dueIn()));
    });
    stream.on('close', () => {
      if (!done) {
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        resolve(audioBytes);
      }
    });
    stream.on('error', () => undefined);
    // Stopping must not wait for audio that has been read but not yet "played".
    cancel = () => {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      if (endTimer !== undefined) clearTimeout(endTimer);
      stream.destroy();
      resolve(audioBytes);
    };
  });
  return { bytes, cancel };
}

function isWrongMagic(header: Buffer): boolean {
  return (
    (header.length >= 4 && header.toString('latin1', 0, 4) !== 'RIFF') ||
    (header.length >= 12 && header.toString('latin1', 8, 12) !== 'WAVE')
  );
}
