/**
 * One bulletin in the idle rotation of a board: what was last shown for it.
 *
 * @example
 * ```ts
 * const entry: PlaylistEntry = { bulletinId: 'gl-1', version: 1, lang: 'vi', title: 'Lịch tiêm chủng', shownAt: Date.now() };
 * ```
 */
export interface PlaylistEntry {
  bulletinId: string;
  version: number;
  lang: string;
  title?: string;
  text?: string;
  /** When the board last showed it as a scheduled play (ms since epoch). */
  shownAt: number;
}

/**
 * Options of {@link Playlist}.
 *
 * @example `new Playlist({ maxItems: 5, maxAgeSec: 6 * 3600 })`
 */
export interface PlaylistOptions {
  /** Most entries kept; the oldest shown is dropped first (default 8). */
  maxItems?: number;
  /** Entries shown longer ago than this leave the rotation (default 24 h). */
  maxAgeSec?: number;
}

/**
 * The rotation a board shows between scheduled plays: the recent non-emergency bulletins, newest
 * first, one after another. A rotation is ambient and produces no receipt — only scheduled plays
 * are proof of display (P-R1). Revoked bulletins leave it through {@link Playlist.remove}.
 *
 * @example
 * ```ts
 * const playlist = new Playlist();
 * playlist.upsert({ bulletinId: 'gl-1', version: 1, lang: 'vi', title: 'Lịch tiêm chủng', shownAt: Date.now() });
 * playlist.next(Date.now())?.title; // 'Lịch tiêm chủng'
 * ```
 */
export class Playlist {
  readonly #maxItems: number;
  readonly #maxAgeMs: number;
  #entries: PlaylistEntry[] = [];
  #cursor = 0;

  constructor(options: PlaylistOptions = {}) {
    this.#maxItems = Math.max(0, Math.floor(options.maxItems ?? 8));
    this.#maxAgeMs = Math.max(0, (options.maxAgeSec ?? 86_400) * 1000);
  }

  /**
   * Adds an entry, or replaces the one of the same bulletin unless that one has a higher version.
   *
   * @example `playlist.upsert({ bulletinId: 'gl-1', version: 2, lang: 'vi', title: 'Đổi lịch', shownAt: now })`
   */
  upsert(entry: PlaylistEntry): void {
    const existing = this.#entries.find((e) => e.bulletinId === entry.bulletinId);
    if (existing && existing.version > entry.version) return;
    this.#entries = [{ ...entry }, ...this.#entries.filter((e) => e.bulletinId !== entry.bulletinId)].slice(
      0,
      this.#maxItems,
    );
    this.#cursor = 0;
  }

  /**
   * Drops a bulletin from the rotation (after a revoke). Returns true when it was there.
   *
   * @example `playlist.remove('gl-1')`
   */
  remove(bulletinId: string): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.bulletinId !== bulletinId);
    return this.#entries.length !== before;
  }

  /**
   * The entries still in rotation at `now`, newest shown first.
   *
   * @example `playlist.entries(Date.now()).map((e) => e.title)`
   */
  entries(now: number): PlaylistEntry[] {
    this.#entries = this.#entries.filter((e) => now - e.shownAt <= this.#maxAgeMs);
    return this.#entries.map((e) => ({ ...e }));
  }

  /**
   * The next entry to show at `now`, cycling through {@link Playlist.entries}; undefined when empty.
   *
   * @example `const entry = playlist.next(Date.now());`
   */
  next(now: number): PlaylistEntry | undefined {
    const entries = this.entries(now);
    if (entries.length === 0) return undefined;
    const entry = entries[this.#cursor % entries.length];
    this.#cursor = (this.#cursor + 1) % entries.length;
    return entry;
  }

  /** Empties the rotation. @example `playlist.clear()` */
  clear(): void {
    this.#entries = [];
    this.#cursor = 0;
  }
}
