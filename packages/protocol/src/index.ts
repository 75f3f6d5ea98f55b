export { ERROR_CODES, type ErrorCode, errorCodeSchema } from './codes';
export { ProtocolError, type ProtocolErrorCode, type ProtocolErrorOptions } from './errors';
export { type ParseEventResult, type ParsePresenceResult, parseEvent, parsePresence } from './events';
export { newMessageId } from './ids';
export { describeIssue } from './issues';
export {
  ackBody,
  type CreateCommandOptions,
  checkCommand,
  commandLifetimeEnd,
  createCommand,
  createEvent,
  createSigner,
  DEFAULT_COMMAND_LIFETIME_MS,
  generateSigningKey,
  MAX_CLOCK_AHEAD_MS,
  MAX_PAYLOAD_BYTES,
  type ReceiptSuccess,
  type Signer,
  signCommand,
  type VerifyCommandContext,
  type VerifyFailure,
  type VerifyResult,
  type VerifySuccess,
  verifyCommand,
  verifyReceipt,
} from './jws';
export * from './messages';
export { deliverBodyFromBulletin } from './playout';
export { ExecutedIds } from './replay';
export { RULES, type Rule, type RuleId, type RuleScope } from './rules';
export {
  areaTopic,
  commandTopic,
  DEVICE_ID_PATTERN,
  deviceAcl,
  deviceSubscriptions,
  EVENT_TYPES,
  type EventType,
  eventTopic,
  PROVINCE_CODE_PATTERN,
  parseTopic,
  presenceTopic,
  safeParseTopic,
  systemSubscriptions,
  TOPIC_ROOT,
  type Topic,
  UNIT_CODE_PATTERN,
} from './topics';
export {
  decodePublicKey,
  type Ed25519Backend,
  joseBackend,
  TrustStore,
  type TrustStoreOptions,
} from './trust';
