import { BoardError } from './errors';

/**
 * A period of the day with its own brightness; `to` earlier than `from` crosses midnight, `to` may
 * be `24:00`.
 *
 * @example `const night: BrightnessPeriod = { from: '22:00', to: '05:00', level: 30 };`
 */
export interface BrightnessPeriod {
  from: string;
  to: string;
  /** 0–100. */
  level: number;
}

/**
 * Brightness by time of day in a time zone: the first period holding a moment gives its level.
 * Checks the periods when built and throws a {@link BoardError} `invalid_option` naming the period
 * and field. `DomBoardAdapter` uses it for `brightnessSchedule`; a vendor may use it to drive a
 * backlight directly.
 *
 * @example
 * ```ts
 * const schedule = new BrightnessSchedule([{ from: '22:00', to: '05:00', level: 30 }]);
 * schedule.levelAt(Date.parse('2026-11-26T16:00:00Z')); // 30 (23:00 in Hà Nội)
 * schedule.levelAt(Date.parse('2026-11-26T03:00:00Z')); // undefined (10:00)
 * ```
 */
export class BrightnessSchedule {
  readonly #periods: { from: number; to: number; level: number }[];
  readonly #format: Intl.DateTimeFormat;

  constructor(periods: readonly BrightnessPeriod[], options: { timeZone?: string; where?: string } = {}) {
    const where = options.where ?? 'brightnessSchedule';
    if (!Array.isArray(periods)) {
      throw new BoardError(
        'invalid_option',
        `${where}: expected a list of periods, found ${typeOf(periods)}`,
      );
    }
    this.#periods = periods.map((period, index) => parsePeriod(period, `${where}[${index}]`));
    const timeZone = options.timeZone ?? 'Asia/Ho_Chi_Minh';
    try {
      this.#format = new Intl.DateTimeFormat('en-GB', {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone,
      });
    } catch (cause) {
      throw new BoardError('invalid_option', `${where}: unknown time zone '${timeZone}'`, { cause });
    }
  }

  /**
   * The level at `time` (ms since epoch), or undefined outside every period.
   *
   * @example `schedule.levelAt(Date.now())`
   */
  levelAt(time: number): number | undefined {
    if (this.#periods.length === 0 || !Number.isFinite(time)) return undefined;
    const parts = this.#format.formatToParts(time);
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const minute = (part('hour') % 24) * 60 + part('minute');
    return this.#periods.find(({ from, to }) =>
      from <= to ? minute >= from && minute < to : minute >= from || minute < to,
    )?.level;
  }
}

/**
 * A brightness or volume level: a number from 0 to 100, else a {@link BoardError} naming it.
 *
 * @example `checkLevel('brightness', 60) // 60`
 */
export function checkLevel(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new BoardError(
      'invalid_option',
      `${name}: expected a number from 0 to 100, found ${String(value)}`,
    );
  }
  return value;
}

function parsePeriod(period: unknown, where: string): { from: number; to: number; level: number } {
  if (typeof period !== 'object' || period === null) {
    throw new BoardError('invalid_option', `${where}: expected {from, to, level}, found ${typeOf(period)}`);
  }
  const { from, to, level } = period as Record<string, unknown>;
  return {
    from: minutes(from, `${where}.from`, false),
    to: minutes(to, `${where}.to`, true),
    level: checkLevel(`${where}.level`, level),
  };
}

function minutes(value: unknown, where: string, allow24: boolean): number {
  const match = typeof value === 'string' ? /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(value) : null;
  if (match) return Number(match[1]) * 60 + Number(match[2]);
  if (allow24 && value === '24:00') return 24 * 60;
  throw new BoardError('invalid_option', `${where}: expected HH:MM, found ${safeJson(value)}`);
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
