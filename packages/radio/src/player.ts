import type { PlayResult } from '@nguon/device';
import { RadioError } from './errors';

/**
 * Something for an {@link AudioPlayer} to play: a local file or a URL (a file over HTTP, an Icecast
 * stream or an HLS playlist).
 *
 * @example
 * ```ts
 * const file: AudioSource = { path: '/var/lib/nguon/blobs/ab12…', mime: 'audio/mpeg' };
 * const live: AudioSource = { url: 'http://radio.example/live.mp3', live: 'icecast' };
 * ```
 */
export interface AudioSource {
  /** A local file path. Wins over `url` when both are given. */
  path?: string;
  /** An `http(s):` or `file:` URL. */
  url?: string;
  /** MIME type (`audio/mpeg`, `audio/wav`, …); decides which program plays it. Guessed from the file extension when absent. */
  mime?: string;
  /** Set for a live relay: the stream never ends by itself (or ends when the source does). */
  live?: 'icecast' | 'hls';
  /** Known duration, used by players that cannot decode (see {@link NullPlayer}). */
  durationSec?: number;
}

/**
 * Options of one {@link AudioPlayer.play}.
 *
 * @example `await player.play(source, { volume: 80, signal: controller.signal })`
 */
export interface PlayOptions {
  /** 0–100; the player's own volume when absent. */
  volume?: number;
  /** Aborting stops the play at once; it then resolves `{ outcome: 'interrupted' }`. */
  signal?: AbortSignal;
}

/**
 * A sound output for {@link RadioAdapter}: plays one source at a time to the loudspeaker. Implement
 * it to drive your own hardware (a DSP, an amplifier board, a SIP paging gateway); the adapter does
 * the rest (attention signal, TTS, receipts through the device runtime).
 *
 * `play` never rejects: a failure resolves `{ outcome: 'failed', reason }` with what the output said.
 *
 * @example
 * ```ts
 * const player: AudioPlayer = await CommandPlayer.detect();
 * const result = await player.play({ path: 'notice.mp3' }, { volume: 70 });
 * ```
 */
export interface AudioPlayer {
  /** A short name for logs and self-test reports, e.g. `command(mpg123,aplay)`. */
  readonly name: string;
  /** Codecs it can play, as announced in `hello.capabilities.audio.codecs` (`mp3`, `wav`, `aac`, …). */
  codecs(): string[];
  /** Live source formats it can relay. */
  liveFormats(): ('hls' | 'icecast')[];
  /** Plays `source` to the end, or until `options.signal` aborts. */
  play(source: AudioSource, options?: PlayOptions): Promise<PlayResult>;
  /** Stops whatever plays now (each play resolves `interrupted`). */
  stop(): Promise<void>;
  /** Sets the volume (0–100) of plays that give none. */
  setVolume(volume: number): Promise<void>;
  /** Stops everything and releases the output. */
  close?(): Promise<void>;
}

const codecByMime: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/aac': 'aac',
  'audio/mp4': 'aac',
  'audio/x-m4a': 'aac',
  'audio/ogg': 'vorbis',
  'audio/opus': 'opus',
  'audio/flac': 'flac',
  'audio/x-flac': 'flac',
  'application/vnd.apple.mpegurl': 'hls',
  'application/x-mpegurl': 'hls',
};

const codecByExtension: Record<string, string> = {
  mp3: 'mp3',
  wav: 'wav',
  aac: 'aac',
  m4a: 'aac',
  ogg: 'vorbis',
  oga: 'vorbis',
  opus: 'opus',
  flac: 'flac',
  m3u8: 'hls',
};

/**
 * The codec of a source: from `live` (`hls`), its MIME type, else its file extension; `undefined`
 * when neither tells. An Icecast stream without a MIME type is taken as MP3.
 *
 * @example `codecOf({ path: 'a.wav' }) // 'wav'`
 */
export function codecOf(source: AudioSource): string | undefined {
  if (source.live === 'hls') return 'hls';
  const mime = source.mime?.split(';')[0]?.trim().toLowerCase();
  if (mime !== undefined && codecByMime[mime] !== undefined) return codecByMime[mime];
  const name = (source.path ?? source.url ?? '').split(/[?#]/)[0] ?? '';
  const dot = name.lastIndexOf('.');
  const fromName =
    dot > name.lastIndexOf('/') && dot >= 0 ? codecByExtension[name.slice(dot + 1).toLowerCase()] : undefined;
  if (fromName !== undefined) return fromName;
  return source.live === 'icecast' ? 'mp3' : undefined;
}

/**
 * Checks a volume is a number in 0–100 and returns it; anything else throws {@link RadioError} `invalid_option`.
 *
 * @example `checkVolume(80) // 80`
 */
export function checkVolume(volume: number): number {
  if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0 || volume > 100) {
    throw new RadioError('invalid_option', `expected a volume of 0–100, found ${String(volume)}`, {
      path: 'volume',
    });
  }
  return volume;
}
