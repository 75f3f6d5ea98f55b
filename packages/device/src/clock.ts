/**
 * Time as the runtime sees it: injected everywhere so that tests (and simulators) can drive it.
 *
 * @example
 * ```ts
 * const handle = clock.setTimeout(() => console.log('tick', clock.now()), 1000);
 * clock.clearTimeout(handle);
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a pending {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/**
 * The real clock: `Date.now` and the global timers.
 *
 * @example
 * ```ts
 * const client = new DeviceClient({ ...options, clock: systemClock });
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Pending {
  at: number;
  order: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to: `advance(ms)` fires due timers in time order. For tests and
 * simulations of days of schedules in milliseconds.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(Date.parse('2026-11-26T08:00:00Z'));
 * clock.setTimeout(() => console.log('fired'), 5000);
 * await clock.advance(5000); // fired
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #order = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(start = 0) {
    this.#now = start;
  }

  /** The current fake time. @example `clock.now()` */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` at now + ms. @example `clock.setTimeout(fn, 1000)` */
  setTimeout(fn: () => void, ms: number): unknown {
    const handle = ++this.#order;
    this.#pending.set(handle, { at: this.#now + Math.max(0, ms), order: handle, fn });
    return handle;
  }

  /** Cancels a timer. @example `clock.clearTimeout(handle)` */
  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** How many timers are pending. @example `clock.pendingTimers` */
  get pendingTimers(): number {
    return this.#pending.size;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due in order (timers set by fired
   * callbacks fire too when due), and lets promise callbacks run between timers.
   *
   * @example
   * ```ts
   * await clock.advance(60_000);
   * ```
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await flushMicrotasks();
      let next: [number, Pending] | undefined;
      for (const entry of this.#pending) {
        if (entry[1].at > target) continue;
        if (
          next === undefined ||
          entry[1].at < next[1].at ||
          (entry[1].at === next[1].at && entry[1].order < next[1].order)
        )
          next = entry;
      }
      if (next === undefined) break;
      this.#pending.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  /** Jumps to an absolute time (never backwards), firing due timers. @example `await clock.advanceTo(Date.parse('2026-11-27T00:00:00Z'))` */
  async advanceTo(time: number): Promise<void> {
    await this.advance(Math.max(0, time - this.#now));
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
