import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrightnessSchedule } from './brightness';
import { BoardError } from './errors';

// Hà Nội is UTC+7 all year.
const hanoi = (hhmm: string) => Date.parse(`2026-11-26T${hhmm}:00+07:00`);

describe('BrightnessSchedule', () => {
  const night = new BrightnessSchedule([
    { from: '22:00', to: '05:00', level: 20 },
    { from: '18:00', to: '24:00', level: 60 },
  ]);

  it('applies a period across midnight, the first period winning, in Vietnam time', () => {
    expect(night.levelAt(hanoi('21:59'))).toBe(60);
    expect(night.levelAt(hanoi('22:00'))).toBe(20);
    expect(night.levelAt(hanoi('23:59'))).toBe(20);
    expect(night.levelAt(hanoi('00:00'))).toBe(20);
    expect(night.levelAt(hanoi('04:59'))).toBe(20);
    expect(night.levelAt(hanoi('05:00'))).toBeUndefined();
    expect(night.levelAt(hanoi('12:00'))).toBeUndefined();
  });

  it('follows the time zone it is given', () => {
    const utc = new BrightnessSchedule([{ from: '22:00', to: '05:00', level: 20 }], { timeZone: 'UTC' });
    expect(utc.levelAt(Date.parse('2026-11-26T23:00:00Z'))).toBe(20);
    expect(night.levelAt(Date.parse('2026-11-26T23:00:00Z'))).toBeUndefined(); // 06:00 in Hà Nội
  });

  it('names the period and field that is wrong', () => {
    const message = (periods: unknown) => {
      try {
        new BrightnessSchedule(periods as never);
        return 'accepted';
      } catch (error) {
        return BoardError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
      }
    };
    expect(message([{ from: '7:00', to: '08:00', level: 50 }])).toBe(
      'invalid_option: brightnessSchedule[0].from: expected HH:MM, found "7:00"',
    );
    expect(
      message([
        { from: '07:00', to: '08:00', level: 50 },
        { from: '24:00', to: '01:00', level: 1 },
      ]),
    ).toBe('invalid_option: brightnessSchedule[1].from: expected HH:MM, found "24:00"');
    expect(message([{ from: '07:00', to: '08:00', level: 101 }])).toBe(
      'invalid_option: brightnessSchedule[0].level: expected a number from 0 to 100, found 101',
    );
    expect(message('22:00-05:00')).toBe(
      'invalid_option: brightnessSchedule: expected a list of periods, found string',
    );
  });

  it('answers any input with a schedule or a BoardError, and any moment with a listed level or none', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          new BrightnessSchedule(input as never);
        } catch (error) {
          expect(BoardError.isInstance(error)).toBe(true);
        }
      }),
    );
    const minuteOfDay = fc.integer({ min: 0, max: 1439 });
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    fc.assert(
      fc.property(
        minuteOfDay,
        minuteOfDay,
        fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2040-01-01') }),
        (from, to, time) => {
          const level = new BrightnessSchedule([{ from: hhmm(from), to: hhmm(to), level: 42 }]).levelAt(time);
          // Vietnam keeps UTC+7 all year, so the local minute is plain arithmetic here.
          const local = Math.floor(time / 60_000 + 420) % 1440;
          const inside = from <= to ? local >= from && local < to : local >= from || local < to;
          expect(level).toBe(inside ? 42 : undefined);
        },
      ),
    );
  });
});
