import { UNIT_DATA_JSON } from './data/generated/units';
import { type DateLike, toDay } from './dates';
import { AreasError } from './errors';
import { editDistance, normalizeName, spellingKey, splitTypePrefix } from './normalize';
import { UNIT_LEVELS, UNIT_TYPES, type UnitLevel, type UnitType } from './unit-types';

/**
 * One version of an administrative unit: what the unit with `code` was from `validFrom` (inclusive)
 * to `validTo` (exclusive; `null` while still in force). A code whose name, type or parent changes
 * gets a new version, so identify a unit by (code, validFrom), never by its code alone.
 *
 * @example
 * ```ts
 * const unit: Unit = loadUnits().require('23674', '2025-03-01');
 * unit.name; // 'Xã Kông Bơ La'
 * ```
 */
export interface Unit {
  /** Statistics code (mã đơn vị hành chính): 2 digits for a province, 3 for a district, 5 for a commune. */
  code: string;
  level: UnitLevel;
  /** Full official name with its type word, e.g. "Huyện Đăk Đoa". */
  name: string;
  /** Name without the type word, e.g. "Đăk Đoa". */
  shortName: string;
  /** English name as given by the source, e.g. "Dak Doa District". */
  nameEn: string;
  type: UnitType;
  /** Code of the unit this one belonged to during this version; `null` for a province. */
  parent: string | null;
  /** First day of this version, `YYYY-MM-DD`. For the first snapshot: in force at least since then. */
  validFrom: string;
  /** First day this version no longer applies (exclusive), or `null` if still in force. */
  validTo: string | null;
}

/**
 * A search hit. `score` is between 0 and 1, higher is better; `exact` is true when the whole name
 * matched (ignoring case, diacritics, punctuation and an optional type word).
 *
 * @example
 * ```ts
 * const [best]: UnitMatch[] = loadUnits().search('tp pleiku', { at: '2024-09-01' });
 * best?.unit.code; // '622'
 * ```
 */
export interface UnitMatch {
  unit: Unit;
  score: number;
  exact: boolean;
}

/**
 * One unit on the other side of a reorganisation. `type` tells how much of the OLD unit lies in the
 * NEW one, in both directions: `full` the whole old unit, `partial` a part of it, `same` the same unit
 * continued under the same code (renamed, re-parented, changed type, or unchanged).
 *
 * @example
 * ```ts
 * const [to]: UnitMapping[] = loadUnits().mapForward('23674', { from: '2025-03-01', to: '2025-07-01' });
 * ```
 */
export interface UnitMapping {
  code: string;
  name: string;
  level: UnitLevel;
  type: 'full' | 'partial' | 'same';
  validFrom: string;
  validTo: string | null;
  /** Code of the parent in that version. */
  parent: string | null;
  /** `'communes'` when a district or province was mapped through its communes. */
  via?: 'communes';
}

/**
 * A mapping with what it could not map: units that ended (or, going back, began) between the two
 * dates without a recorded successor (predecessor). The sources do not say where they went.
 *
 * @example
 * ```ts
 * const result: MappingReport = loadUnits().explainMapping('23671', { from: '2024-09-01', to: '2025-03-01' });
 * result.unmapped[0]?.name; // 'Xã Kông Pla'
 * ```
 */
export interface MappingReport {
  /** The unit at `from`. */
  unit: Unit;
  direction: 'forward' | 'backward';
  mappings: UnitMapping[];
  /** Units reached on the way whose trail ends without a link. */
  unmapped: Unit[];
  via: 'links' | 'communes';
}

/**
 * Options of `UnitRegistry.search`.
 *
 * @example
 * ```ts
 * const opts: SearchOptions = { at: '2025-07-01', within: '52', level: 'commune', limit: 5 };
 * ```
 */
export interface SearchOptions {
  /** Only units in force on this day. Without it, every version is searched (old names too). */
  at?: DateLike;
  level?: UnitLevel;
  /** Only units inside this unit (code) at `at` (or at each version's start when `at` is not given). */
  within?: string;
  /** Most results to return; 10 by default. */
  limit?: number;
}

interface Columns {
  snapshots: string[];
  code: string[];
  name: string[];
  type: number[];
  parent: string[];
  from: number[];
  to: number[];
  nameEn: Record<string, string>;
  links: number[];
}

const LINK_TYPES = ['same', 'full', 'partial'] as const;
type Rank = 0 | 1 | 2;
const LEVEL_RANK: Record<UnitLevel, number> = { province: 0, district: 1, commune: 2 };

interface SearchKeys {
  folded: string;
  compact: string;
  spelling: string;
  full: string;
}

/**
 * All versions of Vietnam's administrative units from 2024-09-01 on, with lookups at a date, name
 * search and mapping across reorganisations. Get it from `loadUnits()`.
 *
 * Dates before the first snapshot (2024-09-01) throw `AreasError` `before_first_snapshot`: the data
 * does not know the units of that time. Dates after the last snapshot get the last known state.
 *
 * @example
 * ```ts
 * const units = loadUnits();
 * units.children('64', '2024-09-01').length; // 17 districts of old Gia Lai
 * ```
 */
export class UnitRegistry {
  /** Dates (YYYY-MM-DD) of the source snapshots, oldest first. */
  readonly snapshots: readonly string[];
  readonly #columns: Columns;
  readonly #count: number;
  // Unit objects, indices by parent and links are built on first use so that loading stays cheap.
  readonly #units: (Unit | undefined)[];
  /** First version index of each code; the generator writes the versions of a code next to each other. */
  readonly #firstOf = new Map<string, number>();
  #byParentIndex: Map<string, number[]> | undefined;
  #linkIndex: { next: Map<number, [number, Rank][]>; previous: Map<number, [number, Rank][]> } | undefined;
  readonly #index = new Map<Unit, number>();
  readonly #periods = new Map<number, number[]>();
  #keys: SearchKeys[] | undefined;

  /** @internal Use `loadUnits()`. */
  constructor(columns: Columns) {
    this.snapshots = Object.freeze([...columns.snapshots]);
    this.#columns = columns;
    this.#count = columns.code.length;
    this.#units = new Array(this.#count);
    const codes = columns.code;
    for (let i = this.#count - 1; i >= 0; i--) this.#firstOf.set(codes[i]!, i);
  }

  #unit(i: number): Unit {
    const cached = this.#units[i];
    if (cached) return cached;
    const columns = this.#columns;
    const dates = this.snapshots;
    const kind = UNIT_TYPES[columns.type[i]!]!;
    const shortName = columns.name[i]!;
    const to = columns.to[i]!;
    const unit: Unit = Object.freeze({
      code: columns.code[i]!,
      level: kind.level,
      name: `${kind.word} ${shortName}`,
      shortName,
      nameEn: columns.nameEn[i] ?? englishName(kind.english, shortName),
      type: kind.type,
      parent: columns.parent[i] || null,
      validFrom: dates[columns.from[i]!]!,
      validTo: to < 0 ? null : dates[to]!,
    });
    this.#units[i] = unit;
    this.#index.set(unit, i);
    return unit;
  }

  /** True when version `i` is in force on `day`, read from the columns without building the unit. */
  #inForce(i: number, day: string): boolean {
    const dates = this.snapshots;
    const to = this.#columns.to[i]!;
    return dates[this.#columns.from[i]!]! <= day && (to < 0 || day < dates[to]!);
  }

  get #byParent(): Map<string, number[]> {
    if (!this.#byParentIndex) {
      this.#byParentIndex = new Map();
      const parents = this.#columns.parent;
      for (let i = 0; i < this.#count; i++) if (parents[i]) push(this.#byParentIndex, parents[i]!, i);
    }
    return this.#byParentIndex;
  }

  get #next(): Map<number, [number, Rank][]> {
    return this.#links().next;
  }

  get #previous(): Map<number, [number, Rank][]> {
    return this.#links().previous;
  }

  #links() {
    if (!this.#linkIndex) {
      const next = new Map<number, [number, Rank][]>();
      const previous = new Map<number, [number, Rank][]>();
      const links = this.#columns.links;
      for (let i = 0; i + 2 < links.length; i += 3) {
        const [from, to, type] = [links[i]!, links[i + 1]!, links[i + 2] as Rank];
        push(next, from, [to, type]);
        push(previous, to, [from, type]);
      }
      this.#linkIndex = { next, previous };
    }
    return this.#linkIndex;
  }

  /**
   * Units in force on a day, optionally only one level or only the direct children of `parent`.
   *
   * @example
   * ```ts
   * loadUnits().unitsAt('2025-07-01', { level: 'province' }).length; // 34
   * ```
   */
  unitsAt(at: DateLike, filter: { level?: UnitLevel; parent?: string } = {}): Unit[] {
    const day = this.#day(at);
    if (filter.level !== undefined) checkLevel(filter.level);
    const pool = filter.parent !== undefined ? (this.#byParent.get(filter.parent) ?? []) : this.#period(day);
    const result: Unit[] = [];
    for (const i of pool) {
      if (filter.parent !== undefined && !this.#inForce(i, day)) continue;
      const unit = this.#unit(i);
      if (filter.level !== undefined && unit.level !== filter.level) continue;
      result.push(unit);
    }
    return result;
  }

  /**
   * The version of `code` in force on `at`, or `undefined`.
   *
   * @example
   * ```ts
   * loadUnits().get('52', '2024-09-01')?.name; // 'Tỉnh Bình Định'
   * loadUnits().get('52', '2025-07-01')?.name; // 'Tỉnh Gia Lai'
   * ```
   */
  get(code: string, at: DateLike): Unit | undefined {
    const day = this.#day(at);
    const codes = this.#columns.code;
    let i = this.#firstOf.get(code);
    if (i === undefined) return undefined;
    for (; i < this.#count && codes[i] === code; i++) if (this.#inForce(i, day)) return this.#unit(i);
    return undefined;
  }

  /**
   * Like `get`, but throws `AreasError` (`unit_not_found`) naming the code and the date, and saying
   * when the code was in force if it ever was.
   *
   * @example
   * ```ts
   * loadUnits().require('23674', '2025-03-01').name; // 'Xã Kông Bơ La'
   * ```
   */
  require(code: string, at: DateLike): Unit {
    const unit = this.get(code, at);
    if (unit) return unit;
    const day = this.#day(at);
    const known = this.versions(code);
    const hint =
      known.length === 0
        ? 'no unit ever had this code'
        : `the code was in force ${known.map((v) => `${v.validFrom}–${v.validTo ?? 'now'} as "${v.name}"`).join(', ')}`;
    throw new AreasError('unit_not_found', `No unit with code "${code}" on ${day}: ${hint}`);
  }

  /**
   * Direct children of a unit on a day (districts of a province before 2025-07-01, communes after).
   *
   * @example
   * ```ts
   * loadUnits().children('52', '2025-07-01').length; // 135
   * ```
   */
  children(code: string, at: DateLike): Unit[] {
    this.require(code, at);
    return this.unitsAt(at, { parent: code });
  }

  /**
   * Parent, grandparent… of a unit on a day, nearest first.
   *
   * @example
   * ```ts
   * loadUnits().ancestors('23674', '2024-09-01').map((u) => u.code); // ['625', '64']
   * ```
   */
  ancestors(code: string, at: DateLike): Unit[] {
    const result: Unit[] = [];
    let unit = this.require(code, at);
    while (unit.parent) {
      const parent = this.get(unit.parent, at);
      if (!parent) break;
      result.push(parent);
      unit = parent;
    }
    return result;
  }

  /**
   * Every unit below a unit on a day, parents before their children; `level` keeps one level.
   *
   * @example
   * ```ts
   * loadUnits().descendants('64', '2024-09-01', { level: 'commune' }).length; // 220
   * ```
   */
  descendants(code: string, at: DateLike, opts: { level?: UnitLevel } = {}): Unit[] {
    if (opts.level !== undefined) checkLevel(opts.level);
    this.require(code, at);
    const result: Unit[] = [];
    const walk = (parent: string) => {
      for (const child of this.unitsAt(at, { parent })) {
        if (opts.level === undefined || child.level === opts.level) result.push(child);
        walk(child.code);
      }
    };
    walk(code);
    return result;
  }

  /**
   * Every version a code has had, oldest first; empty for a code that never existed.
   *
   * @example
   * ```ts
   * loadUnits().versions('52').map((u) => u.name); // ['Tỉnh Bình Định', 'Tỉnh Gia Lai']
   * ```
   */
  versions(code: string): Unit[] {
    const result: Unit[] = [];
    const codes = this.#columns.code;
    let i = this.#firstOf.get(code);
    if (i === undefined) return result;
    for (; i < this.#count && codes[i] === code; i++) result.push(this.#unit(i));
    return result;
  }

  /**
   * Finds units by name as people write it: with or without diacritics, any tone placement, an
   * optional type word (Huyện, Xã, TP., …), hyphens or apostrophes or not. Exact matches come first,
   * then names starting with the query, then near misses (one or two letters off).
   *
   * @example
   * ```ts
   * loadUnits().search('Dak Doa', { at: '2024-09-01', level: 'district' })[0]?.unit.name; // 'Huyện Đăk Đoa'
   * ```
   */
  search(query: string, opts: SearchOptions = {}): UnitMatch[] {
    const day = opts.at === undefined ? undefined : this.#day(opts.at, 'at');
    if (opts.level !== undefined) checkLevel(opts.level);
    const limit = opts.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new AreasError('invalid_option', `limit must be a positive integer, found ${String(limit)}`);
    }
    if (opts.within !== undefined) {
      if (day !== undefined) this.require(opts.within, day);
      else if (this.versions(opts.within).length === 0) {
        throw new AreasError('unit_not_found', `within: no unit ever had the code "${opts.within}"`);
      }
    }
    const normalized = normalizeName(query);
    if (normalized === '') return [];
    const split = splitTypePrefix(normalized);
    const spelled = spellingKey(query);
    const hasMarks = spelled.replace(/\p{M}/gu, '').replace(/đ/g, 'd') !== spelled;
    const readings: { types: readonly UnitType[] | null; rest: string; spelling: string }[] = [
      { types: null, rest: normalized, spelling: spelled },
    ];
    if (split.rest !== normalized) {
      const words = spelled.split(' ');
      readings.push({
        types: split.types,
        rest: split.rest,
        spelling: words.slice(split.words, words.length - split.tail).join(' '),
      });
    }
    const keys = this.#searchKeys();
    const pool = day === undefined ? Array.from({ length: this.#count }, (_, i) => i) : this.#period(day);
    const found = new Map<string, UnitMatch>();
    for (const i of pool) {
      const unit = this.#unit(i);
      if (opts.level !== undefined && unit.level !== opts.level) continue;
      const key = keys[i]!;
      let best: { score: number; exact: boolean } | undefined;
      for (const reading of readings) {
        const hit = score(reading, key, unit.type, hasMarks);
        if (hit && (!best || hit.score > best.score)) best = hit;
      }
      if (!best) continue;
      if (opts.within !== undefined && !this.#isWithin(unit, opts.within, day ?? unit.validFrom)) continue;
      // Without a date, versions of one code with one name are one result: the latest.
      const id = day === undefined ? `${unit.code}|${unit.name}` : unit.code;
      const previous = found.get(id);
      if (previous && previous.unit.validFrom > unit.validFrom) continue;
      found.set(id, { unit, score: Math.round(best.score * 1000) / 1000, exact: best.exact });
    }
    return [...found.values()]
      .sort(
        (a, b) =>
          b.score - a.score ||
          LEVEL_RANK[a.unit.level] - LEVEL_RANK[b.unit.level] ||
          a.unit.code.localeCompare(b.unit.code) ||
          b.unit.validFrom.localeCompare(a.unit.validFrom),
      )
      .slice(0, limit);
  }

  /**
   * Where a unit went: the units in force on `to` that cover the unit in force on `from` (`from` ≤
   * `to`). Communes follow the recorded links; a district or a province is mapped through its
   * communes (`via: 'communes'`), to units of its own level, or to communes once districts no longer
   * exist (from 2025-07-01). Units that vanished without a record give no result (see
   * `explainMapping`).
   *
   * @example
   * ```ts
   * loadUnits().mapForward('64', { from: '2024-09-01', to: '2025-07-01' }); // [{ code: '52', type: 'full', … }]
   * ```
   */
  mapForward(code: string, opts: { from: DateLike; to: DateLike }): UnitMapping[] {
    return this.#map(code, opts, 'forward').mappings;
  }

  /**
   * Where a unit came from: the units in force on `to` that the unit in force on `from` was formed
   * from (`from` ≥ `to`, i.e. `from` is the newer date). `type` still describes the old unit:
   * `full` if all of it went into this one, `partial` if only part did.
   *
   * @example
   * ```ts
   * loadUnits().mapBackward('23575', { from: '2025-07-01', to: '2025-03-01' }).map((m) => m.name);
   * ```
   */
  mapBackward(code: string, opts: { from: DateLike; to: DateLike }): UnitMapping[] {
    return this.#map(code, opts, 'backward').mappings;
  }

  /**
   * `mapForward` or `mapBackward` (picked by the order of the dates) with the units it could not map.
   *
   * @example
   * ```ts
   * const { mappings, unmapped } = loadUnits().explainMapping('622', { from: '2024-09-01', to: '2025-03-01' });
   * ```
   */
  explainMapping(code: string, opts: { from: DateLike; to: DateLike }): MappingReport {
    const from = this.#day(opts.from, 'from');
    const to = this.#day(opts.to, 'to');
    return this.#map(code, { from, to }, from <= to ? 'forward' : 'backward');
  }

  #map(
    code: string,
    opts: { from: DateLike; to: DateLike },
    direction: 'forward' | 'backward',
  ): MappingReport {
    const from = this.#day(opts.from, 'from');
    const to = this.#day(opts.to, 'to');
    if (direction === 'forward' ? to < from : to > from) {
      throw new AreasError(
        'invalid_range',
        direction === 'forward'
          ? `mapForward needs from ≤ to, found from ${from} and to ${to}; use mapBackward to go back in time`
          : `mapBackward needs from ≥ to (from is the newer date), found from ${from} and to ${to}; use mapForward`,
      );
    }
    const unit = this.require(code, from);
    const start = this.#index.get(unit)!;
    if (unit.level === 'commune') {
      const { hits, unmapped } = this.#trace(start, to, direction);
      const mappings = [...hits].map(([i, rank]) => mapping(this.#unit(i), rank));
      return {
        unit,
        direction,
        mappings: sortMappings(mappings),
        unmapped: this.#list(unmapped),
        via: 'links',
      };
    }
    const level = this.#levelExists(unit.level, to) ? unit.level : 'commune';
    const targets = new Set<number>();
    const unmapped = new Set<number>();
    for (const source of this.#communesOf(unit, from)) {
      const trace = this.#trace(source, to, direction);
      for (const i of trace.unmapped) unmapped.add(i);
      for (const i of trace.hits.keys()) {
        const lifted = this.#lift(i, level, to);
        if (lifted !== undefined) targets.add(lifted);
      }
    }
    const mappings: UnitMapping[] = [];
    for (const i of targets) {
      const target = this.#unit(i);
      const [older, olderAt, newer, newerAt] =
        direction === 'forward' ? [unit, from, target, to] : [target, to, unit, from];
      let rank: Rank = 2;
      if (this.#inside(older, olderAt, newer, newerAt, 'forward')) {
        rank = older.code === newer.code && this.#inside(newer, newerAt, older, olderAt, 'backward') ? 0 : 1;
      }
      mappings.push({ ...mapping(target, rank), via: 'communes' });
    }
    return {
      unit,
      direction,
      mappings: sortMappings(mappings),
      unmapped: this.#list(unmapped),
      via: 'communes',
    };
  }

  /** Follows links from version `start` until versions in force on `day`. */
  #trace(start: number, day: string, direction: 'forward' | 'backward') {
    const hits = new Map<number, Rank>();
    const unmapped = new Set<number>();
    const best = new Map<number, Rank>();
    const stack: [number, Rank][] = [[start, 0]];
    while (stack.length > 0) {
      const [i, rank] = stack.pop()!;
      const seen = best.get(i);
      if (seen !== undefined && seen <= rank) continue;
      best.set(i, rank);
      const unit = this.#unit(i);
      if (this.#inForce(i, day)) {
        hits.set(i, rank);
        continue;
      }
      const moving =
        direction === 'forward' ? unit.validTo !== null && unit.validTo <= day : unit.validFrom > day;
      if (!moving) continue;
      const links = (direction === 'forward' ? this.#next : this.#previous).get(i);
      if (!links) {
        unmapped.add(i);
        continue;
      }
      for (const [j, type] of links) stack.push([j, Math.max(rank, type) as Rank]);
    }
    return { hits, unmapped };
  }

  /** True when all of `a`'s mapped communes land only inside `b`, wholly. */
  #inside(a: Unit, aAt: string, b: Unit, bAt: string, direction: 'forward' | 'backward'): boolean {
    let any = false;
    for (const source of this.#communesOf(a, aAt)) {
      const { hits } = this.#trace(source, bAt, direction);
      // Pieces of a split commune may all land in b: only where they land matters.
      for (const i of hits.keys()) {
        if (this.#lift(i, b.level, bAt) !== this.#index.get(b)) return false;
        any = true;
      }
    }
    return any;
  }

  /** Commune versions under a unit, plus the unit itself when it has its own links (island districts). */
  #communesOf(unit: Unit, at: string): number[] {
    const own = this.#index.get(unit)!;
    if (unit.level === 'commune') return [own];
    const result = this.descendants(unit.code, at, { level: 'commune' }).map((u) => this.#index.get(u)!);
    if (this.#next.has(own) || this.#previous.has(own)) result.push(own);
    return result;
  }

  /** The unit of `level` that contains version `i` on `at` (itself if it is of that level). */
  #lift(i: number, level: UnitLevel, at: string): number | undefined {
    let unit: Unit | undefined = this.#unit(i);
    while (unit && unit.level !== level) {
      if (LEVEL_RANK[unit.level] < LEVEL_RANK[level]) return level === 'commune' ? i : undefined;
      unit = unit.parent ? this.get(unit.parent, at) : undefined;
    }
    return unit ? this.#index.get(unit) : undefined;
  }

  #levelExists(level: UnitLevel, at: string): boolean {
    return this.#period(at).some((i) => this.#unit(i).level === level);
  }

  #isWithin(unit: Unit, code: string, at: string): boolean {
    let current: Unit | undefined = unit;
    while (current) {
      if (current.code === code) return true;
      current = current.parent ? this.get(current.parent, at) : undefined;
    }
    return false;
  }

  #list(indices: Iterable<number>): Unit[] {
    return [...indices].map((i) => this.#unit(i)).sort((a, b) => a.code.localeCompare(b.code));
  }

  /** Versions in force on a day; computed once per interval between snapshots. */
  #period(day: string): number[] {
    let slot = -1;
    for (const snapshot of this.snapshots) if (snapshot <= day) slot++;
    let list = this.#periods.get(slot);
    if (!list) {
      const start = this.snapshots[slot]!;
      list = [];
      for (let i = 0; i < this.#count; i++) if (this.#inForce(i, start)) list.push(i);
      this.#periods.set(slot, list);
    }
    return list;
  }

  #day(at: DateLike, what = 'date'): string {
    const day = toDay(at, what);
    if (day < this.snapshots[0]!) {
      throw new AreasError(
        'before_first_snapshot',
        `${what} ${day} is before ${this.snapshots[0]}, the first day the unit data covers; ` +
          'units in force earlier are not known to this package',
      );
    }
    return day;
  }

  #searchKeys(): SearchKeys[] {
    if (!this.#keys) {
      this.#keys = Array.from({ length: this.#count }, (_, i) => {
        const unit = this.#unit(i);
        const folded = normalizeName(unit.shortName);
        return {
          folded,
          compact: folded.replace(/ /g, ''),
          spelling: spellingKey(unit.shortName),
          full: normalizeName(unit.name),
        };
      });
    }
    return this.#keys;
  }
}

function score(
  reading: { types: readonly UnitType[] | null; rest: string; spelling: string },
  key: SearchKeys,
  type: UnitType,
  hasMarks: boolean,
): { score: number; exact: boolean } | undefined {
  const query = reading.rest;
  let base: number;
  let exact = false;
  if (query === key.folded || (reading.types === null && query === key.full)) {
    base = 1;
    exact = true;
  } else if (query.replace(/ /g, '') === key.compact) {
    base = 0.95;
    exact = true;
  } else if (key.folded.startsWith(query)) {
    base = 0.7 + (0.1 * query.length) / key.folded.length;
  } else if (` ${key.folded}`.includes(` ${query}`)) {
    base = 0.55;
  } else {
    const compact = query.replace(/ /g, '');
    const max = compact.length <= 4 ? 0 : compact.length <= 8 ? 1 : 2;
    if (max === 0) return undefined;
    const distance = editDistance(compact, key.compact, max);
    if (distance > max) return undefined;
    base = 0.45 - 0.1 * distance;
  }
  let adjust = 0;
  if (reading.types) adjust += reading.types.includes(type) ? 0.03 : -0.1;
  if (hasMarks && exact && reading.spelling !== key.spelling) adjust -= 0.05;
  return { score: Math.max(0, Math.min(1, (base + adjust) / 1.03)), exact };
}

function mapping(unit: Unit, rank: Rank): UnitMapping {
  return {
    code: unit.code,
    name: unit.name,
    level: unit.level,
    type: LINK_TYPES[rank],
    validFrom: unit.validFrom,
    validTo: unit.validTo,
    parent: unit.parent,
  };
}

function sortMappings(list: UnitMapping[]): UnitMapping[] {
  return list.sort((a, b) => a.code.localeCompare(b.code));
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function checkLevel(level: string): void {
  if (!(UNIT_LEVELS as readonly string[]).includes(level)) {
    throw new AreasError(
      'invalid_option',
      `level must be one of ${UNIT_LEVELS.join(', ')}, found "${level}"`,
    );
  }
}

const ASCII_OF = new Map<string, string>();

/** "Đăk Đoa" → "Dak Doa"; a per-character cache keeps this cheap for 15,000 names at load time. */
function ascii(text: string): string {
  let out = '';
  for (const char of text) {
    if (char.charCodeAt(0) < 128) {
      out += char;
      continue;
    }
    let plain = ASCII_OF.get(char);
    if (plain === undefined) {
      plain = char.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
      ASCII_OF.set(char, plain);
    }
    out += plain;
  }
  return out;
}

function englishName(word: string, shortName: string): string {
  const plain = ascii(shortName);
  return /^\d/.test(plain) ? `${word} ${plain}` : `${plain} ${word}`;
}

let registry: UnitRegistry | undefined;

/**
 * The registry of all administrative units in the package's data, built on first call and shared
 * afterwards.
 *
 * @example
 * ```ts
 * import { loadUnits } from '@nguon/areas';
 * const units = loadUnits();
 * units.get('64', '2024-09-01')?.name; // 'Tỉnh Gia Lai'
 * ```
 */
export function loadUnits(): UnitRegistry {
  registry ??= new UnitRegistry(JSON.parse(UNIT_DATA_JSON) as Columns);
  return registry;
}
