import type { KeyValueStore } from '@nguon/device';
import { BoardError } from './errors';

const OBJECT_STORE = 'kv';

/**
 * Options of {@link IndexedDbStore.open}.
 *
 * @example `await IndexedDbStore.open('nguon-board-bt-52001-001')`
 */
export interface IndexedDbStoreOptions {
  /** The IndexedDB factory (default `globalThis.indexedDB`). */
  indexedDB?: IDBFactory;
}

/**
 * The device's persistent state (session and receipt counters, executed command ids, the receipt
 * journal, config, trust) in the browser's IndexedDB, so a board that reloads its page or loses
 * power keeps counting receipts without a gap (P-R1) and never runs a command twice (P-S5).
 * Values are stored as JSON text, like the other stores; a write resolves once its transaction
 * has committed with `durability: 'strict'`.
 *
 * @example
 * ```ts
 * const store = await IndexedDbStore.open('nguon-board-bt-52001-001');
 * await store.set('session', 4);
 * await store.get<number>('session'); // 4
 * ```
 */
export class IndexedDbStore implements KeyValueStore {
  readonly #db: IDBDatabase;

  private constructor(db: IDBDatabase) {
    this.#db = db;
  }

  /**
   * Opens (or creates) the database `name`.
   *
   * @example `const store = await IndexedDbStore.open('nguon-board')`
   */
  static open(name: string, options: IndexedDbStoreOptions = {}): Promise<IndexedDbStore> {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (!factory) {
      return Promise.reject(
        new BoardError(
          'storage_unavailable',
          `IndexedDB '${name}': this browser has no IndexedDB (private mode?)`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(OBJECT_STORE))
          request.result.createObjectStore(OBJECT_STORE);
      };
      request.onsuccess = () => resolve(new IndexedDbStore(request.result));
      request.onerror = () =>
        reject(
          new BoardError(
            'storage_unavailable',
            `IndexedDB '${name}' could not be opened: ${request.error?.message}`,
            {
              cause: request.error,
            },
          ),
        );
      request.onblocked = () =>
        reject(new BoardError('storage_unavailable', `IndexedDB '${name}' is held open by an older page`));
    });
  }

  /** @example `await store.get<number>('session')` */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    const text = await this.#request<string | undefined>('readonly', (s) => s.get(key));
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** @example `await store.set('session', 1)` */
  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`store ${key}: expected a JSON value, found ${typeof value}`);
    await this.#request('readwrite', (s) => s.put(text, key));
  }

  /** @example `await store.delete('session')` */
  async delete(key: string): Promise<void> {
    await this.#request('readwrite', (s) => s.delete(key));
  }

  /** @example `await store.keys('receipt/')` */
  async keys(prefix = ''): Promise<string[]> {
    const range = prefix === '' ? undefined : IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const keys = await this.#request<IDBValidKey[]>('readonly', (s) => s.getAllKeys(range));
    return keys
      .map(String)
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  /** Closes the database. @example `store.close()` */
  close(): void {
    this.#db.close();
  }

  #request<T>(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
    return new Promise((resolve, reject) => {
      const tx = this.#db.transaction(OBJECT_STORE, mode, { durability: 'strict' });
      const request = run(tx.objectStore(OBJECT_STORE));
      tx.oncomplete = () => resolve(request.result as T);
      tx.onerror = tx.onabort = () =>
        reject(
          new BoardError('storage_unavailable', `IndexedDB ${mode}: ${tx.error?.message ?? 'aborted'}`, {
            cause: tx.error,
          }),
        );
    });
  }
}
