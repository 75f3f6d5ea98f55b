import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors';
import { assertTimeZone, localTimeOf, nextStartTime } from './zoned-time';

const VN = 'Asia/Ho_Chi_Minh';
const vn = (iso: string) => Date.parse(`${iso}+07:00`);
const MIN = 60_000;
const weekdays = [1, 2, 3, 4, 5];

describe('nextStartTime', () => {
  it('returns the earliest time itself when nothing constrains it', () => {
    expect(nextStartTime(vn('2026-11-26T08:00:00'), { timeZone: VN })).toBe(vn('2026-11-26T08:00:00'));
  });

  it('finds the next morning window on a weekday in Vietnam time', () => {
    const windows = [{ days: weekdays, from: '06:00', to: '07:00' }];
    // Thursday 07:30 → Friday 06:00.
    expect(nextStartTime(vn('2026-11-26T07:30:00'), { timeZone: VN, windows, durationMs: 10 * MIN })).toBe(
      vn('2026-11-27T06:00:00'),
    );
    // Friday 07:30 → Monday 06:00 (weekend skipped).
    expect(nextStartTime(vn('2026-11-27T07:30:00'), { timeZone: VN, windows, durationMs: 10 * MIN })).toBe(
      vn('2026-11-30T06:00:00'),
    );
    // Inside the window with room to finish: at once.
    expect(nextStartTime(vn('2026-11-26T06:20:00'), { timeZone: VN, windows, durationMs: 40 * MIN })).toBe(
      vn('2026-11-26T06:20:00'),
    );
    // Inside the window without room: the next day.
    expect(nextStartTime(vn('2026-11-26T06:21:00'), { timeZone: VN, windows, durationMs: 40 * MIN })).toBe(
      vn('2026-11-27T06:00:00'),
    );
  });

  it('handles windows that cross midnight and end at 24:00', () => {
    // Sunday 22:00 → Monday 02:00 belongs to Sunday's window.
    const night = [{ days: [7], from: '22:00', to: '02:00' }];
    expect(
      nextStartTime(vn('2026-11-30T01:00:00'), { timeZone: VN, windows: night, durationMs: 30 * MIN }),
    ).toBe(vn('2026-11-30T01:00:00'));
    expect(
      nextStartTime(vn('2026-11-30T01:45:00'), { timeZone: VN, windows: night, durationMs: 30 * MIN }),
    ).toBe(vn('2026-12-06T22:00:00'));
    const evening = [{ days: [4], from: '23:00', to: '24:00' }];
    expect(
      nextStartTime(vn('2026-11-26T12:00:00'), { timeZone: VN, windows: evening, durationMs: 60 * MIN }),
    ).toBe(vn('2026-11-26T23:00:00'));
  });

  it('joins adjacent windows into one span, so a play may run across their boundary', () => {
    const windows = [
      { days: [4], from: '06:00', to: '07:00' },
      { days: [4], from: '07:00', to: '08:00' },
    ];
    expect(nextStartTime(vn('2026-11-26T06:30:00'), { timeZone: VN, windows, durationMs: 60 * MIN })).toBe(
      vn('2026-11-26T06:30:00'),
    );
  });

  it('keeps plays out of quiet hours, across midnight too', () => {
    const quietHours = { from: '22:00', to: '05:00' };
    expect(nextStartTime(vn('2026-11-26T23:10:00'), { timeZone: VN, quietHours })).toBe(
      vn('2026-11-27T05:00:00'),
    );
    // A 30-minute play at 21:45 would run into quiet hours.
    expect(nextStartTime(vn('2026-11-26T21:45:00'), { timeZone: VN, quietHours, durationMs: 30 * MIN })).toBe(
      vn('2026-11-27T05:00:00'),
    );
    expect(nextStartTime(vn('2026-11-26T21:30:00'), { timeZone: VN, quietHours, durationMs: 30 * MIN })).toBe(
      vn('2026-11-26T21:30:00'),
    );
  });

  it('never starts after endAt, and gives up when no window can hold the play', () => {
    const windows = [{ days: weekdays, from: '06:00', to: '07:00' }];
    expect(
      nextStartTime(vn('2026-11-26T08:00:00'), { timeZone: VN, windows, endAt: vn('2026-11-26T20:00:00') }),
    ).toBeUndefined();
    expect(nextStartTime(vn('2026-11-26T08:00:00'), { timeZone: VN, endAt: vn('2026-11-26T07:00:00') })).toBe(
      undefined,
    );
    expect(nextStartTime(vn('2026-11-26T08:00:00'), { timeZone: VN, windows, durationMs: 61 * MIN })).toBe(
      undefined,
    );
  });

  it('follows daylight saving time in zones that have it', () => {
    // Berlin moves from UTC+2 to UTC+1 on 2026-10-25: 06:00 local is 04:00Z before, 05:00Z after.
    const windows = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '06:00', to: '07:00' }];
    const rules = { timeZone: 'Europe/Berlin', windows };
    expect(nextStartTime(Date.parse('2026-10-24T12:00:00Z'), rules)).toBe(Date.parse('2026-10-25T05:00:00Z'));
    expect(nextStartTime(Date.parse('2026-10-23T12:00:00Z'), rules)).toBe(Date.parse('2026-10-24T04:00:00Z'));
  });

  it('property: a returned start lies inside a window with the whole play, never after endAt', () => {
    const hhmm = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(
        fc.integer({ min: vn('2026-01-01T00:00:00'), max: vn('2027-01-01T00:00:00') }),
        fc.record({
          days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
          from: hhmm,
          to: fc.oneof(hhmm, fc.constant('24:00')),
        }),
        fc.integer({ min: 0, max: 180 }),
        fc.option(fc.integer({ min: 0, max: 14 * 24 * 60 }), { nil: undefined }),
        (earliest, window, durationMin, endAfterMin) => {
          const endAt = endAfterMin === undefined ? undefined : earliest + endAfterMin * MIN;
          const start = nextStartTime(earliest, {
            timeZone: VN,
            windows: [window],
            durationMs: durationMin * MIN,
            endAt,
          });
          if (start === undefined) return;
          expect(start).toBeGreaterThanOrEqual(earliest);
          if (endAt !== undefined) expect(start).toBeLessThanOrEqual(endAt);
          const inside = (t: number) => {
            const { weekday, time } = localTimeOf(t, VN);
            const prev = weekday === 1 ? 7 : weekday - 1;
            if (window.to > window.from)
              return window.days.includes(weekday) && time >= window.from && time < window.to;
            return (
              (window.days.includes(weekday) && time >= window.from) ||
              (window.days.includes(prev) && time < window.to)
            );
          };
          for (let t = start; t < start + durationMin * MIN; t += MIN) expect(inside(t)).toBe(true);
          expect(inside(start)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('time zones', () => {
  it('gives the local ISO weekday and time', () => {
    expect(localTimeOf(Date.parse('2026-11-26T23:30:00Z'), VN)).toEqual({ weekday: 5, time: '06:30' });
    expect(localTimeOf(Date.parse('2026-11-29T12:00:00Z'), 'UTC')).toEqual({ weekday: 7, time: '12:00' });
  });

  it('rejects an unknown zone with a typed error naming the config field', () => {
    try {
      assertTimeZone('Asia/Atlantis');
      expect.unreachable();
    } catch (error) {
      expect(DeviceError.isInstance(error) && error.code).toBe('invalid_config');
      expect((error as DeviceError).path).toBe('config.timeZone');
      expect((error as DeviceError).message).toBe('expected an IANA time zone, found "Asia/Atlantis"');
    }
  });
});
