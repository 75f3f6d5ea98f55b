import type { EventOf } from '@nguon/protocol';

/**
 * How one play or display ended (P-R1): the `outcome` of its receipt.
 *
 * @example `const o: Outcome = 'preempted';`
 */
export type Outcome = 'completed' | 'interrupted' | 'preempted' | 'failed' | 'skipped';

/**
 * What the device can do, announced in `hello.capabilities` (P-H2).
 *
 * @example
 * ```ts
 * const caps: HelloCapabilities = { audio: { codecs: ['mp3'], tts: ['vi'] }, live: ['icecast'] };
 * ```
 */
export type HelloCapabilities = EventOf<'hello'>['body']['capabilities'];

/**
 * A media file held in the device's cache, verified against its sha256 (P-M1).
 *
 * @example
 * ```ts
 * const m: CachedMedia = { sha256: 'e3b0…', mime: 'audio/mpeg', size: 48213, url: 'file:///var/lib/nguon/blobs/e3b0…' };
 * ```
 */
export interface CachedMedia {
  /** 64 lowercase hex characters. */
  sha256: string;
  /** MIME type, e.g. `audio/mpeg`. */
  mime: string;
  /** Size in bytes. */
  size: number;
  /** The bytes, when held in memory. */
  bytes?: Uint8Array;
  /** A file path a command-line player can open (Node only). */
  path?: string;
  /** A URL the adapter can play: object/blob URL in browsers, file URL in Node. */
  url: string;
}

/**
 * One item for the adapter to play (radio) or show (board), with the content already chosen in the
 * device's language order (P-B1) and its media already verified (P-M1).
 *
 * @example
 * ```ts
 * const item: PlayoutItem = { bulletinId: 'b-1', version: 1, priority: 'emergency', category: 'disaster',
 *   lang: 'vi', text: 'Bão số 9…', emergency: true, volume: 100, attentionSignal: 'builtin' };
 * ```
 */
export interface PlayoutItem {
  bulletinId: string;
  version: number;
  priority: 'normal' | 'priority' | 'emergency';
  category: string;
  /** The language of the chosen content. */
  lang: string;
  title?: string;
  text?: string;
  /** Speech hints of the chosen content for TTS (voice, rate), when the bulletin carries them. */
  tts?: { voice?: string; rate?: number };
  /** The main media of the chosen content, verified (P-M1). */
  media?: CachedMedia & { durationSec?: number };
  /** Images to show (boards). */
  images?: CachedMedia[];
  /** True for `emergency` priority. */
  emergency: boolean;
  /** 0–100: `config.emergencyVolume` for emergencies (P-Q2), else `config.volume`. */
  volume: number;
  /** Radio emergencies only (P-Q4): media to open with, the built-in tone, or none. */
  attentionSignal?: CachedMedia | 'builtin' | false;
}

/**
 * How a play ended, as the adapter saw it. The scheduler turns `interrupted` after an abort for
 * preemption into `preempted`.
 *
 * @example `return { outcome: 'failed', reason: 'audio device busy' };`
 */
export interface PlayResult {
  outcome: Exclude<Outcome, 'preempted' | 'skipped'>;
  reason?: string;
}

/**
 * What a loudspeaker (radio) or bulletin board implements to play through the device runtime.
 *
 * @example
 * ```ts
 * const adapter: PlayoutAdapter = new NullAdapter({ kind: 'radio' });
 * const result = await adapter.play(item, new AbortController().signal);
 * ```
 */
export interface PlayoutAdapter {
  readonly kind: 'radio' | 'board';
  /** `hello.capabilities` (P-H2). */
  capabilities(): HelloCapabilities;
  /**
   * Plays or shows one item; resolves when it ends. `signal` aborts it (preemption, revoke, stop):
   * the adapter stops at once and resolves `{ outcome: 'interrupted' }`.
   */
  play(item: PlayoutItem, signal: AbortSignal): Promise<PlayResult>;
  /** Applies a new volume (0–100) to whatever plays. */
  setVolume?(volume: number): Promise<void>;
  /** Tests speakers or screen (`device.selftest`). */
  selfTest(): Promise<{ ok: boolean; checks: { name: string; ok: boolean; message?: string }[] }>;
  /** `live.start` (radio); absent → `unsupported_capability`. */
  live?(source: { url: string; format: 'hls' | 'icecast' }, signal: AbortSignal): Promise<PlayResult>;
  /** Releases the player or screen. */
  close?(): Promise<void>;
}
