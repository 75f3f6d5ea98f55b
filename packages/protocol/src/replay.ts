/**
 * The ids of executed commands, each kept until its command's lifetime ends (P-S5), so a replayed
 * command is either a duplicate (P-M2) or expired, never executed twice. Persist `entries()` across
 * reboots and restore with `new ExecutedIds(saved)`.
 *
 * @example
 * ```ts
 * const executed = new ExecutedIds(loadFromDisk());
 * const r = await verifyCommand(jws, { trust, deviceId, units, isExecuted: (id) => executed.has(id) });
 * if (r.ok && !r.duplicate) { run(r.command); executed.add(r.command.id, r.lifetimeEnd); saveToDisk(executed.entries()); }
 * ```
 */
export class ExecutedIds {
  readonly #until = new Map<string, number>();

  /** Restores saved entries: `[id, lifetimeEnd]` pairs. @example `new ExecutedIds([['01JF…', 1764151200000]])` */
  constructor(entries: Iterable<readonly [string, number]> = []) {
    for (const [id, until] of entries) this.add(id, until);
  }

  /** Whether the id was executed (and its lifetime has not been pruned). @example `executed.has(cmd.id)` */
  has(id: string): boolean {
    return this.#until.has(id);
  }

  /** Records an executed id until `lifetimeEnd` (ms). @example `executed.add(cmd.id, result.lifetimeEnd)` */
  add(id: string, lifetimeEnd: number): void {
    const held = this.#until.get(id);
    this.#until.set(id, held === undefined ? lifetimeEnd : Math.max(held, lifetimeEnd));
  }

  /**
   * Forgets ids whose lifetime ended at or before `now`: a replay of them is refused as `expired`
   * anyway. Returns how many were forgotten.
   *
   * @example
   * ```ts
   * executed.prune(Date.now());
   * ```
   */
  prune(now: number): number {
    let removed = 0;
    for (const [id, until] of this.#until) {
      if (until <= now) {
        this.#until.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** How many ids are held. @example `executed.size` */
  get size(): number {
    return this.#until.size;
  }

  /** `[id, lifetimeEnd]` pairs to persist. @example `JSON.stringify(executed.entries())` */
  entries(): [string, number][] {
    return [...this.#until];
  }
}
