export {
  createServer,
  IMPLEMENTED_OPERATIONS,
  type Listening,
  type NguonServer,
  type ServerOptions,
} from './app';
export {
  type Database,
  type DatabaseOptions,
  type DialectName,
  defaultSqliteDriver,
  openDatabase,
  type Tables,
} from './db';
export { renderDocsHtml } from './docs';
export { ServerError, type ServerErrorCode } from './errors';
export { atomFeed, type FeedInput, jsonFeed } from './feeds';
export { newUlid } from './ids';
export { type EmbeddedBroker, type EmbeddedBrokerOptions, startEmbeddedBroker } from './mqtt/broker';
export {
  CHANNEL_DEVICE_KINDS,
  createDispatcher,
  type Dispatcher,
  type DispatcherOptions,
  type DispatcherStats,
  defaultClientId,
} from './mqtt/dispatcher';
export { loadSigningKeys, type SigningKeys } from './mqtt/keys';
export {
  MOSQUITTO_CONF,
  type MosquittoFiles,
  type MosquittoFilesOptions,
  mosquittoFiles,
  writeMosquittoFiles,
} from './mqtt/mosquitto';
export {
  ReceiptIngest,
  type ReceiptIngestOptions,
  type ReceiptIngestStats,
} from './mqtt/receipts';
export { ScopeUnits, vietnamDay } from './scope';
export { type RunningServer, startFromEnv } from './start';
export { type AuditEntry, auditLog, type Principal } from './store';
export { type RunningSystem, type SystemOptions, startSystem } from './system';
