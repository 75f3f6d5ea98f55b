import { DeviceError } from '../errors';

/**
 * One stored blob as {@link BlobStore.list} reports it.
 *
 * @example `const { sha256, size }: StoredBlob = (await store.list())[0];`
 */
export interface StoredBlob {
  sha256: string;
  size: number;
}

/**
 * Content-addressed storage of media bytes, keyed by their sha256 (64 lowercase hex). The store
 * keeps what it is given; {@link MediaCache} verifies bytes before `put` and decides what to evict.
 *
 * @example
 * ```ts
 * const store: BlobStore = new MemoryBlobStore();
 * await store.put(sha, bytes);
 * const again = await store.get(sha);
 * ```
 */
export interface BlobStore {
  has(sha256: string): Promise<boolean>;
  get(sha256: string): Promise<Uint8Array | undefined>;
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  delete(sha256: string): Promise<void>;
  usedBytes(): Promise<number>;
  /** Node only: a file path a command-line player can open; undefined in browsers. */
  pathOf?(sha256: string): string | undefined;
  /** A URL a player can open (file URL in Node, object URL in browsers); undefined when none. */
  urlOf?(sha256: string, mime: string): string | undefined;
  /** Every stored blob, least recently written first (lets a cache rebuild its LRU order after a restart). */
  list?(): Promise<StoredBlob[]>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Throws a `DeviceError` `invalid_message` unless `sha256` is 64 lowercase hex characters (§3).
 *
 * @example `assertSha256(ref.sha256, 'media[0].sha256');`
 */
export function assertSha256(sha256: string, path = 'sha256'): void {
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
    throw new DeviceError(
      'invalid_message',
      `expected ${path} as 64 lowercase hex characters, found ${JSON.stringify(sha256)}`,
      { path },
    );
  }
}

/**
 * A {@link BlobStore} in memory: for browsers without persistent storage, simulators and tests.
 * Where `URL.createObjectURL` exists (browsers, Node), `urlOf` gives an object URL of the bytes,
 * revoked when the blob is deleted.
 *
 * @example
 * ```ts
 * const cache = new MediaCache({ store: new MemoryBlobStore(), limitBytes: 50_000_000 });
 * ```
 */
export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, Uint8Array>();
  readonly #urls = new Map<string, string>();

  /** @example `await store.has(sha)` */
  async has(sha256: string): Promise<boolean> {
    return this.#blobs.has(sha256);
  }

  /** A copy of the bytes, so that no reader can alter what was verified. @example `const bytes = await store.get(sha)` */
  async get(sha256: string): Promise<Uint8Array | undefined> {
    return this.#blobs.get(sha256)?.slice();
  }

  /** Stores a copy of `bytes`. @example `await store.put(sha, bytes)` */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    assertSha256(sha256);
    this.#blobs.delete(sha256);
    this.#blobs.set(sha256, bytes.slice());
  }

  /** @example `await store.delete(sha)` */
  async delete(sha256: string): Promise<void> {
    this.#blobs.delete(sha256);
    const url = this.#urls.get(sha256);
    if (url !== undefined) {
      URL.revokeObjectURL(url);
      this.#urls.delete(sha256);
    }
  }

  /** @example `await store.usedBytes()` */
  async usedBytes(): Promise<number> {
    let total = 0;
    for (const bytes of this.#blobs.values()) total += bytes.byteLength;
    return total;
  }

  /** @example `await store.list()` */
  async list(): Promise<StoredBlob[]> {
    return [...this.#blobs].map(([sha256, bytes]) => ({ sha256, size: bytes.byteLength }));
  }

  /** An object URL of the blob, or undefined where object URLs do not exist. @example `audio.src = store.urlOf(sha, 'audio/mpeg')!` */
  urlOf(sha256: string, mime: string): string | undefined {
    const known = this.#urls.get(sha256);
    if (known !== undefined) return known;
    const bytes = this.#blobs.get(sha256);
    if (bytes === undefined || typeof URL.createObjectURL !== 'function') return undefined;
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
    this.#urls.set(sha256, url);
    return url;
  }
}
