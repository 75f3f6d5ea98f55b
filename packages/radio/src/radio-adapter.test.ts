import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlayoutItem } from '@nguon/device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandPlayer } from './command-player';
import { createRadioAdapter } from './create';
import { NullPlayer } from './null-player';
import { RadioAdapter } from './radio-adapter';
import { tempDir, writeSineMp3 } from './test-media';
import { EspeakTts } from './tts';

const sha = 'a'.repeat(64);
const item = (over: Partial<PlayoutItem> = {}): PlayoutItem => ({
  bulletinId: 'b-1',
  version: 1,
  priority: 'normal',
  category: 'policy',
  lang: 'vi',
  emergency: false,
  volume: 60,
  media: { sha256: sha, mime: 'audio/mpeg', size: 1000, url: 'file:///srv/blobs/aaa.mp3', durationSec: 0.05 },
  ...over,
});

let dir: Awaited<ReturnType<typeof tempDir>>;
let tts: EspeakTts;
beforeAll(async () => {
  dir = await tempDir();
  tts = await EspeakTts.detect();
});
afterAll(() => dir.remove());

describe('RadioAdapter with a null player', () => {
  it('opens an emergency with the built-in attention signal at the emergency volume', async () => {
    const player = new NullPlayer();
    const adapter = new RadioAdapter({ player, attentionSignalSec: 0.05, workDir: dir.dir });
    const result = await adapter.play(
      item({ priority: 'emergency', emergency: true, volume: 100, attentionSignal: 'builtin' }),
      new AbortController().signal,
    );
    expect(result).toEqual({ outcome: 'completed' });
    expect(player.plays.map((p) => [p.source.path, p.volume, p.durationSec])).toEqual([
      [join(dir.dir, 'attention.wav'), 100, 0.05],
      ['/srv/blobs/aaa.mp3', 100, 0.05],
    ]);
  });

  it('plays the given attention media, none when switched off, none for other priorities', async () => {
    const player = new NullPlayer({ defaultDurationSec: 0.01 });
    const adapter = new RadioAdapter({ player, workDir: dir.dir });
    const signal = new AbortController().signal;
    const custom = {
      sha256: 'b'.repeat(64),
      mime: 'audio/mpeg',
      size: 9,
      url: 'file:///srv/blobs/siren.mp3',
    };
    await adapter.play(item({ emergency: true, attentionSignal: custom }), signal);
    await adapter.play(item({ emergency: true, attentionSignal: false }), signal);
    await adapter.play(item({ priority: 'priority', attentionSignal: 'builtin' }), signal);
    expect(player.plays.map((p) => p.source.path)).toEqual([
      '/srv/blobs/siren.mp3',
      '/srv/blobs/aaa.mp3',
      '/srv/blobs/aaa.mp3',
      '/srv/blobs/aaa.mp3',
    ]);
  });

  it('stops at once when aborted during the attention signal', async () => {
    const player = new NullPlayer();
    const adapter = new RadioAdapter({ player, attentionSignalSec: 5, workDir: dir.dir });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const start = performance.now();
    const result = await adapter.play(item({ emergency: true }), controller.signal);
    expect(result).toEqual({ outcome: 'interrupted', reason: 'aborted' });
    expect(performance.now() - start).toBeLessThan(500);
    expect(player.plays).toHaveLength(1);
  });

  it('reads text aloud with the TTS engine when there is no audio, and cleans up', async () => {
    const player = new NullPlayer();
    const workDir = join(dir.dir, 'tts');
    await mkdir(workDir);
    const adapter = new RadioAdapter({ player, tts, workDir });
    const result = await adapter.play(
      {
        ...item({
          media: undefined,
          title: 'Thông báo',
          text: 'Xã tổ chức họp dân lúc tám giờ sáng.',
          volume: 1,
        }),
        tts: { rate: 2 },
      },
      new AbortController().signal,
    );
    expect(result).toEqual({ outcome: 'completed' });
    const [play] = player.plays;
    expect(play?.source.mime).toBe('audio/wav');
    expect(play?.durationSec).toBeGreaterThan(0.8);
    expect(play?.durationSec).toBeLessThan(6);
    expect(existsSync(play?.source.path ?? '')).toBe(false);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('fails, saying why, when there is nothing it can play', async () => {
    const adapter = new RadioAdapter({ player: new NullPlayer(), tts, workDir: dir.dir });
    const signal = new AbortController().signal;
    expect(await adapter.play(item({ media: undefined, lang: 'jra', text: 'Ơ ană' }), signal)).toEqual({
      outcome: 'failed',
      reason: 'espeak-ng has no voice for "jra"; send audio for this language',
    });
    expect(await adapter.play(item({ media: undefined }), signal)).toEqual({
      outcome: 'failed',
      reason: 'bulletin b-1 has neither audio nor text in vi',
    });
    const noTts = new RadioAdapter({ player: new NullPlayer(), workDir: dir.dir });
    expect((await noTts.play(item({ media: undefined, text: 'Chào' }), signal)).reason).toBe(
      'bulletin b-1 has text only and this radio has no TTS engine',
    );
  });

  it('turns a volume out of range or a player that throws into a failed play', async () => {
    const signal = new AbortController().signal;
    const adapter = new RadioAdapter({ player: new NullPlayer(), workDir: dir.dir });
    expect(await adapter.play(item({ volume: 140 }), signal)).toEqual({
      outcome: 'failed',
      reason: 'expected a volume of 0–100, found 140',
    });
    const throwing = new NullPlayer();
    throwing.play = () => Promise.reject(new Error('DSP not responding on /dev/ttyS1'));
    expect(await new RadioAdapter({ player: throwing, workDir: dir.dir }).play(item(), signal)).toEqual({
      outcome: 'failed',
      reason: 'DSP not responding on /dev/ttyS1',
    });
  });

  it('announces codecs, TTS languages and live formats', () => {
    const caps = new RadioAdapter({ player: new NullPlayer(), tts }).capabilities();
    expect(caps.audio?.codecs).toEqual(['mp3', 'wav']);
    expect(caps.audio?.tts).toContain('vi');
    expect(caps.audio?.tts).not.toContain('jra');
    expect(caps.live).toEqual(['hls', 'icecast']);
  });

  it('relays live until aborted, or until its end time', async () => {
    const adapter = new RadioAdapter({ player: new NullPlayer() });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    expect(
      await adapter.live?.({ url: 'http://127.0.0.1:9/live', format: 'hls' }, controller.signal),
    ).toEqual({
      outcome: 'interrupted',
      reason: 'aborted',
    });
    const until = new Date(Date.now() + 50).toISOString();
    expect(
      await adapter.live?.(
        { url: 'http://127.0.0.1:9/live', format: 'icecast', until },
        new AbortController().signal,
      ),
    ).toEqual({
      outcome: 'completed',
      reason: 'until passed',
    });
  });
});

describe('RadioAdapter with real players (null output)', () => {
  it('passes its self-test: player, a 1 s tone that takes 1 s, TTS', async () => {
    const adapter = new RadioAdapter({ player: await CommandPlayer.detect({ output: 'null' }), tts });
    const report = await adapter.selfTest();
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['player', true],
      ['test-tone', true],
      ['tts', true],
    ]);
    expect(report.ok).toBe(true);
    const played = Number(/played in ([\d.]+) s/.exec(report.checks[1]?.message ?? '')?.[1]);
    expect(played).toBeGreaterThan(0.95);
    expect(played).toBeLessThan(1.6);
    await adapter.close();
  });

  it('fails its self-test when the player cannot decode the test tone', async () => {
    const adapter = new RadioAdapter({
      player: await CommandPlayer.detect({ programs: ['mpg123'], output: 'null' }),
    });
    const report = await adapter.selfTest();
    expect(report.ok).toBe(false);
    expect(report.checks[1]).toMatchObject({
      name: 'test-tone',
      ok: false,
      message: expect.stringMatching(/no installed player decodes wav/),
    });
    await adapter.close();
  });

  it('plays an emergency: attention tone, then the bulletin, for their real length', async () => {
    const mp3 = await writeSineMp3(dir.dir, 'emergency.mp3', 1);
    const adapter = new RadioAdapter({
      player: await CommandPlayer.detect({ output: 'null' }),
      attentionSignalSec: 1,
    });
    const start = performance.now();
    const result = await adapter.play(
      item({
        emergency: true,
        volume: 100,
        media: { sha256: sha, mime: 'audio/mpeg', size: 1, url: `file://${mp3}` },
      }),
      new AbortController().signal,
    );
    const seconds = (performance.now() - start) / 1000;
    expect(result).toEqual({ outcome: 'completed' });
    expect(seconds).toBeGreaterThan(1.9);
    expect(seconds).toBeLessThan(2.8);
    await adapter.close();
  });

  it('has no live relay when the player can relay nothing', async () => {
    const adapter = new RadioAdapter({
      player: await CommandPlayer.detect({ programs: ['aplay'], output: 'null' }),
    });
    expect(adapter.live).toBeUndefined();
    expect(adapter.capabilities().live).toBeUndefined();
  });
});

describe('createRadioAdapter', () => {
  it('finds the players and espeak-ng, and goes without TTS when espeak-ng is missing', async () => {
    const full = await createRadioAdapter({ output: 'null' });
    expect(full.capabilities().audio?.tts).toContain('vi');
    const bin = join(dir.dir, 'bin-mpg123-only');
    await mkdir(bin);
    await symlink(await which('mpg123'), join(bin, 'mpg123'));
    const bare = await createRadioAdapter({ output: 'null', env: { PATH: bin } });
    expect(bare.capabilities()).toEqual({ audio: { codecs: ['mp3'], tts: [] }, live: ['icecast'] });
  });
});

async function which(program: string): Promise<string> {
  for (const d of (process.env.PATH ?? '').split(':')) {
    const candidate = join(d, program);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${program} is not installed`);
}
