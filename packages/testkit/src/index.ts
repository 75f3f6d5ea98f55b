export {
  type BrokerHandle,
  externalBroker,
  isBrokerReachable,
  mosquittoUrl,
  startAedesProcess,
} from './broker';
export { TestkitError, type TestkitErrorCode } from './errors';
export { ulidTime } from './ids';
export { type DeviceKeyPair, deviceKeyPair } from './keys';
export { FD_HEADROOM, maxSimulatedDevices, openFilesLimit } from './limits';
export {
  type AckStats,
  DeviceSimulator,
  type SimulatorOptions,
  type SimulatorStats,
} from './simulator';
export { type Percentiles, percentiles } from './stats';
export {
  type AckTally,
  generateSystemKey,
  type ReceiptStats,
  type SystemKey,
  SystemPublisher,
  type SystemPublisherOptions,
} from './system';
export { type Membership, provinceMemberships, spreadOverCommunes } from './units';
