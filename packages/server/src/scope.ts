import type { UnitRegistry } from '@nguon/areas';

/**
 * The day (`YYYY-MM-DD`) of a time in Vietnam (UTC+7), the day whose unit registry is "in force
 * today" for the scope rules.
 *
 * @example
 * ```ts
 * vietnamDay(new Date('2026-11-26T20:00:00Z')); // '2026-11-27'
 * ```
 */
export function vietnamDay(time: Date): string {
  return new Date(time.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Unit lookups for the scope rules, on a `UnitRegistry` of `@nguon/areas`: the ancestors of a code
 * at a date and today (their union, so that a target taken from an older unit list still reaches
 * the units above it now), cached.
 *
 * @example
 * ```ts
 * const units = new ScopeUnits(loadUnits(), () => new Date());
 * units.ancestorsOf('24065'); // ['52']
 * ```
 */
export class ScopeUnits {
  readonly #registry: UnitRegistry;
  readonly #now: () => Date;
  readonly #cache = new Map<string, readonly string[]>();

  constructor(registry: UnitRegistry, now: () => Date) {
    this.#registry = registry;
    this.#now = now;
  }

  /** Today in Vietnam. @example `units.today()` */
  today(): string {
    return vietnamDay(this.#now());
  }

  /**
   * The codes above `code` in the registry on `at` and today.
   *
   * @example
   * ```ts
   * units.ancestorsOf('24065', '2025-07-01');
   * ```
   */
  ancestorsOf(code: string, at?: string): readonly string[] {
    const today = this.today();
    const key = `${at ?? ''}|${today}|${code}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const out = new Set<string>();
    for (const day of at && at !== today ? [at, today] : [today]) {
      // A code the registry does not know on that day has no ancestors (it is then in no scope).
      if (this.#registry.get(code, day) === undefined) continue;
      for (const u of this.#registry.ancestors(code, day)) out.add(u.code);
    }
    const list = [...out];
    if (this.#cache.size > 50_000) this.#cache.clear();
    this.#cache.set(key, list);
    return list;
  }

  /**
   * Whether a unit code was ever in the registry.
   *
   * @example
   * ```ts
   * units.known('52'); // true
   * ```
   */
  known(code: string): boolean {
    return this.#registry.versions(code).length > 0;
  }

  /** The registry itself. @example `units.registry.get('52', units.today())` */
  get registry(): UnitRegistry {
    return this.#registry;
  }
}
