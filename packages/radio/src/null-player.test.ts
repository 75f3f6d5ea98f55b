import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@nguon/device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NullPlayer } from './null-player';
import { tempDir } from './test-media';
import { sineWav } from './wav';

/** A clock that moves only when told to. */
class StepClock implements Clock {
  time = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 0;
  now() {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number) {
    this.#timers.set(++this.#next, { at: this.time + ms, fn });
    return this.#next;
  }
  clearTimeout(handle: unknown) {
    this.#timers.delete(handle as number);
  }
  async advance(ms: number) {
    // Let plays that are still starting (reading a WAV header) set their timers first.
    await new Promise((r) => setTimeout(r, 10));
    this.time += ms;
    for (const [id, t] of [...this.#timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.time) {
        this.#timers.delete(id);
        t.fn();
      }
    }
    await new Promise((r) => setImmediate(r));
  }
}

describe('NullPlayer', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  it('lasts durationSec, else the WAV header, else the default, on the injected clock', async () => {
    const clock = new StepClock();
    const player = new NullPlayer({ clock, defaultDurationSec: 7 });
    const wav = join(dir.dir, 'three.wav');
    await writeFile(wav, sineWav({ seconds: 3, sampleRate: 8000 }));
    let done = false;
    const first = player.play({ path: 'a.mp3', durationSec: 2 }).then((r) => {
      done = true;
      return r;
    });
    await clock.advance(1999);
    expect(done).toBe(false);
    await clock.advance(1);
    expect(await first).toEqual({ outcome: 'completed' });
    const second = player.play({ path: wav });
    await clock.advance(3000);
    expect(await second).toEqual({ outcome: 'completed' });
    const third = player.play({ url: 'http://x/notice.mp3' }, { volume: 40 });
    await clock.advance(7000);
    expect(await third).toEqual({ outcome: 'completed' });
    expect(player.plays.map((p) => [p.durationSec, p.volume])).toEqual([
      [2, 100],
      [3, 100],
      [7, 40],
    ]);
  });

  it('stops on abort and on stop(), refuses codecs it does not announce, and plays live until stopped', async () => {
    const clock = new StepClock();
    const player = new NullPlayer({ clock, codecs: ['mp3'] });
    const controller = new AbortController();
    const aborted = player.play({ path: 'a.mp3' }, { signal: controller.signal });
    await clock.advance(100);
    controller.abort();
    expect(await aborted).toEqual({ outcome: 'interrupted', reason: 'aborted' });
    expect(await player.play({ path: 'a.ogg' })).toEqual({
      outcome: 'failed',
      reason: 'null player announces mp3, not vorbis',
    });
    const live = player.play({ url: 'http://x/live', live: 'icecast' });
    await clock.advance(3_600_000);
    await player.stop();
    expect(await live).toEqual({ outcome: 'interrupted', reason: 'aborted' });
  });
});
