import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandPlayer, type PlayerProgram } from './command-player';
import { RadioError } from './errors';
import {
  ffmpeg,
  processExists,
  processGroup,
  serve,
  serveIcecast,
  tempDir,
  writeSineMp3,
  writeSineWav,
} from './test-media';

let dir: Awaited<ReturnType<typeof tempDir>>;
let mp3: string;
let wav: string;

beforeAll(async () => {
  dir = await tempDir();
  mp3 = await writeSineMp3(dir.dir, 'tone.mp3', 2);
  wav = await writeSineWav(dir.dir, 'tone.wav', 1.5);
});
afterAll(() => dir.remove());

const player = (programs: PlayerProgram[]) => CommandPlayer.detect({ programs, output: 'null' });

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - start) / 1000 };
}

describe('CommandPlayer with real players and a null output', () => {
  it.each([
    ['mpg123', () => mp3, 2],
    ['ffmpeg', () => mp3, 2],
    ['aplay', () => wav, 1.5],
    ['ffplay', () => wav, 1.5],
  ] as const)('%s plays for the real duration of the media', async (program, file, seconds) => {
    const p = await player([program]);
    const { result, seconds: took } = await timed(() => p.play({ path: file() }));
    expect(result).toEqual({ outcome: 'completed' });
    expect(took).toBeGreaterThan(seconds - 0.1);
    expect(took).toBeLessThan(seconds + 0.6);
  });

  it('picks, per source, the first program that decodes it', async () => {
    const p = await player(['mpg123', 'aplay']);
    expect(p.codecs()).toEqual(['mp3', 'wav']);
    expect(p.programFor({ path: mp3 })).toBe('mpg123');
    expect(p.programFor({ path: wav })).toBe('aplay');
    expect(p.programFor({ path: 'x.ogg' })).toBeUndefined();
    const result = await p.play({ path: join(dir.dir, 'x.ogg') });
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/no installed player decodes vorbis \(have mpg123: mp3; aplay: wav\)/);
  });

  it('stops within 200 ms of an abort and leaves no process behind', async () => {
    for (const [program, file] of [
      ['mpg123', mp3],
      ['aplay', wav],
      ['ffmpeg', mp3],
    ] as const) {
      const p = await player([program]);
      const controller = new AbortController();
      const playing = p.play({ path: file }, { signal: controller.signal });
      await new Promise((r) => setTimeout(r, 400));
      const [pid] = p.pids;
      expect(pid, program).toBeTypeOf('number');
      const start = performance.now();
      controller.abort();
      const result = await playing;
      const ms = performance.now() - start;
      expect(result, program).toEqual({ outcome: 'interrupted', reason: 'aborted' });
      expect(ms, program).toBeLessThan(200);
      expect(processExists(pid as number), `${program} reaped`).toBe(false);
      expect(processGroup(pid as number), `${program} group empty`).toEqual([]);
      expect(p.pids).toEqual([]);
    }
  });

  it('honours an abort that comes while it still checks the file', async () => {
    const p = await player(['aplay']);
    const controller = new AbortController();
    const playing = p.play({ path: wav }, { signal: controller.signal });
    controller.abort();
    expect((await playing).outcome).toBe('interrupted');
  });

  it('stop() interrupts whatever plays', async () => {
    const p = await player(['mpg123']);
    const playing = p.play({ path: mp3 });
    await new Promise((r) => setTimeout(r, 200));
    await p.stop();
    expect(await playing).toEqual({ outcome: 'interrupted', reason: 'aborted' });
  });

  it('reports a corrupt file as failed with what the player said', async () => {
    const bad = join(dir.dir, 'corrupt.mp3');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      bad,
      Buffer.from((await readFile(wav)).subarray(0, 3000).map((b, i) => (b * 31 + i) & 0xff)),
    );
    const viaMpg123 = await (await player(['mpg123'])).play({ path: bad });
    expect(viaMpg123.outcome).toBe('failed');
    expect(viaMpg123.reason).toMatch(/^mpg123 decoded no audio: .*(Illegal|resync|Decoding of corrupt\.mp3)/);
    const viaFfmpeg = await (await player(['ffmpeg'])).play({ path: bad });
    expect(viaFfmpeg.outcome).toBe('failed');
    expect(viaFfmpeg.reason).toMatch(/^ffmpeg exited with code 1: .*corrupt\.mp3/);
    const missing = await (await player(['mpg123'])).play({ path: join(dir.dir, 'missing.mp3') });
    expect(missing.outcome).toBe('failed');
    expect(missing.reason).toMatch(/^mpg123 exited with code 1: .*missing\.mp3/);
    const notWav = join(dir.dir, 'not.wav');
    await writeFile(notWav, 'hello');
    const viaAplay = await (await player(['aplay'])).play({ path: notWav });
    expect(viaAplay.reason).toMatch(
      /^aplay: .*not\.wav is not a playable WAV file: expected a 12-byte RIFF header/,
    );
  });

  it('fails a play with a volume out of range or a missing program; finds no player when none is installed', async () => {
    const p = await player(['mpg123']);
    expect(await p.play({ path: mp3 }, { volume: 150 })).toEqual({
      outcome: 'failed',
      reason: 'expected a volume of 0–100, found 150',
    });
    const gone = new CommandPlayer([
      { program: 'mpg123', path: join(dir.dir, 'no-such-mpg123'), codecs: ['mp3'] },
    ]);
    const spawnFailed = await gone.play({ path: mp3 });
    expect(spawnFailed.outcome).toBe('failed');
    expect(spawnFailed.reason).toMatch(/^mpg123: spawn .*no-such-mpg123 ENOENT/);
    const error = await CommandPlayer.detect({ env: { PATH: dir.dir } }).catch((e: unknown) => e);
    expect(RadioError.isInstance(error) && error.code).toBe('no_player');
  });

  it('announces live formats from the programs it has', async () => {
    expect((await player(['mpg123'])).liveFormats()).toEqual(['icecast']);
    expect((await player(['ffmpeg'])).liveFormats()).toEqual(['hls', 'icecast']);
    expect((await player(['aplay'])).liveFormats()).toEqual([]);
  });
});

describe('CommandPlayer live relay from a local HTTP server', () => {
  it('relays an endless Icecast-like MP3 stream until aborted', async () => {
    const server = await serveIcecast(new Uint8Array(await readFile(mp3)));
    try {
      for (const program of ['mpg123', 'ffmpeg'] as const) {
        const p = await player([program]);
        const controller = new AbortController();
        const { result, seconds } = await timed(() => {
          setTimeout(() => controller.abort(), 2500);
          return p.play({ url: `${server.url}/live.mp3`, live: 'icecast' }, { signal: controller.signal });
        });
        expect(result, program).toEqual({ outcome: 'interrupted', reason: 'aborted' });
        expect(seconds, program).toBeGreaterThan(2.4);
        expect(seconds, program).toBeLessThan(2.8);
      }
    } finally {
      await server.close();
    }
  });

  it('relays an HLS playlist made by ffmpeg for its real length', async () => {
    const hls = join(dir.dir, 'hls');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(hls);
    const source = await writeSineWav(dir.dir, 'hls-src.wav', 3, 660);
    await ffmpeg([
      '-i',
      source,
      '-c:a',
      'aac',
      '-b:a',
      '48k',
      '-f',
      'hls',
      '-hls_time',
      '1',
      '-hls_list_size',
      '0',
      '-hls_playlist_type',
      'vod',
      join(hls, 'index.m3u8'),
    ]);
    const server = await serve(async (req, res) => {
      try {
        const body = await readFile(join(hls, (req.url ?? '/').slice(1)));
        res.writeHead(200, {
          'content-type': req.url?.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    try {
      const p = await player(['mpg123', 'ffmpeg']);
      expect(p.programFor({ url: `${server.url}/index.m3u8`, live: 'hls' })).toBe('ffmpeg');
      const { result, seconds } = await timed(() => p.play({ url: `${server.url}/index.m3u8`, live: 'hls' }));
      expect(result).toEqual({ outcome: 'completed' });
      expect(seconds).toBeGreaterThan(2.9);
      expect(seconds).toBeLessThan(3.7);
      const missing = await p.play({ url: `${server.url}/nothing.m3u8`, live: 'hls' });
      expect(missing.outcome).toBe('failed');
      expect(missing.reason).toMatch(/^ffmpeg exited with code \d+: .*404/);
    } finally {
      await server.close();
    }
  });
});

describe('CommandPlayer on an ALSA output device', () => {
  // The ALSA "file" plugin stands in for a sound card: the players open it as they would hw:0.
  const output = 'file:FILE=/dev/null,FORMAT=raw';

  it('plays through mpg123, ffmpeg and aplay, and refuses a file that is not MP3 before mpg123 gets it', async () => {
    const p = await CommandPlayer.detect({ programs: ['mpg123', 'ffmpeg', 'aplay'], output });
    expect(await p.play({ path: mp3 }, { volume: 30 })).toEqual({ outcome: 'completed' });
    expect(await p.play({ path: wav })).toEqual({ outcome: 'completed' });
    expect(await (await CommandPlayer.detect({ programs: ['ffmpeg'], output })).play({ path: mp3 })).toEqual({
      outcome: 'completed',
    });
    const notMp3 = join(dir.dir, 'really-a-wav.mp3');
    const { copyFile } = await import('node:fs/promises');
    await copyFile(wav, notMp3);
    const result = await p.play({ path: notMp3 });
    expect(result).toEqual({
      outcome: 'failed',
      reason: `mpg123: ${notMp3} is not MPEG audio (no frame header in its first 4 KiB)`,
    });
  });
});

describe('CommandPlayer when the device process dies', () => {
  // ffplay keeps its own time and has no pipe to the device process, so nothing else would stop it.
  it('takes its players down with it', async () => {
    const { spawn } = await import('node:child_process');
    const script = `
      import { CommandPlayer } from './src/command-player.ts';
      const p = await CommandPlayer.detect({ programs: ['ffplay'], output: 'null' });
      p.play({ path: ${JSON.stringify(wav)} });
      setTimeout(() => { console.log(p.pids[0]); process.exit(3); }, 300);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    // Killed; reaping the orphan is then init's job (a container's init may leave it a zombie, "Z").
    expect(processGroup(pid).filter((line) => !/^\d+\s+\d+\s+Z/.test(line))).toEqual([]);
  });
});

describe('CommandPlayer volume', () => {
  /** Plays through ALSA's file plugin into a raw file and returns the loudest 16-bit sample. */
  async function peakAt(program: PlayerProgram, file: string, volume: number): Promise<number> {
    const out = join(dir.dir, `${program}-${volume}.raw`);
    const p = await CommandPlayer.detect({ programs: [program], output: `file:FILE=${out},FORMAT=raw` });
    expect(await p.play({ path: file }, { volume })).toEqual({ outcome: 'completed' });
    const bytes = await readFile(out);
    let peak = 0;
    for (let i = 0; i + 1 < bytes.length; i += 2) peak = Math.max(peak, Math.abs(bytes.readInt16LE(i)));
    return peak;
  }

  it.each(['mpg123', 'ffmpeg'] as const)('%s applies the volume as gain', async (program) => {
    const full = await peakAt(program, mp3, 100);
    const quarter = await peakAt(program, mp3, 25);
    expect(full).toBeGreaterThan(10_000);
    expect(quarter / full).toBeGreaterThan(0.2);
    expect(quarter / full).toBeLessThan(0.3);
    expect(await peakAt(program, mp3, 0)).toBe(0);
  });
});
