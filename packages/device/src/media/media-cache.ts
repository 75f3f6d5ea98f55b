import { BulletinError, sha256Media } from '@nguon/bulletin';
import type { CachedMedia } from '../adapters';
import { type Clock, systemClock } from '../clock';
import { DeviceError } from '../errors';
import { assertSha256, type BlobStore } from './blob-store';

/**
 * A media reference of `bulletin.deliver` (P-T3): where to fetch it and what it must hash to.
 *
 * @example
 * ```ts
 * const ref: MediaRef = { url: 'https://media.example.vn/a.mp3', sha256: 'e3b0…', size: 48213, mime: 'audio/mpeg' };
 * ```
 */
export interface MediaRef {
  url: string;
  sha256: string;
  size: number;
  mime: string;
  durationSec?: number | undefined;
}

/**
 * Options of {@link MediaCache}.
 *
 * @example
 * ```ts
 * const options: MediaCacheOptions = { store: new MemoryBlobStore(), limitBytes: 100_000_000,
 *   inUse: (sha) => scheduler.usesMedia(sha) };
 * ```
 */
export interface MediaCacheOptions {
  store: BlobStore;
  /** The fetch to download with (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Most bytes the cache holds; least recently used media not in use is evicted to stay under it. */
  limitBytes: number;
  /** Times downloads (default the system clock). */
  clock?: Clock;
  /** Says whether media is in use (scheduled or playing) and so must not be evicted. */
  inUse?: (sha256: string) => boolean;
  /** A download that takes longer fails `media_unavailable` (default 300 000 ms). */
  timeoutMs?: number;
  /** Further attempts after a failed download (network, HTTP error, timeout), default 2; never after a hash mismatch. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one (default 2000 ms). */
  retryDelayMs?: number;
}

/** `URL.canParse` is missing from browsers before 2023 that boards still run. */
function isAbsoluteUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function checkRef(ref: MediaRef): void {
  const fail = (path: string, expected: string, found: unknown): never => {
    throw new DeviceError(
      'invalid_message',
      `expected ${path} to be ${expected}, found ${JSON.stringify(found) ?? String(found)}`,
      { path, rule: 'P-M1' },
    );
  };
  if (typeof ref !== 'object' || ref === null) fail('media', 'a reference {url, sha256, size, mime}', ref);
  assertSha256(ref.sha256, 'media.sha256');
  if (typeof ref.url !== 'string' || !isAbsoluteUrl(ref.url)) fail('media.url', 'an absolute URL', ref.url);
  if (!Number.isSafeInteger(ref.size) || ref.size < 0)
    fail('media.size', 'a whole number of bytes', ref.size);
  if (typeof ref.mime !== 'string' || ref.mime === '') fail('media.mime', 'a MIME type', ref.mime);
}

function detail(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * The device's media cache, content-addressed by sha256 (P-M1): downloads each file once,
 * hashing it while it streams, and hands out only bytes that match their reference. Concurrent
 * requests for the same sha256 share one download; least recently used media is evicted to stay
 * under `limitBytes`, never media that is in use.
 *
 * @example
 * ```ts
 * const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 50_000_000 });
 * try {
 *   const media = await cache.ensure(ref);
 *   console.log(media.url, media.size);
 * } catch (error) {
 *   if (DeviceError.isInstance(error)) console.log(error.code); // 'media_integrity' | 'media_unavailable'
 * }
 * ```
 */
export class MediaCache {
  readonly #store: BlobStore;
  readonly #fetch: typeof fetch;
  readonly #limit: number;
  readonly #clock: Clock;
  readonly #inUse: (sha256: string) => boolean;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  /** Known blobs and their sizes, least recently used first (Map keeps insertion order). */
  readonly #lru = new Map<string, number>();
  readonly #downloads = new Map<string, Promise<CachedMedia>>();
  readonly #retained = new Map<string, number>();
  #loaded: Promise<void> | undefined;
  /** Serialises eviction + write, so that two finished downloads never overshoot the limit together. */
  #writing: Promise<unknown> = Promise.resolve();

  constructor(options: MediaCacheOptions) {
    if (!Number.isFinite(options.limitBytes) || options.limitBytes <= 0) {
      throw new DeviceError('invalid_config', `expected limitBytes > 0, found ${options.limitBytes}`, {
        path: 'limitBytes',
      });
    }
    this.#store = options.store;
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#limit = options.limitBytes;
    this.#clock = options.clock ?? systemClock;
    this.#inUse = options.inUse ?? (() => false);
    this.#timeoutMs = options.timeoutMs ?? 300_000;
    this.#retries = Math.max(0, Math.floor(options.retries ?? 2));
    this.#retryDelayMs = Math.max(0, options.retryDelayMs ?? 2000);
  }

  /** The byte limit. @example `cache.limitBytes` */
  get limitBytes(): number {
    return this.#limit;
  }

  /**
   * Bytes held by the media this cache knows.
   *
   * @example `status.storageUsedBytes = await cache.usedBytes();`
   */
  async usedBytes(): Promise<number> {
    await this.#load();
    let total = 0;
    for (const size of this.#lru.values()) total += size;
    return total;
  }

  /**
   * Returns the media from the cache, or downloads and verifies it first (P-M1). Rejects with a
   * `DeviceError`: `media_integrity` when the bytes differ from `sha256` or `size` (the message
   * gives expected and found), `media_unavailable` when the URL cannot be fetched, answers with an
   * HTTP error, times out, or when the file is larger than the whole cache.
   *
   * @example
   * ```ts
   * const media = await cache.ensure({ url, sha256, size, mime: 'audio/mpeg', durationSec: 42 });
   * scheduler.add({ ...content, media, startAt });
   * ```
   */
  async ensure(ref: MediaRef): Promise<CachedMedia & { durationSec?: number }> {
    checkRef(ref);
    await this.#load();
    const sha = ref.sha256;
    if (this.#lru.has(sha) && (await this.#store.has(sha))) {
      this.#touch(sha);
      return this.#describe(ref);
    }
    let download = this.#downloads.get(sha);
    if (download === undefined) {
      download = this.#downloadWithRetries(ref).finally(() => this.#downloads.delete(sha));
      this.#downloads.set(sha, download);
    }
    const media = await download;
    return { ...media, ...(ref.durationSec === undefined ? {} : { durationSec: ref.durationSec }) };
  }

  /**
   * Whether verified media with this sha256 is in the cache.
   *
   * @example `if (!(await cache.has(sha))) alarm('media_unavailable');`
   */
  async has(sha256: string): Promise<boolean> {
    await this.#load();
    return this.#lru.has(sha256) && (await this.#store.has(sha256));
  }

  /**
   * Pins media so that eviction leaves it alone until as many {@link MediaCache.release} calls.
   *
   * @example `cache.retain(sha); try { await play(); } finally { cache.release(sha); }`
   */
  retain(sha256: string): void {
    this.#retained.set(sha256, (this.#retained.get(sha256) ?? 0) + 1);
  }

  /** Undoes one {@link MediaCache.retain}. @example `cache.release(sha);` */
  release(sha256: string): void {
    const count = (this.#retained.get(sha256) ?? 0) - 1;
    if (count > 0) this.#retained.set(sha256, count);
    else this.#retained.delete(sha256);
  }

  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      for (const blob of (await this.#store.list?.()) ?? []) this.#lru.set(blob.sha256, blob.size);
    })();
    return this.#loaded;
  }

  #touch(sha256: string): void {
    const size = this.#lru.get(sha256);
    if (size === undefined) return;
    this.#lru.delete(sha256);
    this.#lru.set(sha256, size);
  }

  async #describe(ref: MediaRef, bytes?: Uint8Array): Promise<CachedMedia & { durationSec?: number }> {
    const path = this.#store.pathOf?.(ref.sha256);
    const media: CachedMedia & { durationSec?: number } = {
      sha256: ref.sha256,
      mime: ref.mime,
      size: ref.size,
      url: this.#store.urlOf?.(ref.sha256, ref.mime) ?? ref.url,
    };
    if (path !== undefined) media.path = path;
    else {
      const held = bytes ?? (await this.#store.get(ref.sha256));
      if (held !== undefined) media.bytes = held;
    }
    if (ref.durationSec !== undefined) media.durationSec = ref.durationSec;
    return media;
  }

  /** Retries transport failures with doubling delays; integrity and room problems are final. */
  async #downloadWithRetries(ref: MediaRef): Promise<CachedMedia> {
    if (ref.size > this.#limit) {
      throw new DeviceError(
        'media_unavailable',
        `media ${ref.sha256} of ${ref.size} bytes is larger than the whole media cache (limit ${this.#limit} bytes)`,
        { path: ref.url, rule: 'P-M1' },
      );
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#download(ref);
      } catch (error) {
        const final =
          !DeviceError.isInstance(error) || error.code !== 'media_unavailable' || error.path !== ref.url;
        if (final || attempt >= this.#retries) {
          if (attempt === 0 || !DeviceError.isInstance(error)) throw error;
          throw new DeviceError(error.code, `${error.message} (after ${attempt + 1} attempts)`, {
            path: ref.url,
            rule: 'P-M1',
            cause: error,
          });
        }
        const delay = this.#retryDelayMs * 2 ** attempt;
        await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, delay));
      }
    }
  }

  async #download(ref: MediaRef): Promise<CachedMedia> {
    const where = { path: ref.url, rule: 'P-M1' };
    const controller = new AbortController();
    const timer = this.#clock.setTimeout(
      () => controller.abort(new Error(`no complete answer within ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    try {
      let response: Response;
      try {
        response = await this.#fetch(ref.url, { signal: controller.signal });
      } catch (cause) {
        throw new DeviceError('media_unavailable', `could not fetch ${ref.url}: ${detail(cause)}`, {
          ...where,
          cause,
        });
      }
      if (!response.ok || response.body === null) {
        await response.body?.cancel().catch(() => undefined);
        throw new DeviceError(
          'media_unavailable',
          `expected HTTP 200 with a body from ${ref.url}, found HTTP ${response.status}`,
          where,
        );
      }
      const chunks: Uint8Array[] = [];
      const body = response.body;
      async function* keep(): AsyncGenerator<Uint8Array> {
        const reader = body.getReader();
        let finished = false;
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) {
              finished = true;
              return;
            }
            chunks.push(value);
            yield value;
          }
        } finally {
          // Stopped early (too many bytes, abort): stop the download too.
          if (!finished) await reader.cancel().catch(() => undefined);
        }
      }
      let digest: { sha256: string; size: number };
      try {
        digest = await sha256Media(keep(), { maxBytes: ref.size, signal: controller.signal });
      } catch (cause) {
        if (BulletinError.isInstance(cause) && cause.code === 'media_too_large') {
          throw new DeviceError(
            'media_integrity',
            `expected ${ref.size} bytes from ${ref.url}, found more; stopped reading`,
            { ...where, cause },
          );
        }
        const why = controller.signal.aborted ? detail(controller.signal.reason) : detail(cause);
        throw new DeviceError('media_unavailable', `download of ${ref.url} failed: ${why}`, {
          ...where,
          cause,
        });
      }
      if (digest.size !== ref.size) {
        throw new DeviceError(
          'media_integrity',
          `expected ${ref.size} bytes from ${ref.url}, found ${digest.size}`,
          where,
        );
      }
      if (digest.sha256 !== ref.sha256) {
        throw new DeviceError(
          'media_integrity',
          `expected sha256 ${ref.sha256} from ${ref.url}, found ${digest.sha256}`,
          where,
        );
      }
      const bytes = new Uint8Array(digest.size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      const write = this.#writing.then(async () => {
        await this.#makeRoom(ref);
        await this.#store.put(ref.sha256, bytes);
        this.#lru.delete(ref.sha256);
        this.#lru.set(ref.sha256, bytes.byteLength);
      });
      this.#writing = write.catch(() => undefined);
      await write;
      return this.#describe(ref, bytes);
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  /** Evicts least recently used media not in use until `ref` fits under the limit. */
  async #makeRoom(ref: MediaRef): Promise<void> {
    let used = 0;
    for (const [sha, size] of this.#lru) if (sha !== ref.sha256) used += size;
    for (const [sha, size] of [...this.#lru]) {
      if (used + ref.size <= this.#limit) return;
      if (sha === ref.sha256 || this.#retained.has(sha) || this.#downloads.has(sha) || this.#inUse(sha))
        continue;
      await this.#store.delete(sha);
      this.#lru.delete(sha);
      used -= size;
    }
    if (used + ref.size > this.#limit) {
      throw new DeviceError(
        'media_unavailable',
        `no room for media ${ref.sha256} of ${ref.size} bytes: ${used} of ${this.#limit} bytes are held by media in use`,
        { path: 'limitBytes', rule: 'P-M1' },
      );
    }
  }
}
