/**
 * Who checks a rule: `protocol` (this package's parsers and verifiers), `device` (device runtime),
 * `system` (the provincial source system) or `broker` (the MQTT broker's ACL).
 *
 * @example `RULES['P-TP2'].scope; // ['protocol', 'broker']`
 */
export type RuleScope = 'protocol' | 'device' | 'system' | 'broker';

/**
 * One entry of {@link RULES}.
 *
 * @example `const r: Rule = RULES['P-S5']`
 */
export interface Rule {
  /** Section of the protocol document (`§4`), or `X` for rules this package adds where the spec is silent. */
  readonly section: string;
  /** One sentence: what the rule requires. */
  readonly summary: string;
  /** Who enforces it. */
  readonly scope: readonly RuleScope[];
}

const rule = (section: string, summary: string, ...scope: RuleScope[]): Rule => ({ section, summary, scope });

/**
 * Every rule of device protocol v1, by id: the rules of the specification (`P-T1` …) and the rules
 * this package adds where the specification is silent (`P-X1` …). A conformance kit maps each of its
 * checks to one of these ids.
 *
 * @example
 * ```ts
 * RULES['P-S2'].summary; // 'A device MUST NOT act on a command whose signature fails, …'
 * Object.keys(RULES).filter((id) => RULES[id as RuleId].scope.includes('protocol'));
 * ```
 */
export const RULES = {
  'P-T1': rule(
    '§1',
    'MQTT 3.1.1 or 5.0 over TCP, TLS or WebSocket; nothing broker-specific.',
    'device',
    'system',
  ),
  'P-T2': rule(
    '§1',
    'Client id = username = deviceId, matching ^[a-z0-9][a-z0-9-]{2,63}$; password = device secret or TLS client certificate.',
    'protocol',
    'broker',
  ),
  'P-T3': rule(
    '§1',
    'Payloads are UTF-8 and at most 256 KiB; media travels by URL with sha256 and size, never inline.',
    'protocol',
  ),
  'P-T4': rule(
    '§1',
    'Commands and events use QoS 1 (status MAY use QoS 0); only presence is retained.',
    'protocol',
    'device',
    'system',
  ),
  'P-TP1': rule(
    '§2',
    'A device subscribes to its cmd topic and to area/{code} for each unit it lies in, the province included.',
    'protocol',
    'device',
  ),
  'P-TP2': rule(
    '§2',
    'A device cannot subscribe to or publish on another device’s topics, nor publish on area/… (broker ACL).',
    'protocol',
    'broker',
  ),
  'P-TP3': rule(
    '§2',
    'One publish on area/{code} reaches every device of the unit; targets covered by an ancestor are dropped.',
    'system',
  ),
  'P-E1': rule(
    '§3',
    'Unknown fields are ignored; an unknown type is answered with ack ok:false, code unsupported_type.',
    'protocol',
  ),
  'P-E2': rule('§3', 'An envelope with v other than 1 is answered with unsupported_version.', 'protocol'),
  'P-S1': rule(
    '§4',
    'Every system → device message is a JWS Compact Serialization, alg EdDSA (Ed25519), with a kid the device trusts.',
    'protocol',
  ),
  'P-S2': rule(
    '§4',
    'A device MUST NOT act on a command whose signature fails, whose kid is untrusted, that has expired (no exp: ts + 24 h), whose ts is > 300 s ahead, or whose to does not name it; the first fault in the fixed order is reported.',
    'protocol',
  ),
  'P-S3': rule(
    '§4',
    'Trust anchors come with registration and are rotated by keys.update; a trust list whose trustVersion is not higher than the held one is ignored.',
    'protocol',
    'device',
  ),
  'P-S4': rule(
    '§4',
    'Every receipt is a JWS signed by the device’s own registered Ed25519 key.',
    'protocol',
    'device',
    'system',
  ),
  'P-S5': rule(
    '§4',
    'A command id is executed at most once; executed ids are kept until the command’s lifetime ends, across reboots.',
    'protocol',
    'device',
  ),
  'P-H1': rule(
    '§5',
    'On every connection publish retained presence online with session = previous + 1; the will is offline with the same session; stale offline presences are ignored.',
    'protocol',
    'device',
    'system',
  ),
  'P-H2': rule(
    '§5',
    'After subscribing, a device publishes hello with kind, vendor, model, firmware, protocols, units, capabilities and receiptsPendingFrom.',
    'protocol',
    'device',
  ),
  'P-H3': rule(
    '§5',
    'The system answers welcome and re-sends on the cmd topic every still-valid bulletin the device has not acknowledged.',
    'system',
  ),
  'P-H4': rule(
    '§5',
    'status every heartbeatSec (default 60) and on every state change.',
    'protocol',
    'device',
  ),
  'P-H5': rule(
    '§5',
    'welcome is accepted on its signature and on helloId naming the latest hello, without time checks; the device keeps serverTime − deviceTime as clock offset.',
    'protocol',
    'device',
  ),
  'P-B1': rule(
    '§6',
    'The bulletin in bulletin.deliver is its playout view; a device accepts any category string and any BCP 47 lang.',
    'protocol',
    'device',
  ),
  'P-B2': rule(
    '§6',
    'repeat.count is the total number of plays (default 1), intervalSec the gap between starts; windows use ISO weekdays and HH:MM in config.timeZone; nothing starts after endAt.',
    'protocol',
    'device',
  ),
  'P-M1': rule(
    '§6',
    'Media is verified against sha256 before first play; a mismatch means no play, alarm media_integrity and a failed receipt.',
    'device',
  ),
  'P-M2': rule(
    '§6',
    'A command id already executed is acknowledged again with ok:true, duplicate:true and not executed.',
    'protocol',
    'device',
  ),
  'P-M3': rule(
    '§6',
    'ack ok:true means authentic, valid and scheduled; it is sent within 5 s, before media downloads finish.',
    'device',
  ),
  'P-Q1': rule(
    '§7',
    'normal < priority < emergency; a higher level preempts a lower one at once.',
    'protocol',
    'device',
  ),
  'P-Q2': rule(
    '§7',
    'emergency plays at startAt (or at once), at emergencyVolume, ignoring quiet hours and windows.',
    'device',
  ),
  'P-Q3': rule('§7', 'Within a level: earliest startAt first, then arrival order.', 'device'),
  'P-Q4': rule(
    '§7',
    'An emergency on a radio opens with the attention signal; a board shows it full-screen with a red banner.',
    'device',
  ),
  'P-R1': rule(
    '§8',
    'One receipt per play; body.seq numbers receipts 1, 2, 3… per device with no gap.',
    'protocol',
    'device',
  ),
  'P-R2': rule(
    '§8',
    'Receipts stay in a journal until receipts.commit covers them and are re-sent identical after each welcome and every 60 s.',
    'device',
    'system',
  ),
  'P-R3': rule(
    '§8',
    'The system verifies each receipt signature; reports count only verified receipts.',
    'protocol',
    'system',
  ),
  'P-X1': rule(
    'X',
    'The JWS protected header has alg "EdDSA" and a kid; crit and b64 are refused. Signers emit exactly {"alg":"EdDSA","kid":…}. A wrong alg is bad_signature, a missing kid unknown_key. The signature part must be the canonical 86-character base64url form of 64 bytes, else bad_signature.',
    'protocol',
  ),
  'P-X2': rule(
    'X',
    'A payload that is not a JWS Compact Serialization (three base64url parts, header a JSON object, payload a JSON object) is invalid_message; its id is read from the payload when possible, for the ack ref — also from a payload that is plain JSON rather than a JWS (an unsigned command with a string id of 1–128 characters is answered invalid_message, §9).',
    'protocol',
  ),
  'P-X3': rule(
    'X',
    'The 256 KiB limit (262 144 bytes of UTF-8) is checked first, before any parsing or signature work; an oversize payload is invalid_message.',
    'protocol',
  ),
  'P-X4': rule(
    'X',
    'Every time on the wire is RFC 3339 in UTC with a literal Z (fractional seconds optional), e.g. 2026-11-26T08:00:00.000Z; offsets are invalid_message.',
    'protocol',
  ),
  'P-X5': rule(
    'X',
    'A command is expired when now ≥ exp (no exp: now ≥ ts + 24 h) and not yet valid when ts > now + 300 s; now is the device clock plus the welcome offset (P-H5).',
    'protocol',
  ),
  'P-X6': rule(
    'X',
    'A trust anchor is {kid, publicKey}: kid 1–128 characters of [A-Za-z0-9._:-], publicKey the raw 32-byte Ed25519 key in unpadded base64url (the JWK x member).',
    'protocol',
  ),
  'P-X7': rule(
    'X',
    'A welcome whose helloId does not name the device’s latest hello is refused with code expired (a stale challenge).',
    'protocol',
  ),
  'P-X8': rule(
    'X',
    'When the verifier knows the topic a command came on, it must be the device’s own cmd topic or area/{code} of one of its units in its province; otherwise misrouted.',
    'protocol',
  ),
  'P-X9': rule(
    'X',
    'Device events carry seq (≥ 1) and no to; only receipt events are signed (P-S4); presence is a plain object, not an envelope.',
    'protocol',
  ),
  'P-X10': rule(
    'X',
    'Unit codes are GSO codes of 2 (province), 3 (district) or 5 (commune/ward) digits; {p} in topics is the 2-digit province code; to is dev:{deviceId} or area:{unitCode}.',
    'protocol',
  ),
  'P-X12': rule(
    'X',
    'A protocol topic is exactly one of the four forms of §2 under nguon/v1/; a topic of another version, another form, or with an invalid level is not a protocol topic (invalid_topic).',
    'protocol',
  ),
  'P-X13': rule(
    'X',
    'A device event is read from its topic: the topic names the device (the broker ACL guarantees the sender, P-TP2) and the event type, which must equal the envelope type; otherwise invalid_message.',
    'protocol',
  ),
  'P-X14': rule(
    'X',
    'The specification fixes no grammar for type: any string of 1–64 characters passes the envelope (hyphens, capitals, no dot all allowed); a command type outside the catalogue is unsupported_type, reported after the envelope, time and routing checks (P-S2 order); a type that is missing, not a string, empty or longer than 64 characters is invalid_message.',
    'protocol',
  ),
  'P-X11': rule(
    'X',
    'Receipts are verified with the device’s registered key only: signature, schema and that the envelope type is receipt; no time checks (receipts may be re-sent days later).',
    'protocol',
  ),
} as const satisfies Record<string, Rule>;

/**
 * A rule id of {@link RULES}.
 *
 * @example
 * ```ts
 * const id: RuleId = 'P-S5';
 * ```
 */
export type RuleId = keyof typeof RULES;
