export { mosquittoUrl, startBroker, type TestBroker } from './broker';
export { generateDeviceKey, generateTrustKey, signAsSystem, type TestKey } from './keys';
export { type ReceivedMessage, TestSystem, type TestSystemOptions } from './system';
