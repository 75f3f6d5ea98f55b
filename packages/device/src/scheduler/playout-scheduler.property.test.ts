import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NullAdapter } from '../null-adapter';
import {
  type PlayEvent,
  PlayoutScheduler,
  type PlayStartEvent,
  type Priority,
  type SchedulerConfig,
} from './playout-scheduler';
import { TestClock } from './test-clock';
import { type BroadcastWindow, localTimeOf, type QuietHours } from './zoned-time';

const T0 = Date.parse('2026-11-26T08:00:00+07:00');
const MIN = 60_000;
const LEVEL: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };

interface Delivery {
  id: string;
  priority: Priority;
  addAt: number;
  startAt: number;
  endAt: number | undefined;
  count: number;
  intervalSec: number;
  durationSec: number;
  revokeAt: number | undefined;
  windows: BroadcastWindow[] | undefined;
}

const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);

const windowArb: fc.Arbitrary<BroadcastWindow> = fc.record({
  days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  from: hhmm,
  to: hhmm,
});

function deliveries(withWindows: boolean): fc.Arbitrary<Delivery[]> {
  return fc
    .array(
      fc.record({
        priority: fc.constantFrom<Priority>('normal', 'priority', 'emergency'),
        addMin: fc.integer({ min: 0, max: 180 }),
        startMin: fc.integer({ min: -60, max: 240 }),
        endAfterMin: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
        count: fc.integer({ min: 1, max: 3 }),
        intervalSec: fc.integer({ min: 0, max: 3600 }),
        durationSec: fc.integer({ min: 0, max: 1800 }),
        revokeAfterMin: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
        windows: withWindows
          ? fc.option(fc.array(windowArb, { minLength: 1, maxLength: 2 }), { nil: undefined })
          : fc.constant(undefined),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((list) =>
      list.map((d, i) => {
        const startAt = T0 + d.startMin * MIN;
        return {
          id: `b${i}`,
          priority: d.priority,
          addAt: T0 + d.addMin * MIN,
          startAt,
          endAt: d.endAfterMin === undefined ? undefined : startAt + d.endAfterMin * MIN,
          count: d.count,
          intervalSec: d.intervalSec,
          durationSec: d.durationSec,
          revokeAt: d.revokeAfterMin === undefined ? undefined : T0 + (d.addMin + d.revokeAfterMin) * MIN,
          windows: d.windows,
        };
      }),
    );
}

interface Live {
  priority: Priority;
  at: number;
  until: number;
}

const liveArb: fc.Arbitrary<Live | undefined> = fc.option(
  fc
    .record({
      priority: fc.constantFrom<Priority>('normal', 'priority', 'emergency'),
      atMin: fc.integer({ min: 0, max: 180 }),
      forMin: fc.integer({ min: 1, max: 60 }),
    })
    .map((l) => ({ priority: l.priority, at: T0 + l.atMin * MIN, until: T0 + (l.atMin + l.forMin) * MIN })),
  { nil: undefined },
);

async function simulate(list: Delivery[], config: SchedulerConfig, live?: Live) {
  const clock = new TestClock(T0);
  const adapter = new NullAdapter({ clock, defaultDurationSec: 0 });
  const started: PlayStartEvent[] = [];
  const ended: PlayEvent[] = [];
  let active = 0;
  let maxActive = 0;
  const scheduler = new PlayoutScheduler({
    clock,
    config: () => config,
    run: async (item, signal) => {
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        return await adapter.play(item, signal);
      } finally {
        active--;
      }
    },
    onStart: (e) => started.push(e),
    onPlay: (e) => ended.push(e),
  });
  const relay = (signal: AbortSignal) =>
    new Promise<{ outcome: 'interrupted' }>((resolve) => {
      active++;
      maxActive = Math.max(maxActive, active);
      signal.addEventListener('abort', () => {
        active--;
        resolve({ outcome: 'interrupted' });
      });
    });
  if (live !== undefined) {
    clock.setTimeout(
      () => scheduler.live({ id: 'live', priority: live.priority, until: live.until, run: relay }),
      live.at - T0,
    );
  }
  const actions = [
    ...list.map((d) => ({ at: d.addAt, order: 0, d, revoke: false })),
    ...list.flatMap((d) => (d.revokeAt === undefined ? [] : [{ at: d.revokeAt, order: 1, d, revoke: true }])),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  const revokedAt = new Map<string, number>();
  for (const action of actions) {
    await clock.advanceTo(action.at);
    if (action.revoke) {
      revokedAt.set(action.d.id, clock.now());
      scheduler.revoke(action.d.id);
    } else {
      const d = action.d;
      scheduler.add({
        bulletinId: d.id,
        version: 1,
        priority: d.priority,
        category: 'news',
        lang: 'vi',
        startAt: d.startAt,
        endAt: d.endAt,
        repeat: { count: d.count, intervalSec: d.intervalSec },
        windows: d.windows,
        media: {
          sha256: 'a'.repeat(64),
          mime: 'audio/mpeg',
          size: 1,
          url: 'file:///a',
          durationSec: d.durationSec,
        },
      });
    }
  }
  await clock.runAll();
  return { started, ended, maxActive, revokedAt, pendingTimers: clock.pending };
}

/** The checks every schedule must pass, windows or not. */
function checkCommon(list: Delivery[], run: Awaited<ReturnType<typeof simulate>>) {
  expect(run.maxActive).toBeLessThanOrEqual(1);
  expect(run.pendingTimers).toBe(0);
  const plays = run.ended.filter((e) => e.outcome !== 'skipped');
  // Every start has exactly one end, and nothing ends that did not start.
  expect(plays.map((e) => `${e.bulletinId}#${e.play}@${e.startedAt}`).sort()).toEqual(
    run.started.map((e) => `${e.bulletinId}#${e.play}@${e.startedAt}`).sort(),
  );
  // Plays never overlap.
  const byTime = [...plays].sort((a, b) => a.startedAt - b.startedAt || a.endedAt - b.endedAt);
  for (let i = 1; i < byTime.length; i++) {
    expect(byTime[i]!.startedAt).toBeGreaterThanOrEqual(byTime[i - 1]!.endedAt);
  }
  for (const d of list) {
    const mine = run.ended.filter((e) => e.bulletinId === d.id);
    const counted = mine.filter((e) => e.outcome !== 'skipped' && e.outcome !== 'preempted');
    const skipped = mine.filter((e) => e.outcome === 'skipped');
    expect(skipped.length).toBeLessThanOrEqual(1);
    for (const e of mine) {
      // Nothing starts after endAt, nor before startAt.
      if (e.outcome !== 'skipped') {
        if (d.endAt !== undefined) expect(e.startedAt).toBeLessThanOrEqual(d.endAt);
        expect(e.startedAt).toBeGreaterThanOrEqual(Math.max(d.startAt, d.addAt));
      }
    }
    if (!run.revokedAt.has(d.id)) {
      // Each bulletin ends with exactly its plays, or with one skipped report of what was left.
      const skip = skipped[0];
      expect(counted.length + (skip === undefined ? 0 : d.count - skip.play + 1)).toBe(d.count);
    } else {
      expect(counted.length).toBeLessThanOrEqual(d.count);
      for (const e of mine) expect(e.startedAt).toBeLessThanOrEqual(run.revokedAt.get(d.id)!);
    }
  }
}

function inWindows(time: number, windows: readonly BroadcastWindow[], timeZone: string): boolean {
  const { weekday, time: hm } = localTimeOf(time, timeZone);
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  return windows.some((w) => {
    const to = w.to === '24:00' ? '24:00' : w.to;
    if (to > w.from) return w.days.includes(weekday) && hm >= w.from && hm < to;
    return (w.days.includes(weekday) && hm >= w.from) || (w.days.includes(yesterday) && hm < to);
  });
}

function inQuiet(time: number, quiet: QuietHours, timeZone: string): boolean {
  const { time: hm } = localTimeOf(time, timeZone);
  if (quiet.to > quiet.from) return hm >= quiet.from && hm < quiet.to;
  if (quiet.to === quiet.from) return false;
  return hm >= quiet.from || hm < quiet.to;
}

describe('PlayoutScheduler properties', () => {
  it('one play at a time, one end per play, nothing after endAt, and a higher level never waits behind a lower one', async () => {
    await fc.assert(
      fc.asyncProperty(deliveries(false), liveArb, async (list, live) => {
        const run = await simulate(list, {}, live);
        const relayed = run.ended.filter((e) => e.live && e.outcome !== 'skipped');
        if (live !== undefined) {
          // The relay never runs past its end time, and ends completed unless something stopped it.
          for (const e of relayed) expect(e.endedAt).toBeLessThanOrEqual(live.until);
          expect(relayed.filter((e) => e.outcome !== 'preempted').length).toBeLessThanOrEqual(1);
        }
        checkCommon(list, run);
        // Without windows a play is due at max(startAt, arrival), then `intervalSec` after the previous
        // start, or at once after being preempted. While a higher level waits, no lower level may play.
        const plays = run.ended.filter((e) => e.outcome !== 'skipped');
        const waits: { level: number; from: number; to: number }[] = [];
        for (const d of list) {
          let due = Math.max(d.startAt, d.addAt);
          for (const e of plays
            .filter((p) => p.bulletinId === d.id)
            .sort((a, b) => a.startedAt - b.startedAt)) {
            waits.push({ level: LEVEL[d.priority], from: due, to: e.startedAt });
            due = e.outcome === 'preempted' ? e.endedAt : e.startedAt + d.intervalSec * 1000;
          }
        }
        for (const p of plays) {
          for (const w of waits) {
            if (w.level > LEVEL[p.priority] && w.from < w.to) {
              expect(
                p.startedAt < w.to && w.from < p.endedAt,
                `${p.bulletinId} played while a higher level waited`,
              ).toBe(false);
            }
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it('with windows and quiet hours, non-emergencies play only inside a window and outside quiet hours', async () => {
    await fc.assert(
      fc.asyncProperty(
        deliveries(true),
        fc.option(fc.record({ from: hhmm, to: hhmm }), { nil: undefined }),
        fc.constantFrom('Asia/Ho_Chi_Minh', 'UTC', 'Asia/Bangkok'),
        async (list, quietHours, timeZone) => {
          const config: SchedulerConfig = { timeZone, quietHours };
          const run = await simulate(list, config);
          checkCommon(list, run);
          for (const e of run.ended) {
            if (e.outcome === 'skipped' || e.priority === 'emergency') continue;
            const d = list.find((x) => x.id === e.bulletinId)!;
            if (d.windows !== undefined) {
              expect(inWindows(e.startedAt, d.windows, timeZone), 'start inside a window').toBe(true);
              // The whole play fits: every minute of it lies inside the (merged) windows.
              for (let t = e.startedAt; t < e.startedAt + d.durationSec * 1000; t += MIN) {
                expect(inWindows(t, d.windows, timeZone), 'play fits its window').toBe(true);
              }
              if (d.durationSec > 0) {
                expect(inWindows(e.startedAt + d.durationSec * 1000 - 1, d.windows, timeZone)).toBe(true);
              }
            }
            if (quietHours !== undefined) {
              for (let t = e.startedAt; t <= e.startedAt + Math.max(0, d.durationSec * 1000 - 1); t += MIN) {
                expect(inQuiet(t, quietHours, timeZone), 'play outside quiet hours').toBe(false);
              }
            }
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
