import { ExecutedIds } from '@nguon/protocol';
import type { KeyValueStore } from './store';

/**
 * The executed command ids of P-S5, persisted: each id is kept until its command's lifetime ends,
 * so a command replayed later, even after a reboot, is a duplicate (P-M2) or expired, never
 * executed twice. Expired ids are pruned on every `add`.
 *
 * @example
 * ```ts
 * const replay = await ReplayStore.open(store, () => Date.now());
 * if (!replay.has(cmd.id)) { run(cmd); await replay.add(cmd.id, lifetimeEnd); }
 * ```
 */
export class ReplayStore {
  readonly #store: KeyValueStore;
  readonly #key: string;
  readonly #now: () => number;
  readonly #ids: ExecutedIds;
  #writes: Promise<void> = Promise.resolve();

  private constructor(store: KeyValueStore, key: string, now: () => number, ids: ExecutedIds) {
    this.#store = store;
    this.#key = key;
    this.#now = now;
    this.#ids = ids;
  }

  /**
   * Loads the saved ids (key `executed` by default).
   *
   * @example `await ReplayStore.open(new MemoryStore(), Date.now)`
   */
  static async open(store: KeyValueStore, now: () => number, key = 'executed'): Promise<ReplayStore> {
    const saved = await store.get<[string, number][]>(key);
    const ids = new ExecutedIds(Array.isArray(saved) ? saved : []);
    ids.prune(now());
    return new ReplayStore(store, key, now, ids);
  }

  /** Whether `id` was executed. @example `replay.has(cmd.id)` */
  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** How many ids are held. @example `replay.size` */
  get size(): number {
    return this.#ids.size;
  }

  /**
   * Records `id` as executed until `lifetimeEnd` (ms) and persists; resolves once durable.
   *
   * @example `await replay.add(cmd.id, result.lifetimeEnd)`
   */
  add(id: string, lifetimeEnd: number): Promise<void> {
    this.#ids.add(id, lifetimeEnd);
    this.#ids.prune(this.#now());
    const entries = this.#ids.entries();
    const write = this.#writes.then(() => this.#store.set(this.#key, entries));
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
