import { CommandPlayer, type CommandPlayerOptions } from './command-player';
import { RadioAdapter, type RadioAdapterOptions } from './radio-adapter';
import { EspeakTts, type TtsEngine } from './tts';

/**
 * Options of {@link createRadioAdapter}: where sound goes and which players to use
 * ({@link CommandPlayerOptions}), whether to read text bulletins aloud, and the adapter's own options.
 *
 * @example `const options: CreateRadioOptions = { output: 'plughw:1,0', tts: true };`
 */
export interface CreateRadioOptions
  extends CommandPlayerOptions,
    Omit<RadioAdapterOptions, 'player' | 'tts'> {
  /**
   * `true` (default): use espeak-ng when it is installed, and go without TTS when it is not;
   * `false`: no TTS; or an engine of your own.
   */
  tts?: boolean | TtsEngine;
}

/**
 * The loudspeaker adapter in one call: finds the installed command-line players and espeak-ng and
 * returns a {@link RadioAdapter}. Throws {@link RadioError} `no_player` when no player is installed.
 *
 * @example
 * ```ts
 * const adapter = await createRadioAdapter({ output: 'default' });
 * const client = new DeviceClient({ ...options, adapter });
 * ```
 */
export async function createRadioAdapter(options: CreateRadioOptions = {}): Promise<RadioAdapter> {
  const { tts = true, programs, output, paths, volume, env, ...adapterOptions } = options;
  const player = await CommandPlayer.detect({
    ...(programs === undefined ? {} : { programs }),
    ...(output === undefined ? {} : { output }),
    ...(paths === undefined ? {} : { paths }),
    ...(volume === undefined ? {} : { volume }),
    ...(env === undefined ? {} : { env }),
  });
  let engine: TtsEngine | undefined;
  if (tts === true) engine = await EspeakTts.detect(env === undefined ? {} : { env }).catch(() => undefined);
  else if (tts !== false) engine = tts;
  return new RadioAdapter({ ...adapterOptions, player, ...(engine === undefined ? {} : { tts: engine }) });
}
