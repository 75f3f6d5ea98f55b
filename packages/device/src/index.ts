export type {
  CachedMedia,
  HelloCapabilities,
  Outcome,
  PlayoutAdapter,
  PlayoutItem,
  PlayResult,
} from './adapters';
export { DeviceClient, type DeviceClientOptions, type DeviceLogger, type DeviceMqttOptions } from './client';
export { type Clock, systemClock } from './clock';
export { CONFIG_DEFAULTS, chooseContent, type DeviceConfig, mergeConfig } from './config';
export { PersistentCounter } from './counter';
export { DeviceError, type DeviceErrorCode, type DeviceErrorOptions } from './errors';
export type { DeviceEvent } from './events';
export * from './media';
export { NullAdapter, type NullAdapterOptions } from './null-adapter';
export { type JournalEntry, type ReceiptInput, ReceiptJournal } from './receipt-journal';
export { ReplayStore } from './replay-store';
export {
  type DeviceRegistration,
  type DeviceRunConfig,
  deviceRunConfigSchema,
  parseDeviceRunConfig,
  type RunConfigSettings,
  runConfigFromRegistration,
} from './run-config';
export * from './scheduler';
export { type KeyValueStore, MemoryStore } from './store';
