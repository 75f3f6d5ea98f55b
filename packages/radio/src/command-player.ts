import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlayResult } from '@nguon/device';
import { RadioError } from './errors';
import { looksLikeMpegAudio } from './mpeg-sniff';
import { paceStream } from './pcm-pacer';
import { type AudioPlayer, type AudioSource, checkVolume, codecOf, type PlayOptions } from './player';
import { parseWav } from './wav';

/**
 * The command-line players {@link CommandPlayer} can drive.
 *
 * @example `const order: PlayerProgram[] = ['mpg123', 'aplay'];`
 */
export type PlayerProgram = 'mpg123' | 'ffplay' | 'ffmpeg' | 'aplay';

/**
 * Options of {@link CommandPlayer.detect}.
 *
 * @example
 * ```ts
 * const options: CommandPlayerOptions = { programs: ['mpg123', 'aplay'], output: 'plughw:1,0', volume: 80 };
 * ```
 */
export interface CommandPlayerOptions {
  /** Programs to use, in order of preference (default `mpg123`, `ffplay`, `ffmpeg`, `aplay`); missing ones are left out. */
  programs?: PlayerProgram[];
  /**
   * Where sound goes: `default` (the system's default ALSA output, the default), an ALSA device name
   * such as `plughw:1,0`, or `null`: no sound card — the decoded audio is discarded at the rate a sound
   * card would take it, so plays still last their real duration (headless devices, CI, tests).
   */
  output?: string;
  /** Executable paths by program; others are searched in `PATH`. */
  paths?: Partial<Record<PlayerProgram, string>>;
  /** Volume (0–100) of plays that give none (default 100). */
  volume?: number;
  /** Environment for `PATH` lookup and the child processes (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

interface Running {
  child: ChildProcess;
  stop: () => void;
  done: Promise<void>;
}

const defaultOrder: PlayerProgram[] = ['mpg123', 'ffplay', 'ffmpeg', 'aplay'];

/** What each program decodes; ffmpeg and ffplay are narrowed to the decoders the installed build has. */
const baseCodecs: Record<PlayerProgram, string[]> = {
  mpg123: ['mp3'],
  ffplay: ['mp3', 'wav', 'aac', 'opus', 'vorbis', 'flac', 'hls'],
  ffmpeg: ['mp3', 'wav', 'aac', 'opus', 'vorbis', 'flac', 'hls'],
  aplay: ['wav'],
};

const ffmpegDecoder: Record<string, string> = {
  mp3: 'mp3',
  wav: 'pcm_s16le',
  aac: 'aac',
  opus: 'opus',
  vorbis: 'vorbis',
  flac: 'flac',
  hls: 'mp3',
};

const tailBytes = 2048;

/**
 * Process groups of every play running in this Node process. Players run in their own group (so an
 * abort can kill a decoder and its helpers together); that also means they would outlive a crashed
 * device process, so an exit hook kills whatever is left.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

/**
 * An {@link AudioPlayer} that drives real command-line players — `mpg123`, `ffplay`, `ffmpeg`,
 * `aplay` — picking for each source the first program (in preference order) that decodes its
 * codec. Each play is a child process in its own process group: an abort kills the group at once
 * (SIGKILL) and the play resolves `interrupted` once the process is reaped, so no zombie or
 * orphaned decoder remains. A non-zero exit, an error message of `ffplay`, or a stream that
 * decodes to no audio resolves `failed` with the exit code and the last lines the player printed.
 *
 * Volume is the player's gain option (`mpg123 -f`, `ffplay -volume`, `ffmpeg -af volume`); `aplay`
 * has none, so with `aplay` the level is the ALSA mixer's. A command-line player cannot change its
 * gain while playing: {@link CommandPlayer.setVolume} applies from the next play.
 *
 * @example
 * ```ts
 * const player = await CommandPlayer.detect({ output: 'default' });
 * const result = await player.play({ path: 'notice.mp3' }, { volume: 80 });
 * if (result.outcome === 'failed') console.error(result.reason);
 * ```
 */
export class CommandPlayer implements AudioPlayer {
  readonly name: string;
  /** The programs found, in preference order, with their executable paths. */
  readonly programs: readonly { program: PlayerProgram; path: string; codecs: string[] }[];
  readonly #output: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #running = new Set<Running>();
  #volume: number;

  /** Use {@link CommandPlayer.detect}, which finds the programs and what they decode. */
  constructor(
    programs: readonly { program: PlayerProgram; path: string; codecs: string[] }[],
    options: Pick<CommandPlayerOptions, 'output' | 'volume' | 'env'> = {},
  ) {
    if (programs.length === 0) {
      throw new RadioError(
        'no_player',
        'expected at least one of mpg123, ffplay, ffmpeg or aplay, found none',
        {
          path: 'programs',
        },
      );
    }
    this.programs = programs;
    this.#output = options.output ?? 'default';
    this.#env = options.env ?? process.env;
    this.#volume = checkVolume(options.volume ?? 100);
    this.name = `command(${programs.map((p) => p.program).join(',')})`;
  }

  /**
   * Finds the programs in `PATH` (or `options.paths`), asks ffmpeg/ffplay which decoders they have,
   * and returns a player; throws {@link RadioError} `no_player` when none of the programs exists.
   *
   * @example `const player = await CommandPlayer.detect({ programs: ['mpg123', 'aplay'], output: 'null' });`
   */
  static async detect(options: CommandPlayerOptions = {}): Promise<CommandPlayer> {
    const env = options.env ?? process.env;
    const order = options.programs ?? defaultOrder;
    const found: { program: PlayerProgram; path: string; codecs: string[] }[] = [];
    for (const program of order) {
      const path = options.paths?.[program] ?? (await which(program, env));
      if (path === undefined || !(await isExecutable(path))) continue;
      let codecs = baseCodecs[program];
      if (program === 'ffmpeg' || program === 'ffplay') {
        const decoders = await ffmpegDecoders(path, env);
        if (decoders !== undefined) codecs = codecs.filter((c) => decoders.has(ffmpegDecoder[c] ?? c));
      }
      found.push({ program, path, codecs });
    }
    if (found.length === 0) {
      throw new RadioError(
        'no_player',
        `expected one of ${order.join(', ')} to be installed, found none (Debian: apt-get install mpg123 alsa-utils)`,
        { path: 'programs' },
      );
    }
    return new CommandPlayer(found, options);
  }

  /** @example `player.codecs() // ['mp3', 'wav']` */
  codecs(): string[] {
    return [...new Set(this.programs.flatMap((p) => p.codecs))].filter((c) => c !== 'hls');
  }

  /** @example `player.liveFormats() // ['icecast']` */
  liveFormats(): ('hls' | 'icecast')[] {
    const formats: ('hls' | 'icecast')[] = [];
    if (this.programs.some((p) => p.codecs.includes('hls'))) formats.push('hls');
    if (this.programs.some((p) => p.program !== 'aplay')) formats.push('icecast');
    return formats;
  }

  /**
   * Process ids (= process group ids) of the plays running now, for status pages and watchdogs.
   *
   * @example `console.log(player.pids) // [4312]`
   */
  get pids(): number[] {
    return [...this.#running].flatMap((r) => (r.child.pid === undefined ? [] : [r.child.pid]));
  }

  /** The volume of plays that give none. @example `player.volume // 100` */
  get volume(): number {
    return this.#volume;
  }

  /** @example `await player.setVolume(60)` */
  async setVolume(volume: number): Promise<void> {
    this.#volume = checkVolume(volume);
  }

  /** @example `await player.stop()` */
  async stop(): Promise<void> {
    await Promise.all([...this.#running].map((r) => stopAndWait(r)));
  }

  /** @example `await player.close()` */
  async close(): Promise<void> {
    await this.stop();
  }

  /**
   * The program that would play `source`, or `undefined` when none can.
   *
   * @example `player.programFor({ path: 'a.wav' }) // 'aplay'`
   */
  programFor(source: AudioSource): PlayerProgram | undefined {
    const codec = codecOf(source);
    const local = source.path !== undefined || source.url?.startsWith('file:') === true;
    return this.programs.find(
      (p) =>
        (codec === undefined || p.codecs.includes(codec)) &&
        (local || p.program !== 'aplay') &&
        (source.live !== 'hls' || p.program === 'ffmpeg' || p.program === 'ffplay'),
    )?.program;
  }

  /** @example `await player.play({ path: 'notice.mp3' }, { signal })` */
  async play(source: AudioSource, options: PlayOptions = {}): Promise<PlayResult> {
    let volume: number;
    try {
      volume = checkVolume(options.volume ?? this.#volume);
    } catch (error) {
      return { outcome: 'failed', reason: (error as Error).message };
    }
    const signal = options.signal;
    if (signal?.aborted) return { outcome: 'interrupted', reason: 'aborted before start' };
    const input = source.path ?? (source.url?.startsWith('file:') ? fileURLToPath(source.url) : source.url);
    if (input === undefined)
      return { outcome: 'failed', reason: 'expected a path or a url to play, found neither' };
    const program = this.programFor(source);
    if (program === undefined) {
      return {
        outcome: 'failed',
        reason: `no installed player decodes ${codecOf(source) ?? 'this source'} (have ${this.programs
          .map((p) => `${p.program}: ${p.codecs.join('/')}`)
          .join('; ')})`,
      };
    }
    const path = this.programs.find((p) => p.program === program)?.path ?? program;
    const isNull = this.#output === 'null';
    let rawFormat: ReturnType<typeof parseWav> | undefined;
    if (program === 'aplay') {
      // aplay plays any bytes as raw noise: refuse what is not a WAV file before it reaches the speaker.
      try {
        const format = parseWav(await readHead(input));
        // The head read holds only the start of the data: the file's size bounds the audio.
        rawFormat = { ...format, dataBytes: Math.max(0, (await stat(input)).size - format.dataOffset) };
      } catch (error) {
        return {
          outcome: 'failed',
          reason: `aplay: ${input} is not a playable WAV file: ${(error as Error).message}`,
        };
      }
    }
    if (program === 'mpg123' && !isNull && source.path !== undefined) {
      // On a sound card mpg123 skips what it cannot decode and exits 0, so a file that is not MP3 at
      // all would count as played. (The null output counts the decoded audio instead.)
      const head = await readHead(input).catch(() => undefined);
      if (head !== undefined && !looksLikeMpegAudio(head)) {
        return {
          outcome: 'failed',
          reason: `mpg123: ${input} is not MPEG audio (no frame header in its first 4 KiB)`,
        };
      }
    }
    const { args, env, pcm } = commandLine(program, input, volume, this.#output, this.#env);
    return new Promise<PlayResult>((resolve) => {
      let stderr = '';
      let stoppedBy: 'abort' | undefined;
      let cancelPacing: () => void = () => undefined;
      let spawnError: Error | undefined;
      const child = spawn(path, args, {
        detached: true,
        env,
        stdio: ['ignore', isNull && pcm !== undefined ? 'pipe' : 'ignore', 'pipe'],
      });
      // Kill the whole group even when the leader has exited: in the null output the decoder may be
      // done while its audio still waits in the pipe (and aplay's helper `cat` may still run).
      const kill = () => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // The group is already gone.
          }
        }
        cancelPacing();
        child.stdout?.destroy();
      };
      let finished: () => void = () => undefined;
      const running: Running = {
        child,
        done: new Promise<void>((r) => {
          finished = r;
        }),
        stop: () => {
          stoppedBy = 'abort';
          kill();
        },
      };
      this.#running.add(running);
      if (child.pid !== undefined) trackGroup(child.pid);
      const onAbort = () => running.stop();
      signal?.addEventListener('abort', onAbort, { once: true });
      // An abort during the checks above (file reads) came before the listener.
      if (signal?.aborted) running.stop();
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => {
        stderr = (stderr + text).slice(-tailBytes);
      });
      let paced: Promise<number | Error> = Promise.resolve(-1);
      if (child.stdout && pcm !== undefined) {
        const pacer = paceStream(
          child.stdout,
          pcm === 'wav' ? 'wav' : (rawFormat ?? 'wav'),
          rawFormat?.dataBytes ?? Number.POSITIVE_INFINITY,
        );
        cancelPacing = pacer.cancel;
        paced = pacer.bytes.catch((error: Error) => {
          kill();
          return error;
        });
      }
      child.on('error', (error) => {
        spawnError = error;
      });
      child.on('close', async (code, killedBy) => {
        const audio = await paced;
        this.#running.delete(running);
        if (child.pid !== undefined) liveGroups.delete(child.pid);
        finished();
        signal?.removeEventListener('abort', onAbort);
        const said = lastLines(stderr);
        if (stoppedBy === 'abort') return resolve({ outcome: 'interrupted', reason: 'aborted' });
        if (spawnError !== undefined)
          return resolve({ outcome: 'failed', reason: `${program}: ${spawnError.message}` });
        if (audio instanceof Error)
          return resolve({ outcome: 'failed', reason: `${program}: ${audio.message}` });
        if (code !== 0) {
          const how = killedBy !== null ? `was killed by ${killedBy}` : `exited with code ${code}`;
          return resolve({ outcome: 'failed', reason: `${program} ${how}${said ? `: ${said}` : ''}` });
        }
        if (program === 'ffplay' && said) return resolve({ outcome: 'failed', reason: `ffplay: ${said}` });
        if (audio === 0) {
          return resolve({
            outcome: 'failed',
            reason: `${program} decoded no audio${said ? `: ${said}` : ''}`,
          });
        }
        resolve({ outcome: 'completed' });
      });
    });
  }
}

/** Builds the command line; `pcm` says how the null output reads the decoded audio from stdout. */
function commandLine(
  program: PlayerProgram,
  input: string,
  volume: number,
  output: string,
  baseEnv: NodeJS.ProcessEnv,
): { args: string[]; env: NodeJS.ProcessEnv; pcm?: 'wav' | 'raw' } {
  const isNull = output === 'null';
  const device = output === 'default' || isNull ? undefined : output;
  const gain = volume / 100;
  switch (program) {
    case 'mpg123': {
      // -f scales samples: 32768 is unity gain.
      const args = ['-f', String(Math.round(gain * 32768))];
      if (isNull) return { args: [...args, '-w', '-', input], env: baseEnv, pcm: 'wav' };
      if (device !== undefined) args.push('-o', 'alsa', '-a', device);
      return { args: [...args, input], env: baseEnv };
    }
    case 'ffplay': {
      const env: NodeJS.ProcessEnv = {
        ...baseEnv,
        SDL_AUDIODRIVER: isNull ? 'dummy' : (baseEnv.SDL_AUDIODRIVER ?? 'alsa'),
      };
      if (device !== undefined) env.AUDIODEV = device;
      return {
        args: [
          '-nodisp',
          '-autoexit',
          '-hide_banner',
          '-loglevel',
          'error',
          '-volume',
          String(Math.round(volume)),
          input,
        ],
        env,
      };
    }
    case 'ffmpeg': {
      const args = [
        '-nostdin',
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        input,
        '-af',
        `volume=${gain.toFixed(3)}`,
      ];
      if (isNull) return { args: [...args, '-f', 'wav', '-'], env: baseEnv, pcm: 'wav' };
      return { args: [...args, '-f', 'alsa', device ?? 'default'], env: baseEnv };
    }
    case 'aplay': {
      // The ALSA "file" plugin pipes what aplay plays through `cat` to stdout, where the null output
      // paces it (it cannot open Node's stdout socket by name).
      if (isNull)
        return {
          args: ['-q', '-t', 'wav', '-D', 'file:FILE=|cat,FORMAT=raw', input],
          env: baseEnv,
          pcm: 'raw',
        };
      return {
        args: ['-q', '-t', 'wav', ...(device !== undefined ? ['-D', device] : []), input],
        env: baseEnv,
      };
    }
  }
}

function stopAndWait(running: Running): Promise<void> {
  running.stop();
  return running.done;
}

function lastLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(-3)
    .join(' | ')
    .slice(-400);
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function which(program: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function ffmpegDecoders(path: string, env: NodeJS.ProcessEnv): Promise<Set<string> | undefined> {
  return new Promise((resolve) => {
    const child = spawn(path, ['-hide_banner', '-decoders'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      out += text;
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      if (code !== 0) return resolve(undefined);
      const names = new Set<string>();
      for (const line of out.split('\n')) {
        const match = /^\s*[A-Z.]{6}\s+(\S+)/.exec(line);
        if (match?.[1] !== undefined) names.add(match[1]);
      }
      resolve(names);
    });
  });
}
