import type { Clock } from '../clock';

interface Timer {
  at: number;
  order: number;
  fn: () => void;
}

/** Lets every pending promise callback run: one macrotask turn drains the microtask queue. */
function settle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else globalThis.setTimeout(resolve, 0);
  });
}

/**
 * A {@link Clock} whose time moves only when told to. Timers fire in time order (equal times in the
 * order they were set), and promise callbacks settle after each timer, so a scheduler driven by it
 * behaves exactly as with real time, only deterministically and as fast as the CPU allows: a week of
 * broadcast schedule runs in milliseconds. For tests and device simulations.
 *
 * @example
 * ```ts
 * const clock = new TestClock(Date.parse('2026-11-26T06:00:00+07:00'));
 * const scheduler = new PlayoutScheduler({ clock, run, config: () => ({}), onPlay: console.log });
 * await clock.advance(3_600_000); // one hour of playout
 * ```
 */
export class TestClock implements Clock {
  #now: number;
  #order = 0;
  readonly #timers = new Map<number, Timer>();

  /** @param start the initial time in ms since the epoch (default 0). */
  constructor(start = 0) {
    this.#now = start;
  }

  /** The current (fake) time. @example `new Date(clock.now()).toISOString()` */
  now(): number {
    return this.#now;
  }

  /** Calls `fn` once the clock reaches now + `ms`. @example `clock.setTimeout(() => {}, 1000)` */
  setTimeout(fn: () => void, ms: number): unknown {
    const order = ++this.#order;
    this.#timers.set(order, { at: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0), order, fn });
    return order;
  }

  /** Cancels a timer; unknown handles are ignored. @example `clock.clearTimeout(handle)` */
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** The number of timers waiting. @example `expect(clock.pending).toBe(0)` */
  get pending(): number {
    return this.#timers.size;
  }

  /** When the next timer fires, or `undefined` when none waits. @example `clock.nextAt()` */
  nextAt(): number | undefined {
    return this.#next()?.at;
  }

  #next(): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.#timers.values()) {
      if (next === undefined || t.at < next.at || (t.at === next.at && t.order < next.order)) next = t;
    }
    return next;
  }

  /**
   * Lets pending promise callbacks run without moving time.
   *
   * @example `scheduler.add(entry); await clock.settle();`
   */
  async settle(): Promise<void> {
    await settle();
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, in order (timers set
   * by those callbacks included), and settling promises after each.
   *
   * @example `await clock.advance(60_000);`
   */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  /**
   * Moves time forward to `time` (never backwards), firing due timers in order.
   *
   * @example `await clock.advanceTo(Date.parse('2026-11-27T00:00:00+07:00'));`
   */
  async advanceTo(time: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.#next();
      if (next === undefined || next.at > time) break;
      this.#timers.delete(next.order);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = Math.max(this.#now, time);
    await settle();
  }

  /**
   * Fires timers in order until none is left or `limit` have fired; returns how many fired. For
   * running a whole schedule to its end.
   *
   * @example `await clock.runAll();`
   */
  async runAll(limit = 100_000): Promise<number> {
    let fired = 0;
    await settle();
    for (;;) {
      const next = this.#next();
      if (next === undefined || fired >= limit) return fired;
      this.#timers.delete(next.order);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      fired++;
      await settle();
    }
  }
}
