import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PlayoutItem, PlayResult } from '../adapters';
import { DeviceError } from '../errors';
import { NullAdapter } from '../null-adapter';
import {
  type PlayEvent,
  type PlayoutEntry,
  PlayoutScheduler,
  type PlayStartEvent,
  type Priority,
  type SchedulerConfig,
} from './playout-scheduler';
import { TestClock } from './test-clock';

/** Thursday 2026-11-26 08:00 in Vietnam (UTC+7). */
const T0 = Date.parse('2026-11-26T08:00:00+07:00');
const MIN = 60_000;
const HOUR = 60 * MIN;
const local = (iso: string) => Date.parse(`${iso}+07:00`);

function entry(bulletinId: string, priority: Priority, extra: Partial<PlayoutEntry> = {}): PlayoutEntry {
  return {
    bulletinId,
    version: 1,
    priority,
    category: 'news',
    lang: 'vi',
    text: bulletinId,
    startAt: T0,
    ...extra,
  };
}

function withDuration(seconds: number) {
  return {
    media: {
      sha256: 'a'.repeat(64),
      mime: 'audio/mpeg',
      size: 10,
      url: 'file:///a.mp3',
      durationSec: seconds,
    },
  };
}

function setup(options: { config?: SchedulerConfig; kind?: 'radio' | 'board'; start?: number } = {}) {
  const clock = new TestClock(options.start ?? T0);
  const adapter = new NullAdapter({ clock, defaultDurationSec: 60, kind: options.kind ?? 'radio' });
  const ended: PlayEvent[] = [];
  const started: PlayStartEvent[] = [];
  const items: PlayoutItem[] = [];
  let active = 0;
  let maxActive = 0;
  const state = { config: options.config ?? {} };
  const scheduler = new PlayoutScheduler({
    clock,
    kind: options.kind ?? 'radio',
    run: async (item, signal) => {
      items.push(item);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        return await adapter.play(item, signal);
      } finally {
        active--;
      }
    },
    config: () => state.config,
    onPlay: (e) => ended.push(e),
    onStart: (e) => started.push(e),
  });
  const log = () => ended.map((e) => `${e.bulletinId}:${e.outcome}@${(e.startedAt - T0) / MIN}`);
  return { clock, adapter, scheduler, ended, started, items, state, log, maxActive: () => maxActive };
}

describe('PlayoutScheduler', () => {
  it('plays a due bulletin at once and reports it completed', async () => {
    const t = setup();
    expect(t.scheduler.add(entry('b1', 'normal'))).toBe(true);
    await t.clock.settle();
    expect(t.scheduler.state().playing?.bulletinId).toBe('b1');
    await t.clock.advance(60_000);
    expect(t.ended).toEqual([
      {
        bulletinId: 'b1',
        version: 1,
        priority: 'normal',
        lang: 'vi',
        startedAt: T0,
        endedAt: T0 + 60_000,
        outcome: 'completed',
        play: 1,
      },
    ]);
    expect(t.items[0]).toMatchObject({ volume: 80, emergency: false });
    expect(t.items[0]?.attentionSignal).toBeUndefined();
  });

  it('P-Q1: an emergency preempts a normal play at once, which then plays again from the start', async () => {
    const t = setup({ config: { volume: 50, emergencyVolume: 95 } });
    t.scheduler.add(entry('news', 'normal'));
    await t.clock.advance(10_000);
    t.scheduler.add(entry('storm', 'emergency', { category: 'disaster' }));
    await t.clock.settle();
    expect(t.ended).toMatchObject([
      { bulletinId: 'news', outcome: 'preempted', startedAt: T0, endedAt: T0 + 10_000, play: 1 },
    ]);
    expect(t.ended[0]?.reason).toContain('storm');
    await t.clock.runAll();
    expect(t.ended.map((e) => [e.bulletinId, e.outcome, e.startedAt - T0])).toEqual([
      ['news', 'preempted', 0],
      ['storm', 'completed', 10_000],
      ['news', 'completed', 70_000],
    ]);
    expect(t.items.map((i) => [i.bulletinId, i.volume, i.emergency])).toEqual([
      ['news', 50, false],
      ['storm', 95, true],
      ['news', 50, false],
    ]);
    expect(t.maxActive()).toBe(1);
  });

  it('P-Q1: priority preempts normal, emergency preempts priority, equal levels never preempt', async () => {
    const t = setup();
    t.scheduler.add(entry('n', 'normal'));
    await t.clock.advance(5_000);
    t.scheduler.add(entry('p1', 'priority'));
    await t.clock.advance(5_000);
    t.scheduler.add(entry('p2', 'priority'));
    await t.clock.advance(5_000);
    t.scheduler.add(entry('e', 'emergency'));
    await t.clock.runAll();
    expect(t.log()).toEqual([
      'n:preempted@0',
      'p1:preempted@0.08333333333333333',
      'e:completed@0.25',
      'p1:completed@1.25',
      'p2:completed@2.25',
      'n:completed@3.25',
    ]);
  });

  it('P-Q3: within a level, earliest startAt first, then arrival order', async () => {
    const t = setup();
    t.scheduler.add(entry('first', 'priority'));
    t.scheduler.add(entry('late-arrival-early-start', 'normal', { startAt: T0 - 2 * HOUR }));
    t.scheduler.add(entry('a', 'normal', { startAt: T0 - HOUR }));
    t.scheduler.add(entry('b', 'normal', { startAt: T0 - HOUR }));
    t.scheduler.add(entry('c', 'normal', { startAt: T0 - 3 * HOUR }));
    await t.clock.runAll();
    expect(t.ended.map((e) => e.bulletinId)).toEqual(['first', 'c', 'late-arrival-early-start', 'a', 'b']);
  });

  it('hands the adapter every content field, without the scheduling fields', async () => {
    const t = setup();
    t.scheduler.add({
      ...entry('b', 'priority', {
        title: 'Họp dân',
        repeat: { count: 1 },
        endAt: T0 + HOUR,
        durationSec: 30,
      }),
      tts: { rate: 0.9 },
    } as PlayoutEntry);
    await t.clock.runAll();
    expect(t.items[0]).toEqual({
      bulletinId: 'b',
      version: 1,
      priority: 'priority',
      category: 'news',
      lang: 'vi',
      text: 'b',
      title: 'Họp dân',
      tts: { rate: 0.9 },
      emergency: false,
      volume: 80,
    });
  });

  it('P-Q2/P-Q4: a radio emergency opens with the attention signal; a board gets none', async () => {
    const radio = setup();
    radio.scheduler.add(entry('e', 'emergency'));
    await radio.clock.runAll();
    expect(radio.items[0]).toMatchObject({ emergency: true, volume: 100, attentionSignal: 'builtin' });

    const off = setup({ config: { attentionSignal: false } });
    off.scheduler.add(entry('e', 'emergency'));
    await off.clock.runAll();
    expect(off.items[0]?.attentionSignal).toBe(false);

    const board = setup({ kind: 'board' });
    board.scheduler.add(entry('e', 'emergency'));
    await board.clock.runAll();
    expect(board.items[0]?.attentionSignal).toBeUndefined();
    expect(board.items[0]?.emergency).toBe(true);
  });

  it('P-B2: repeat.count plays, intervalSec between their starts', async () => {
    const t = setup();
    t.scheduler.add(entry('r', 'normal', { repeat: { count: 3, intervalSec: 600 } }));
    await t.clock.runAll();
    expect(t.ended.map((e) => [e.play, (e.startedAt - T0) / MIN, e.outcome])).toEqual([
      [1, 0, 'completed'],
      [2, 10, 'completed'],
      [3, 20, 'completed'],
    ]);
    expect(t.clock.pending).toBe(0);
  });

  it('P-B2: a window across midnight in Asia/Ho_Chi_Minh holds plays that fit, the rest wait a week', async () => {
    const t = setup();
    // Thursday 23:00 → Friday 01:00, local time; each play lasts 30 minutes, one an hour.
    t.scheduler.add(
      entry('night', 'normal', {
        ...withDuration(1800),
        repeat: { count: 3, intervalSec: 3600 },
        windows: [{ days: [4], from: '23:00', to: '01:00' }],
      }),
    );
    await t.clock.runAll();
    expect(t.ended.map((e) => new Date(e.startedAt).toISOString())).toEqual([
      new Date(local('2026-11-26T23:00:00')).toISOString(),
      new Date(local('2026-11-27T00:00:00')).toISOString(),
      new Date(local('2026-12-03T23:00:00')).toISOString(),
    ]);
  });

  it('P-B2: windows follow ISO weekdays in config.timeZone', async () => {
    const t = setup({ config: { windows: [{ days: [6, 7], from: '06:00', to: '07:00' }] } });
    t.scheduler.add(entry('weekend', 'normal', { repeat: { count: 2, intervalSec: 0 } }));
    await t.clock.runAll();
    // Saturday 06:00 and (right after) 06:01 in Vietnam.
    expect(t.ended.map((e) => e.startedAt)).toEqual([
      local('2026-11-28T06:00:00'),
      local('2026-11-28T06:01:00'),
    ]);

    const utc = setup({ config: { timeZone: 'UTC', windows: [{ days: [6], from: '06:00', to: '07:00' }] } });
    utc.scheduler.add(entry('weekend', 'normal'));
    await utc.clock.runAll();
    expect(utc.ended[0]?.startedAt).toBe(Date.parse('2026-11-28T06:00:00Z'));
  });

  it('P-B2: a play that cannot finish inside its window waits for the next one', async () => {
    const t = setup({ start: local('2026-11-26T06:50:00') });
    t.scheduler.add(
      entry('long', 'normal', {
        startAt: local('2026-11-26T06:50:00'),
        ...withDuration(15 * 60),
        windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '06:00', to: '07:00' }],
      }),
    );
    await t.clock.settle();
    expect(t.scheduler.state().queued[0]?.nextStartAt).toBe(local('2026-11-27T06:00:00'));
    await t.clock.runAll();
    expect(t.ended[0]?.startedAt).toBe(local('2026-11-27T06:00:00'));
  });

  it('a bulletin window that no play can fit into is skipped, with the reason', async () => {
    const t = setup();
    t.scheduler.add(
      entry('too-long', 'normal', {
        ...withDuration(7200),
        windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '06:00', to: '07:00' }],
      }),
    );
    await t.clock.settle();
    expect(t.ended).toMatchObject([
      { bulletinId: 'too-long', outcome: 'skipped', startedAt: T0, endedAt: T0 },
    ]);
    expect(t.ended[0]?.reason).toContain('no broadcast window fits a play of 7200 s');
    expect(t.items).toHaveLength(0);
  });

  it('quiet hours hold normal and priority plays but not emergencies', async () => {
    const start = local('2026-11-26T23:00:00');
    const t = setup({ start, config: { quietHours: { from: '22:00', to: '05:00' } } });
    t.scheduler.add(entry('n', 'normal', { startAt: start }));
    t.scheduler.add(entry('p', 'priority', { startAt: start }));
    t.scheduler.add(entry('e', 'emergency', { startAt: start }));
    await t.clock.runAll();
    expect(t.ended.map((e) => [e.bulletinId, new Date(e.startedAt).toISOString()])).toEqual([
      ['e', new Date(start).toISOString()],
      ['p', new Date(local('2026-11-27T05:00:00')).toISOString()],
      ['n', new Date(local('2026-11-27T05:01:00')).toISOString()],
    ]);
  });

  it('P-Q2: an emergency ignores broadcast windows and plays at its startAt', async () => {
    const t = setup({ config: { windows: [{ days: [1], from: '06:00', to: '07:00' }] } });
    t.scheduler.add(
      entry('e', 'emergency', {
        startAt: T0 + 5 * MIN,
        windows: [{ days: [1], from: '06:00', to: '07:00' }],
      }),
    );
    await t.clock.runAll();
    expect(t.ended[0]).toMatchObject({ bulletinId: 'e', outcome: 'completed', startedAt: T0 + 5 * MIN });
  });

  it('P-B2: nothing starts after endAt; what is left is reported skipped', async () => {
    const t = setup();
    t.scheduler.add(entry('e', 'emergency', { ...withDuration(3600) }));
    t.scheduler.add(entry('n', 'normal', { endAt: T0 + 30 * MIN, repeat: { count: 2, intervalSec: 60 } }));
    await t.clock.runAll();
    expect(t.ended.map((e) => [e.bulletinId, e.outcome, (e.startedAt - T0) / MIN])).toEqual([
      ['e', 'completed', 0],
      ['n', 'skipped', 60],
    ]);
    expect(t.ended[1]?.reason).toBe('endAt passed; 2 of 2 plays not played');

    const late = setup();
    late.scheduler.add(entry('old', 'normal', { startAt: T0 - 2 * HOUR, endAt: T0 - HOUR }));
    await late.clock.settle();
    expect(late.ended).toMatchObject([{ bulletinId: 'old', outcome: 'skipped' }]);
    expect(late.items).toHaveLength(0);
  });

  it('P-Q1: a preempted play is not replayed once its endAt has passed', async () => {
    const t = setup();
    t.scheduler.add(entry('n', 'normal', { endAt: T0 + 10 * MIN }));
    await t.clock.advance(MIN / 2);
    t.scheduler.add(entry('e', 'emergency', { ...withDuration(20 * 60) }));
    await t.clock.runAll();
    expect(t.ended.map((e) => `${e.bulletinId}:${e.outcome}`)).toEqual([
      'n:preempted',
      'e:completed',
      'n:skipped',
    ]);
  });

  it('revoke stops the play now, drops the remaining repeats, and says whether it knew the bulletin', async () => {
    const t = setup();
    t.scheduler.add(entry('r', 'normal', { repeat: { count: 5, intervalSec: 600 } }));
    await t.clock.advance(20_000);
    expect(t.scheduler.revoke('r')).toBe(true);
    await t.clock.runAll();
    expect(t.ended).toMatchObject([
      { bulletinId: 'r', outcome: 'interrupted', reason: 'revoked', startedAt: T0, endedAt: T0 + 20_000 },
    ]);
    expect(t.scheduler.revoke('r')).toBe(false);
    expect(t.scheduler.state()).toEqual({ queued: [] });
  });

  it('revoke of a waiting bulletin removes it without a receipt', async () => {
    const t = setup();
    t.scheduler.add(entry('later', 'normal', { startAt: T0 + HOUR }));
    expect(t.scheduler.revoke('later')).toBe(true);
    await t.clock.runAll();
    expect(t.ended).toEqual([]);
  });

  it('a newer version replaces a playing bulletin; the same version is ignored', async () => {
    const t = setup();
    t.scheduler.add(entry('b', 'normal'));
    await t.clock.advance(1_000);
    expect(t.scheduler.add(entry('b', 'normal'))).toBe(false);
    expect(t.scheduler.add(entry('b', 'normal', { version: 2, text: 'sửa' }))).toBe(true);
    await t.clock.runAll();
    expect(t.ended.map((e) => [e.version, e.outcome, e.reason])).toEqual([
      [1, 'interrupted', 'replaced by version 2'],
      [2, 'completed', undefined],
    ]);
    expect(t.items[1]?.text).toBe('sửa');
  });

  it('stopAll interrupts the current play, which counts as played; the schedule goes on', async () => {
    const t = setup();
    t.scheduler.add(entry('r', 'normal', { repeat: { count: 2, intervalSec: 600 } }));
    await t.clock.advance(3_000);
    t.scheduler.stopAll();
    await t.clock.runAll();
    expect(t.log()).toEqual(['r:interrupted@0', 'r:completed@10']);
    expect(t.ended[0]?.reason).toBe('stopped');
  });

  it('a player that fails or throws ends the play failed with its reason', async () => {
    const clock = new TestClock(T0);
    const ended: PlayEvent[] = [];
    const scheduler = new PlayoutScheduler({
      clock,
      run: async (item): Promise<PlayResult> => {
        if (item.bulletinId === 'throws') throw new Error('no sound card');
        return { outcome: 'failed', reason: 'codec' };
      },
      config: () => ({}),
      onPlay: (e) => ended.push(e),
    });
    scheduler.add(entry('throws', 'normal'));
    scheduler.add(entry('fails', 'normal'));
    await clock.runAll();
    expect(ended.map((e) => [e.bulletinId, e.outcome, e.reason])).toEqual([
      ['throws', 'failed', 'no sound card'],
      ['fails', 'failed', 'codec'],
    ]);
  });

  it('moves on when a player ignores the abort signal', async () => {
    const clock = new TestClock(T0);
    const ended: PlayEvent[] = [];
    const scheduler = new PlayoutScheduler({
      clock,
      stopTimeoutMs: 2000,
      run: (item) =>
        item.emergency ? Promise.resolve({ outcome: 'completed' }) : new Promise<PlayResult>(() => undefined),
      config: () => ({}),
      onPlay: (e) => ended.push(e),
    });
    scheduler.add(entry('stuck', 'normal'));
    await clock.advance(1000);
    scheduler.add(entry('e', 'emergency'));
    await clock.advance(2000);
    expect(ended.map((e) => [e.bulletinId, e.outcome, e.endedAt - T0])).toEqual([
      ['stuck', 'preempted', 3000],
      ['e', 'completed', 3000],
    ]);
    expect(ended[0]?.reason).toBe(
      'preempted by emergency bulletin e; the player did not stop within 2000 ms',
    );
  });

  it('rejects a bad startAt with a typed error saying where', () => {
    const t = setup();
    const attempt = () => t.scheduler.add(entry('x', 'normal', { startAt: 'tomorrow' }));
    expect(attempt).toThrow(DeviceError);
    expect(attempt).toThrow('expected startAt as a time, found "tomorrow"');
    expect(() => t.scheduler.add(entry('x', 'constructor' as Priority))).toThrow(
      'expected priority to be normal, priority or emergency, found "constructor"',
    );
  });

  it('rejects bad windows in a bulletin with the field, the expectation and what it found', () => {
    const t = setup();
    const bad = (windows: unknown) => () =>
      t.scheduler.add(entry('w', 'normal', { windows: windows as PlayoutEntry['windows'] }));
    expect(bad([{ days: [1], from: '06:00', to: '25:00' }])).toThrow(
      'expected windows[0].to to be HH:MM or 24:00, found "25:00"',
    );
    expect(
      bad([
        { days: [1], from: '06:00', to: '07:00' },
        { days: [0], from: '06:00', to: '07:00' },
      ]),
    ).toThrow('expected windows[1].days to be ISO weekdays 1–7 (at least one), found [0]');
    expect(bad([{ days: [1], to: '07:00' }])).toThrow(
      'expected windows[0].from to be HH:MM, found undefined',
    );
    expect(t.scheduler.state().queued).toEqual([]);
  });

  it('ignores unusable windows or quiet hours in the configuration, reporting them once', async () => {
    const clock = new TestClock(T0);
    const errors: unknown[] = [];
    const ended: PlayEvent[] = [];
    const scheduler = new PlayoutScheduler({
      clock,
      run: async () => ({ outcome: 'completed' }),
      config: () => ({
        windows: [{ days: [1], from: '6h', to: '07:00' }],
        quietHours: { from: '22:00', to: 'x' },
      }),
      onPlay: (e) => ended.push(e),
      onError: (e) => errors.push(e),
    });
    scheduler.add(entry('a', 'normal'));
    scheduler.add(entry('b', 'normal'));
    await clock.runAll();
    expect(ended.map((e) => [e.bulletinId, e.startedAt])).toEqual([
      ['a', T0],
      ['b', T0],
    ]);
    expect(errors.map((e) => (e as DeviceError).message)).toEqual([
      'expected config.windows[0].from to be HH:MM, found "6h"',
      'expected config.quietHours.to to be HH:MM, found "x"',
    ]);
  });

  it('property: any windows value either schedules or is refused with a DeviceError', () => {
    fc.assert(
      fc.property(fc.anything(), (windows) => {
        const t = setup();
        try {
          t.scheduler.add(entry('w', 'normal', { windows: windows as PlayoutEntry['windows'] }));
        } catch (error) {
          expect(DeviceError.isInstance(error) && error.code).toBe('invalid_message');
        }
      }),
    );
  });

  it('property: any entry either schedules and plays or is refused with a DeviceError, leaving the schedule alone', async () => {
    const field = fc.oneof(
      fc.anything(),
      fc.constantFrom(
        'normal',
        'emergency',
        'constructor',
        '',
        'b',
        T0,
        -1,
        Number.NaN,
        Number.POSITIVE_INFINITY,
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          bulletinId: fc.oneof(fc.constant('x'), field),
          version: fc.oneof(fc.constant(2), field),
          priority: fc.oneof(fc.constant('normal'), field),
          startAt: fc.oneof(fc.constant(T0), field),
          endAt: field,
          repeat: fc.oneof(fc.constant(undefined), fc.record({ count: field, intervalSec: field })),
          durationSec: field,
          playsDone: field,
        }),
        async (fields) => {
          const t = setup();
          t.scheduler.add(entry('x', 'normal', { startAt: T0 + HOUR }));
          let taken = false;
          try {
            taken = t.scheduler.add({
              ...entry('x', 'normal'),
              ...(fields as Partial<PlayoutEntry>),
            } as PlayoutEntry);
          } catch (error) {
            expect(DeviceError.isInstance(error) && error.code).toBe('invalid_message');
            expect(t.scheduler.state().queued.map((q) => [q.bulletinId, q.version])).toEqual([['x', 1]]);
          }
          await t.clock.runAll(100);
          for (const e of t.ended) {
            expect(Number.isFinite(e.startedAt) && Number.isFinite(e.endedAt)).toBe(true);
          }
          if (!taken) expect(t.ended.every((e) => e.version === 1)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('falls back to Asia/Ho_Chi_Minh for an unknown time zone and reports it', async () => {
    const clock = new TestClock(T0);
    const errors: unknown[] = [];
    const ended: PlayEvent[] = [];
    const scheduler = new PlayoutScheduler({
      clock,
      run: async () => ({ outcome: 'completed' }),
      config: () => ({ timeZone: 'Mars/Olympus', windows: [{ days: [4], from: '09:00', to: '10:00' }] }),
      onPlay: (e) => ended.push(e),
      onError: (e) => errors.push(e),
    });
    scheduler.add(entry('x', 'normal'));
    await clock.runAll();
    expect(ended[0]?.startedAt).toBe(local('2026-11-26T09:00:00'));
    expect(DeviceError.isInstance(errors[0]) && errors[0].code).toBe('invalid_config');
  });

  it('usesMedia names media of scheduled bulletins and of the attention signal', () => {
    const signal = { sha256: 'c'.repeat(64), mime: 'audio/mpeg', size: 1, url: 'file:///tone.mp3' };
    const t = setup({ config: { attentionSignal: signal } });
    t.scheduler.add(entry('later', 'normal', { startAt: T0 + HOUR, ...withDuration(10) }));
    expect(t.scheduler.usesMedia('a'.repeat(64))).toBe(true);
    expect(t.scheduler.usesMedia('c'.repeat(64))).toBe(true);
    expect(t.scheduler.usesMedia('b'.repeat(64))).toBe(false);
  });

  it('close stops the current play, reports it and refuses new bulletins', async () => {
    const t = setup();
    t.scheduler.add(entry('n', 'normal'));
    t.scheduler.add(entry('later', 'normal', { startAt: T0 + HOUR }));
    await t.clock.advance(1000);
    await t.scheduler.close();
    expect(t.log()).toEqual(['n:interrupted@0']);
    expect(t.ended[0]?.reason).toBe('shutdown');
    expect(() => t.scheduler.add(entry('x', 'normal'))).toThrow('closed');
    await t.clock.runAll();
    expect(t.ended).toHaveLength(1);
  });

  it('playsDone restores a half-played schedule', async () => {
    const t = setup();
    t.scheduler.add(entry('r', 'normal', { repeat: { count: 3, intervalSec: 60 }, playsDone: 2 }));
    await t.clock.runAll();
    expect(t.ended.map((e) => e.play)).toEqual([3]);

    const resumed = setup();
    resumed.scheduler.add(
      entry('r', 'normal', {
        repeat: { count: 3, intervalSec: 600 },
        playsDone: 1,
        lastStartedAt: T0 - 2 * MIN,
      }),
    );
    await resumed.clock.runAll();
    expect(resumed.ended.map((e) => [e.play, (e.startedAt - T0) / MIN])).toEqual([
      [2, 8],
      [3, 18],
    ]);
  });
});

describe('PlayoutScheduler live relays', () => {
  /** A relay that runs until aborted, like a stream player. */
  const relay = (log: string[], name: string) => (signal: AbortSignal) =>
    new Promise<PlayResult>((resolve) => {
      log.push(`${name}:on`);
      signal.addEventListener('abort', () => {
        log.push(`${name}:off`);
        resolve({ outcome: 'interrupted' });
      });
    });

  it('runs a live relay until its end time and reports it completed', async () => {
    const t = setup();
    const log: string[] = [];
    expect(
      t.scheduler.live({ id: 'L1', priority: 'normal', until: T0 + 30 * MIN, run: relay(log, 'L1') }),
    ).toBe(true);
    await t.clock.settle();
    expect(t.scheduler.state().playing).toMatchObject({ bulletinId: 'L1', live: true });
    await t.clock.runAll();
    expect(log).toEqual(['L1:on', 'L1:off']);
    expect(t.ended).toEqual([
      {
        bulletinId: 'L1',
        version: 1,
        priority: 'normal',
        lang: 'und',
        startedAt: T0,
        endedAt: T0 + 30 * MIN,
        outcome: 'completed',
        play: 1,
        live: true,
      },
    ]);
  });

  it('takes part in priorities: preempts lower bulletins, yields to emergencies, then resumes until its end', async () => {
    const t = setup();
    const log: string[] = [];
    t.scheduler.add(entry('news', 'normal'));
    await t.clock.advance(10_000);
    t.scheduler.live({ id: 'L', priority: 'priority', until: T0 + 10 * MIN, run: relay(log, 'L') });
    await t.clock.advance(MIN);
    t.scheduler.add(entry('storm', 'emergency'));
    await t.clock.runAll();
    expect(
      t.ended.map((e) => [e.bulletinId, e.outcome, (e.startedAt - T0) / 1000, (e.endedAt - T0) / 1000]),
    ).toEqual([
      ['news', 'preempted', 0, 10],
      ['L', 'preempted', 10, 70],
      ['storm', 'completed', 70, 130],
      ['L', 'completed', 130, 600],
      ['news', 'completed', 600, 660],
    ]);
    expect(t.ended[0]?.reason).toBe('preempted by priority live relay L');
    expect(t.maxActive()).toBe(1);
  });

  it('live.stop ends the relay; a new relay replaces the old; a relay already over is refused', async () => {
    const t = setup();
    const log: string[] = [];
    t.scheduler.live({ id: 'A', priority: 'normal', until: T0 + HOUR, run: relay(log, 'A') });
    await t.clock.advance(MIN);
    t.scheduler.live({ id: 'B', priority: 'normal', until: T0 + HOUR, run: relay(log, 'B') });
    await t.clock.advance(MIN);
    expect(t.scheduler.stopLive()).toBe(true);
    await t.clock.runAll();
    expect(t.ended.map((e) => [e.bulletinId, e.outcome, e.reason])).toEqual([
      ['A', 'interrupted', 'replaced by live relay B'],
      ['B', 'interrupted', 'live.stop'],
    ]);
    expect(log).toEqual(['A:on', 'A:off', 'B:on', 'B:off']);
    expect(t.scheduler.stopLive()).toBe(false);
    expect(
      t.scheduler.live({ id: 'C', priority: 'normal', until: t.clock.now(), run: relay(log, 'C') }),
    ).toBe(false);
  });
});
