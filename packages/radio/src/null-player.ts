import { readFile } from 'node:fs/promises';
import { type Clock, type PlayResult, systemClock } from '@nguon/device';
import { type AudioPlayer, type AudioSource, checkVolume, codecOf, type PlayOptions } from './player';
import { parseWav, wavDurationSec } from './wav';

/**
 * Options of {@link NullPlayer}.
 *
 * @example `new NullPlayer({ clock, defaultDurationSec: 3 })`
 */
export interface NullPlayerOptions {
  /** The clock that times plays (default the system clock). */
  clock?: Clock;
  /** Seconds a source lasts when neither `durationSec` nor a WAV header tells (default 5). */
  defaultDurationSec?: number;
  /** Codecs to announce (default `mp3`, `wav`). */
  codecs?: string[];
}

/**
 * An {@link AudioPlayer} without sound: a play lasts the source's `durationSec`, else the duration
 * in its WAV header, else `defaultDurationSec`, on the injected clock — so a {@link RadioAdapter} can
 * run in simulators and clock-driven tests. Live sources play until aborted. `plays` records every
 * play. (For a whole device without radio logic, `NullAdapter` of `@nguon/device` is simpler.)
 *
 * @example
 * ```ts
 * const player = new NullPlayer({ clock: new ManualClock() });
 * const adapter = new RadioAdapter({ player });
 * ```
 */
export class NullPlayer implements AudioPlayer {
  readonly name = 'null';
  /** Every play, in order, with its volume, length and how it ended (`undefined` while playing). */
  readonly plays: { source: AudioSource; volume: number; durationSec: number; result?: PlayResult }[] = [];
  readonly #clock: Clock;
  readonly #defaultDurationSec: number;
  readonly #codecs: string[];
  readonly #stops = new Set<() => void>();
  #volume = 100;

  constructor(options: NullPlayerOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#defaultDurationSec = options.defaultDurationSec ?? 5;
    this.#codecs = options.codecs ?? ['mp3', 'wav'];
  }

  /** @example `player.codecs()` */
  codecs(): string[] {
    return [...this.#codecs];
  }

  /** @example `player.liveFormats() // ['hls', 'icecast']` */
  liveFormats(): ('hls' | 'icecast')[] {
    return ['hls', 'icecast'];
  }

  /** @example `await player.setVolume(50)` */
  async setVolume(volume: number): Promise<void> {
    this.#volume = checkVolume(volume);
  }

  /** @example `await player.stop()` */
  async stop(): Promise<void> {
    for (const stop of [...this.#stops]) stop();
  }

  /** @example `await player.play({ path: 'a.wav' }, { signal })` */
  async play(source: AudioSource, options: PlayOptions = {}): Promise<PlayResult> {
    const volume = options.volume ?? this.#volume;
    if (!(volume >= 0 && volume <= 100))
      return { outcome: 'failed', reason: `expected a volume of 0–100, found ${volume}` };
    const codec = codecOf(source);
    const durationSec = source.durationSec ?? (await wavSeconds(source)) ?? this.#defaultDurationSec;
    const record: (typeof this.plays)[number] = { source, volume, durationSec };
    this.plays.push(record);
    const finish = (result: PlayResult) => {
      record.result = result;
      return result;
    };
    if (codec !== undefined && codec !== 'hls' && !this.#codecs.includes(codec)) {
      return finish({
        outcome: 'failed',
        reason: `null player announces ${this.#codecs.join('/')}, not ${codec}`,
      });
    }
    const signal = options.signal;
    if (signal?.aborted) return finish({ outcome: 'interrupted', reason: 'aborted before start' });
    return new Promise((resolve) => {
      let handle: unknown;
      const stop = () => {
        if (handle !== undefined) this.#clock.clearTimeout(handle);
        done({ outcome: 'interrupted', reason: 'aborted' });
      };
      const done = (result: PlayResult) => {
        this.#stops.delete(stop);
        signal?.removeEventListener('abort', stop);
        resolve(finish(result));
      };
      this.#stops.add(stop);
      signal?.addEventListener('abort', stop, { once: true });
      if (source.live === undefined) {
        handle = this.#clock.setTimeout(() => done({ outcome: 'completed' }), durationSec * 1000);
      }
    });
  }
}

async function wavSeconds(source: AudioSource): Promise<number | undefined> {
  if (source.path === undefined || codecOf(source) !== 'wav') return undefined;
  try {
    return wavDurationSec(parseWav(new Uint8Array(await readFile(source.path))));
  } catch {
    return undefined;
  }
}
