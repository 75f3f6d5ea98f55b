/**
 * Persistent key/value state of a device: session counter, event and receipt counters, executed
 * command ids, the receipt journal, config and trust. Values are JSON-serialisable. Node uses
 * `FileStore` (`@nguon/device/node`), browsers `IndexedDbStore`, tests {@link MemoryStore}.
 *
 * @example
 * ```ts
 * await store.set('session', 4);
 * const session = (await store.get<number>('session')) ?? 0;
 * ```
 */
export interface KeyValueStore {
  /** The value stored under `key`, or undefined. */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores a JSON-serialisable value; resolves once it is durable. */
  set(key: string, value: unknown): Promise<void>;
  /** Removes a key (no error when absent). */
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix` (all keys without it), sorted. */
  keys(prefix?: string): Promise<string[]>;
}

/**
 * A {@link KeyValueStore} in memory: values are deep-copied through JSON on the way in and out, so
 * it behaves like a real store (no shared references). Nothing survives the process.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * await store.set('a', { n: 1 });
 * await store.keys(); // ['a']
 * ```
 */
export class MemoryStore implements KeyValueStore {
  readonly #data = new Map<string, string>();

  /** @example `await store.get<number>('session')` */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    const text = this.#data.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** @example `await store.set('session', 1)` */
  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`store ${key}: expected a JSON value, found ${typeof value}`);
    this.#data.set(key, text);
  }

  /** @example `await store.delete('session')` */
  async delete(key: string): Promise<void> {
    this.#data.delete(key);
  }

  /** @example `await store.keys('receipt/')` */
  async keys(prefix = ''): Promise<string[]> {
    return [...this.#data.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
