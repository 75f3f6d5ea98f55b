import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { RadioError } from './errors';
import { parseWav, wavDurationSec } from './wav';

/**
 * How to read a text: the bulletin's TTS hints (`content.tts`) and the language.
 *
 * @example `const options: SpeakOptions = { lang: 'vi', rate: 0.9, voice: 'vi-female-central' };`
 */
export interface SpeakOptions {
  /** BCP 47 language of the text. */
  lang: string;
  /** Speaking rate, 1 = normal (0.5–2). */
  rate?: number;
  /** Engine-specific voice name; a hint, ignored when the engine has no matching voice. */
  voice?: string;
  /** Aborting kills the engine; `synthesize` then rejects. */
  signal?: AbortSignal;
}

/**
 * Text-to-speech for radios: writes speech as a WAV file. Implement it to plug in another engine (a
 * cloud voice, a vendor's Vietnamese voice); {@link EspeakTts} is the reference.
 *
 * @example
 * ```ts
 * if (tts.supports('vi')) await tts.synthesize('Thông báo lịch tiêm chủng', 'speech.wav', { lang: 'vi' });
 * ```
 */
export interface TtsEngine {
  /** A short name for logs and self-test reports. */
  readonly name: string;
  /** Language tags it can speak, as announced in `hello.capabilities.audio.tts`. */
  languages(): string[];
  /** True when it has a voice for `lang` (or its primary language subtag). */
  supports(lang: string): boolean;
  /** Speaks `text` into a WAV file at `outPath`; resolves with its duration in seconds. */
  synthesize(text: string, outPath: string, options: SpeakOptions): Promise<{ durationSec: number }>;
}

/**
 * Options of {@link EspeakTts.detect}.
 *
 * @example `await EspeakTts.detect({ path: '/usr/bin/espeak-ng', wordsPerMinute: 160 })`
 */
export interface EspeakTtsOptions {
  /** The espeak-ng executable (default `espeak-ng` in `PATH`). */
  path?: string;
  /** Words per minute at rate 1 (default 160; espeak-ng's own default is 175, a little fast for announcements). */
  wordsPerMinute?: number;
  /** Environment of the child processes (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * One espeak-ng voice: its language tag, its name and the other tags it answers to.
 *
 * @example `const v: EspeakVoice = { tag: 'cmn', name: 'Chinese_(Mandarin)', aliases: ['zh-cmn', 'zh'] };`
 */
export interface EspeakVoice {
  tag: string;
  name: string;
  aliases: string[];
}

type Voice = EspeakVoice;

/**
 * A {@link TtsEngine} on espeak-ng, which ships Vietnamese voices (`vi` northern, `vi-vn-x-central`,
 * `vi-vn-x-south`) and about a hundred other languages. Languages without an espeak-ng voice —
 * among Vietnam's minority languages Jrai (`jra`) and Bahnar (`bdq`), for instance — are reported
 * unsupported, never read with another language's voice. The voice hint picks a regional voice
 * when it names one (`…central…`, `…south…`) and is ignored otherwise.
 *
 * @example
 * ```ts
 * const tts = await EspeakTts.detect();
 * const { durationSec } = await tts.synthesize('Xin chào bà con', 'hello.wav', { lang: 'vi', rate: 0.9 });
 * ```
 */
export class EspeakTts implements TtsEngine {
  readonly name = 'espeak-ng';
  readonly #path: string;
  readonly #voices: Voice[];
  readonly #tags: Set<string>;
  readonly #wordsPerMinute: number;
  readonly #env: NodeJS.ProcessEnv;

  /** Use {@link EspeakTts.detect}, which lists the installed voices. */
  constructor(voices: Voice[], options: EspeakTtsOptions = {}) {
    this.#path = options.path ?? 'espeak-ng';
    this.#voices = voices;
    this.#tags = new Set(voices.flatMap((v) => [v.tag, ...v.aliases]));
    this.#wordsPerMinute = options.wordsPerMinute ?? 160;
    this.#env = options.env ?? process.env;
  }

  /**
   * Runs `espeak-ng --voices` and returns an engine that knows its languages; throws
   * {@link RadioError} `no_player` when espeak-ng cannot be run.
   *
   * @example `const tts = await EspeakTts.detect();`
   */
  static async detect(options: EspeakTtsOptions = {}): Promise<EspeakTts> {
    const path = options.path ?? 'espeak-ng';
    const { code, stdout, stderr } = await run(path, ['--voices'], options.env ?? process.env);
    if (code !== 0) {
      throw new RadioError(
        'no_player',
        `expected espeak-ng at ${path} to list its voices, found: ${stderr || `exit ${code}`}`,
        {
          path,
        },
      );
    }
    return new EspeakTts(parseVoices(stdout), options);
  }

  /** @example `tts.languages().includes('vi')` */
  languages(): string[] {
    return [...new Set([...this.#tags].map((tag) => tag.split('-')[0] ?? tag))].sort();
  }

  /** @example `tts.supports('jra') // false` */
  supports(lang: string): boolean {
    return this.#voiceFor(lang) !== undefined;
  }

  /** @example `await tts.synthesize('Kiểm tra loa', 'check.wav', { lang: 'vi' })` */
  async synthesize(text: string, outPath: string, options: SpeakOptions): Promise<{ durationSec: number }> {
    const voice = this.#voiceFor(options.lang, options.voice);
    if (voice === undefined) {
      throw new RadioError(
        'unsupported_language',
        `expected a language espeak-ng has a voice for, found "${options.lang}"`,
        {
          path: 'lang',
        },
      );
    }
    if (text.trim() === '')
      throw new RadioError('tts_failed', 'expected text to read, found an empty string', { path: 'text' });
    const rate = options.rate ?? 1;
    if (!(rate >= 0.5 && rate <= 2)) {
      throw new RadioError('invalid_option', `expected a speaking rate of 0.5–2, found ${rate}`, {
        path: 'rate',
      });
    }
    const wpm = Math.round(this.#wordsPerMinute * rate);
    const result = await run(
      this.#path,
      ['-v', voice, '-s', String(wpm), '-b', '1', '-w', outPath, '--stdin'],
      this.#env,
      {
        input: text,
        signal: options.signal,
      },
    );
    if (result.code !== 0) {
      throw new RadioError(
        'tts_failed',
        `espeak-ng exited with code ${result.code}: ${result.stderr.trim().slice(-300)}`,
        {
          path: outPath,
        },
      );
    }
    try {
      const durationSec = wavDurationSec(parseWav(new Uint8Array(await readFile(outPath)))) ?? 0;
      if (durationSec <= 0) throw new Error('no samples');
      return { durationSec };
    } catch (cause) {
      throw new RadioError('tts_failed', `expected espeak-ng to write speech to ${outPath}, found none`, {
        path: outPath,
        cause,
      });
    }
  }

  #voiceFor(lang: string, hint?: string): string | undefined {
    const tag = lang.toLowerCase();
    const primary = tag.split('-')[0] ?? tag;
    const candidates = this.#voices.filter((v) =>
      [v.tag, ...v.aliases].some((t) => t === tag || t.split('-')[0] === primary),
    );
    if (candidates.length === 0) return undefined;
    if (hint !== undefined) {
      const words = hint
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 2 && w !== primary);
      const hinted = candidates.find(
        (v) =>
          v.tag === hint.toLowerCase() ||
          words.some((w) => v.tag.includes(w) || v.name.toLowerCase().includes(w)),
      );
      if (hinted !== undefined) return hinted.tag;
    }
    // espeak-ng picks its preferred voice for a tag it knows (`en` → British English, `zh` → Mandarin).
    if (this.#tags.has(tag)) return tag;
    return this.#tags.has(primary) ? primary : candidates[0]?.tag;
  }
}

/**
 * Parses `espeak-ng --voices` output into voices (language tag and name).
 *
 * @example `parseVoices(' 5  vi  --/M  Vietnamese_(Northern) aav/vi')`
 */
export function parseVoices(listing: string): Voice[] {
  const voices: Voice[] = [];
  for (const line of listing.split('\n')) {
    const match = /^\s*\d+\s+(\S+)\s+\S+\s+(\S+)/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    if (!languageTag.test(match[1])) continue;
    // "Other Languages" lists further tags the voice answers to, e.g. "(zh-cmn 5)(zh 5)".
    const aliases = [...line.matchAll(/\(([^\s()]+) \d+\)/g)]
      .map((m) => (m[1] ?? '').toLowerCase())
      .filter((tag) => languageTag.test(tag));
    voices.push({ tag: match[1].toLowerCase(), name: match[2], aliases });
  }
  return voices;
}

const languageTag = /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/;

function run(
  path: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { input?: string; signal?: AbortSignal | undefined } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path, args, {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: options.signal,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr = (stderr + t).slice(-4096);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      stderr += error.message;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
