import { DeviceError } from '../errors';
import { assertSha256, type BlobStore, type StoredBlob } from './blob-store';

const BLOBS = 'blobs';
const SIZES = 'sizes';

interface SizeRecord {
  size: number;
  /** Write order, to rebuild least-recently-used order after a reload. */
  at: number;
}

/**
 * Options of {@link IndexedDbBlobStore.open}.
 *
 * @example `await IndexedDbBlobStore.open('nguon-media', { indexedDB: window.indexedDB })`
 */
export interface IndexedDbBlobStoreOptions {
  /** The IndexedDB factory (default `globalThis.indexedDB`). */
  indexedDB?: IDBFactory;
}

/**
 * A {@link BlobStore} in the browser's IndexedDB, so that a bulletin board keeps its verified media
 * across page reloads and power cuts instead of downloading it again. Bytes and sizes live in two
 * object stores written in one transaction (`durability: 'strict'`), so `list` and `usedBytes`
 * never read the bytes. Players get the bytes (`CachedMedia.bytes`); there is no file path.
 *
 * @example
 * ```ts
 * const store = await IndexedDbBlobStore.open('nguon-media');
 * const cache = new MediaCache({ store, limitBytes: 200_000_000 });
 * ```
 */
export class IndexedDbBlobStore implements BlobStore {
  readonly #db: IDBDatabase;
  #clock = 0;

  private constructor(db: IDBDatabase, clock: number) {
    this.#db = db;
    this.#clock = clock;
  }

  /**
   * Opens (or creates) the database `name`.
   *
   * @example `const store = await IndexedDbBlobStore.open('nguon-media');`
   */
  static async open(name: string, options: IndexedDbBlobStoreOptions = {}): Promise<IndexedDbBlobStore> {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (factory === undefined) {
      throw new DeviceError('store', `IndexedDB '${name}': expected a browser with IndexedDB, found none`);
    }
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        const created = request.result;
        if (!created.objectStoreNames.contains(BLOBS)) created.createObjectStore(BLOBS);
        if (!created.objectStoreNames.contains(SIZES)) created.createObjectStore(SIZES);
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () =>
        reject(
          new DeviceError('store', `IndexedDB '${name}' could not be opened: ${request.error?.message}`, {
            cause: request.error,
          }),
        );
      request.onblocked = () =>
        reject(new DeviceError('store', `IndexedDB '${name}' is held open by an older page`));
    });
    const store = new IndexedDbBlobStore(db, 0);
    const sizes = await store.#records();
    store.#clock = sizes.reduce((max, [, record]) => Math.max(max, record.at), 0);
    return store;
  }

  /** @example `await store.has(sha)` */
  async has(sha256: string): Promise<boolean> {
    const count = await this.#run<number>(SIZES, 'readonly', (s) => s[0]!.count(sha256));
    return count > 0;
  }

  /** @example `const bytes = await store.get(sha)` */
  async get(sha256: string): Promise<Uint8Array | undefined> {
    const value = await this.#run<Uint8Array | undefined>(BLOBS, 'readonly', (s) => s[0]!.get(sha256));
    return value === undefined ? undefined : new Uint8Array(value);
  }

  /** Writes the bytes and their size in one transaction. @example `await store.put(sha, bytes)` */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    assertSha256(sha256);
    const record: SizeRecord = { size: bytes.byteLength, at: ++this.#clock };
    await this.#run([BLOBS, SIZES], 'readwrite', (s) => {
      s[0]!.put(bytes.slice(), sha256);
      return s[1]!.put(record, sha256);
    });
  }

  /** @example `await store.delete(sha)` */
  async delete(sha256: string): Promise<void> {
    await this.#run([BLOBS, SIZES], 'readwrite', (s) => {
      s[0]!.delete(sha256);
      return s[1]!.delete(sha256);
    });
  }

  /** @example `await store.usedBytes()` */
  async usedBytes(): Promise<number> {
    return (await this.list()).reduce((total, blob) => total + blob.size, 0);
  }

  /** Every blob, oldest write first. @example `await store.list()` */
  async list(): Promise<StoredBlob[]> {
    return (await this.#records())
      .sort((a, b) => a[1].at - b[1].at)
      .map(([sha256, record]) => ({ sha256, size: record.size }));
  }

  /** Closes the database. @example `store.close()` */
  close(): void {
    this.#db.close();
  }

  /** Keys and size records, read in one transaction so that they match. */
  async #records(): Promise<[string, SizeRecord][]> {
    let keys: IDBRequest<IDBValidKey[]> | undefined;
    const values = await this.#run<SizeRecord[]>(SIZES, 'readonly', (s) => {
      keys = s[0]!.getAllKeys();
      return s[0]!.getAll();
    });
    const names = keys?.result ?? [];
    return names.map((key, i) => [String(key), values[i]!]);
  }

  #run<T>(
    names: string | string[],
    mode: IDBTransactionMode,
    run: (stores: IDBObjectStore[]) => IDBRequest,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const list = typeof names === 'string' ? [names] : names;
      const tx = this.#db.transaction(list, mode, { durability: 'strict' });
      const request = run(list.map((name) => tx.objectStore(name)));
      tx.oncomplete = () => resolve(request.result as T);
      tx.onerror = tx.onabort = () =>
        reject(
          new DeviceError('store', `IndexedDB media ${mode}: ${tx.error?.message ?? 'aborted'}`, {
            cause: tx.error,
          }),
        );
    });
  }
}
