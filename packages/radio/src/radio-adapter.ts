import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CachedMedia,
  type Clock,
  type HelloCapabilities,
  type PlayoutAdapter,
  type PlayoutItem,
  type PlayResult,
  systemClock,
} from '@nguon/device';
import { type AudioPlayer, type AudioSource, checkVolume } from './player';
import type { TtsEngine } from './tts';
import { attentionSignalWav, sineWav } from './wav';

/**
 * Options of {@link RadioAdapter}.
 *
 * @example
 * ```ts
 * const options: RadioAdapterOptions = { player: await CommandPlayer.detect(), tts: await EspeakTts.detect() };
 * ```
 */
export interface RadioAdapterOptions {
  /** The sound output. */
  player: AudioPlayer;
  /** Reads bulletins that carry text but no audio; without it such bulletins fail. */
  tts?: TtsEngine;
  /** Directory for generated sound (attention tone, speech, test tone); default a fresh one in the OS temp directory, removed by `close()`. */
  workDir?: string;
  /** Length of the built-in attention signal in seconds (default 4). */
  attentionSignalSec?: number;
  /** Times the `until` of live relays (default the system clock). */
  clock?: Clock;
  /** Offer live relay (default: when the player can relay something). */
  live?: boolean;
}

/**
 * A playout item as the radio reads it: a {@link PlayoutItem}, plus the TTS hints of the chosen
 * content when the device runtime passes them on.
 *
 * @example `const item: RadioPlayoutItem = { ...playoutItem, tts: { rate: 0.9 } };`
 */
export type RadioPlayoutItem = PlayoutItem & { tts?: { voice?: string; rate?: number } };

/**
 * A live source for {@link RadioAdapter.live}: the `live.start` body's `url` and `format`, and
 * optionally its `until` (RFC 3339 or ms since the epoch), after which the relay ends `completed`.
 *
 * @example `const source: LiveSource = { url: 'http://radio.example/vov1.mp3', format: 'icecast', until: '2026-11-26T12:00:00Z' };`
 */
export interface LiveSource {
  url: string;
  format: 'hls' | 'icecast';
  until?: string | number;
}

/**
 * The loudspeaker (`radio`) {@link PlayoutAdapter} of the device runtime. For each item it plays,
 * in order:
 * 1. for an emergency (P-Q4), the attention signal — the given media, or the built-in two-tone
 *    signal when `attentionSignal` is `'builtin'` or unset — at the item's volume (the scheduler sets
 *    `emergencyVolume`, P-Q2);
 * 2. the item's audio; or, when it has none, its text read by the TTS engine in the item's language.
 *
 * An abort stops at once and resolves `interrupted`. A failed attention signal does not hold back
 * the emergency itself: the play goes on and its `reason` says what went wrong.
 *
 * @example
 * ```ts
 * const adapter = new RadioAdapter({ player: await CommandPlayer.detect(), tts: await EspeakTts.detect() });
 * const client = new DeviceClient({ ...options, adapter });
 * ```
 */
export class RadioAdapter implements PlayoutAdapter {
  readonly kind = 'radio' as const;
  readonly #player: AudioPlayer;
  readonly #tts: TtsEngine | undefined;
  readonly #attentionSec: number;
  readonly #clock: Clock;
  readonly #offersLive: boolean;
  readonly #ownsWorkDir: boolean;
  #workDir: Promise<string> | undefined;
  #attentionPath: Promise<string> | undefined;
  #speechCount = 0;

  constructor(options: RadioAdapterOptions) {
    this.#player = options.player;
    this.#tts = options.tts;
    this.#attentionSec = options.attentionSignalSec ?? 4;
    this.#clock = options.clock ?? systemClock;
    this.#offersLive = options.live ?? options.player.liveFormats().length > 0;
    this.#ownsWorkDir = options.workDir === undefined;
    if (options.workDir !== undefined) this.#workDir = Promise.resolve(options.workDir);
    if (!this.#offersLive) this.live = undefined;
  }

  /** @example `adapter.capabilities() // { audio: { codecs: ['mp3', 'wav'], tts: ['vi', …] }, live: ['icecast'] }` */
  capabilities(): HelloCapabilities {
    const caps: HelloCapabilities = {
      audio: { codecs: this.#player.codecs(), tts: this.#tts?.languages() ?? [] },
    };
    if (this.#offersLive) caps.live = this.#player.liveFormats();
    return caps;
  }

  /** @example `await adapter.play(item, controller.signal)` */
  async play(item: RadioPlayoutItem, signal: AbortSignal): Promise<PlayResult> {
    // The runtime counts on play() resolving: a player of your own that throws becomes a failed play.
    try {
      return await this.#play(item, signal);
    } catch (error) {
      if (signal.aborted) return { outcome: 'interrupted', reason: 'aborted' };
      return { outcome: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async #play(item: RadioPlayoutItem, signal: AbortSignal): Promise<PlayResult> {
    const volume = checkVolume(item.volume);
    if (signal.aborted) return { outcome: 'interrupted', reason: 'aborted before start' };
    let note: string | undefined;
    if (item.emergency && item.attentionSignal !== false) {
      const attention = await this.#attentionSource(item.attentionSignal);
      const result = await this.#player.play(attention, { volume, signal });
      if (result.outcome === 'interrupted' || signal.aborted)
        return { outcome: 'interrupted', reason: 'aborted' };
      if (result.outcome === 'failed') note = `attention signal failed: ${result.reason ?? 'unknown'}`;
    }
    const main = await this.#mainSource(item, signal);
    if ('outcome' in main) return withNote(main, note);
    try {
      const result = await this.#player.play(main.source, { volume, signal });
      return withNote(result, note);
    } finally {
      if (main.cleanup !== undefined) await rm(main.cleanup, { force: true });
    }
  }

  /** @example `await adapter.setVolume(70)` */
  async setVolume(volume: number): Promise<void> {
    await this.#player.setVolume(volume);
  }

  /**
   * `device.selftest`: checks that the player exists, plays a generated one-second 1 kHz test tone
   * through it, and, with a TTS engine, reads a short Vietnamese sentence (or the first language it
   * has). `ok` is true when every check passed.
   *
   * @example
   * ```ts
   * const report = await adapter.selfTest();
   * for (const check of report.checks) console.log(check.name, check.ok, check.message);
   * ```
   */
  async selfTest(): Promise<{ ok: boolean; checks: { name: string; ok: boolean; message?: string }[] }> {
    const checks: { name: string; ok: boolean; message?: string }[] = [];
    const codecs = this.#player.codecs();
    checks.push({
      name: 'player',
      ok: codecs.length > 0,
      message: `${this.#player.name} plays ${codecs.join(', ') || 'nothing'}`,
    });
    const dir = await this.#dir();
    const tonePath = join(dir, 'selftest-tone.wav');
    await writeFile(tonePath, sineWav({ frequency: 1000, seconds: 1 }));
    const started = this.#clock.now();
    const tone = await this.#player.play({ path: tonePath, mime: 'audio/wav', durationSec: 1 });
    const elapsed = (this.#clock.now() - started) / 1000;
    checks.push({
      name: 'test-tone',
      ok: tone.outcome === 'completed',
      message:
        tone.outcome === 'completed'
          ? `1 s tone played in ${elapsed.toFixed(2)} s`
          : (tone.reason ?? tone.outcome),
    });
    if (this.#tts !== undefined) {
      const lang = this.#tts.supports('vi') ? 'vi' : this.#tts.languages()[0];
      if (lang === undefined) {
        checks.push({ name: 'tts', ok: false, message: `${this.#tts.name} has no voice` });
      } else {
        try {
          const { durationSec } = await this.#tts.synthesize(
            'Kiểm tra hệ thống loa.',
            join(dir, 'selftest-tts.wav'),
            { lang },
          );
          checks.push({
            name: 'tts',
            ok: true,
            message: `${this.#tts.name} spoke ${lang} for ${durationSec.toFixed(2)} s`,
          });
        } catch (error) {
          checks.push({ name: 'tts', ok: false, message: (error as Error).message });
        }
      }
    }
    return { ok: checks.every((c) => c.ok), checks };
  }

  /**
   * `live.start`: relays an Icecast stream or an HLS playlist until `signal` aborts (`interrupted`),
   * `until` passes or the source ends (`completed`), or it fails (`failed` with the player's message).
   * Absent when the player can relay nothing (the runtime then answers `unsupported_capability`).
   *
   * @example `await adapter.live?.({ url: 'http://radio.example/live.mp3', format: 'icecast' }, signal)`
   */
  live?: (source: LiveSource, signal: AbortSignal) => Promise<PlayResult> = async (source, signal) => {
    if (!this.#player.liveFormats().includes(source.format)) {
      return {
        outcome: 'failed',
        reason: `unsupported_capability: ${this.#player.name} cannot relay ${source.format}`,
      };
    }
    if (signal.aborted) return { outcome: 'interrupted', reason: 'aborted before start' };
    const stop = new AbortController();
    let untilPassed = false;
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let timer: unknown;
    if (source.until !== undefined) {
      const until = typeof source.until === 'number' ? source.until : Date.parse(source.until);
      if (Number.isNaN(until))
        return { outcome: 'failed', reason: `expected "until" as RFC 3339, found "${source.until}"` };
      timer = this.#clock.setTimeout(
        () => {
          untilPassed = true;
          stop.abort();
        },
        Math.max(0, until - this.#clock.now()),
      );
    }
    try {
      const result = await this.#player.play(
        { url: source.url, live: source.format },
        { signal: stop.signal },
      );
      if (untilPassed) return { outcome: 'completed', reason: 'until passed' };
      if (signal.aborted) return { outcome: 'interrupted', reason: 'aborted' };
      return result.outcome === 'completed' ? { outcome: 'completed', reason: 'source ended' } : result;
    } finally {
      if (timer !== undefined) this.#clock.clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  };

  /** Stops the player and removes generated files. @example `await adapter.close()` */
  async close(): Promise<void> {
    await this.#player.close?.();
    if (this.#ownsWorkDir && this.#workDir !== undefined) {
      const dir = await this.#workDir;
      this.#workDir = undefined;
      this.#attentionPath = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  }

  #dir(): Promise<string> {
    this.#workDir ??= mkdtemp(join(tmpdir(), 'nguon-radio-'));
    return this.#workDir;
  }

  async #attentionSource(signal: CachedMedia | 'builtin' | undefined): Promise<AudioSource> {
    if (signal !== undefined && signal !== 'builtin') return sourceOf(signal);
    this.#attentionPath ??= this.#dir().then(async (dir) => {
      const path = join(dir, 'attention.wav');
      await writeFile(path, attentionSignalWav(this.#attentionSec));
      return path;
    });
    return { path: await this.#attentionPath, mime: 'audio/wav', durationSec: this.#attentionSec };
  }

  async #mainSource(
    item: RadioPlayoutItem,
    signal: AbortSignal,
  ): Promise<{ source: AudioSource; cleanup?: string } | PlayResult> {
    if (item.media !== undefined)
      return { source: { ...sourceOf(item.media), durationSec: item.media.durationSec } };
    if (item.text === undefined || item.text.trim() === '') {
      return {
        outcome: 'failed',
        reason: `bulletin ${item.bulletinId} has neither audio nor text in ${item.lang}`,
      };
    }
    if (this.#tts === undefined) {
      return {
        outcome: 'failed',
        reason: `bulletin ${item.bulletinId} has text only and this radio has no TTS engine`,
      };
    }
    if (!this.#tts.supports(item.lang)) {
      return {
        outcome: 'failed',
        reason: `${this.#tts.name} has no voice for "${item.lang}"; send audio for this language`,
      };
    }
    const path = join(await this.#dir(), `speech-${process.pid}-${++this.#speechCount}.wav`);
    try {
      const text =
        item.title !== undefined && item.title.trim() !== '' ? `${item.title}. ${item.text}` : item.text;
      const { durationSec } = await this.#tts.synthesize(text, path, {
        lang: item.lang,
        rate: item.tts?.rate,
        voice: item.tts?.voice,
        signal,
      });
      return { source: { path, mime: 'audio/wav', durationSec }, cleanup: path };
    } catch (error) {
      await rm(path, { force: true });
      if (signal.aborted) return { outcome: 'interrupted', reason: 'aborted' };
      return { outcome: 'failed', reason: (error as Error).message };
    }
  }
}

function sourceOf(media: CachedMedia): AudioSource {
  const path = media.path ?? (media.url.startsWith('file:') ? fileURLToPath(media.url) : undefined);
  return path !== undefined ? { path, mime: media.mime } : { url: media.url, mime: media.mime };
}

function withNote(result: PlayResult, note: string | undefined): PlayResult {
  if (note === undefined) return result;
  return { ...result, reason: result.reason === undefined ? note : `${result.reason}; ${note}` };
}
