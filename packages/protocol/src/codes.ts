import * as z from 'zod/mini';

/**
 * The stable error codes of §9, with when each is used, whether the device also raises an `alarm`
 * for it (P-S2, P-M1) and the rule that defines it.
 *
 * @example
 * ```ts
 * ERROR_CODES.bad_signature.alarm; // true
 * ```
 */
export const ERROR_CODES = {
  invalid_message: {
    summary:
      'The payload is not a valid message: not JSON, not a JWS, fails the schema, is larger than 256 KiB, or has exp ≤ ts.',
    alarm: false,
    rule: 'P-S2',
  },
  unsupported_type: {
    summary: 'The command type is not in the catalogue this device knows.',
    alarm: false,
    rule: 'P-E1',
  },
  unsupported_version: { summary: 'The envelope `v` is not 1.', alarm: false, rule: 'P-E2' },
  unsupported_capability: {
    summary: 'The device knows the command but lacks the capability (e.g. live.start without live relay).',
    alarm: false,
    rule: 'P-S2',
  },
  bad_signature: {
    summary: 'The JWS signature does not verify, or alg is not EdDSA.',
    alarm: true,
    rule: 'P-S2',
  },
  unknown_key: {
    summary: 'The JWS kid is missing or names a key the device does not trust.',
    alarm: true,
    rule: 'P-S2',
  },
  expired: { summary: 'The command exp (or ts + 24 h) has passed.', alarm: false, rule: 'P-S2' },
  not_yet_valid: {
    summary: 'The command ts lies more than 300 s ahead of the device clock.',
    alarm: false,
    rule: 'P-S2',
  },
  misrouted: {
    summary:
      'The command `to` names neither this device nor one of its units, or it came on a topic the device does not own.',
    alarm: true,
    rule: 'P-S2',
  },
  media_unavailable: { summary: 'A media file could not be downloaded.', alarm: true, rule: 'P-M3' },
  media_integrity: {
    summary: 'A media file does not match its sha256 or size; it is not played.',
    alarm: true,
    rule: 'P-M1',
  },
  busy: {
    summary: 'The device cannot take the command now (e.g. a higher-priority live relay).',
    alarm: false,
    rule: 'P-Q1',
  },
  internal: { summary: 'The device failed for a reason of its own.', alarm: true, rule: 'P-E1' },
} as const;

/**
 * A §9 error code.
 *
 * @example
 * ```ts
 * const code: ErrorCode = 'misrouted';
 * ```
 */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * zod schema of a §9 error code.
 *
 * @example
 * ```ts
 * errorCodeSchema.parse('expired');
 * ```
 */
export const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);
