import type { HelloCapabilities, PlayoutAdapter, PlayoutItem, PlayResult } from './adapters';
import { type Clock, systemClock } from './clock';

/**
 * Options of {@link NullAdapter}.
 *
 * @example `new NullAdapter({ kind: 'board', defaultDurationSec: 10 })`
 */
export interface NullAdapterOptions {
  /** `radio` (default) or `board`. */
  kind?: 'radio' | 'board';
  /** The clock that times plays (default the system clock). */
  clock?: Clock;
  /** How long an item without `media.durationSec` plays, in seconds (default 5). */
  defaultDurationSec?: number;
  /** What `hello` announces (default: mp3 audio for radio, a 1920×1080 colour screen for board). */
  capabilities?: HelloCapabilities;
  /** Set to make every play end `failed` with this reason (to exercise failure paths). */
  failWith?: string;
  /** Offer live relay (`live.start`): the relay then lasts until aborted, with no sound (default false). */
  live?: boolean;
}

/**
 * A real {@link PlayoutAdapter} without sound or screen: each play lasts `media.durationSec` (or
 * `defaultDurationSec`) on the injected clock and ends `completed`, or `interrupted` when aborted.
 * For headless devices, simulators and tests. `plays` records what was played.
 *
 * @example
 * ```ts
 * const adapter = new NullAdapter({ kind: 'radio', clock });
 * const client = new DeviceClient({ ...options, adapter });
 * ```
 */
export class NullAdapter implements PlayoutAdapter {
  readonly kind: 'radio' | 'board';
  /** Every play started, in order, with how it ended (`undefined` while playing). */
  readonly plays: { item: PlayoutItem; startedAt: number; endedAt?: number; result?: PlayResult }[] = [];
  /** The last volume set. */
  volume: number | undefined;
  readonly #clock: Clock;
  readonly #defaultDurationSec: number;
  readonly #capabilities: HelloCapabilities;
  readonly #failWith: string | undefined;
  /** Present when created with `live: true`: a silent relay that lasts until aborted. */
  readonly live?: (
    source: { url: string; format: 'hls' | 'icecast' },
    signal: AbortSignal,
  ) => Promise<PlayResult>;
  /** Every live relay started, with how it ended. */
  readonly relays: { url: string; startedAt: number; result?: PlayResult }[] = [];

  constructor(options: NullAdapterOptions = {}) {
    this.kind = options.kind ?? 'radio';
    this.#clock = options.clock ?? systemClock;
    this.#defaultDurationSec = options.defaultDurationSec ?? 5;
    this.#failWith = options.failWith;
    if (options.live === true) {
      this.live = (source, signal) => {
        const relay: (typeof this.relays)[number] = { url: source.url, startedAt: this.#clock.now() };
        this.relays.push(relay);
        return new Promise((resolve) => {
          const end = () => {
            relay.result = { outcome: 'interrupted', reason: 'aborted' };
            resolve(relay.result);
          };
          if (signal.aborted) end();
          else signal.addEventListener('abort', end, { once: true });
        });
      };
    }
    this.#capabilities =
      options.capabilities ??
      (this.kind === 'radio'
        ? {
            audio: { codecs: ['mp3', 'aac', 'opus'], tts: [] },
            ...(options.live === true ? { live: ['hls', 'icecast'] as ('hls' | 'icecast')[] } : {}),
          }
        : { display: { width: 1920, height: 1080, color: true, mime: ['image/png', 'image/jpeg'] } });
  }

  /** @example `adapter.capabilities()` */
  capabilities(): HelloCapabilities {
    return structuredClone(this.#capabilities);
  }

  /** @example `await adapter.play(item, signal)` */
  play(item: PlayoutItem, signal: AbortSignal): Promise<PlayResult> {
    const record: (typeof this.plays)[number] = { item, startedAt: this.#clock.now() };
    this.plays.push(record);
    const finish = (result: PlayResult): PlayResult => {
      record.endedAt = this.#clock.now();
      record.result = result;
      return result;
    };
    if (this.#failWith !== undefined)
      return Promise.resolve(finish({ outcome: 'failed', reason: this.#failWith }));
    if (signal.aborted) return Promise.resolve(finish({ outcome: 'interrupted', reason: 'aborted' }));
    const ms = Math.max(0, (item.media?.durationSec ?? this.#defaultDurationSec) * 1000);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.#clock.clearTimeout(handle);
        resolve(finish({ outcome: 'interrupted', reason: 'aborted' }));
      };
      const handle = this.#clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(finish({ outcome: 'completed' }));
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** @example `await adapter.setVolume(70)` */
  async setVolume(volume: number): Promise<void> {
    this.volume = volume;
  }

  /** @example `(await adapter.selfTest()).ok` */
  async selfTest(): Promise<{ ok: boolean; checks: { name: string; ok: boolean; message?: string }[] }> {
    return {
      ok: true,
      checks: [{ name: 'null-output', ok: true, message: 'no speaker or screen attached' }],
    };
  }
}
