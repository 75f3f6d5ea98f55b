import { base64url, CompactSign, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type * as z from 'zod/mini';
import { ERROR_CODES, type ErrorCode } from './codes';
import { ProtocolError } from './errors';
import { safeParseCommand, safeParseEventOf } from './fast-path';
import { newMessageId } from './ids';
import { describeIssue } from './issues';
import {
  COMMAND_SCHEMAS,
  type Command,
  type CommandBody,
  type CommandOf,
  type CommandType,
  type EVENT_SCHEMAS,
  type EventOf,
  envelopeSchema,
  type TrustAnchor,
} from './messages';
import type { RuleId } from './rules';
import { parseTopic } from './topics';
import type { TrustStore } from './trust';

const REPORT = { reportInput: true } as const;

/**
 * P-T3: the largest payload, in bytes.
 *
 * @example `if (payload.byteLength > MAX_PAYLOAD_BYTES) drop()`
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/**
 * P-S2: lifetime of a command without `exp`.
 *
 * @example `Date.parse(cmd.ts) + DEFAULT_COMMAND_LIFETIME_MS`
 */
export const DEFAULT_COMMAND_LIFETIME_MS = 24 * 60 * 60 * 1000;
/**
 * P-S2: how far ahead of the device clock a command's `ts` may lie.
 *
 * @example `Date.parse(cmd.ts) > now + MAX_CLOCK_AHEAD_MS`
 */
export const MAX_CLOCK_AHEAD_MS = 300 * 1000;

// ── Signing ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Signs envelopes as JWS Compact Serialization with one Ed25519 key (P-S1, P-X1).
 *
 * @example
 * ```ts
 * const signer = await createSigner({ kid: 'gl-2026-1', privateKey: jwk });
 * const jws = await signer.sign(command);
 * ```
 */
export interface Signer {
  /** The key id written into every header. */
  readonly kid: string;
  /** JSON-encodes `message` (UTF-8) and returns `BASE64URL(header).BASE64URL(payload).BASE64URL(signature)`. */
  sign(message: object): Promise<string>;
}

/**
 * Creates a {@link Signer} from an Ed25519 private key: a JWK (`kty: "OKP"`, `crv: "Ed25519"`, `d`, `x`)
 * or a Web Crypto `CryptoKey`. The key is imported once.
 *
 * @example
 * ```ts
 * const signer = await createSigner({ kid: 'gl-2026-1', privateKey: JSON.parse(process.env.SIGNING_JWK!) });
 * ```
 */
export async function createSigner(options: { kid: string; privateKey: JWK | CryptoKey }): Promise<Signer> {
  const { kid } = options;
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(kid)) {
    throw new ProtocolError(
      'invalid_key',
      `signer kid: expected 1–128 characters [A-Za-z0-9._:-], found ${JSON.stringify(kid)}`,
      {
        rule: 'P-X6',
        path: 'kid',
      },
    );
  }
  let key: CryptoKey;
  try {
    key =
      'type' in options.privateKey
        ? (options.privateKey as CryptoKey)
        : ((await importJWK(options.privateKey as JWK, 'EdDSA')) as CryptoKey);
  } catch (cause) {
    throw new ProtocolError(
      'invalid_key',
      'signer privateKey: expected an Ed25519 private JWK or CryptoKey',
      { rule: 'P-S1', cause },
    );
  }
  const header = { alg: 'EdDSA', kid } as const;
  const encoder = new TextEncoder();
  return {
    kid,
    sign: (message) =>
      new CompactSign(encoder.encode(JSON.stringify(message))).setProtectedHeader(header).sign(key),
  };
}

/**
 * Generates a fresh Ed25519 key pair: a {@link Signer}, the public {@link TrustAnchor} to hand to
 * devices (or, for a device key, to register), and the private JWK to store safely.
 *
 * @example
 * ```ts
 * const { signer, anchor, privateJwk } = await generateSigningKey('gl-2026-1');
 * ```
 */
export async function generateSigningKey(
  kid: string,
): Promise<{ signer: Signer; anchor: TrustAnchor; privateJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const [privateJwk, publicJwk] = await Promise.all([exportJWK(privateKey), exportJWK(publicKey)]);
  const signer = await createSigner({ kid, privateKey });
  return { signer, anchor: { kid, publicKey: publicJwk.x ?? '' }, privateJwk };
}

/**
 * Options of {@link createCommand}.
 *
 * @example `createCommand('device.ping', {}, { to: 'dev:loa-001', ttlSec: 60 })`
 */
export interface CreateCommandOptions {
  /** The addressee: `dev:{deviceId}` or `area:{unitCode}`. */
  to: string;
  /** Now, in ms since the epoch (default `Date.now()`). */
  now?: number;
  /** Lifetime in seconds: sets `exp` = `ts` + ttl. Without it the command lives 24 h (P-S2). */
  ttlSec?: number;
  /** A fixed id (default: a new ULID). */
  id?: string;
}

function schemaError(
  error: { issues: readonly z.core.$ZodIssue[] },
  rule: RuleId,
  ref?: string,
): ProtocolError {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return new ProtocolError(
    'invalid_message',
    `${path || 'message'}: ${issue === undefined ? 'invalid' : describeIssue(issue)}`,
    { rule, path, ref, cause: error },
  );
}

/**
 * Builds a command envelope (§3) and checks it against the catalogue; throws a {@link ProtocolError}
 * `invalid_message` naming the field at fault.
 *
 * @example
 * ```ts
 * const cmd = createCommand('bulletin.revoke', { bulletinId: 'b-1' }, { to: 'area:52', ttlSec: 3600 });
 * ```
 */
export function createCommand<T extends CommandType>(
  type: T,
  body: CommandBody<T>,
  options: CreateCommandOptions,
): CommandOf<T> {
  const now = options.now ?? Date.now();
  const envelope = {
    v: 1,
    id: options.id ?? newMessageId(now),
    type,
    ts: new Date(now).toISOString(),
    ...(options.ttlSec === undefined ? {} : { exp: new Date(now + options.ttlSec * 1000).toISOString() }),
    to: options.to,
    body,
  };
  const parsed = safeParseCommand(type, envelope);
  if (!parsed.success) throw schemaError(parsed.error, 'P-S2');
  return parsed.data as CommandOf<T>;
}

/**
 * Builds and validates a command, then signs it (P-S1): the string to publish on the device's `cmd`
 * topic or an `area` topic.
 *
 * @example
 * ```ts
 * const jws = await signCommand(signer, 'device.ping', {}, { to: 'dev:loa-001', ttlSec: 60 });
 * ```
 */
export async function signCommand<T extends CommandType>(
  signer: Signer,
  type: T,
  body: CommandBody<T>,
  options: CreateCommandOptions,
): Promise<string> {
  return signer.sign(createCommand(type, body, options));
}

// ── Opening a JWS (shared by commands and receipts) ─────────────────────────────────────────────

/**
 * A verification failure: the error (with `code`, `rule`, `ref`) and whether to raise an `alarm`.
 *
 * @example `if (!r.ok && r.alarm) raiseAlarm(r.error.code)`
 */
export interface VerifyFailure {
  ok: false;
  /** The error; `error.code` is the `ack` code. */
  error: ProtocolError;
  /** The message id when it could be read: the `ack` `ref`. Without it the message is dropped (§9). */
  ref: string | undefined;
  /** Whether the device raises an `alarm` as well (P-S2). */
  alarm: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const B64URL = /^[A-Za-z0-9_-]+$/;

function failure(
  code: ErrorCode,
  rule: RuleId,
  message: string,
  ref: string | undefined,
  extra: { path?: string; cause?: unknown } = {},
): VerifyFailure {
  return {
    ok: false,
    error: new ProtocolError(code, message, { rule, ref, ...extra }),
    ref,
    alarm: ERROR_CODES[code].alarm,
  };
}

function decodeJson(segment: string, decode: (segment: string) => Uint8Array = base64url.decode): unknown {
  try {
    return JSON.parse(decoder.decode(decode(segment)));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A source system signs with a handful of keys, so the same few headers come back on every
// command; remembering their parsed form skips a decode. Bounded, since headers come from outside.
const headerCache = new Map<string, Record<string, unknown>>();

function decodeHeader(head: string, decode?: (segment: string) => Uint8Array): unknown {
  const header = decodeJson(head, decode);
  if (isObject(header)) {
    if (headerCache.size >= 16) headerCache.clear();
    headerCache.set(head, header);
  }
  return header;
}

/**
 * §9, P-X2: the `id` of a payload that is plain JSON rather than a JWS (an unsigned command), when it
 * is a string of 1–128 characters, so the refusal can still be acknowledged.
 */
function readPlainId(text: string): string | undefined {
  if (!text.startsWith('{') && !/^\s/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const { id } = value;
  return typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined;
}

interface Opened {
  ok: true;
  kid: string;
  payload: Record<string, unknown>;
  ref: string | undefined;
}

async function open<K>(input: string | Uint8Array, trust: TrustStore<K>): Promise<Opened | VerifyFailure> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > MAX_PAYLOAD_BYTES) {
    return failure(
      'invalid_message',
      'P-X3',
      `payload: expected at most ${MAX_PAYLOAD_BYTES} bytes, found ${size}`,
      undefined,
    );
  }
  let jws: string;
  try {
    jws = typeof input === 'string' ? input : decoder.decode(input);
  } catch (cause) {
    return failure('invalid_message', 'P-T3', 'payload: expected UTF-8 text', undefined, { cause });
  }
  const first = jws.indexOf('.');
  const last = jws.lastIndexOf('.');
  const head = jws.slice(0, first);
  const body = jws.slice(first + 1, last);
  const signature = jws.slice(last + 1);
  let ref: string | undefined;
  let refRead = false;
  const readRef = () => {
    if (!refRead) {
      refRead = true;
      const payload = B64URL.test(body) ? decodeJson(body) : undefined;
      if (
        isObject(payload) &&
        typeof payload.id === 'string' &&
        payload.id.length > 0 &&
        payload.id.length <= 128
      )
        ref = payload.id;
    }
    return ref;
  };
  if (first <= 0 || first === last || !B64URL.test(head) || !B64URL.test(body) || !B64URL.test(signature)) {
    return failure(
      'invalid_message',
      'P-X2',
      'payload: expected a JWS Compact Serialization (three base64url parts joined by dots)',
      readRef() ?? readPlainId(jws),
    );
  }
  const header = headerCache.get(head) ?? decodeHeader(head, trust.backend.decode);
  if (!isObject(header)) {
    return failure(
      'invalid_message',
      'P-X2',
      'JWS header: expected a base64url-encoded JSON object',
      readRef(),
      { path: 'header' },
    );
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid.length === 0) {
    return failure('unknown_key', 'P-X1', 'JWS header kid: expected a key id, found none', readRef(), {
      path: 'header.kid',
    });
  }
  const key = trust.key(kid);
  if (key === undefined) {
    return failure(
      'unknown_key',
      'P-S2',
      `JWS header kid: ${JSON.stringify(kid.slice(0, 128))} is not a trusted key`,
      readRef(),
      { path: 'header.kid' },
    );
  }
  if (header.alg !== 'EdDSA' || 'crit' in header || 'b64' in header) {
    return failure(
      'bad_signature',
      'P-X1',
      `JWS header: expected alg "EdDSA" without crit or b64, found alg ${JSON.stringify(header.alg)}`,
      readRef(),
      {
        path: 'header.alg',
      },
    );
  }
  // 64 bytes are 86 base64url characters whose last one carries 4 unused bits; only the canonical
  // form (those bits zero) is accepted, so one signature has exactly one spelling.
  if (
    signature.length !== 86 ||
    !'AQgw'.includes(signature.charAt(85)) ||
    !(await trust.backend.verify(key, jws.slice(0, last), signature))
  ) {
    return failure(
      'bad_signature',
      'P-S2',
      `JWS signature: does not verify with key ${JSON.stringify(kid)}`,
      readRef(),
      { path: 'signature' },
    );
  }
  const payload = decodeJson(body, trust.backend.decode);
  if (!isObject(payload)) {
    return failure('invalid_message', 'P-X2', 'JWS payload: expected a UTF-8 JSON object', undefined, {
      path: 'payload',
    });
  }
  if (typeof payload.id === 'string' && payload.id.length > 0 && payload.id.length <= 128) ref = payload.id;
  return { ok: true, kid, payload, ref };
}

// ── Verifying commands (device side) ────────────────────────────────────────────────────────────

/**
 * What a device knows when it checks a command (P-S2).
 *
 * @example `verifyCommand(jws, { trust, deviceId: 'loa-001', units: ['52001'], province: '52' })`
 */
export interface VerifyCommandContext<K = unknown> {
  /** The keys the device trusts. */
  trust: TrustStore<K>;
  /** The device's own id. */
  deviceId: string;
  /** Codes of the units the device lies in (commune/ward, district where it exists, province). */
  units: readonly string[];
  /** The device's province code (`{p}` of its topics): counted as one of its units, and checked on the topic (P-X8). */
  province?: string;
  /** The device's clock, ms since the epoch, with the welcome offset applied (P-H5). Default `Date.now`. */
  now?: () => number;
  /** The topic the command arrived on; when given it must be one the device subscribes to (P-X8). */
  topic?: string;
  /** The id of the device's latest `hello`: required to accept a `welcome` (P-H5, P-X7). */
  latestHelloId?: string;
  /** Whether a command id was already executed (P-S5, P-M2), e.g. `executed.has`. */
  isExecuted?: (id: string) => boolean;
  /** Whether the device can perform a command type; `false` gives `unsupported_capability`. */
  supports?: (type: CommandType) => boolean;
}

/**
 * A command that passed every check: act on it unless `duplicate` (then only ack it, P-M2).
 *
 * @example `if (r.ok && !r.duplicate) run(r.command)`
 */
export interface VerifySuccess {
  ok: true;
  /** The parsed, typed command. */
  command: Command;
  /** The kid that signed it. */
  kid: string;
  /** True when the id was executed before: ack `ok:true, duplicate:true`, do not execute (P-M2). */
  duplicate: boolean;
  /** When the command's lifetime ends (ms): keep its id as executed until then (P-S5). */
  lifetimeEnd: number;
}

/**
 * The outcome of {@link verifyCommand}.
 *
 * @example
 * ```ts
 * const r: VerifyResult = await verifyCommand(jws, ctx);
 * ```
 */
export type VerifyResult = VerifySuccess | VerifyFailure;

/**
 * When a command stops being valid (P-S2, P-X5): its `exp`, or `ts` + 24 h.
 *
 * @example
 * ```ts
 * commandLifetimeEnd({ ts: '2026-11-26T08:00:00Z' }); // Date.parse('2026-11-27T08:00:00Z')
 * ```
 */
export function commandLifetimeEnd(envelope: { ts: string; exp?: string | undefined }): number {
  return envelope.exp !== undefined
    ? Date.parse(envelope.exp)
    : Date.parse(envelope.ts) + DEFAULT_COMMAND_LIFETIME_MS;
}

/**
 * Checks a decoded command (the JSON payload of a JWS) against the catalogue: envelope, body of its
 * type and `exp` after `ts`, with no signature, time or routing check. For gateways, tools and tests;
 * a device uses {@link verifyCommand}. Valid commands take a fast path generated from the JSON Schema;
 * the result and the error messages are zod's. Never throws on bad input.
 *
 * @example
 * ```ts
 * const r = checkCommand(JSON.parse(text));
 * if (r.ok) console.log(r.command.type);
 * else console.error(r.error.code, r.error.message); // invalid_message body.media.0.size: …
 * ```
 */
export function checkCommand(
  value: unknown,
): { ok: true; command: Command } | { ok: false; error: ProtocolError } {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !Object.hasOwn(COMMAND_SCHEMAS, type)) {
    const message = `type: ${JSON.stringify(type ?? null)} is not a command of protocol v1`;
    return {
      ok: false,
      error: new ProtocolError('unsupported_type', message, { rule: 'P-E1', path: 'type' }),
    };
  }
  const parsed = safeParseCommand(type as CommandType, value);
  if (!parsed.success) return { ok: false, error: schemaError(parsed.error, 'P-S2') };
  return { ok: true, command: parsed.data as Command };
}

/**
 * Verifies a command as a device must before acting on it (§4): size, JWS form, trusted `kid`,
 * Ed25519 signature, `v`, schema, lifetime, `to` and topic, type, capability and replay, and reports
 * the first fault in the order P-S2 fixes. Never throws on bad input: the result carries a
 * {@link ProtocolError} with the wire `code`, the rule id, and the `ref` for the `ack`.
 *
 * @example
 * ```ts
 * const result = await verifyCommand(payload, { trust, deviceId: 'loa-001', units: ['52001', '52'], topic });
 * if (!result.ok) publishAck(ackBody(result));
 * else if (!result.duplicate) execute(result.command);
 * ```
 */
export async function verifyCommand<K>(
  input: string | Uint8Array,
  context: VerifyCommandContext<K>,
): Promise<VerifyResult> {
  const opened = await open(input, context.trust);
  if (!opened.ok) return opened;
  const { payload, ref, kid } = opened;
  if (payload.v !== 1 && payload.v !== undefined) {
    return failure('unsupported_version', 'P-E2', `v: expected 1, found ${JSON.stringify(payload.v)}`, ref, {
      path: 'v',
    });
  }
  const type = payload.type;
  const known = typeof type === 'string' && Object.hasOwn(COMMAND_SCHEMAS, type);
  const parsed = known
    ? safeParseCommand(type as CommandType, payload)
    : envelopeSchema.safeParse(payload, REPORT);
  if (!parsed.success) {
    const error = schemaError(parsed.error, 'P-S2', ref);
    return { ok: false, error, ref, alarm: false };
  }
  const envelope = parsed.data as {
    id: string;
    type: string;
    ts: string;
    exp?: string;
    to?: string;
    body: Record<string, unknown>;
  };
  if (envelope.to === undefined) {
    return failure(
      'invalid_message',
      'P-S2',
      'to: expected "dev:{deviceId}" or "area:{unitCode}", found nothing',
      ref,
      { path: 'to' },
    );
  }
  const lifetimeEnd = commandLifetimeEnd(envelope);
  if (envelope.type === 'welcome') {
    const helloId = (envelope.body as { helloId: string }).helloId;
    if (context.latestHelloId === undefined || helloId !== context.latestHelloId) {
      return failure(
        'expired',
        'P-X7',
        `body.helloId: expected the latest hello ${JSON.stringify(context.latestHelloId ?? null)}, found ${JSON.stringify(helloId)}`,
        ref,
        { path: 'body.helloId' },
      );
    }
  } else {
    const now = (context.now ?? Date.now)();
    if (now >= lifetimeEnd) {
      return failure(
        'expired',
        'P-S2',
        `exp: the command expired at ${new Date(lifetimeEnd).toISOString()}, now is ${new Date(now).toISOString()}`,
        ref,
        {
          path: 'exp',
        },
      );
    }
    if (Date.parse(envelope.ts) > now + MAX_CLOCK_AHEAD_MS) {
      return failure(
        'not_yet_valid',
        'P-S2',
        `ts: ${envelope.ts} lies more than 300 s ahead of the device clock ${new Date(now).toISOString()}`,
        ref,
        {
          path: 'ts',
        },
      );
    }
  }
  const misrouted = checkRoute(envelope.to, context);
  if (misrouted !== undefined)
    return failure('misrouted', misrouted.rule, misrouted.message, ref, { path: misrouted.path });
  if (!known) {
    return failure(
      'unsupported_type',
      'P-E1',
      `type: ${JSON.stringify(type)} is not a command of protocol v1`,
      ref,
      { path: 'type' },
    );
  }
  if (context.supports !== undefined && !context.supports(type as CommandType)) {
    return failure(
      'unsupported_capability',
      'P-S2',
      `type: this device cannot perform ${JSON.stringify(type)}`,
      ref,
      { path: 'type' },
    );
  }
  const duplicate = context.isExecuted?.(envelope.id) ?? false;
  return { ok: true, command: parsed.data as Command, kid, duplicate, lifetimeEnd };
}

function ownsUnit(context: VerifyCommandContext<unknown>, code: string): boolean {
  return code === context.province || context.units.includes(code);
}

function checkRoute(
  to: string,
  context: VerifyCommandContext<unknown>,
): { rule: RuleId; message: string; path: string } | undefined {
  const forUs = to.startsWith('dev:') ? to.slice(4) === context.deviceId : ownsUnit(context, to.slice(5));
  if (!forUs) {
    return {
      rule: 'P-S2',
      message: `to: ${JSON.stringify(to)} names neither dev:${context.deviceId} nor one of its units (${context.units.join(', ')})`,
      path: 'to',
    };
  }
  if (context.topic === undefined) return undefined;
  let topic: ReturnType<typeof parseTopic>;
  try {
    topic = parseTopic(context.topic);
  } catch {
    return {
      rule: 'P-X8',
      message: `topic: ${JSON.stringify(context.topic)} is not a protocol command topic`,
      path: 'topic',
    };
  }
  const own =
    ((topic.kind === 'cmd' && topic.deviceId === context.deviceId) ||
      (topic.kind === 'area' && ownsUnit(context, topic.unitCode))) &&
    (context.province === undefined || topic.province === context.province);
  if (!own) {
    return {
      rule: 'P-X8',
      message: `topic: ${JSON.stringify(context.topic)} is not this device's cmd topic nor an area topic of its units`,
      path: 'topic',
    };
  }
  return undefined;
}

/**
 * The `ack` body (§6) for a verification result: `ok:true` (with `duplicate` when so), or `ok:false`
 * with the code and message. Returns `undefined` when no id could be read: such a message is dropped
 * and counted in `status.badMessages` (§9).
 *
 * @example
 * ```ts
 * const body = ackBody(result);
 * if (body) publish(eventTopic('52', 'loa-001', 'ack'), createEvent('ack', body, { seq: next() }));
 * ```
 */
export function ackBody(
  result: VerifyResult,
): { ref: string; ok: boolean; code?: ErrorCode; message?: string; duplicate?: boolean } | undefined {
  if (result.ok)
    return result.duplicate
      ? { ref: result.command.id, ok: true, duplicate: true }
      : { ref: result.command.id, ok: true };
  if (result.ref === undefined) return undefined;
  return { ref: result.ref, ok: false, code: result.error.code as ErrorCode, message: result.error.message };
}

// ── Events (device side) and receipts (P-S4) ───────────────────────────────────────────────────

type EventType = keyof typeof EVENT_SCHEMAS;

/**
 * Builds a device event envelope (§3, P-X9) and checks it; throws `invalid_message` naming the field.
 *
 * @example
 * ```ts
 * const ack = createEvent('ack', { ref: cmd.id, ok: true }, { seq: 42 });
 * ```
 */
export function createEvent<T extends EventType>(
  type: T,
  body: EventOf<T>['body'],
  options: { seq: number; now?: number; id?: string },
): EventOf<T> {
  const now = options.now ?? Date.now();
  const parsed = safeParseEventOf(type, {
    v: 1,
    id: options.id ?? newMessageId(now),
    type,
    ts: new Date(now).toISOString(),
    seq: options.seq,
    body,
  });
  if (!parsed.success) throw schemaError(parsed.error, 'P-X9');
  return parsed.data as EventOf<T>;
}

/**
 * A receipt that passed {@link verifyReceipt}.
 *
 * @example `if (r.ok) store(r.receipt.body.seq)`
 */
export interface ReceiptSuccess {
  ok: true;
  receipt: EventOf<'receipt'>;
  /** The device key that signed it. */
  kid: string;
}

/**
 * Verifies a signed receipt on the system side (P-S4, P-R3, P-X11) against the registered device keys
 * (a {@link TrustStore} of device keys, kid = the device's key id): size, JWS form, key, signature and
 * schema; no time checks, since receipts are re-sent after outages. Pass `deviceId` to check that the
 * key belongs to the device whose topic the receipt came on (`kid` = deviceId or `deviceId:…`).
 *
 * @example
 * ```ts
 * const r = await verifyReceipt(payload, deviceKeys, { deviceId: topic.deviceId });
 * if (r.ok) store(topic.deviceId, r.receipt.body.seq, payload);
 * ```
 */
export async function verifyReceipt<K>(
  input: string | Uint8Array,
  deviceKeys: TrustStore<K>,
  options: { deviceId?: string } = {},
): Promise<ReceiptSuccess | VerifyFailure> {
  const opened = await open(input, deviceKeys);
  if (!opened.ok) return opened;
  const { kid, payload, ref } = opened;
  if (options.deviceId !== undefined && kid !== options.deviceId && !kid.startsWith(`${options.deviceId}:`)) {
    return failure(
      'misrouted',
      'P-X11',
      `JWS header kid: ${JSON.stringify(kid)} is not a key of device ${options.deviceId}`,
      ref,
      { path: 'header.kid' },
    );
  }
  if (payload.v !== 1)
    return failure('unsupported_version', 'P-E2', `v: expected 1, found ${JSON.stringify(payload.v)}`, ref, {
      path: 'v',
    });
  const parsed = safeParseEventOf('receipt', payload);
  if (!parsed.success)
    return { ok: false, error: schemaError(parsed.error, 'P-X11', ref), ref, alarm: false };
  return { ok: true, receipt: parsed.data, kid };
}
