import {
  ackBody,
  type Command,
  type CommandOf,
  type CommandType,
  createEvent,
  createSigner,
  deviceSubscriptions,
  type Ed25519Backend,
  type ErrorCode,
  type EventOf,
  eventTopic,
  newMessageId,
  presenceTopic,
  type Signer,
  type TrustAnchor,
  TrustStore,
  verifyCommand,
} from '@nguon/protocol';
import type { JWK } from 'jose';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { CachedMedia, PlayoutAdapter } from './adapters';
import { type Clock, systemClock } from './clock';
import { CONFIG_DEFAULTS, chooseContent, type DeviceConfig, mergeConfig } from './config';
import { PersistentCounter } from './counter';
import { DeviceError } from './errors';
import type { DeviceEvent } from './events';
import { pooledMessageId } from './fast-id';
import { type BlobStore, MediaCache } from './media';
import { type ReceiptInput, ReceiptJournal } from './receipt-journal';
import { ReplayStore } from './replay-store';
import { type PlayEvent, type PlayoutEntry, PlayoutScheduler, type PlayStartEvent } from './scheduler';
import type { KeyValueStore } from './store';

type EventType = 'hello' | 'status' | 'ack' | 'receipt' | 'alarm';
type AckBody = EventOf<'ack'>['body'];
type AlarmBody = EventOf<'alarm'>['body'];
type StatusBody = EventOf<'status'>['body'];
type DeliverBody = CommandOf<'bulletin.deliver'>['body'];
type MediaRef = DeliverBody['media'][number];

/**
 * MQTT connection settings (P-T1, P-T2). Any other mqtt.js option may be added; `clientId` and
 * `username` are always the device id, and `reconnectPeriod` is replaced by the runtime's own
 * backoff (P-D2).
 *
 * @example `{ url: 'mqtts://mqtt.gialai.gov.vn:8883', password: process.env.DEVICE_SECRET, protocolVersion: 5 }`
 */
export type DeviceMqttOptions = {
  /** `mqtt://host:1883`, `mqtts://host:8883`, `ws://host/mqtt` or `wss://…`. */
  url: string;
  /** Defaults to the device id (P-T2). */
  username?: string;
  /** The device secret issued at registration. */
  password?: string;
  /** 4 = MQTT 3.1.1 (default), 5 = MQTT 5.0. */
  protocolVersion?: 4 | 5;
} & Omit<
  IClientOptions,
  'clientId' | 'username' | 'password' | 'protocolVersion' | 'will' | 'reconnectPeriod'
>;

/**
 * A minimal logger (console-compatible).
 *
 * @example `logger: console`
 */
export interface DeviceLogger {
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/**
 * Options of {@link DeviceClient}.
 *
 * @example
 * ```ts
 * const options: DeviceClientOptions = { deviceId: 'loa-52001-001', province: '52', kind: 'radio',
 *   units: ['52001', '520'], mqtt: { url: 'mqtt://127.0.0.1:1883' }, trust: [anchor], privateKey: jwk,
 *   store: new MemoryStore(), blobs: new MemoryBlobStore(), adapter: new NullAdapter(),
 *   vendor: 'Acme', model: 'L1', firmware: '1.0.0' };
 * ```
 */
export interface DeviceClientOptions {
  /** `^[a-z0-9][a-z0-9-]{2,63}$` (P-T2). */
  deviceId: string;
  /** 2-digit GSO province code: the `{p}` of the topics. */
  province: string;
  kind: 'radio' | 'board';
  /** Codes of the units the device lies in (commune/ward, district where it exists); the province is added (P-TP1). */
  units: string[];
  mqtt: DeviceMqttOptions;
  /** Trust anchors from registration (P-S3). */
  trust: TrustAnchor[];
  /** Version of `trust` (default 1). A higher version saved in the store wins. */
  trustVersion?: number;
  /** The device's Ed25519 private key as a JWK; it signs receipts (P-S4). */
  privateKey: JWK;
  /** The kid of the device key in receipts (default: the device id, as the system expects). */
  keyId?: string;
  /** Persistent state (P-D1). */
  store: KeyValueStore;
  /** Media cache storage. */
  blobs: BlobStore;
  /** Bytes of media to keep (default 512 MiB). */
  mediaLimitBytes?: number;
  adapter: PlayoutAdapter;
  clock?: Clock;
  /** Used to download media (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  vendor: string;
  model: string;
  firmware: string;
  logger?: DeviceLogger;
  /** Signature backend (default jose; on Node pass `nodeBackend` from `@nguon/protocol/node`). */
  // biome-ignore lint/suspicious/noExplicitAny: a backend only ever sees the keys it imported itself
  verifyBackend?: Ed25519Backend<any>;
  /** Reconnect backoff bounds in ms (default 1000 and 60000), full jitter (P-D2). */
  reconnect?: { minMs?: number; maxMs?: number };
  /** How often uncommitted receipts are re-sent (default 60000 ms, P-R2). */
  receiptResendMs?: number;
  /** Retries of a media download that failed `media_unavailable`, and the first delay, doubling (P-D8). */
  mediaRetry?: { retries?: number; delayMs?: number };
}

interface HeldBulletin {
  version: number;
  /** When the device forgets it: the later of the command lifetime and `playout.endAt`. */
  keepUntil: number;
  body: DeliverBody;
  playsDone: number;
  /** When the last counted play started (ms), so a restored schedule keeps its interval. */
  lastStartedAt?: number;
}

const LIVE_TYPES: CommandType[] = ['live.start', 'live.stop'];
const DEFAULT_MEDIA_LIMIT = 512 * 1024 * 1024;
/** P-D20: how long a play-start `status` may wait, so a burst of acks leaves first. */
const STATUS_COALESCE_MS = 1000;

/** Runs `fn` on a later turn of the event loop, after pending I/O (Node), or as a 0 ms timer (browsers). */
const later: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => void setImmediate(fn) : (fn) => void setTimeout(fn, 0);

/**
 * The device runtime shared by loudspeakers and boards: connects over MQTT, announces itself
 * (presence, hello), verifies every command (P-S2, P-S5, P-M2), acknowledges it within 5 s, fetches
 * and verifies media, schedules playout through the {@link PlayoutScheduler}, journals signed
 * receipts exactly once (P-R1, P-R2) and reports status.
 *
 * @example
 * ```ts
 * const device = new DeviceClient(options);
 * device.on('event', (e) => console.log(JSON.stringify(e)));
 * await device.start();
 * // … later
 * await device.stop();
 * ```
 */
export class DeviceClient {
  readonly #o: DeviceClientOptions;
  readonly #clock: Clock;
  /** The device clock corrected by the welcome offset (P-H5). */
  readonly #corrected: Clock;
  readonly #listeners = new Set<(event: DeviceEvent) => void>();
  readonly #units: string[];
  #client: MqttClient | undefined;
  #trust!: TrustStore<unknown>;
  #signer!: Signer;
  #session!: PersistentCounter;
  #events!: PersistentCounter;
  #replay!: ReplayStore;
  #journal!: ReceiptJournal;
  #scheduler!: PlayoutScheduler;
  #media!: MediaCache;
  #config: DeviceConfig = { configVersion: 0 };
  #heartbeatSec: number = CONFIG_DEFAULTS.heartbeatSec;
  #offsetMs = 0;
  #online = false;
  #started = false;
  #stopping = false;
  #latestHelloId: string | undefined;
  #badMessages = 0;
  #startedAt = 0;
  #attempt = 0;
  #pipeline: Promise<void> = Promise.resolve();
  #heartbeatTimer: unknown;
  #resendTimer: unknown;
  #reconnectTimer: unknown;
  /** A play-start status waiting out its coalescing window (P-D20). */
  #statusTimer: unknown;
  #playing: { bulletinId: string; since: number; live: boolean } | undefined;
  #attention: CachedMedia | 'builtin' | false = 'builtin';
  readonly #bulletins = new Map<string, HeldBulletin>();
  readonly #pendingDeliveries = new Map<string, { cancelled: boolean }>();
  readonly #pendingAlarms: AlarmBody[] = [];
  readonly #background = new Set<Promise<unknown>>();
  #afterAck: (() => void)[] = [];

  constructor(options: DeviceClientOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    const clock = this.#clock;
    this.#corrected = {
      now: () => clock.now() + this.#offsetMs,
      setTimeout: (fn, ms) => clock.setTimeout(fn, ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    };
    this.#units = [...new Set([...options.units, options.province])];
  }

  /** The device id. @example `device.deviceId` */
  get deviceId(): string {
    return this.#o.deviceId;
  }

  /** Whether the MQTT connection is up. @example `device.online` */
  get online(): boolean {
    return this.#online;
  }

  /** The configuration in force. @example `device.config.volume` */
  get config(): DeviceConfig {
    return structuredClone(this.#config);
  }

  /** Server time minus device time, learned from `welcome` (P-H5). @example `device.clockOffsetMs` */
  get clockOffsetMs(): number {
    return this.#offsetMs;
  }

  /** Malformed payloads dropped since start (§9). @example `device.badMessages` */
  get badMessages(): number {
    return this.#badMessages;
  }

  /** The trust list version held (P-S3). @example `device.trustVersion` */
  get trustVersion(): number {
    return this.#trust.version;
  }

  /** Uncommitted receipt numbers (P-R2). @example `device.pendingReceipts()` */
  pendingReceipts(): number[] {
    return this.#journal.pending().map((r) => r.seq);
  }

  /**
   * Listens to runtime events: `connected`, `welcome`, `disconnected`, `command`, `ack`,
   * `play.start`, `play.end`, `receipt`, `alarm`, `status`, `dropped`, `error`. Returns a function
   * that removes the listener.
   *
   * @example
   * ```ts
   * const off = device.on('event', (e) => { if (e.type === 'receipt') console.log(e.seq); });
   * ```
   */
  on(_name: 'event', listener: (event: DeviceEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: DeviceEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#o.logger?.error?.(`event listener threw: ${String(error)}`);
      }
    }
  }

  #error(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.#o.logger?.error?.(err.message);
    this.#emit({
      type: 'error',
      message: err.message,
      code: DeviceError.isInstance(err) ? err.code : undefined,
    });
  }

  /**
   * Loads the persistent state, restores accepted bulletins, and connects (reconnecting on its own
   * until {@link DeviceClient.stop}). Resolves once the first connection attempt is under way; the
   * device plays restored bulletins even while offline.
   *
   * @example `await device.start();`
   */
  async start(): Promise<void> {
    if (this.#started) throw new DeviceError('invalid_config', 'start(): the device is already started');
    this.#started = true;
    const o = this.#o;
    const store = o.store;
    this.#startedAt = this.#clock.now();
    const savedTrust = await store.get<{ anchors: TrustAnchor[]; version: number }>('trust');
    const initialVersion = o.trustVersion ?? 1;
    const useSaved = savedTrust !== undefined && savedTrust.version > initialVersion;
    try {
      this.#trust = await TrustStore.create(useSaved ? savedTrust.anchors : o.trust, {
        trustVersion: useSaved ? savedTrust.version : initialVersion,
        ...(o.verifyBackend === undefined ? {} : { backend: o.verifyBackend }),
      });
      this.#signer = await createSigner({ kid: o.keyId ?? o.deviceId, privateKey: o.privateKey });
    } catch (cause) {
      this.#started = false;
      throw new DeviceError(
        'invalid_config',
        `device keys: ${cause instanceof Error ? cause.message : String(cause)}`,
        {
          path: 'trust/privateKey',
          cause,
        },
      );
    }
    this.#config = (await store.get<DeviceConfig>('config')) ?? { configVersion: 0 };
    this.#heartbeatSec =
      this.#config.heartbeatSec ?? (await store.get<number>('heartbeat-sec')) ?? CONFIG_DEFAULTS.heartbeatSec;
    this.#session = await PersistentCounter.open(store, 'session');
    this.#events = await PersistentCounter.open(store, 'event-seq');
    this.#replay = await ReplayStore.open(store, () => this.#corrected.now());
    this.#journal = await ReceiptJournal.open(store, this.#signer);
    this.#scheduler = new PlayoutScheduler({
      clock: this.#corrected,
      kind: o.kind,
      run: (item, signal) => o.adapter.play(item, signal),
      config: () => ({
        volume: this.#config.volume ?? CONFIG_DEFAULTS.volume,
        emergencyVolume: this.#config.emergencyVolume ?? CONFIG_DEFAULTS.emergencyVolume,
        timeZone: this.#config.timeZone ?? CONFIG_DEFAULTS.timeZone,
        quietHours: this.#config.quietHours,
        windows: this.#config.windows,
        attentionSignal: this.#attention,
      }),
      onStart: (e) => this.#onPlayStart(e),
      onPlay: (e) => this.#onPlayEnd(e),
      onError: (error) => this.#error(error),
    });
    this.#media = new MediaCache({
      store: o.blobs,
      limitBytes: o.mediaLimitBytes ?? DEFAULT_MEDIA_LIMIT,
      clock: this.#corrected,
      inUse: (sha) => this.#scheduler.usesMedia(sha),
      ...(o.mediaRetry?.retries === undefined ? {} : { retries: o.mediaRetry.retries }),
      ...(o.mediaRetry?.delayMs === undefined ? {} : { retryDelayMs: o.mediaRetry.delayMs }),
      ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
    });
    this.#resolveAttention();
    await this.#restoreBulletins();
    await this.#connect();
  }

  // ── Connection (P-T1, P-T2, P-H1, P-H2, P-D2) ─────────────────────────────────────────────────

  async #connect(): Promise<void> {
    const o = this.#o;
    const session = await this.#session.next();
    const { url, username, password, protocolVersion, ...rest } = o.mqtt;
    const options: IClientOptions = {
      ...rest,
      clientId: o.deviceId,
      username: username ?? o.deviceId,
      ...(password === undefined ? {} : { password }),
      protocolVersion: protocolVersion ?? 4,
      clean: rest.clean ?? true,
      resubscribe: false,
      reconnectPeriod: 0,
      connectTimeout: rest.connectTimeout ?? 10_000,
      will: this.#will(session),
    };
    const client = mqtt.connect(url, options);
    this.#client = client;
    client.on('connect', () => {
      this.#attempt = 0;
      this.#online = true;
      void this.#onConnect(client);
    });
    client.on('message', (topic, payload) => {
      // A device shutting down takes no new commands; the system re-sends what stays unacknowledged.
      if (this.#stopping) return;
      this.#pipeline = this.#pipeline
        .then(() => this.#onMessage(topic, payload))
        .catch((e) => this.#error(e));
    });
    client.on('error', (error) => {
      this.#o.logger?.warn?.(`mqtt: ${error.message}`);
    });
    client.on('close', () => {
      const wasOnline = this.#online;
      this.#online = false;
      this.#stopTimers();
      if (wasOnline) this.#emit({ type: 'disconnected' });
      if (!this.#stopping) this.#scheduleReconnect();
    });
  }

  #will(session: number): NonNullable<IClientOptions['will']> {
    return {
      topic: presenceTopic(this.#o.province, this.#o.deviceId),
      payload: new TextEncoder().encode(
        JSON.stringify({ online: false, session, ts: new Date(this.#corrected.now()).toISOString() }),
      ) as Buffer,
      qos: 1,
      retain: true,
    };
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer !== undefined) return;
    const min = this.#o.reconnect?.minMs ?? 1000;
    const max = this.#o.reconnect?.maxMs ?? 60_000;
    const ceiling = Math.min(max, min * 2 ** Math.min(this.#attempt, 16));
    this.#attempt++;
    const delay = min / 2 + Math.random() * Math.max(0, ceiling - min / 2);
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (this.#stopping) return;
      void this.#session.next().then(
        (session) => {
          const client = this.#client;
          if (this.#stopping || client === undefined) return;
          client.options.will = this.#will(session);
          client.reconnect();
        },
        (e) => this.#error(e),
      );
    }, delay);
  }

  async #onConnect(client: MqttClient): Promise<void> {
    const o = this.#o;
    const session = this.#session.value;
    try {
      const topics = deviceSubscriptions(o.province, o.deviceId, this.#units);
      const granted = await client.subscribeAsync(topics, { qos: 1 });
      const refused = granted.filter((g) => g.qos === 128 || (g.qos as number) > 2);
      if (refused.length > 0) {
        this.#error(
          new DeviceError(
            'internal',
            `broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`,
          ),
        );
      }
      await client.publishAsync(
        presenceTopic(o.province, o.deviceId),
        JSON.stringify({ online: true, session, ts: new Date(this.#corrected.now()).toISOString() }),
        { qos: 1, retain: true },
      );
      this.#emit({ type: 'connected', session, url: o.mqtt.url });
      const helloId = newMessageId(this.#corrected.now());
      this.#latestHelloId = helloId;
      await this.#publishEvent(
        'hello',
        {
          kind: o.kind,
          vendor: o.vendor,
          model: o.model,
          firmware: o.firmware,
          protocols: [1],
          units: this.#units,
          capabilities: o.adapter.capabilities(),
          receiptsPendingFrom: this.#journal.pendingFrom(),
        },
        helloId,
      );
      this.#startHeartbeat();
    } catch (error) {
      if (this.#online) this.#error(error);
    }
  }

  // ── Publishing ──────────────────────────────────────────────────────────────────────────────────

  async #publish(topic: string, payload: string, qos: 0 | 1 = 1): Promise<boolean> {
    const client = this.#client;
    if (client === undefined || !this.#online) return false;
    try {
      await client.publishAsync(topic, payload, { qos, retain: false });
      return true;
    } catch (error) {
      this.#o.logger?.warn?.(`publish ${topic}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  async #publishEvent<T extends EventType>(type: T, body: EventOf<T>['body'], id?: string): Promise<boolean> {
    if (!this.#online) return false;
    const seq = await this.#events.next();
    const now = this.#corrected.now();
    // A positive ack is built from a verified command id and fixed fields only: it skips the schema
    // pass every other event gets, and its id comes from a pooled random buffer.
    const event =
      type === 'ack' && (body as AckBody).ok && id === undefined
        ? { v: 1, id: pooledMessageId(now), type, ts: new Date(now).toISOString(), seq, body }
        : createEvent(type, body, { seq, now, ...(id === undefined ? {} : { id }) });
    return this.#publish(
      eventTopic(this.#o.province, this.#o.deviceId, type),
      JSON.stringify(event),
      type === 'status' ? 0 : 1,
    );
  }

  async #ack(body: AckBody, topic: string): Promise<void> {
    if (await this.#publishEvent('ack', body)) this.#emit({ type: 'ack', ...body, topic });
  }

  async #alarm(body: AlarmBody): Promise<void> {
    this.#emit({ type: 'alarm', ...body });
    if (!(await this.#publishEvent('alarm', body))) {
      // Kept for the next welcome (P-D1), the latest 100 at most.
      this.#pendingAlarms.push(body);
      if (this.#pendingAlarms.length > 100) this.#pendingAlarms.shift();
    }
  }

  // ── Commands (§4, §6) ───────────────────────────────────────────────────────────────────────────

  async #onMessage(topic: string, payload: Uint8Array): Promise<void> {
    const o = this.#o;
    const result = await verifyCommand(payload, {
      trust: this.#trust,
      deviceId: o.deviceId,
      units: this.#units,
      province: o.province,
      topic,
      now: () => this.#corrected.now(),
      latestHelloId: this.#latestHelloId,
      isExecuted: (id) => this.#replay.has(id),
      supports: (type) => !LIVE_TYPES.includes(type) || typeof o.adapter.live === 'function',
    });
    if (!result.ok) {
      // §9: verifyCommand gives a `ref` whenever an id can be read, plain JSON included (P-X2).
      const body = ackBody(result);
      if (body === undefined) {
        this.#badMessages++;
        this.#emit({ type: 'dropped', topic, reason: result.error.message, badMessages: this.#badMessages });
        return;
      }
      this.#emit({
        type: 'command',
        id: body.ref,
        commandType: undefined,
        topic,
        ok: false,
        code: result.error.code as ErrorCode,
      });
      await this.#ack(body, topic);
      if (result.alarm)
        await this.#alarm({ code: result.error.code, message: result.error.message, ref: body.ref });
      return;
    }
    const command = result.command;
    const bulletinId =
      command.type === 'bulletin.deliver'
        ? command.body.bulletin.id
        : command.type === 'bulletin.revoke'
          ? command.body.bulletinId
          : undefined;
    this.#emit({
      type: 'command',
      id: command.id,
      commandType: command.type,
      topic,
      ok: true,
      duplicate: result.duplicate,
      ...(bulletinId === undefined ? {} : { bulletinId }),
    });
    if (result.duplicate) {
      await this.#ack({ ref: command.id, ok: true, duplicate: true }, topic);
      return;
    }
    let extra: Partial<AckBody>;
    this.#afterAck = [];
    try {
      extra = await this.#execute(command, result.lifetimeEnd);
    } catch (error) {
      this.#error(error);
      const code: ErrorCode =
        DeviceError.isInstance(error) &&
        error.code !== 'invalid_config' &&
        error.code !== 'store' &&
        error.code !== 'closed'
          ? error.code
          : 'internal';
      await this.#ack(
        { ref: command.id, ok: false, code, message: error instanceof Error ? error.message : String(error) },
        topic,
      );
      return;
    }
    await this.#replay.add(command.id, result.lifetimeEnd);
    await this.#ack({ ref: command.id, ok: true, ...extra }, topic);
    // Playout starts only once the ack is out, and on a later turn of the event loop, so that a burst
    // of deliveries is acknowledged before any of them starts playing (P-D20).
    const afterAck = this.#afterAck.splice(0);
    if (afterAck.length > 0) {
      this.#track(
        new Promise<void>((resolve) =>
          later(() => {
            try {
              if (!this.#stopping) for (const next of afterAck) next();
            } finally {
              resolve();
            }
          }),
        ),
      );
    }
    if (command.type === 'welcome') await this.#afterWelcome();
    if (command.type === 'device.selftest') this.#track(this.#selfTest());
  }

  async #execute(command: Command, lifetimeEnd: number): Promise<Partial<AckBody>> {
    switch (command.type) {
      case 'welcome':
        await this.#welcome(command);
        return {};
      case 'bulletin.deliver':
        return this.#deliver(command.body, lifetimeEnd);
      case 'bulletin.revoke':
        await this.#revoke(command.body.bulletinId);
        return {};
      case 'playback.stop':
        this.#scheduler.stopAll();
        return {};
      case 'live.start':
        this.#startLive(command.id, command.body);
        return {};
      case 'live.stop':
        this.#scheduler.stopLive();
        return {};
      case 'config.set':
        await this.#applyConfig(mergeConfig(this.#config, command.body));
        return {};
      case 'keys.update':
        await this.#updateTrust(command.body.trust, command.body.trustVersion);
        return {};
      case 'receipts.commit':
        await this.#journal.commit(command.body.upTo);
        return {};
      case 'device.ping':
        return { deviceTime: new Date(this.#clock.now()).toISOString() };
      case 'device.selftest':
        return {};
    }
  }

  async #welcome(command: CommandOf<'welcome'>): Promise<void> {
    const body = command.body;
    this.#offsetMs = Date.parse(body.serverTime) - this.#clock.now();
    // The scheduler's pending timer was set on the old time: re-plan on the corrected clock.
    this.#scheduler.configChanged();
    await this.#updateTrust(body.trust, body.trustVersion);
    if (body.config.configVersion >= this.#config.configVersion) {
      await this.#applyConfig(
        body.config.configVersion === this.#config.configVersion ? undefined : body.config,
        false,
      );
    }
    if (this.#config.heartbeatSec === undefined && body.heartbeatSec !== this.#heartbeatSec) {
      this.#heartbeatSec = body.heartbeatSec;
      await this.#o.store.set('heartbeat-sec', body.heartbeatSec);
    }
    await this.#journal.commit(body.receiptsCommittedUpTo);
    this.#emit({
      type: 'welcome',
      helloId: body.helloId,
      clockOffsetMs: this.#offsetMs,
      trustVersion: this.#trust.version,
      configVersion: this.#config.configVersion,
    });
  }

  async #afterWelcome(): Promise<void> {
    this.#startHeartbeat();
    await this.#publishStatus();
    const alarms = this.#pendingAlarms.splice(0);
    for (const alarm of alarms) await this.#publishEvent('alarm', alarm);
    await this.#resendReceipts();
  }

  async #updateTrust(anchors: TrustAnchor[], version: number): Promise<void> {
    if (await this.#trust.update(anchors, version)) {
      await this.#o.store.set('trust', { anchors: this.#trust.anchors(), version: this.#trust.version });
    }
  }

  async #applyConfig(next: DeviceConfig | undefined, announce = true): Promise<void> {
    if (next === undefined) return;
    const before = this.#config;
    this.#config = next;
    await this.#o.store.set('config', next);
    if (next.heartbeatSec !== undefined) this.#heartbeatSec = next.heartbeatSec;
    if (next.volume !== before.volume && next.volume !== undefined)
      await this.#o.adapter.setVolume?.(next.volume);
    if (JSON.stringify(next.attentionSignal) !== JSON.stringify(before.attentionSignal))
      this.#resolveAttention();
    this.#scheduler.configChanged();
    if (announce && this.#online) {
      this.#startHeartbeat();
      await this.#publishStatus();
    }
  }

  #resolveAttention(): void {
    const signal = this.#config.attentionSignal;
    if (signal === false) {
      this.#attention = false;
      return;
    }
    this.#attention = 'builtin';
    if (signal === undefined) return;
    this.#track(
      this.#media.ensure(signal).then(
        (cached) => {
          if (JSON.stringify(this.#config.attentionSignal) === JSON.stringify(signal)) {
            this.#attention = cached;
            this.#scheduler.configChanged();
          }
        },
        (error: unknown) =>
          this.#alarm({
            code: DeviceError.isInstance(error) ? error.code : 'media_unavailable',
            message: `attention signal: ${error instanceof Error ? error.message : String(error)}`,
          }),
      ),
    );
  }

  // ── Bulletins (P-B1, P-B2, P-M1, P-M3) ─────────────────────────────────────────────────────────

  async #deliver(body: DeliverBody, lifetimeEnd: number): Promise<Partial<AckBody>> {
    const id = body.bulletin.id;
    const held = this.#bulletins.get(id);
    if (held !== undefined && held.version >= body.bulletin.version) return { duplicate: true };
    const endAt = body.playout.endAt === undefined ? 0 : Date.parse(body.playout.endAt);
    const entry: HeldBulletin = {
      version: body.bulletin.version,
      keepUntil: Math.max(lifetimeEnd, endAt),
      body,
      playsDone: 0,
    };
    this.#bulletins.set(id, entry);
    await this.#saveBulletin(id, entry);
    this.#afterAck.push(() => this.#schedule(entry));
    return {};
  }

  /** Fetches the chosen media in the background, then hands the bulletin to the scheduler. */
  #schedule(held: HeldBulletin): void {
    const { bulletin, playout, media } = held.body;
    const content = chooseContent(bulletin.contents, this.#config.languages ?? CONFIG_DEFAULTS.languages);
    const main = this.#mainMedia(content, media);
    // Speech hints reach the adapter once the playout view carries them (bulletin contents have `tts`).
    const tts = (content as { tts?: { voice?: string; rate?: number } }).tts;
    const images =
      this.#o.kind === 'board'
        ? media.filter(
            (m) =>
              m.mime.startsWith('image/') && m !== main && (m.lang === undefined || m.lang === content.lang),
          )
        : [];
    const ticket = { cancelled: false };
    const previous = this.#pendingDeliveries.get(bulletin.id);
    if (previous !== undefined) previous.cancelled = true;
    this.#pendingDeliveries.set(bulletin.id, ticket);
    const fetchStarted = this.#corrected.now();
    const task = (async () => {
      let cachedMain: CachedMedia | undefined;
      let cachedImages: CachedMedia[] = [];
      try {
        [cachedMain, cachedImages] = await this.#fetchMedia(main, images);
      } catch (error) {
        if (ticket.cancelled) return;
        this.#pendingDeliveries.delete(bulletin.id);
        const code: ErrorCode =
          DeviceError.isInstance(error) && error.code === 'media_integrity'
            ? 'media_integrity'
            : 'media_unavailable';
        const message = error instanceof Error ? error.message : String(error);
        await this.#alarm({ code, message, bulletinId: bulletin.id });
        const now = this.#corrected.now();
        await this.#receipt({
          bulletinId: bulletin.id,
          ...(main === undefined ? {} : { mediaSha256: main.sha256 }),
          lang: content.lang,
          startedAt: new Date(fetchStarted).toISOString(),
          endedAt: new Date(now).toISOString(),
          outcome: 'failed',
          reason: `${code}: ${message}`,
          offline: !this.#online,
        });
        await this.#forgetBulletin(bulletin.id);
        return;
      }
      if (ticket.cancelled) return;
      this.#pendingDeliveries.delete(bulletin.id);
      const entry: PlayoutEntry = {
        bulletinId: bulletin.id,
        version: bulletin.version,
        priority: playout.priority,
        category: bulletin.category,
        lang: content.lang,
        title: content.title ?? bulletin.title,
        ...(content.text === undefined ? {} : { text: content.text }),
        ...(tts === undefined ? {} : { tts }),
        ...(cachedMain === undefined
          ? {}
          : {
              media: {
                ...cachedMain,
                ...(main?.durationSec === undefined ? {} : { durationSec: main.durationSec }),
              },
            }),
        ...(cachedImages.length === 0 ? {} : { images: cachedImages }),
        startAt: playout.startAt,
        endAt: playout.endAt,
        repeat: playout.repeat,
        windows: playout.windows,
        durationSec: main?.durationSec,
        playsDone: held.playsDone,
        lastStartedAt: held.lastStartedAt,
      };
      this.#scheduler.add(entry);
    })();
    this.#track(task);
  }

  #fetchMedia(
    main: MediaRef | undefined,
    images: MediaRef[],
  ): Promise<[CachedMedia | undefined, CachedMedia[]]> {
    return Promise.all([
      main === undefined ? undefined : this.#media.ensure(main),
      Promise.all(images.map((m) => this.#media.ensure(m))),
    ]);
  }

  #mainMedia(
    content: { lang: string; mediaSha256?: string | undefined },
    media: MediaRef[],
  ): MediaRef | undefined {
    if (content.mediaSha256 !== undefined) {
      return (
        media.find(
          (m) => m.sha256 === content.mediaSha256 && (m.lang === undefined || m.lang === content.lang),
        ) ?? media.find((m) => m.sha256 === content.mediaSha256)
      );
    }
    const playable = (m: MediaRef) =>
      this.#o.kind === 'radio'
        ? m.mime.startsWith('audio/')
        : m.mime.startsWith('video/') || m.mime.startsWith('image/');
    return (
      media.find((m) => playable(m) && m.lang === content.lang) ??
      media.find((m) => playable(m) && m.lang === undefined)
    );
  }

  async #revoke(bulletinId: string): Promise<void> {
    const pending = this.#pendingDeliveries.get(bulletinId);
    if (pending !== undefined) pending.cancelled = true;
    this.#pendingDeliveries.delete(bulletinId);
    this.#scheduler.revoke(bulletinId);
    await this.#forgetBulletin(bulletinId);
  }

  async #saveBulletin(id: string, held: HeldBulletin): Promise<void> {
    await this.#o.store.set(`bulletin/${id}`, held);
  }

  async #forgetBulletin(id: string): Promise<void> {
    this.#bulletins.delete(id);
    await this.#o.store.delete(`bulletin/${id}`);
  }

  /** P-D4: accepted bulletins survive a reboot, with the plays already done counted. */
  async #restoreBulletins(): Promise<void> {
    const now = this.#corrected.now();
    for (const key of await this.#o.store.keys('bulletin/')) {
      const held = await this.#o.store.get<HeldBulletin>(key);
      if (held === undefined || held.keepUntil <= now) {
        await this.#o.store.delete(key);
        continue;
      }
      const id = key.slice('bulletin/'.length);
      this.#bulletins.set(id, held);
      this.#schedule(held);
    }
  }

  #pruneBulletins(): void {
    const now = this.#corrected.now();
    for (const [id, held] of this.#bulletins) {
      if (held.keepUntil <= now && this.#playing?.bulletinId !== id) this.#track(this.#forgetBulletin(id));
    }
  }

  // ── Playout → receipts (P-R1, P-R2, P-S4) ─────────────────────────────────────────────────────

  #onPlayStart(e: PlayStartEvent): void {
    this.#playing = { bulletinId: e.bulletinId, since: e.startedAt, live: e.live === true };
    this.#emit({
      type: 'play.start',
      bulletinId: e.bulletinId,
      lang: e.lang,
      priority: e.priority,
      play: e.play,
      live: e.live === true,
      startedAt: new Date(e.startedAt).toISOString(),
    });
    this.#deferStatus();
  }

  /**
   * P-D20: the status of a play start waits up to {@link STATUS_COALESCE_MS}, so that it never
   * competes with the acks of a burst; any status published meanwhile (play end, config, heartbeat)
   * already carries the state and replaces it.
   */
  #deferStatus(): void {
    if (this.#statusTimer !== undefined || !this.#online) return;
    this.#statusTimer = this.#clock.setTimeout(() => {
      this.#statusTimer = undefined;
      this.#track(this.#publishStatus());
    }, STATUS_COALESCE_MS);
  }

  #cancelDeferredStatus(): boolean {
    if (this.#statusTimer === undefined) return false;
    this.#clock.clearTimeout(this.#statusTimer);
    this.#statusTimer = undefined;
    return true;
  }

  #onPlayEnd(e: PlayEvent): void {
    if (this.#playing?.bulletinId === e.bulletinId) this.#playing = undefined;
    this.#emit({
      type: 'play.end',
      bulletinId: e.bulletinId,
      lang: e.lang,
      outcome: e.outcome,
      ...(e.reason === undefined ? {} : { reason: e.reason }),
      startedAt: new Date(e.startedAt).toISOString(),
      endedAt: new Date(e.endedAt).toISOString(),
    });
    // Count the play against the bulletin held (P-D4) unless it comes back anyway: preempted plays are
    // rescheduled, and a play cut by shutdown is played again after the restart.
    const held = e.live === true ? undefined : this.#bulletins.get(e.bulletinId);
    if (held !== undefined && held.version === e.version) {
      if (e.outcome === 'skipped') {
        this.#track(this.#forgetBulletinIfSame(e.bulletinId, held));
      } else if (e.outcome !== 'preempted' && e.reason !== 'shutdown') {
        held.playsDone++;
        held.lastStartedAt = e.startedAt;
        const count = held.body.playout.repeat?.count ?? 1;
        this.#track(
          held.playsDone >= count
            ? this.#forgetBulletinIfSame(e.bulletinId, held)
            : this.#saveBulletin(e.bulletinId, held),
        );
      }
    }
    this.#track(
      this.#receipt({
        bulletinId: e.bulletinId,
        ...(e.mediaSha256 === undefined ? {} : { mediaSha256: e.mediaSha256 }),
        lang: e.lang,
        startedAt: new Date(e.startedAt).toISOString(),
        endedAt: new Date(e.endedAt).toISOString(),
        outcome: e.outcome,
        ...(e.reason === undefined ? {} : { reason: e.reason }),
        offline: !this.#online,
      }),
    );
    this.#track(this.#publishStatus());
  }

  async #forgetBulletinIfSame(id: string, held: HeldBulletin): Promise<void> {
    if (this.#bulletins.get(id) === held) await this.#forgetBulletin(id);
  }

  async #receipt(input: ReceiptInput): Promise<void> {
    const eventSeq = await this.#events.next();
    const entry = await this.#journal.append(input, { eventSeq, now: this.#corrected.now() });
    const sent = await this.#publish(eventTopic(this.#o.province, this.#o.deviceId, 'receipt'), entry.jws);
    this.#emit({
      type: 'receipt',
      seq: entry.seq,
      bulletinId: input.bulletinId,
      outcome: input.outcome,
      sent,
      resent: false,
    });
  }

  async #resendReceipts(): Promise<void> {
    const topic = eventTopic(this.#o.province, this.#o.deviceId, 'receipt');
    for (const entry of this.#journal.pending()) {
      if (!this.#online) return;
      const sent = await this.#publish(topic, entry.jws);
      this.#emit({ type: 'receipt', seq: entry.seq, sent, resent: true });
    }
  }

  // ── Live relay (through the scheduler's priorities) ────────────────────────────────────────

  #startLive(id: string, body: CommandOf<'live.start'>['body']): void {
    const adapter = this.#o.adapter;
    const live = adapter.live;
    if (live === undefined) throw new DeviceError('unsupported_capability', 'this device has no live relay');
    const started = this.#scheduler.live({
      id,
      priority: body.priority,
      until: body.until,
      // `until` rides along for adapters that time the relay themselves; the scheduler stops it anyway.
      run: (signal) => {
        const source = { url: body.url, format: body.format, until: body.until };
        return live.call(adapter, source, signal);
      },
    });
    if (!started) {
      throw new DeviceError('expired', `body.until: ${body.until} has already passed`, {
        path: 'body.until',
      });
    }
  }

  // ── Status (P-H4), self-test, timers ────────────────────────────────────────────────────────────

  #statusBody(): StatusBody {
    const state = this.#playing === undefined ? 'idle' : this.#playing.live ? 'live' : 'playing';
    return {
      state,
      ...(this.#playing === undefined
        ? {}
        : {
            playing: {
              bulletinId: this.#playing.bulletinId,
              since: new Date(this.#playing.since).toISOString(),
            },
          }),
      volume: this.#config.volume ?? CONFIG_DEFAULTS.volume,
      configVersion: this.#config.configVersion,
      uptimeSec: Math.max(0, Math.floor((this.#clock.now() - this.#startedAt) / 1000)),
      deviceTime: new Date(this.#clock.now()).toISOString(),
      badMessages: this.#badMessages,
    };
  }

  async #publishStatus(override?: Partial<StatusBody>): Promise<void> {
    this.#cancelDeferredStatus();
    if (!this.#online) return;
    // Free room in the media cache: what the device can still take without evicting (P-H4).
    const limit = this.#o.mediaLimitBytes ?? DEFAULT_MEDIA_LIMIT;
    const used = await this.#media.usedBytes().catch(() => undefined);
    const body = {
      ...this.#statusBody(),
      ...(used === undefined ? {} : { storageFreeBytes: Math.max(0, limit - used) }),
      ...override,
    };
    if (await this.#publishEvent('status', body)) this.#emit({ type: 'status', state: body.state });
  }

  async #selfTest(): Promise<void> {
    const result = await this.#o.adapter.selfTest();
    if (!result.ok) {
      const failed = result.checks.filter((c) => !c.ok);
      await this.#publishStatus({ state: 'error' });
      await this.#alarm({
        code: 'selftest_failed',
        message: failed.map((c) => `${c.name}: ${c.message ?? 'failed'}`).join('; '),
      });
    } else {
      await this.#publishStatus();
    }
  }

  #startHeartbeat(): void {
    if (this.#heartbeatTimer !== undefined) this.#clock.clearTimeout(this.#heartbeatTimer);
    const tick = () => {
      this.#heartbeatTimer = this.#clock.setTimeout(() => {
        if (!this.#online) return;
        this.#pruneBulletins();
        this.#track(this.#publishStatus());
        tick();
      }, this.#heartbeatSec * 1000);
    };
    tick();
    if (this.#resendTimer !== undefined) this.#clock.clearTimeout(this.#resendTimer);
    const resend = () => {
      this.#resendTimer = this.#clock.setTimeout(() => {
        if (!this.#online) return;
        if (this.#journal.pending().length > 0) this.#track(this.#resendReceipts());
        resend();
      }, this.#o.receiptResendMs ?? 60_000);
    };
    resend();
  }

  #stopTimers(): void {
    this.#cancelDeferredStatus();
    if (this.#heartbeatTimer !== undefined) this.#clock.clearTimeout(this.#heartbeatTimer);
    if (this.#resendTimer !== undefined) this.#clock.clearTimeout(this.#resendTimer);
    this.#heartbeatTimer = undefined;
    this.#resendTimer = undefined;
  }

  #track<T>(promise: Promise<T>): void {
    const tracked = promise.then(
      () => undefined,
      (error: unknown) => this.#error(error),
    );
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  /**
   * Resolves when every command received so far is handled and every receipt, status and alarm
   * it caused is written (tests, graceful shutdown).
   *
   * @example `await device.idle();`
   */
  async idle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await this.#pipeline;
      // A status still waiting out its coalescing window goes now (P-D20).
      if (this.#cancelDeferredStatus()) this.#track(this.#publishStatus());
      if (this.#background.size === 0) break;
      await Promise.all(this.#background);
    }
    await this.#journal.flush();
    await this.#events.flush();
  }

  /**
   * Stops gracefully: stops playout (the current play ends `interrupted`, with its receipt
   * journaled), publishes presence offline, flushes the journal and counters, closes the MQTT
   * connection and the adapter.
   *
   * @example
   * ```ts
   * process.on('SIGTERM', () => device.stop().then(() => process.exit(0)));
   * ```
   */
  async stop(): Promise<void> {
    if (!this.#started || this.#stopping) return;
    this.#stopping = true;
    if (this.#reconnectTimer !== undefined) this.#clock.clearTimeout(this.#reconnectTimer);
    for (const pending of this.#pendingDeliveries.values()) pending.cancelled = true;
    await this.#scheduler.close();
    await this.idle();
    this.#stopTimers();
    const client = this.#client;
    if (client !== undefined) {
      if (this.#online) {
        try {
          await client.publishAsync(
            presenceTopic(this.#o.province, this.#o.deviceId),
            JSON.stringify({
              online: false,
              session: this.#session.value,
              ts: new Date(this.#corrected.now()).toISOString(),
            }),
            { qos: 1, retain: true },
          );
        } catch (error) {
          this.#o.logger?.warn?.(`presence offline: ${String(error)}`);
        }
      }
      await client.endAsync();
    }
    this.#online = false;
    await this.#o.adapter.close?.();
  }
}
