import type { KeyValueStore } from './store';

/**
 * A persisted counter that never goes back, across reboots: the session counter (P-H1) and the
 * event `seq` (§3). `next()` takes the next value at once (synchronously ordered) and resolves when
 * it is durable, so two calls never get the same number even when they overlap.
 *
 * @example
 * ```ts
 * const seq = await PersistentCounter.open(store, 'event-seq');
 * const n = await seq.next(); // 1, then 2, 3 … also after a restart
 * ```
 */
export class PersistentCounter {
  readonly #store: KeyValueStore;
  readonly #key: string;
  #value: number;
  #writes: Promise<void> = Promise.resolve();

  private constructor(store: KeyValueStore, key: string, value: number) {
    this.#store = store;
    this.#key = key;
    this.#value = value;
  }

  /**
   * Loads the counter (0 when never used).
   *
   * @example `const session = await PersistentCounter.open(store, 'session')`
   */
  static async open(store: KeyValueStore, key: string): Promise<PersistentCounter> {
    const saved = await store.get<number>(key);
    return new PersistentCounter(
      store,
      key,
      typeof saved === 'number' && Number.isInteger(saved) ? saved : 0,
    );
  }

  /** The last value taken (0 when none). @example `counter.value` */
  get value(): number {
    return this.#value;
  }

  /**
   * Takes the next value and persists it; resolves with it once written.
   *
   * @example `const session = await counter.next()`
   */
  next(): Promise<number> {
    const value = ++this.#value;
    const write = this.#writes.then(() => this.#store.set(this.#key, value));
    this.#writes = write.catch(() => undefined);
    return write.then(() => value);
  }

  /** Resolves when every write so far is durable. @example `await counter.flush()` */
  flush(): Promise<void> {
    return this.#writes;
  }
}
