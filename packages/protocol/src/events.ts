import { ProtocolError } from './errors';
import { safeParseEventOf, safeParsePresence } from './fast-path';
import { describeIssue } from './issues';
import { MAX_PAYLOAD_BYTES } from './jws';
import type { DeviceEvent, Presence } from './messages';
import type { RuleId } from './rules';
import { parseTopic } from './topics';

/** A device event read by the system, or why it was refused. */
export type ParseEventResult =
  | { ok: true; event: DeviceEvent; deviceId: string; province: string }
  | { ok: false; error: ProtocolError };

/** A presence message read by the system, or why it was refused. */
export type ParsePresenceResult =
  | { ok: true; presence: Presence; deviceId: string; province: string }
  | { ok: false; error: ProtocolError };

const decoder = new TextDecoder('utf-8', { fatal: true });
const fail = (
  code: 'invalid_message' | 'invalid_topic' | 'unsupported_version',
  rule: RuleId,
  message: string,
  path?: string,
) => ({
  ok: false as const,
  error: new ProtocolError(code, message, { rule, path }),
});

function readJson(
  payload: string | Uint8Array,
): { ok: true; value: unknown } | { ok: false; error: ProtocolError } {
  const size = typeof payload === 'string' ? payload.length : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES)
    return fail(
      'invalid_message',
      'P-X3',
      `payload: expected at most ${MAX_PAYLOAD_BYTES} bytes, found ${size}`,
    );
  try {
    return { ok: true, value: JSON.parse(typeof payload === 'string' ? payload : decoder.decode(payload)) };
  } catch (cause) {
    return {
      ok: false,
      error: new ProtocolError('invalid_message', 'payload: expected UTF-8 JSON', { rule: 'P-T3', cause }),
    };
  }
}

function topicOf(topic: string, kind: 'event' | 'presence') {
  try {
    const parsed = parseTopic(topic);
    if (parsed.kind === kind) return parsed;
    return fail(
      'invalid_topic',
      'P-X12',
      `topic ${JSON.stringify(topic)}: expected a device ${kind} topic, found a ${parsed.kind} topic`,
    );
  } catch (error) {
    return { ok: false as const, error: error as ProtocolError };
  }
}

/**
 * Reads a device event on the system side (P-X9, P-X13): the topic names the device and the event
 * type, the payload is a UTF-8 JSON envelope of that type. Receipts are JWS and go through
 * `verifyReceipt` instead. Never throws on bad input.
 *
 * @example
 * ```ts
 * const r = parseEvent(topic, payload);
 * if (r.ok && r.event.type === 'ack') settle(r.deviceId, r.event.body.ref, r.event.body.ok);
 * ```
 */
export function parseEvent(topic: string, payload: string | Uint8Array): ParseEventResult {
  const where = topicOf(topic, 'event');
  if ('ok' in where) return where;
  if (where.kind !== 'event')
    return fail('invalid_topic', 'P-X12', `topic ${JSON.stringify(topic)}: expected an event topic`);
  if (where.event === 'receipt') {
    return fail(
      'invalid_message',
      'P-S4',
      'receipt: receipts are JWS signed by the device; read them with verifyReceipt',
    );
  }
  const json = readJson(payload);
  if (!json.ok) return json;
  const value = json.value as { v?: unknown; type?: unknown } | null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('invalid_message', 'P-X9', 'payload: expected a JSON object envelope');
  }
  if (value.v !== 1)
    return fail('unsupported_version', 'P-E2', `v: expected 1, found ${JSON.stringify(value.v)}`, 'v');
  if (value.type !== where.event) {
    return fail(
      'invalid_message',
      'P-X13',
      `type: expected ${JSON.stringify(where.event)} as the topic says, found ${JSON.stringify(value.type)}`,
      'type',
    );
  }
  const parsed = safeParseEventOf(where.event, value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    return fail(
      'invalid_message',
      'P-X9',
      `${path || 'message'}: ${issue === undefined ? 'invalid' : describeIssue(issue)}`,
      path,
    );
  }
  return { ok: true, event: parsed.data as DeviceEvent, deviceId: where.deviceId, province: where.province };
}

/**
 * Reads a presence message (P-H1) on the system side. An empty payload (a retained message being
 * cleared) is refused like any other non-JSON payload.
 *
 * @example
 * ```ts
 * const r = parsePresence(topic, payload);
 * if (r.ok && (r.presence.online || r.presence.session >= knownSession(r.deviceId))) record(r);
 * ```
 */
export function parsePresence(topic: string, payload: string | Uint8Array): ParsePresenceResult {
  const where = topicOf(topic, 'presence');
  if ('ok' in where) return where;
  if (where.kind !== 'presence')
    return fail('invalid_topic', 'P-X12', `topic ${JSON.stringify(topic)}: expected a presence topic`);
  const json = readJson(payload);
  if (!json.ok) return json;
  const parsed = safeParsePresence(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    return fail(
      'invalid_message',
      'P-H1',
      `${path || 'presence'}: ${issue === undefined ? 'invalid' : describeIssue(issue)}`,
      path,
    );
  }
  return { ok: true, presence: parsed.data, deviceId: where.deviceId, province: where.province };
}
