import { describe, expect, it } from 'vitest';
import { TestClock } from './test-clock';

describe('TestClock', () => {
  it('fires timers in time order, equal times in the order they were set, including timers set by timers', async () => {
    const clock = new TestClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@3000'), 2000);
    clock.setTimeout(() => {
      fired.push('a@2000');
      clock.setTimeout(() => fired.push('c@2500'), 500);
    }, 1000);
    clock.setTimeout(() => fired.push('d@3000'), 2000);
    const cancelled = clock.setTimeout(() => fired.push('never'), 10);
    clock.clearTimeout(cancelled);
    expect(clock.nextAt()).toBe(2000);
    await clock.advance(1499);
    expect(fired).toEqual(['a@2000']);
    expect(clock.now()).toBe(2499);
    await clock.advanceTo(10_000);
    expect(fired).toEqual(['a@2000', 'c@2500', 'b@3000', 'd@3000']);
    expect(clock.now()).toBe(10_000);
    expect(clock.pending).toBe(0);
  });

  it('settles promise chains between timers and runs everything with runAll', async () => {
    const clock = new TestClock(0);
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const log: number[] = [];
    const chain = (async () => {
      for (let i = 0; i < 5; i++) {
        await sleep(100);
        await Promise.resolve();
        log.push(clock.now());
      }
    })();
    expect(await clock.runAll()).toBe(5);
    await chain;
    expect(log).toEqual([100, 200, 300, 400, 500]);
  });
});
