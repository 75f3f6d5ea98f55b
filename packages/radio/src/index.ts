export { CommandPlayer, type CommandPlayerOptions, type PlayerProgram } from './command-player';
export { type CreateRadioOptions, createRadioAdapter } from './create';
export { RadioError, type RadioErrorCode } from './errors';
export { NullPlayer, type NullPlayerOptions } from './null-player';
export { type AudioPlayer, type AudioSource, checkVolume, codecOf, type PlayOptions } from './player';
export {
  type LiveSource,
  RadioAdapter,
  type RadioAdapterOptions,
  type RadioPlayoutItem,
} from './radio-adapter';
export {
  EspeakTts,
  type EspeakTtsOptions,
  type EspeakVoice,
  parseVoices,
  type SpeakOptions,
  type TtsEngine,
} from './tts';
export {
  attentionSignalWav,
  encodeWav,
  parseWav,
  sineWav,
  type WavFormat,
  wavByteRate,
  wavDurationSec,
} from './wav';
