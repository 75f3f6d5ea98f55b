export type {
  CachedMedia,
  HelloCapabilities,
  Outcome,
  PlayoutAdapter,
  PlayoutItem,
  PlayResult,
} from './adapters';
export { type Clock, ManualClock, systemClock } from './clock';
export { DeviceError, type DeviceErrorCode, type DeviceErrorOptions } from './errors';
export * from './media';
export { NullAdapter, type NullAdapterOptions } from './null-adapter';
export * from './scheduler';
export { type KeyValueStore, MemoryStore } from './store';
