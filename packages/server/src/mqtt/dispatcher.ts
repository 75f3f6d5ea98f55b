import { hostname } from 'node:os';
import type { Bulletin } from '@nguon/bulletin';
import {
  areaTopic,
  COMMAND_TYPES,
  type CommandBody,
  type CommandType,
  commandTopic,
  createCommand,
  type DeviceEvent,
  deliverBodyFromBulletin,
  type EventOf,
  ProtocolError,
  parseEvent,
  parsePresence,
  type Signer,
  safeParseTopic,
  type TrustAnchor,
} from '@nguon/protocol';
import { type Kysely, sql } from 'kysely';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import type { Database, DevicesTable, Tables } from '../db';
import { ServerError } from '../errors';
import type { DeviceHub, SentCommand } from '../hub';
import type { ScopeUnits } from '../scope';
import { loadSigningKeys } from './keys';
import { ReceiptIngest, type ReceiptIngestStats } from './receipts';

/**
 * Which device kinds a bulletin channel reaches: `radio_ip` (IP loudspeaker clusters) → `radio`,
 * `board` (electronic bulletin boards) → `board`. The other channels of Decree 49/2024 (newsletter,
 * web portal, SMS…) reach no device.
 *
 * @example
 * ```ts
 * CHANNEL_DEVICE_KINDS.radio_ip; // 'radio'
 * ```
 */
export const CHANNEL_DEVICE_KINDS: Readonly<Record<string, 'radio' | 'board'>> = {
  radio_ip: 'radio',
  board: 'board',
};

/**
 * The MQTT client id of a source-system instance when none is given: `nguon-{province}-{hostname}`.
 * It is the same at every start, as the dispatcher's persistent session needs.
 *
 * @example
 * ```ts
 * defaultClientId('52'); // 'nguon-52-srv-gialai-1'
 * ```
 */
export function defaultClientId(province: string): string {
  return `nguon-${province}-${hostname().replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/**
 * Options of {@link createDispatcher}.
 *
 * @example
 * ```ts
 * const options: DispatcherOptions = {
 *   db, province: '52', mqtt: { url: 'mqtt://127.0.0.1:1883', clientId: 'nguon-52-a' },
 *   endpoints: { url: 'mqtts://mqtt.example.gov.vn:8883' }, units: new ScopeUnits(loadUnits(), () => new Date()),
 * };
 * ```
 */
export interface DispatcherOptions {
  db: Database;
  /** GSO code of the province this system serves (`{p}` of every topic). */
  province: string;
  /** How the system connects to the broker. */
  mqtt: {
    url: string;
    username?: string | undefined;
    password?: string | undefined;
    /** Stable per instance, since the session is persistent (default `nguon-{p}-{hostname}`). */
    clientId?: string | undefined;
    /** `4` (MQTT 3.1.1, default) or `5`. */
    protocolVersion?: 4 | 5 | undefined;
    /** MQTT 5: how long the broker keeps the session (and queued events) after a disconnect (default 86400). */
    sessionExpirySec?: number | undefined;
    /** How long `createDispatcher` keeps trying to reach the broker before it throws (default 30000). */
    connectTimeoutMs?: number | undefined;
  };
  /** The broker addresses handed to devices at registration. */
  endpoints: { url: string; wsUrl?: string | undefined };
  /** Unit lookups (the server's `ScopeUnits`); or give `anc`. */
  units?: ScopeUnits | undefined;
  /** Every unit above a code, nearest first; used when `units` is not given. */
  anc?: ((code: string) => readonly string[]) | undefined;
  /** The clock (default `() => new Date()`). */
  now?: (() => Date) | undefined;
  logger?: pino.Logger | undefined;
  /** `heartbeatSec` in `welcome` unless the device's config sets one (default 60). */
  heartbeatSec?: number | undefined;
  /** When set, device events are a shared subscription of this group: each is handled by one instance. */
  sharedGroup?: string | undefined;
  /** How often coalesced `status` events are written, in ms (default 1000). */
  statusFlushMs?: number | undefined;
  receipts?: { threads?: number | undefined } | undefined;
  /** Called by `deviceChanged` (the embedded broker refreshes its authentication and ACL here). */
  onBrokerAuthChange?: ((deviceId: string) => Promise<void>) | undefined;
  /**
   * Publishes commands (QoS 1) instead of the dispatcher's own MQTT connection; resolves once the
   * broker has taken the message. `startSystem` passes the embedded broker's in-process publish, so a
   * command does not wait behind the PUBACKs of a receipt burst on that connection.
   */
  publishCommand?: ((topic: string, payload: string) => Promise<void>) | undefined;
}

/**
 * Counters of a {@link Dispatcher}.
 *
 * @example
 * ```ts
 * const { events, badMessages } = dispatcher.stats();
 * ```
 */
export interface DispatcherStats {
  /** Events handled, by type (`hello`, `status`, `ack`, `receipt`, `alarm`, `presence`). */
  events: Record<string, number>;
  /** Payloads that were not a valid event or presence. */
  badMessages: number;
  /** Events from device ids that are not registered. */
  unknownDevices: number;
  /** Signed commands published (area and device topics, re-sends included). */
  commandsSent: number;
  /** Time from publish to the broker's PUBACK, in ms. */
  publishLatencyMs: { count: number; p50: number; p99: number; max: number };
  /** Receipt ingestion: received, verified, unverified, duplicates, malformed, stored. */
  receipts: ReceiptIngestStats;
}

/**
 * The MQTT side of the source system: a {@link DeviceHub} plus `close()` and `stats()`.
 *
 * @example
 * ```ts
 * const dispatcher = await createDispatcher(options);
 * await dispatcher.publishBulletin(bulletin);
 * await dispatcher.close();
 * ```
 */
export interface Dispatcher extends DeviceHub {
  /** Counters since start. */
  stats(): DispatcherStats;
  /** Writes pending status, waits for the events in hand, disconnects. */
  close(): Promise<void>;
}

type DeviceRow = Pick<
  DevicesTable,
  'id' | 'kind' | 'units' | 'unit_path' | 'body' | 'config_version' | 'receipts_committed'
>;

interface CachedCommand {
  type: string;
  deviceId: string | null;
  bulletinId: string | null;
}

interface PendingStatus {
  body: string;
  at: string;
  offset: number;
}

const DAY_MS = 24 * 3_600_000;
const DEVICE_TTL_MS = 10_000;
const PUBLISH_WAIT_MS = 5_000;
const CHUNK = 500;

function pathCodes(unitPath: string): string[] {
  return unitPath.split('|').filter((c) => c.length > 0);
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * Connects the source system to the broker and returns the {@link Dispatcher}: it signs and sends
 * `bulletin.deliver` once per area (P-TP3), answers `hello` with `welcome` and re-sends what a device
 * missed (P-H3), records acks, presence (P-H1), status, alarms and receipts, and sends one-device
 * commands. Several instances may run on one database and broker (`sharedGroup`).
 *
 * @throws {ServerError} `config` for a bad province code, or when the broker cannot be reached (or
 * refuses the login) within `mqtt.connectTimeoutMs`.
 * @example
 * ```ts
 * const dispatcher = await createDispatcher({
 *   db, province: '52', mqtt: { url: 'mqtt://127.0.0.1:1883' }, endpoints: { url: 'mqtts://mqtt.example.gov.vn:8883' },
 *   units: new ScopeUnits(loadUnits(), () => new Date()),
 * });
 * const server = createServer({ db, hub: dispatcher });
 * ```
 */
export async function createDispatcher(options: DispatcherOptions): Promise<Dispatcher> {
  const { db, province } = options;
  if (!/^[0-9]{2}$/.test(province)) {
    throw new ServerError(
      'config',
      `province: expected a 2-digit GSO code, found ${JSON.stringify(province)}`,
    );
  }
  const k: Kysely<Tables> = db.kysely;
  const now = options.now ?? (() => new Date());
  const log = options.logger ?? pino({ level: 'silent' });
  const anc = (code: string, at?: string): readonly string[] =>
    options.units ? options.units.ancestorsOf(code, at) : (options.anc?.(code) ?? []);
  const heartbeatSec = options.heartbeatSec ?? 60;
  let keys = await loadSigningKeys(db, { province, now });
  const signer = (): Signer => keys.signer;

  const counters = {
    events: {} as Record<string, number>,
    badMessages: 0,
    unknownDevices: 0,
    commandsSent: 0,
  };
  const latencies: number[] = [];
  let badLoggedAt = 0;
  let badSinceLog = 0;
  const bad = (topic: string, message: string) => {
    counters.badMessages++;
    badSinceLog++;
    const t = Date.now();
    if (t - badLoggedAt >= 10_000) {
      log.warn({ topic, reason: message, count: badSinceLog }, 'bad device messages dropped');
      badLoggedAt = t;
      badSinceLog = 0;
    }
  };
  const count = (type: string) => {
    counters.events[type] = (counters.events[type] ?? 0) + 1;
  };

  // ── Devices, cached briefly (several instances: a registration elsewhere shows within 10 s) ──
  const deviceCache = new Map<string, { row: DeviceRow | undefined; at: number }>();
  async function device(id: string, fresh = false): Promise<DeviceRow | undefined> {
    const hit = deviceCache.get(id);
    if (!fresh && hit && Date.now() - hit.at < DEVICE_TTL_MS) return hit.row;
    const row = await k
      .selectFrom('devices')
      .select(['id', 'kind', 'units', 'unit_path', 'body', 'config_version', 'receipts_committed'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (deviceCache.size > 50_000) deviceCache.clear();
    deviceCache.set(id, { row, at: Date.now() });
    return row;
  }

  // ── Recent commands, so that an ack needs no lookup ──
  const recent = new Map<string, CachedCommand>();
  const remember = (id: string, c: CachedCommand) => {
    if (recent.size >= 20_000) recent.delete(recent.keys().next().value as string);
    recent.set(id, c);
  };
  /** Ids of welcome and receipts.commit: not stored, their acks need nothing. */
  const internal = new Set<string>();
  const rememberInternal = (id: string) => {
    if (internal.size >= 20_000) internal.delete(internal.values().next().value as string);
    internal.add(id);
  };
  const waiters = new Map<string, () => void>();

  // ── MQTT ──
  const clientId = options.mqtt.clientId ?? defaultClientId(province);
  let closing = false;
  const client: MqttClient = mqtt.connect(options.mqtt.url, {
    clientId,
    clean: false,
    reconnectPeriod: 1000,
    protocolVersion: options.mqtt.protocolVersion ?? 4,
    // MQTT 5 ends a session at disconnect unless told otherwise; 3.1.1 keeps it (clean: false).
    ...(options.mqtt.protocolVersion === 5
      ? { properties: { sessionExpiryInterval: options.mqtt.sessionExpirySec ?? 86_400 } }
      : {}),
    ...(options.mqtt.username === undefined ? {} : { username: options.mqtt.username }),
    ...(options.mqtt.password === undefined ? {} : { password: options.mqtt.password }),
  });
  // The broker may start after the server: keep trying, but not for ever.
  const connectTimeoutMs = options.mqtt.connectTimeoutMs ?? 30_000;
  await new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (error: Error) => {
      lastError = error;
    };
    const timer = setTimeout(() => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.end(true);
      reject(
        new ServerError(
          'config',
          `mqtt: could not connect to ${options.mqtt.url} as ${clientId} within ${connectTimeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`,
          { cause: lastError },
        ),
      );
    }, connectTimeoutMs);
    const onConnect = () => {
      clearTimeout(timer);
      client.off('error', onError);
      resolve();
    };
    client.once('connect', onConnect);
    client.on('error', onError);
  });
  client.on('error', (error) => {
    if (!closing) log.warn({ err: error }, 'mqtt error');
  });
  client.on('offline', () => log.warn('mqtt offline, reconnecting'));

  /**
   * Publishes QoS 1 and waits for the PUBACK, at most PUBLISH_WAIT_MS: with the broker away the
   * message stays in mqtt.js's queue (sent on reconnect) and the caller — an HTTP request — goes on;
   * what a device misses reaches it after its next hello (P-H3).
   */
  async function publish(topic: string, payload: string): Promise<void> {
    const started = performance.now();
    counters.commandsSent++;
    const sent = options.publishCommand
      ? options.publishCommand(topic, payload)
      : client.publishAsync(topic, payload, { qos: 1 });
    const acked = sent.then(
      () => {
        if (latencies.length >= 10_000) latencies.splice(0, 5_000);
        latencies.push(performance.now() - started);
      },
      (error: unknown) => {
        if (!closing) log.warn({ err: error, topic }, 'publish failed');
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.warn({ topic }, 'no PUBACK yet: the command stays queued for the reconnect');
        resolve();
      }, PUBLISH_WAIT_MS);
    });
    await Promise.race([acked, late]);
    clearTimeout(timer);
  }

  async function signFor<T extends CommandType>(
    type: T,
    body: CommandBody<T>,
    to: string,
    at: number,
    expMs: number,
  ): Promise<{ id: string; jws: string; exp: string }> {
    const ttlSec = Math.max(1, Math.floor((expMs - at) / 1000));
    const command = createCommand(type, body, { to, now: at, ttlSec });
    const jws = await signer().sign(command);
    return { id: command.id, jws, exp: command.exp ?? new Date(at + DAY_MS).toISOString() };
  }

  // ── Handling events ──
  const inFlight = new Set<Promise<void>>();

  client.on('message', (topic, payload) => {
    if (closing) return;
    const job = handle(topic, payload).catch((error: unknown) =>
      log.error({ err: error, topic }, 'device message failed'),
    );
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  });

  async function handle(topic: string, payload: Buffer): Promise<void> {
    const where = safeParseTopic(topic);
    if (where === undefined || where.province !== province) return bad(topic, 'not a topic of this province');
    if (where.kind === 'presence') return onPresence(topic, payload);
    if (where.kind !== 'event') return;
    // A hello always reads the registry afresh: a device registered through another instance is known.
    const row = await device(where.deviceId, where.event === 'hello');
    if (row === undefined) {
      counters.unknownDevices++;
      log.debug({ device: where.deviceId, topic }, 'event from an unregistered device ignored');
      return;
    }
    if (where.event === 'receipt') {
      count('receipt');
      return onReceipt(row, payload);
    }
    const parsed = parseEvent(topic, payload);
    if (!parsed.ok) return bad(topic, parsed.error.message);
    const event: DeviceEvent = parsed.event;
    count(event.type);
    switch (event.type) {
      case 'hello':
        return onHello(row, event);
      case 'ack':
        return onAck(row, event);
      case 'status':
        return onStatus(row, event);
      case 'alarm':
        await k
          .insertInto('alarms')
          .values({
            device_id: row.id,
            code: event.body.code,
            message: event.body.message ?? null,
            ref: event.body.ref ?? null,
            bulletin_id: event.body.bulletinId ?? null,
            at: now().toISOString(),
          })
          .execute();
        return;
      default:
        return;
    }
  }

  async function onPresence(topic: string, payload: Buffer): Promise<void> {
    if (payload.length === 0) return; // a retained presence being cleared
    const parsed = parsePresence(topic, payload);
    if (!parsed.ok) return bad(topic, parsed.error.message);
    count('presence');
    const row = await device(parsed.deviceId);
    if (row === undefined) {
      counters.unknownDevices++;
      return;
    }
    const { online, session } = parsed.presence;
    const at = now().toISOString();
    // P-H1: a newer session wins; within a session only online → offline (the will). Conditional,
    // so that several instances seeing the same retained message take it once.
    const result = await k
      .updateTable('devices')
      .set({ online: online ? 1 : 0, presence_session: session, presence_since: at })
      .where('id', '=', row.id)
      .where((eb) =>
        online
          ? eb('presence_session', '<', session)
          : eb.or([
              eb('presence_session', '<', session),
              eb.and([eb('presence_session', '=', session), eb('online', '=', 1)]),
            ]),
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      log.debug({ device: row.id, session, online }, 'older presence ignored');
      return;
    }
    await k
      .insertInto('presence_log')
      .values({ device_id: row.id, session, online: online ? 1 : 0, at })
      .execute();
  }

  async function onHello(row: DeviceRow, event: EventOf<'hello'>): Promise<void> {
    const at = now();
    const hello = event.body;
    const offset = Date.parse(event.ts) - at.getTime();
    const body = parseJson<Record<string, unknown>>(row.body, {});
    body.hello = {
      vendor: hello.vendor,
      model: hello.model,
      firmware: hello.firmware,
      protocols: hello.protocols,
      units: hello.units,
      capabilities: hello.capabilities,
    };
    await k
      .updateTable('devices')
      .set({
        vendor: hello.vendor,
        model: hello.model,
        firmware: hello.firmware,
        body: JSON.stringify(body),
        last_hello_at: at.toISOString(),
        clock_offset_ms: offset,
      })
      .where('id', '=', row.id)
      .execute();
    const current = { ...row, body: JSON.stringify(body) };
    const config = body.config as Record<string, unknown> | undefined;
    const welcome = {
      helloId: event.id,
      serverTime: at.toISOString(),
      heartbeatSec: typeof config?.heartbeatSec === 'number' ? config.heartbeatSec : heartbeatSec,
      config: { ...(config ?? {}), configVersion: current.config_version },
      trust: keys.trust,
      trustVersion: keys.trustVersion,
      receiptsCommittedUpTo: current.receipts_committed,
    } as CommandBody<'welcome'>;
    const signed = await signFor('welcome', welcome, `dev:${row.id}`, at.getTime(), at.getTime() + 300_000);
    rememberInternal(signed.id);
    const topic = commandTopic(province, row.id);
    await publish(topic, signed.jws);
    await resend(current, topic, at);
  }

  /** P-H3: every bulletin still valid for the device that it has not acknowledged, identical. */
  async function resend(row: DeviceRow, topic: string, at: Date): Promise<void> {
    const codes = pathCodes(row.unit_path);
    if (codes.length === 0) return;
    const targets = codes.map((c) => `area:${c}`);
    const nowIso = at.toISOString();
    const delivers = await k
      .selectFrom('commands as c')
      .innerJoin('bulletins as b', 'b.id', 'c.bulletin_id')
      .leftJoin('deliveries as d', (j) =>
        j.onRef('d.bulletin_id', '=', 'c.bulletin_id').on('d.device_id', '=', row.id),
      )
      .select(['c.id', 'c.jws', 'c.bulletin_id', 'c.bulletin_version', 'b.body', 'd.state'])
      .where('c.type', '=', 'bulletin.deliver')
      .where('c.target', 'in', [...targets, `dev:${row.id}`])
      .where('c.expires_at', '>', nowIso)
      .where('b.status', '=', 'published')
      .orderBy('c.sent_at')
      .execute();
    const seen = new Set<string>();
    const missing: { bulletin: string; version: number; command: string }[] = [];
    const again: string[] = [];
    for (const c of delivers) {
      const bulletinId = c.bulletin_id as string;
      if (seen.has(bulletinId)) continue;
      seen.add(bulletinId);
      if (c.state !== null && c.state !== 'pending') continue;
      const bulletin = parseJson<{ channels?: string[] }>(c.body, {});
      const kinds = new Set((bulletin.channels ?? []).map((ch) => CHANNEL_DEVICE_KINDS[ch]));
      if (!kinds.has(row.kind as 'radio' | 'board')) continue;
      if (c.state === null)
        missing.push({ bulletin: bulletinId, version: c.bulletin_version ?? 0, command: c.id });
      remember(c.id, { type: 'bulletin.deliver', deviceId: null, bulletinId });
      again.push(c.jws);
    }
    if (missing.length > 0) {
      const unit = parseJson<string[]>(row.units, [])[0] ?? province;
      await k
        .insertInto('deliveries')
        .values(
          missing.map((m) => ({
            bulletin_id: m.bulletin,
            device_id: row.id,
            version: m.version,
            state: 'pending',
            unit_code: unit,
            command_id: m.command,
            acked_at: null,
            played_at: null,
            outcome: null,
            reason: null,
            updated_at: nowIso,
          })),
        )
        .onConflict((oc) => oc.columns(['bulletin_id', 'device_id']).doNothing())
        .execute();
    }
    for (const jws of again) await publish(topic, jws);
    // A revoke the device missed while offline stops a bulletin it still holds (P-Q2).
    const revokes = await k
      .selectFrom('commands as c')
      .innerJoin('deliveries as d', (j) =>
        j.onRef('d.bulletin_id', '=', 'c.bulletin_id').on('d.device_id', '=', row.id),
      )
      .select(['c.id', 'c.jws', 'c.bulletin_id'])
      .where('c.type', '=', 'bulletin.revoke')
      .where('c.target', 'in', [...targets, `dev:${row.id}`])
      .where('c.expires_at', '>', nowIso)
      .execute();
    const revoked = new Set<string>();
    for (const r of revokes) {
      if (revoked.has(r.bulletin_id as string)) continue;
      revoked.add(r.bulletin_id as string);
      rememberInternal(r.id);
      await publish(topic, r.jws);
    }
  }

  async function onAck(row: DeviceRow, event: EventOf<'ack'>): Promise<void> {
    const ack = event.body;
    if (internal.has(ack.ref)) return;
    let command = recent.get(ack.ref);
    if (command === undefined) {
      const stored = await k
        .selectFrom('commands')
        .select(['type', 'device_id', 'bulletin_id'])
        .where('id', '=', ack.ref)
        .executeTakeFirst();
      if (stored === undefined) {
        log.debug({ device: row.id, ref: ack.ref }, 'ack of an unknown command');
        return;
      }
      command = { type: stored.type, deviceId: stored.device_id, bulletinId: stored.bulletin_id };
      remember(ack.ref, command);
    }
    const at = now().toISOString();
    if (command.deviceId === null) {
      // An area command: the delivery of its bulletin to this device.
      if (command.type !== 'bulletin.deliver' || command.bulletinId === null) return;
      await k
        .updateTable('deliveries')
        .set(
          ack.ok
            ? { state: 'acked', acked_at: at, updated_at: at }
            : { state: 'failed', reason: ack.code ?? 'failed', updated_at: at },
        )
        .where('bulletin_id', '=', command.bulletinId)
        .where('device_id', '=', row.id)
        .where('state', '=', 'pending')
        .execute();
      return;
    }
    if (command.deviceId !== row.id) {
      log.warn({ device: row.id, ref: ack.ref }, 'ack of a command sent to another device ignored');
      return;
    }
    await k
      .updateTable('commands')
      .set({ state: ack.ok ? 'acked' : 'failed', ack: JSON.stringify(ack) })
      .where('id', '=', ack.ref)
      .where('state', 'in', ['sent', 'timeout'])
      .execute();
    if (command.type === 'bulletin.deliver' && command.bulletinId !== null) {
      await k
        .updateTable('deliveries')
        .set(
          ack.ok
            ? { state: 'acked', acked_at: at, updated_at: at }
            : { state: 'failed', reason: ack.code ?? 'failed', updated_at: at },
        )
        .where('bulletin_id', '=', command.bulletinId)
        .where('device_id', '=', row.id)
        .where('state', '=', 'pending')
        .execute();
    }
    waiters.get(ack.ref)?.();
  }

  // ── Status, coalesced per device and written at most every statusFlushMs ──
  const pendingStatus = new Map<string, PendingStatus>();
  function onStatus(row: DeviceRow, event: EventOf<'status'>): void {
    const at = now();
    pendingStatus.set(row.id, {
      body: JSON.stringify(event.body),
      at: at.toISOString(),
      offset: Date.parse(event.body.deviceTime) - at.getTime(),
    });
  }
  let flushing: Promise<void> = Promise.resolve();
  async function flushStatus(): Promise<void> {
    if (pendingStatus.size === 0) return;
    const batch = [...pendingStatus.entries()];
    pendingStatus.clear();
    for (let i = 0; i < batch.length; i += CHUNK) {
      const part = batch.slice(i, i + CHUNK);
      if (db.dialect === 'postgres') {
        const values = sql.join(
          part.map(([id, s]) => sql`(${id}, ${s.body}, ${s.at}, ${s.offset}::double precision)`),
        );
        await sql`update devices set last_status = v.body, last_status_at = v.at, clock_offset_ms = v.off
          from (values ${values}) as v(id, body, at, off) where devices.id = v.id`.execute(k);
      } else {
        await k.transaction().execute(async (tx) => {
          for (const [id, s] of part) {
            await tx
              .updateTable('devices')
              .set({ last_status: s.body, last_status_at: s.at, clock_offset_ms: s.offset })
              .where('id', '=', id)
              .execute();
          }
        });
      }
    }
  }
  const statusTimer = setInterval(() => {
    flushing = flushing
      .then(flushStatus)
      .catch((error: unknown) => log.error({ err: error }, 'status flush failed'));
  }, options.statusFlushMs ?? 1000);
  statusTimer.unref();

  // ── Receipts: verified and stored in batches; each stored batch commits (P-R2) ──
  const receipts = ReceiptIngest.create({
    db,
    now,
    logger: log,
    ...(options.receipts?.threads === undefined ? {} : { threads: options.receipts.threads }),
    onCommitted: (deviceId, upTo) => {
      const job = commitReceipts(deviceId, upTo).catch((error: unknown) =>
        log.error({ err: error, device: deviceId }, 'receipts.commit failed'),
      );
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
    },
  });
  async function commitReceipts(deviceId: string, upTo: number): Promise<void> {
    const at = now().getTime();
    const signed = await signFor('receipts.commit', { upTo }, `dev:${deviceId}`, at, at + DAY_MS);
    rememberInternal(signed.id);
    await publish(commandTopic(province, deviceId), signed.jws);
  }
  function onReceipt(row: DeviceRow, payload: Buffer): void {
    receipts.push(row.id, payload.toString('utf8'));
  }

  // ── Subscriptions ──
  const eventFilter = `nguon/v1/${province}/dev/+/evt/+`;
  await client.subscribeAsync({
    [options.sharedGroup ? `$share/${options.sharedGroup}/${eventFilter}` : eventFilter]: { qos: 1 },
    [`nguon/v1/${province}/dev/+/presence`]: { qos: 1 },
  });

  // ── The hub ──
  function inProvince(code: string, at?: string): boolean {
    return code === province || anc(code, at).includes(province);
  }

  async function publishBulletin(b: Bulletin): Promise<void> {
    const kinds = [...new Set(b.channels.map((c) => CHANNEL_DEVICE_KINDS[c]).filter((x) => x !== undefined))];
    if (kinds.length === 0) {
      log.info({ bulletin: b.id }, 'no device channel: nothing to dispatch');
      return;
    }
    const at = now();
    const atMs = at.getTime();
    const unitsAt = b.targets.units?.at;
    const requested = [...new Set(b.targets.units?.codes ?? [])];
    const codes = requested.filter((code) => {
      if (inProvince(code, unitsAt)) return true;
      log.warn({ bulletin: b.id, code, province }, 'target outside this province skipped');
      return false;
    });
    const wanted = new Set(codes);
    // P-TP3: a target under another target is covered by that one's publish.
    const areas = codes.filter((code) => !anc(code, unitsAt).some((a) => wanted.has(a)));
    const end = b.schedule.end === undefined ? undefined : Date.parse(b.schedule.end);
    const expMs = end ?? Math.max(atMs, Date.parse(b.schedule.start)) + DAY_MS;
    if (expMs <= atMs) {
      log.warn({ bulletin: b.id, end: b.schedule.end }, 'bulletin already ended: nothing dispatched');
      return;
    }
    const body = deliverBodyFromBulletin(b);
    const signed: { code: string; id: string; jws: string; exp: string }[] = [];
    for (const code of areas) {
      signed.push({ code, ...(await signFor('bulletin.deliver', body, `area:${code}`, atMs, expMs)) });
    }
    // Devices named in the targets and not reached by an area get the command on their own topic.
    const named = [...new Set(b.targets.devices ?? [])];
    const direct: { deviceId: string; units: string; id: string; jws: string; exp: string }[] = [];
    if (named.length > 0) {
      const rows = await k
        .selectFrom('devices')
        .select(['id', 'units', 'unit_path'])
        .where('id', 'in', named)
        .where('kind', 'in', kinds)
        .execute();
      for (const d of rows) {
        const codesOfDevice = new Set(pathCodes(d.unit_path));
        if (areas.some((code) => codesOfDevice.has(code))) continue;
        const cmd = await signFor('bulletin.deliver', body, `dev:${d.id}`, atMs, expMs);
        direct.push({ deviceId: d.id, units: d.units, ...cmd });
      }
      if (rows.length < named.length) {
        log.warn(
          { bulletin: b.id, named: named.length, found: rows.length },
          'some target devices are unknown or of another kind',
        );
      }
    }
    if ((b.targets.deviceGroups ?? []).length > 0) {
      log.warn({ bulletin: b.id }, 'device groups are not supported yet: skipped');
    }
    const sentAt = at.toISOString();
    const commandRow = (id: string, target: string, deviceId: string | null, jws: string, exp: string) => ({
      id,
      type: 'bulletin.deliver',
      target,
      device_id: deviceId,
      bulletin_id: b.id,
      bulletin_version: b.version,
      sent_at: sentAt,
      expires_at: exp,
      state: 'sent',
      ack: null,
      jws,
    });
    const deliveryRow = (deviceId: string, units: string, commandId: string | null) => ({
      bulletin_id: b.id,
      device_id: deviceId,
      version: b.version,
      state: 'pending',
      unit_code: parseJson<string[]>(units, [])[0] ?? province,
      command_id: commandId,
      acked_at: null,
      played_at: null,
      outcome: null,
      reason: null,
      updated_at: sentAt,
    });
    await k.transaction().execute(async (tx) => {
      const commands = [
        ...signed.map((s) => commandRow(s.id, `area:${s.code}`, null, s.jws, s.exp)),
        ...direct.map((d) => commandRow(d.id, `dev:${d.deviceId}`, d.deviceId, d.jws, d.exp)),
      ];
      for (let i = 0; i < commands.length; i += CHUNK) {
        await tx
          .insertInto('commands')
          .values(commands.slice(i, i + CHUNK))
          .execute();
      }
      // Deliveries before the publish, so that an ack never arrives before its row.
      const devices =
        signed.length === 0
          ? []
          : await tx
              .selectFrom('devices')
              .select(['id', 'units', 'unit_path'])
              .where('kind', 'in', kinds)
              .where((eb) => eb.or(signed.map((s) => eb('unit_path', 'like', `%|${s.code}|%`))))
              .execute();
      const rows = [
        ...devices.map((d) => {
          const codesOfDevice = new Set(pathCodes(d.unit_path));
          return deliveryRow(d.id, d.units, signed.find((s) => codesOfDevice.has(s.code))?.id ?? null);
        }),
        ...direct.map((d) => deliveryRow(d.deviceId, d.units, d.id)),
      ];
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx
          .insertInto('deliveries')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['bulletin_id', 'device_id']).doUpdateSet({
              version: b.version,
              state: 'pending',
              command_id: (eb) => eb.ref('excluded.command_id'),
              acked_at: null,
              reason: null,
              updated_at: sentAt,
            }),
          )
          .execute();
      }
    });
    for (const s of signed) {
      remember(s.id, { type: 'bulletin.deliver', deviceId: null, bulletinId: b.id });
      await publish(areaTopic(province, s.code), s.jws);
    }
    for (const d of direct) {
      remember(d.id, { type: 'bulletin.deliver', deviceId: d.deviceId, bulletinId: b.id });
      await publish(commandTopic(province, d.deviceId), d.jws);
    }
    log.info(
      { bulletin: b.id, areas: signed.map((s) => s.code), devices: direct.length },
      'bulletin dispatched',
    );
  }

  async function revokeBulletin(b: Bulletin): Promise<void> {
    const targets = await k
      .selectFrom('commands')
      .select('target')
      .distinct()
      .where('bulletin_id', '=', b.id)
      .where('type', '=', 'bulletin.deliver')
      .execute();
    const at = now();
    const sentAt = at.toISOString();
    for (const { target } of targets) {
      const signed = await signFor(
        'bulletin.revoke',
        { bulletinId: b.id },
        target,
        at.getTime(),
        at.getTime() + DAY_MS,
      );
      const deviceId = target.startsWith('dev:') ? target.slice(4) : null;
      await k
        .insertInto('commands')
        .values({
          id: signed.id,
          type: 'bulletin.revoke',
          target,
          device_id: deviceId,
          bulletin_id: b.id,
          bulletin_version: b.version,
          sent_at: sentAt,
          expires_at: signed.exp,
          state: 'sent',
          ack: null,
          jws: signed.jws,
        })
        .execute();
      rememberInternal(signed.id);
      const topic =
        deviceId === null ? areaTopic(province, target.slice(5)) : commandTopic(province, deviceId);
      await publish(topic, signed.jws);
    }
    log.info({ bulletin: b.id, targets: targets.length }, 'bulletin revoked on devices');
  }

  async function readCommand(id: string, deviceId: string): Promise<SentCommand> {
    const r = await k.selectFrom('commands').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return {
      id: r.id,
      deviceId,
      type: r.type,
      state: r.state as SentCommand['state'],
      sentAt: r.sent_at,
      expiresAt: r.expires_at,
      ...(r.ack === null ? {} : { ack: parseJson<SentCommand['ack']>(r.ack, undefined) }),
    };
  }

  async function sendCommand(
    deviceId: string,
    type: string,
    body: Record<string, unknown>,
    sendOptions: { waitMs?: number | undefined; ttlSec?: number | undefined } = {},
  ): Promise<SentCommand> {
    if (!(COMMAND_TYPES as string[]).includes(type) || type === 'welcome') {
      throw new ServerError(
        'invalid',
        `type: expected a command of protocol v1 other than welcome, found ${JSON.stringify(type)}`,
      );
    }
    const row = await device(deviceId, true);
    if (row === undefined) throw new ServerError('not_found', `no device ${deviceId}`);
    const at = now();
    let commandBody = body;
    if (type === 'config.set') {
      // Checked before anything is stored: a refused config must not reach the next welcome.
      const { configVersion: _ignored, ...requested } = body;
      let fields: Record<string, unknown>;
      try {
        const checked = createCommand(
          'config.set',
          { ...requested, configVersion: 1 } as CommandBody<'config.set'>,
          {
            to: `dev:${deviceId}`,
            now: at.getTime(),
          },
        );
        const { configVersion: _version, ...known } = checked.body;
        fields = known;
      } catch (error) {
        if (ProtocolError.isInstance(error)) {
          throw new ServerError('invalid', `config.set: ${error.message}`, { cause: error });
        }
        throw error;
      }
      // The system owns configVersion (only grows): one more than the last sent, stored with the config.
      commandBody = await k.transaction().execute(async (tx) => {
        await tx
          .updateTable('devices')
          .set((eb) => ({ config_version: eb('config_version', '+', 1) }))
          .where('id', '=', deviceId)
          .execute();
        const current = await tx
          .selectFrom('devices')
          .select(['config_version', 'body'])
          .where('id', '=', deviceId)
          .executeTakeFirstOrThrow();
        const stored = parseJson<Record<string, unknown>>(current.body, {});
        stored.config = { ...((stored.config as Record<string, unknown> | undefined) ?? {}), ...fields };
        await tx
          .updateTable('devices')
          .set({ body: JSON.stringify(stored) })
          .where('id', '=', deviceId)
          .execute();
        deviceCache.delete(deviceId);
        return { ...fields, configVersion: current.config_version };
      });
    }
    let signed: { id: string; jws: string; exp: string };
    try {
      signed = await signFor(
        type as CommandType,
        commandBody as CommandBody<CommandType>,
        `dev:${deviceId}`,
        at.getTime(),
        at.getTime() + (sendOptions.ttlSec ?? 300) * 1000,
      );
    } catch (error) {
      if (ProtocolError.isInstance(error)) {
        throw new ServerError('invalid', `${type}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    const bulletinId = type === 'bulletin.revoke' ? String(body.bulletinId) : null;
    await k
      .insertInto('commands')
      .values({
        id: signed.id,
        type,
        target: `dev:${deviceId}`,
        device_id: deviceId,
        bulletin_id: bulletinId,
        bulletin_version: null,
        sent_at: at.toISOString(),
        expires_at: signed.exp,
        state: 'sent',
        ack: null,
        jws: signed.jws,
      })
      .execute();
    remember(signed.id, { type, deviceId, bulletinId: null });
    const waitMs = sendOptions.waitMs ?? 0;
    let wake: () => void = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    if (waitMs > 0) waiters.set(signed.id, wake);
    try {
      await publish(commandTopic(province, deviceId), signed.jws);
      if (waitMs <= 0) return await readCommand(signed.id, deviceId);
      // The ack may be handled by another instance: poll the row as well as waiting in memory.
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        const state = await k
          .selectFrom('commands')
          .select('state')
          .where('id', '=', signed.id)
          .executeTakeFirst();
        if (state !== undefined && state.state !== 'sent') return await readCommand(signed.id, deviceId);
        await Promise.race([woken, new Promise((r) => setTimeout(r, Math.min(50, deadline - Date.now())))]);
      }
      await k
        .updateTable('commands')
        .set({ state: 'timeout' })
        .where('id', '=', signed.id)
        .where('state', '=', 'sent')
        .execute();
      return await readCommand(signed.id, deviceId);
    } finally {
      waiters.delete(signed.id);
    }
  }

  return {
    province,
    endpoints: () => ({ ...options.endpoints }),
    async trust(): Promise<{ trust: TrustAnchor[]; trustVersion: number }> {
      keys = await loadSigningKeys(db, { province, now });
      return { trust: keys.trust, trustVersion: keys.trustVersion };
    },
    publishBulletin,
    revokeBulletin,
    sendCommand,
    async deviceChanged(deviceId: string): Promise<void> {
      deviceCache.delete(deviceId);
      receipts.forgetDevice(deviceId);
      await options.onBrokerAuthChange?.(deviceId);
    },
    stats(): DispatcherStats {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        events: { ...counters.events },
        badMessages: counters.badMessages,
        unknownDevices: counters.unknownDevices,
        commandsSent: counters.commandsSent,
        publishLatencyMs: {
          count: sorted.length,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          max: sorted.at(-1) ?? 0,
        },
        receipts: receipts.stats(),
      };
    },
    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      clearInterval(statusTimer);
      await Promise.allSettled([...inFlight]);
      await receipts.flush();
      await Promise.allSettled([...inFlight]);
      await receipts.close();
      await flushing;
      await flushStatus();
      await client.endAsync();
    },
  };
}
