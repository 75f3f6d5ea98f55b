export { CapError, type CapErrorCode, type CapIssue } from './errors';
export {
  type BulletinToCapOptions,
  bulletinToCap,
  type CapAreaPassthrough,
  type CapImport,
  type CapInfoPassthrough,
  type CapPassthrough,
  type CapToBulletinOptions,
  capToBulletin,
  categoryFromCap,
  defaultCapSender,
  priorityFromCap,
  toCapDateTime,
  VN_GSO,
} from './mapping';
export {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_NAMESPACE,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
  type CapAlert,
  type CapArea,
  type CapCategory,
  type CapCertainty,
  type CapCircle,
  type CapInfo,
  type CapMsgType,
  type CapPoint,
  type CapReference,
  type CapResource,
  type CapResponseType,
  type CapScope,
  type CapSeverity,
  type CapStatus,
  type CapUrgency,
  type CapValuePair,
} from './model';
export { type ParseCapOptions, parseCap } from './parse';
export { type SerializeCapOptions, serializeCap } from './serialize';
export { validateCapAlert } from './validate';
export { checkCapDateTime, formatCapDateTime, parseCapDateTime } from './values';
