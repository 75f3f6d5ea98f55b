import type { CachedMedia, Outcome, PlayoutItem, PlayResult } from '../adapters';
import type { Clock } from '../clock';
import { DeviceError } from '../errors';
import {
  assertTimeZone,
  type BroadcastWindow,
  checkQuietHours,
  checkWindows,
  DEFAULT_TIME_ZONE,
  nextStartTime,
  type QuietHours,
} from './zoned-time';

/**
 * A priority level (P-Q1): `normal` < `priority` < `emergency` (thông thường, ưu tiên, khẩn cấp).
 *
 * @example `const p: Priority = 'emergency';`
 */
export type Priority = PlayoutItem['priority'];

const LEVEL: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };

/**
 * The device configuration the scheduler reads (a subset of `welcome.config` / `config.set`), read
 * again through the `config` callback at every decision.
 *
 * @example
 * ```ts
 * const config: SchedulerConfig = { volume: 60, emergencyVolume: 100, quietHours: { from: '22:00', to: '05:00' } };
 * ```
 */
export interface SchedulerConfig {
  /** Volume 0–100 of normal and priority plays (default 80). */
  volume?: number | undefined;
  /** Volume 0–100 of emergencies (P-Q2, default 100). */
  emergencyVolume?: number | undefined;
  /** IANA time zone of windows and quiet hours (default `Asia/Ho_Chi_Minh`). */
  timeZone?: string | undefined;
  /** No normal or priority play in these local hours (emergencies ignore them). */
  quietHours?: QuietHours | undefined;
  /** The device's broadcast windows, used for bulletins that carry none of their own. */
  windows?: readonly BroadcastWindow[] | undefined;
  /**
   * P-Q4: what opens an emergency on a radio: the cached attention-signal media, `'builtin'` for the
   * device's own tone (default), `false` for none.
   */
  attentionSignal?: CachedMedia | 'builtin' | false | undefined;
}

/**
 * A bulletin to schedule: the content chosen for the device (P-B1) plus its playout (P-B2).
 *
 * @example
 * ```ts
 * scheduler.add({ bulletinId: 'b-1', version: 1, priority: 'normal', category: 'news', lang: 'vi',
 *   text: 'Lịch tiêm chủng…', startAt: '2026-11-26T06:00:00+07:00', repeat: { count: 3, intervalSec: 3600 },
 *   windows: [{ days: [1, 2, 3, 4, 5], from: '06:00', to: '07:00' }] });
 * ```
 */
export interface PlayoutEntry extends Omit<PlayoutItem, 'emergency' | 'volume' | 'attentionSignal'> {
  /** When the first play may start: ms since the epoch, an RFC 3339 string or a Date. */
  startAt: number | string | Date;
  /** Nothing starts after this instant (P-B2). */
  endAt?: number | string | Date | undefined;
  /** `count` total plays (default 1), `intervalSec` between their starts (default 0). */
  repeat?: { count?: number | undefined; intervalSec?: number | undefined } | undefined;
  /** The bulletin's own broadcast windows; when absent the device's `config.windows` apply. */
  windows?: readonly BroadcastWindow[] | undefined;
  /** Expected length of one play, to fit it in a window; default `media.durationSec`, else 0 (unknown). */
  durationSec?: number | undefined;
  /** Plays already done (to restore a schedule after a restart); default 0. */
  playsDone?: number | undefined;
  /**
   * When the last of `playsDone` started (ms or RFC 3339), to restore a schedule after a restart:
   * the next play then waits `repeat.intervalSec` from it instead of starting at once.
   */
  lastStartedAt?: number | string | Date | undefined;
}

/**
 * Emitted when a play starts.
 *
 * @example `onStart: (e: PlayStartEvent) => log(`${e.bulletinId} play ${e.play} at ${e.startedAt}`)`
 */
export interface PlayStartEvent {
  bulletinId: string;
  version: number;
  priority: Priority;
  lang: string;
  mediaSha256?: string;
  /** ms since the epoch, on the scheduler's clock. */
  startedAt: number;
  /** 1-based number of this play among `repeat.count`. */
  play: number;
  /** True for a live relay ({@link PlayoutScheduler.live}); `bulletinId` is then the session id. */
  live?: boolean;
}

/**
 * Emitted once for every play that ended, and once for a bulletin dropped with plays left
 * (`skipped`): the material of a receipt (P-R1).
 *
 * @example
 * ```ts
 * onPlay: (e: PlayEvent) => journal.add({ ...e, startedAt: new Date(e.startedAt).toISOString() })
 * ```
 */
export interface PlayEvent extends PlayStartEvent {
  /** ms since the epoch; equals `startedAt` for `skipped`. */
  endedAt: number;
  outcome: Outcome;
  /** Why, for anything but `completed`. */
  reason?: string;
}

/**
 * What {@link PlayoutScheduler.state} reports.
 *
 * @example `const { playing, queued } = scheduler.state();`
 */
export interface SchedulerState {
  playing?: {
    bulletinId: string;
    version: number;
    priority: Priority;
    since: number;
    play: number;
    live?: boolean;
  };
  /** Everything scheduled and not playing, soonest first (`nextStartAt` undefined: cannot start now). */
  queued: {
    bulletinId: string;
    version: number;
    priority: Priority;
    nextStartAt: number | undefined;
    playsDone: number;
    plays: number;
  }[];
}

/**
 * Options of {@link PlayoutScheduler}.
 *
 * @example
 * ```ts
 * const options: SchedulerOptions = { clock: systemClock, run: (item, signal) => adapter.play(item, signal),
 *   config: () => deviceConfig, onPlay: (e) => journal.add(e), kind: adapter.kind };
 * ```
 */
export interface SchedulerOptions {
  clock: Clock;
  /** Plays one item; must resolve soon after `signal` aborts (usually `adapter.play`). */
  run: (item: PlayoutItem, signal: AbortSignal) => Promise<PlayResult>;
  /** The current configuration, read at every decision. */
  config: () => SchedulerConfig;
  /** One call per ended play and per skipped bulletin. */
  onPlay: (event: PlayEvent) => void;
  /** One call per started play. */
  onStart?: (event: PlayStartEvent) => void;
  /** Problems that do not stop the scheduler (an unknown time zone, a throwing callback). */
  onError?: (error: unknown) => void;
  /** `radio` (default) opens emergencies with the attention signal (P-Q4); `board` does not. */
  kind?: 'radio' | 'board';
  /** How long to wait for `run` to resolve after an abort before moving on (default 5000 ms). */
  stopTimeoutMs?: number;
}

/**
 * A live relay to run under the scheduler's priorities (`live.start`), see {@link PlayoutScheduler.live}.
 *
 * @example
 * ```ts
 * scheduler.live({ id: cmd.id, priority: 'priority', until: body.until,
 *   run: (signal) => adapter.live!({ url: body.url, format: body.format }, signal) });
 * ```
 */
export interface LiveSession {
  /** Names the session in events (e.g. the `live.start` command id). */
  id: string;
  priority: Priority;
  /** The relay stops at this instant (ms, RFC 3339 or Date) and then counts as completed. */
  until: number | string | Date;
  /** Runs the relay; must resolve soon after `signal` aborts (usually `adapter.live`). */
  run: (signal: AbortSignal) => Promise<PlayResult>;
  /** Language of the relay for events, when known (default `und`). */
  lang?: string;
}

const LIVE_KEY = '\u0000live';

interface Entry {
  /** Key in the schedule: the bulletin id, or LIVE_KEY for the live relay. */
  key: string;
  input: PlayoutEntry;
  live?: LiveSession['run'];
  level: number;
  startAt: number;
  endAt: number | undefined;
  count: number;
  intervalMs: number;
  durationMs: number;
  arrival: number;
  done: number;
  /** Earliest instant of the next play, before windows and quiet hours. */
  dueAt: number;
  /** The last window search: valid while the rules are the same and time has not passed `at`. */
  planned?: { rules: string; from: number; at: number };
}

interface Current {
  entry: Entry;
  controller: AbortController;
  startedAt: number;
  play: number;
  stop?: { outcome: 'preempted' | 'interrupted' | 'completed'; reason: string };
  /** Timer that ends a live relay at its `until`. */
  until?: unknown;
  /** Revoked, replaced or shut down: the bulletin does not come back after this play. */
  drop?: boolean;
  guard?: unknown;
}

const DAY_MS = 86_400_000;

function toTime(value: unknown, path: string): number {
  const time =
    typeof value === 'number'
      ? value
      : typeof value === 'string'
        ? Date.parse(value)
        : value instanceof Date
          ? value.getTime()
          : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new DeviceError('invalid_message', `expected ${path} as a time, found ${JSON.stringify(value)}`, {
      path,
      rule: 'P-B2',
    });
  }
  return time;
}

function invalid(path: string, expected: string, found: unknown, rule = 'P-B2'): DeviceError {
  return new DeviceError(
    'invalid_message',
    `expected ${path} to be ${expected}, found ${JSON.stringify(found) ?? String(found)}`,
    {
      path,
      rule,
    },
  );
}

function levelOf(priority: unknown): number | undefined {
  return typeof priority === 'string' && Object.hasOwn(LEVEL, priority)
    ? LEVEL[priority as Priority]
    : undefined;
}

/** A finite number at least `min`. */
function count(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw invalid(path, `a number ≥ ${min}`, value);
  }
  return value;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Decides what plays when, on one device: priority and preemption (P-Q1–P-Q4), repeats, broadcast
 * windows and `endAt` (P-B2), quiet hours, revocation. Pure logic: time comes from the injected
 * clock, playing from `run`, and every ended play is reported through `onPlay` (a receipt, P-R1).
 * Nothing about MQTT or storage lives here.
 *
 * @example
 * ```ts
 * const scheduler = new PlayoutScheduler({
 *   clock: systemClock,
 *   run: (item, signal) => adapter.play(item, signal),
 *   config: () => ({ volume: 70, timeZone: 'Asia/Ho_Chi_Minh' }),
 *   onPlay: (e) => console.log(e.bulletinId, e.outcome),
 * });
 * scheduler.add({ bulletinId: 'b-1', version: 1, priority: 'emergency', category: 'disaster', lang: 'vi',
 *   text: 'Bão số 9 sắp đổ bộ', startAt: Date.now() });
 * ```
 */
export class PlayoutScheduler {
  readonly #options: SchedulerOptions;
  readonly #entries = new Map<string, Entry>();
  #current: Current | undefined;
  #arrivals = 0;
  #timer: unknown;
  #pumping = false;
  #again = false;
  #closed = false;
  #idle: (() => void)[] = [];
  #configProblems = '';

  constructor(options: SchedulerOptions) {
    this.#options = options;
  }

  /**
   * Schedules a bulletin. A newer `version` of a scheduled bulletin replaces it (stopping it if it
   * plays); the same or an older version is ignored. Returns whether the entry was taken. A
   * bulletin that can no longer start (its `endAt` passed) is reported `skipped` at once.
   *
   * @example
   * ```ts
   * scheduler.add({ bulletinId: 'b-2', version: 1, priority: 'normal', category: 'news', lang: 'vi',
   *   text: 'Thông báo họp dân', startAt: '2026-11-26T19:00:00+07:00', endAt: '2026-11-26T21:00:00+07:00' });
   * ```
   */
  add(input: PlayoutEntry): boolean {
    if (this.#closed)
      throw new DeviceError('closed', 'the scheduler is closed; expected add() before close()');
    // Everything is checked before anything changes, so a refused entry leaves the schedule as it was.
    if (typeof input?.bulletinId !== 'string' || input.bulletinId === '') {
      throw invalid('bulletinId', 'a non-empty string', input?.bulletinId);
    }
    const version = count(input.version, 'version', 0);
    const level = levelOf(input.priority);
    if (level === undefined)
      throw invalid('priority', 'normal, priority or emergency', input.priority, 'P-Q1');
    const startAt = toTime(input.startAt, 'startAt');
    if (input.windows !== undefined) checkWindows(input.windows, 'windows');
    const endAt = input.endAt === undefined ? undefined : toTime(input.endAt, 'endAt');
    const plays = Math.floor(count(input.repeat?.count ?? 1, 'repeat.count', 1));
    const intervalSec = count(input.repeat?.intervalSec ?? 0, 'repeat.intervalSec', 0);
    const durationSec = count(input.durationSec ?? input.media?.durationSec ?? 0, 'durationSec', 0);
    const done = Math.floor(count(input.playsDone ?? 0, 'playsDone', 0));
    const lastStartedAt =
      done > 0 && input.lastStartedAt !== undefined
        ? toTime(input.lastStartedAt, 'lastStartedAt')
        : undefined;
    if (done >= plays) return false;
    const existing = this.#entries.get(input.bulletinId);
    const playing = this.#current?.entry.key === input.bulletinId ? this.#current : undefined;
    const known = existing ?? playing?.entry;
    if (known !== undefined && known.input.version >= version) return false;
    if (existing !== undefined) this.#entries.delete(input.bulletinId);
    if (playing !== undefined) {
      playing.drop = true;
      if (!playing.stop) this.#stop(playing, 'interrupted', `replaced by version ${version}`);
    }
    const entry: Entry = {
      key: input.bulletinId,
      input,
      level,
      startAt,
      endAt,
      count: plays,
      intervalMs: intervalSec * 1000,
      durationMs: durationSec * 1000,
      arrival: ++this.#arrivals,
      done,
      dueAt: lastStartedAt === undefined ? startAt : Math.max(startAt, lastStartedAt + intervalSec * 1000),
    };
    this.#entries.set(input.bulletinId, entry);
    this.#pump();
    return true;
  }

  /**
   * Drops a bulletin (`bulletin.revoke`): stops it at once if it plays (that play ends
   * `interrupted`, reason `revoked`) and never plays it again. Returns whether it was known.
   *
   * @example `scheduler.revoke('b-1');`
   */
  revoke(bulletinId: string): boolean {
    return this.#drop(bulletinId, 'revoked');
  }

  #drop(key: string, reason: string): boolean {
    const entry = this.#entries.get(key);
    const current = this.#current?.entry.key === key ? this.#current : undefined;
    this.#entries.delete(key);
    if (current !== undefined) {
      current.drop = true;
      if (!current.stop) this.#stop(current, 'interrupted', reason);
    }
    this.#pump();
    return entry !== undefined || current !== undefined;
  }

  /**
   * Runs a live relay (`live.start`) under the same priorities as bulletins: it starts now (or as
   * soon as nothing of a higher or equal level plays), preempts lower levels, is preempted by higher
   * ones and then resumes while before `until`, and ignores broadcast windows and quiet hours (the
   * system chose the moment). At `until` it is stopped and counts as `completed`. One live relay at
   * a time: a new one replaces the old (which ends `interrupted`). Events carry `live: true`.
   * Returns false when `until` has already passed.
   *
   * @example
   * ```ts
   * scheduler.live({ id: command.id, priority: body.priority, until: body.until,
   *   run: (signal) => adapter.live!({ url: body.url, format: body.format }, signal) });
   * ```
   */
  live(session: LiveSession): boolean {
    if (this.#closed)
      throw new DeviceError('closed', 'the scheduler is closed; expected live() before close()');
    const level = levelOf(session.priority);
    if (level === undefined)
      throw invalid('priority', 'normal, priority or emergency', session.priority, 'P-Q1');
    const until = toTime(session.until, 'until');
    const now = this.#options.clock.now();
    this.#entries.delete(LIVE_KEY);
    const current = this.#current?.entry.key === LIVE_KEY ? this.#current : undefined;
    if (current !== undefined) {
      current.drop = true;
      if (!current.stop) this.#stop(current, 'interrupted', `replaced by live relay ${session.id}`);
    }
    if (until <= now) {
      this.#pump();
      return false;
    }
    this.#entries.set(LIVE_KEY, {
      key: LIVE_KEY,
      input: {
        bulletinId: session.id,
        version: 1,
        priority: session.priority,
        category: 'live',
        lang: session.lang ?? 'und',
        startAt: now,
      },
      live: session.run,
      level,
      startAt: now,
      // A relay must start strictly before `until`.
      endAt: until - 1,
      count: 1,
      intervalMs: 0,
      durationMs: 0,
      arrival: ++this.#arrivals,
      done: 0,
      dueAt: now,
    });
    this.#pump();
    return true;
  }

  /**
   * `live.stop`: ends the live relay now (`interrupted`, reason `live.stop`) or drops it if it waits.
   * Returns whether there was one.
   *
   * @example `scheduler.stopLive();`
   */
  stopLive(): boolean {
    return this.#drop(LIVE_KEY, 'live.stop');
  }

  /**
   * `playback.stop`: stops whatever plays now (that play ends `interrupted`, reason `stopped`, and
   * counts as one of its bulletin's plays). Everything else keeps its schedule.
   *
   * @example `scheduler.stopAll();`
   */
  stopAll(): void {
    if (this.#current !== undefined && !this.#current.stop)
      this.#stop(this.#current, 'interrupted', 'stopped');
  }

  /**
   * Re-reads the configuration (after `welcome` or `config.set`) and reconsiders the schedule.
   *
   * @example `config = { ...config, quietHours: { from: '21:00', to: '06:00' } }; scheduler.configChanged();`
   */
  configChanged(): void {
    this.#pump();
  }

  /**
   * True when a scheduled or playing bulletin (or the emergency attention signal) uses this media,
   * so that a cache must not evict it.
   *
   * @example `new MediaCache({ store, limitBytes, inUse: (sha) => scheduler.usesMedia(sha) })`
   */
  usesMedia(sha256: string): boolean {
    const uses = (input: PlayoutEntry) =>
      input.media?.sha256 === sha256 || (input.images ?? []).some((image) => image.sha256 === sha256);
    if (this.#current !== undefined && uses(this.#current.entry.input)) return true;
    for (const entry of this.#entries.values()) if (uses(entry.input)) return true;
    const signal = this.#config().attentionSignal;
    return typeof signal === 'object' && signal !== null && signal.sha256 === sha256;
  }

  /**
   * What plays and what waits.
   *
   * @example `if (scheduler.state().playing) status.state = 'playing';`
   */
  state(): SchedulerState {
    const now = this.#options.clock.now();
    const config = this.#config();
    const timeZone = this.#timeZone(config);
    const queued = [...this.#entries.values()]
      .map((entry) => ({
        bulletinId: entry.input.bulletinId,
        version: entry.input.version,
        priority: entry.input.priority,
        nextStartAt: this.#nextStart(entry, now, config, timeZone),
        playsDone: entry.done,
        plays: entry.count,
      }))
      .sort(
        (a, b) => (a.nextStartAt ?? Number.POSITIVE_INFINITY) - (b.nextStartAt ?? Number.POSITIVE_INFINITY),
      );
    const current = this.#current;
    if (current === undefined) return { queued };
    return {
      playing: {
        bulletinId: current.entry.input.bulletinId,
        version: current.entry.input.version,
        priority: current.entry.input.priority,
        since: current.startedAt,
        play: current.play,
        ...(current.entry.live === undefined ? {} : { live: true }),
      },
      queued,
    };
  }

  /**
   * Stops the current play (it ends `interrupted`, reason `shutdown`), forgets the schedule and
   * resolves once the adapter has stopped. Later calls to `add` throw.
   *
   * @example `await scheduler.close();`
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    this.#entries.clear();
    const current = this.#current;
    if (current === undefined) return;
    const stopped = new Promise<void>((resolve) => this.#idle.push(resolve));
    current.drop = true;
    if (!current.stop) this.#stop(current, 'interrupted', 'shutdown');
    await stopped;
  }

  /** The configuration, with unusable windows, quiet hours or time zone left out (each reported once). */
  #config(): SchedulerConfig {
    let config: SchedulerConfig;
    try {
      config = this.#options.config() ?? {};
    } catch (error) {
      this.#report(error);
      return {};
    }
    let clean = config;
    const problems: unknown[] = [];
    if (config.windows !== undefined) {
      try {
        checkWindows(config.windows, 'config.windows', 'invalid_config');
      } catch (error) {
        problems.push(error);
        clean = { ...clean, windows: undefined };
      }
    }
    if (config.quietHours !== undefined) {
      try {
        checkQuietHours(config.quietHours);
      } catch (error) {
        problems.push(error);
        clean = { ...clean, quietHours: undefined };
      }
    }
    if (config.timeZone !== undefined) {
      try {
        assertTimeZone(config.timeZone);
      } catch (error) {
        problems.push(error);
        clean = { ...clean, timeZone: DEFAULT_TIME_ZONE };
      }
    }
    const key = problems.map((p) => (p instanceof Error ? p.message : String(p))).join('\n');
    if (key !== this.#configProblems) {
      this.#configProblems = key;
      for (const problem of problems) this.#report(problem);
    }
    return clean;
  }

  #timeZone(config: SchedulerConfig): string {
    return config.timeZone ?? DEFAULT_TIME_ZONE;
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // A failing error handler must not stop playout.
    }
  }

  #nextStart(entry: Entry, now: number, config: SchedulerConfig, timeZone: string): number | undefined {
    const earliest = Math.max(now, entry.dueAt);
    if (entry.level === LEVEL.emergency || entry.live !== undefined) {
      // P-Q2: emergencies ignore windows and quiet hours.
      return nextStartTime(earliest, { timeZone, endAt: entry.endAt });
    }
    const windows = entry.input.windows ?? config.windows;
    if (windows === undefined && config.quietHours === undefined) {
      return nextStartTime(earliest, { timeZone, endAt: entry.endAt });
    }
    // The first fitting instant found from `from` stays the answer for any later search start up to
    // it, so a search is redone only when the rules or the entry's due time change.
    const rules = `${timeZone}|${JSON.stringify(config.quietHours)}|${JSON.stringify(windows)}|${entry.dueAt}`;
    const planned = entry.planned;
    if (
      planned !== undefined &&
      planned.rules === rules &&
      planned.from <= earliest &&
      earliest <= planned.at
    ) {
      return planned.at;
    }
    const at = nextStartTime(earliest, {
      timeZone,
      windows,
      quietHours: config.quietHours,
      durationMs: entry.durationMs,
      endAt: entry.endAt,
    });
    if (at !== undefined) entry.planned = { rules, from: earliest, at };
    return at;
  }

  /** Whether `a` goes before `b`: higher level, then earlier startAt, then arrival (P-Q1, P-Q3). */
  static #before(a: Entry, b: Entry): boolean {
    if (a.level !== b.level) return a.level > b.level;
    if (a.startAt !== b.startAt) return a.startAt < b.startAt;
    return a.arrival < b.arrival;
  }

  #pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        this.#decide();
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
  }

  #decide(): void {
    this.#clearTimer();
    if (this.#closed) return;
    const now = this.#options.clock.now();
    const config = this.#config();
    const timeZone = this.#timeZone(config);
    let best: Entry | undefined;
    let wake = Number.POSITIVE_INFINITY;
    const skipped: PlayEvent[] = [];
    for (const entry of [...this.#entries.values()]) {
      const start = this.#nextStart(entry, now, config, timeZone);
      if (start === undefined) {
        this.#entries.delete(entry.key);
        skipped.push(this.#skippedEvent(entry, now));
      } else if (start <= now) {
        if (best === undefined || PlayoutScheduler.#before(entry, best)) best = entry;
      } else {
        wake = Math.min(wake, start);
      }
    }
    const current = this.#current;
    if (current !== undefined) {
      // P-Q1: a higher level preempts at once; the preempted play comes back after it.
      if (best !== undefined && best.level > current.entry.level && !current.stop) {
        this.#stop(
          current,
          'preempted',
          `preempted by ${best.input.priority} ${best.live === undefined ? 'bulletin' : 'live relay'} ${best.input.bulletinId}`,
        );
      }
    } else if (best !== undefined) {
      this.#start(best, now, config);
    }
    if (Number.isFinite(wake)) {
      // Long waits are re-evaluated daily, which also keeps the delay within every timer's range.
      this.#timer = this.#options.clock.setTimeout(() => this.#pump(), Math.min(wake - now, DAY_MS));
    }
    for (const event of skipped) this.#emit(this.#options.onPlay, event);
  }

  #skippedEvent(entry: Entry, now: number): PlayEvent {
    const left = entry.count - entry.done;
    const why =
      entry.endAt !== undefined && Math.max(now, entry.dueAt) > entry.endAt
        ? 'endAt passed'
        : `no broadcast window fits a play of ${entry.durationMs / 1000} s`;
    return {
      ...this.#describe(entry, entry.done + 1),
      startedAt: now,
      endedAt: now,
      outcome: 'skipped',
      reason: `${why}; ${left} of ${entry.count} plays not played`,
    };
  }

  #describe(entry: Entry, play: number): PlayStartEvent {
    const { input } = entry;
    const event: PlayStartEvent = {
      bulletinId: input.bulletinId,
      version: input.version,
      priority: input.priority,
      lang: input.lang,
      startedAt: 0,
      play,
    };
    if (input.media !== undefined) event.mediaSha256 = input.media.sha256;
    if (entry.live !== undefined) event.live = true;
    return event;
  }

  #item(entry: Entry, config: SchedulerConfig): PlayoutItem {
    // Every content field passes through (including fields adapters add to PlayoutItem later);
    // only the scheduling fields stay here.
    const {
      startAt: _startAt,
      endAt: _endAt,
      repeat: _repeat,
      windows: _windows,
      durationSec: _durationSec,
      playsDone: _playsDone,
      lastStartedAt: _lastStartedAt,
      ...content
    } = entry.input;
    const emergency = entry.level === LEVEL.emergency;
    const item: PlayoutItem = {
      ...content,
      emergency,
      volume: emergency ? (config.emergencyVolume ?? 100) : (config.volume ?? 80),
    };
    // P-Q4: radio emergencies open with the attention signal, the built-in tone unless configured.
    if (emergency && (this.#options.kind ?? 'radio') === 'radio') {
      item.attentionSignal = config.attentionSignal ?? 'builtin';
    }
    return item;
  }

  #start(entry: Entry, now: number, config: SchedulerConfig): void {
    const current: Current = {
      entry,
      controller: new AbortController(),
      startedAt: now,
      play: entry.done + 1,
    };
    this.#current = current;
    this.#entries.delete(entry.key);
    const live = entry.live;
    if (live !== undefined && entry.endAt !== undefined) {
      current.until = this.#options.clock.setTimeout(
        () => {
          if (this.#current !== current || current.stop) return;
          current.drop = true;
          this.#stop(current, 'completed', 'until reached');
        },
        entry.endAt + 1 - now,
      );
    }
    let running: Promise<PlayResult>;
    try {
      running = Promise.resolve(
        live === undefined
          ? this.#options.run(this.#item(entry, config), current.controller.signal)
          : live(current.controller.signal),
      );
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (result) => this.#finish(current, result),
      (error: unknown) => this.#finish(current, { outcome: 'failed', reason: message(error) }),
    );
    if (this.#options.onStart !== undefined) {
      this.#emit(this.#options.onStart, { ...this.#describe(entry, current.play), startedAt: now });
    }
  }

  #stop(current: Current, outcome: 'preempted' | 'interrupted' | 'completed', reason: string): void {
    const stop = { outcome, reason };
    current.stop = stop;
    const timeoutMs = this.#options.stopTimeoutMs ?? 5000;
    current.guard = this.#options.clock.setTimeout(() => {
      stop.reason = `${reason}; the player did not stop within ${timeoutMs} ms`;
      this.#finish(current, { outcome: 'interrupted' });
    }, timeoutMs);
    current.controller.abort(new DeviceError('closed', reason));
  }

  #finish(current: Current, result: PlayResult): void {
    if (this.#current !== current) return;
    this.#current = undefined;
    if (current.guard !== undefined) this.#options.clock.clearTimeout(current.guard);
    if (current.until !== undefined) this.#options.clock.clearTimeout(current.until);
    const endedAt = this.#options.clock.now();
    const { entry } = current;
    let outcome: Outcome = ['completed', 'interrupted', 'failed'].includes(result?.outcome)
      ? result.outcome
      : 'failed';
    let reason =
      outcome === 'failed' && result?.outcome !== 'failed' ? 'the player gave no outcome' : result?.reason;
    // A play that ran to its end just as it was stopped still counts as completed.
    if (current.stop !== undefined && outcome !== 'completed') {
      outcome = current.stop.outcome;
      reason = outcome === 'completed' ? undefined : current.stop.reason;
    }
    if (!current.drop && !this.#closed) {
      if (outcome !== 'preempted') {
        entry.done++;
        entry.dueAt = current.startedAt + entry.intervalMs;
      }
      if (entry.done < entry.count) this.#entries.set(entry.key, entry);
    }
    const event: PlayEvent = {
      ...this.#describe(entry, current.play),
      startedAt: current.startedAt,
      endedAt,
      outcome,
    };
    if (reason !== undefined && outcome !== 'completed') event.reason = reason;
    this.#emit(this.#options.onPlay, event);
    for (const resolve of this.#idle.splice(0)) resolve();
    this.#pump();
  }

  #emit<E>(callback: (event: E) => void, event: E): void {
    try {
      callback(event);
    } catch (error) {
      this.#report(error);
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
