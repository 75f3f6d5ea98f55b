import {
  areaTopic,
  type CommandBody,
  type CommandType,
  commandTopic,
  generateSigningKey,
  presenceTopic,
  type Signer,
  signCommand,
  type TrustAnchor,
  TrustStore,
  verifyReceipt,
} from '@nguon/protocol';
import { nodeBackend } from '@nguon/protocol/node';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { TestkitError } from './errors';

/**
 * The source system's signing key: the signer and the anchor devices trust.
 *
 * @example
 * ```ts
 * const key: SystemKey = await generateSystemKey('gl-2026-1');
 * ```
 */
export interface SystemKey {
  signer: Signer;
  anchor: TrustAnchor;
}

/**
 * Generates an Ed25519 system key (kid `kid`) for a simulation.
 *
 * @example
 * ```ts
 * const key = await generateSystemKey('sim-system-1');
 * new DeviceSimulator({ ...options, trust: [key.anchor] });
 * ```
 */
export async function generateSystemKey(kid = 'sim-system-1'): Promise<SystemKey> {
  const { signer, anchor } = await generateSigningKey(kid);
  return { signer, anchor };
}

/**
 * Options of {@link SystemPublisher.connect}.
 *
 * @example `{ url: broker.url, province: '52', key }`
 */
export interface SystemPublisherOptions {
  url: string;
  /** 2-digit province code: the publisher listens to `nguon/v1/{province}/dev/+/evt/+`. */
  province: string;
  key: SystemKey;
  /** Answer each `hello` with a signed `welcome` (default true). */
  autoWelcome?: boolean;
  /** `heartbeatSec` sent in welcomes (default 60). */
  heartbeatSec?: number;
  /** Send `receipts.commit` after each verified receipt (default true). */
  commitReceipts?: boolean;
  /**
   * QoS of the wildcard subscription to device events (default 1). Use 0 to count acks from
   * thousands of devices through a broker that caps the QoS 1 queue per subscriber (Mosquitto's
   * `max_queued_messages` is 1000 and `max_inflight_messages` 20 by default: beyond them acks to a
   * single subscriber are dropped or trickle).
   */
  listenQos?: 0 | 1;
  /** Extra mqtt.js options (username, password, protocolVersion …). */
  mqtt?: Omit<IClientOptions, 'reconnectPeriod'>;
}

/**
 * How the devices acknowledged one published command, timed from the publish.
 *
 * @example
 * ```ts
 * const t = await system.waitForAcks(sent.id, 1000);
 * console.log(`${t.ok} ok in ${t.lastMs.toFixed(0)} ms`);
 * ```
 */
export interface AckTally {
  ref: string;
  /** Distinct devices that acked. */
  devices: number;
  ok: number;
  refused: number;
  /** Acks beyond the first per device. */
  duplicates: number;
  codes: Record<string, number>;
  /** ms from just before the publish to the first and to the latest first-ack of a device. */
  firstMs: number | undefined;
  lastMs: number | undefined;
}

/**
 * Receipt counters of a {@link SystemPublisher}.
 *
 * @example `system.receiptStats().verified`
 */
export interface ReceiptStats {
  /** Receipts whose signature verified with the device's key, stored once per (device, seq). */
  verified: number;
  /** Receipts that failed verification (or came from a device without a known key). */
  rejected: number;
  /** Verified receipts received again for a (device, seq) already stored. */
  duplicates: number;
  /** Devices with at least one stored receipt. */
  devices: number;
}

interface Tally {
  publishedAt: number;
  devices: Set<string>;
  ok: number;
  refused: number;
  duplicates: number;
  codes: Record<string, number>;
  firstMs: number | undefined;
  lastMs: number | undefined;
  waiters: { expected: number; resolve: () => void }[];
}

/**
 * Signs and publishes commands the way a provincial source system does (one publish on
 * `area/{unitCode}` reaches every device of the unit, P-TP3) and listens to every device of the
 * province with one wildcard subscription: answers `hello` with `welcome`, counts acks per command
 * and times the last one, verifies receipts with the devices' keys and commits them, counts alarms.
 *
 * @example
 * ```ts
 * const system = await SystemPublisher.connect({ url: broker.url, province: '52', key });
 * const sent = await system.publishArea('52', 'bulletin.deliver', body);
 * const tally = await system.waitForAcks(sent.id, 10_000);
 * console.log(`all acked in ${tally.lastMs} ms`);
 * await system.close();
 * ```
 */
export class SystemPublisher {
  /** Where to find a device's receipt key (kid = device id); receipts of unknown devices are rejected. */
  receiptKeys: (deviceId: string) => TrustAnchor | undefined = () => undefined;
  readonly #client: MqttClient;
  readonly #o: SystemPublisherOptions;
  readonly #tallies = new Map<string, Tally>();
  readonly #receipts = new Map<string, Set<number>>();
  readonly #trust = new Map<string, Promise<TrustStore<unknown>>>();
  readonly #alarms: Record<string, number> = {};
  #receiptStats = { verified: 0, rejected: 0, duplicates: 0 };
  #hellos = 0;
  #welcomes = 0;
  #errors = 0;

  private constructor(client: MqttClient, options: SystemPublisherOptions) {
    this.#client = client;
    this.#o = options;
    client.on('message', (topic, payload) => this.#onMessage(topic, payload));
  }

  /**
   * Connects and subscribes to `nguon/v1/{province}/dev/+/evt/+` (QoS `listenQos`, default 1).
   *
   * @example `const system = await SystemPublisher.connect({ url, province: '52', key })`
   */
  static async connect(options: SystemPublisherOptions): Promise<SystemPublisher> {
    let client: MqttClient;
    try {
      client = await mqtt.connectAsync(options.url, {
        clientId: `nguon-system-${Math.random().toString(36).slice(2, 10)}`,
        ...options.mqtt,
        reconnectPeriod: 0,
      });
    } catch (cause) {
      throw new TestkitError(
        'broker_unreachable',
        `SystemPublisher: cannot connect to ${options.url}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
    const system = new SystemPublisher(client, options);
    await client.subscribeAsync(`nguon/v1/${options.province}/dev/+/evt/+`, { qos: options.listenQos ?? 1 });
    return system;
  }

  /** `hello`s seen, `welcome`s sent (counted as the publish starts) and local errors. @example `system.handshakes().welcomes` */
  handshakes(): { hellos: number; welcomes: number; errors: number } {
    return { hellos: this.#hellos, welcomes: this.#welcomes, errors: this.#errors };
  }

  /** Alarms received, by code. @example `system.alarms().bad_signature` */
  alarms(): Record<string, number> {
    return { ...this.#alarms };
  }

  /** Receipt counters. @example `system.receiptStats().verified` */
  receiptStats(): ReceiptStats {
    return { ...this.#receiptStats, devices: this.#receipts.size };
  }

  #onMessage(topic: string, payload: Buffer): void {
    // nguon/v1/{p}/dev/{deviceId}/evt/{type}
    const parts = topic.split('/');
    const deviceId = parts[4];
    const type = parts[6];
    if (deviceId === undefined || type === undefined) return;
    // Status (and unknown) events are not read: at 10,000 devices that parsing would be measured too.
    if (type !== 'ack' && type !== 'hello' && type !== 'alarm' && type !== 'receipt') return;
    if (type === 'receipt') {
      void this.#onReceipt(deviceId, payload.toString('utf8')).catch(() => {
        this.#errors++;
      });
      return;
    }
    let message: { id?: unknown; body?: Record<string, unknown> };
    try {
      message = JSON.parse(payload.toString('utf8')) as typeof message;
    } catch {
      return;
    }
    const body = message.body ?? {};
    if (type === 'ack') this.#onAck(deviceId, body);
    else if (type === 'hello') {
      this.#hellos++;
      if (this.#o.autoWelcome !== false && typeof message.id === 'string') {
        void this.#welcome(deviceId, message.id).catch(() => {
          this.#errors++;
        });
      }
    } else if (type === 'alarm') {
      const code = String(body.code ?? 'unknown');
      this.#alarms[code] = (this.#alarms[code] ?? 0) + 1;
    }
  }

  #onAck(deviceId: string, body: Record<string, unknown>): void {
    const ref = body.ref;
    if (typeof ref !== 'string') return;
    const tally = this.#tallies.get(ref);
    if (tally === undefined) return;
    if (tally.devices.has(deviceId)) {
      tally.duplicates++;
      return;
    }
    const ms = performance.now() - tally.publishedAt;
    tally.devices.add(deviceId);
    tally.firstMs ??= ms;
    tally.lastMs = ms;
    if (body.ok === true) tally.ok++;
    else {
      tally.refused++;
      const code = String(body.code ?? 'unknown');
      tally.codes[code] = (tally.codes[code] ?? 0) + 1;
    }
    if (tally.waiters.length > 0) {
      tally.waiters = tally.waiters.filter((w) => {
        if (tally.devices.size < w.expected) return true;
        w.resolve();
        return false;
      });
    }
  }

  async #welcome(deviceId: string, helloId: string): Promise<void> {
    const { key } = this.#o;
    this.#welcomes++;
    await this.publishToDevice(
      deviceId,
      'welcome',
      {
        helloId,
        serverTime: new Date().toISOString(),
        heartbeatSec: this.#o.heartbeatSec ?? 60,
        config: { configVersion: 1 },
        trust: [key.anchor],
        trustVersion: 1,
        receiptsCommittedUpTo: this.#committedUpTo(deviceId),
      },
      { ttlSec: 300, track: false },
    );
  }

  #committedUpTo(deviceId: string): number {
    const stored = this.#receipts.get(deviceId);
    let n = 0;
    while (stored?.has(n + 1)) n++;
    return n;
  }

  async #onReceipt(deviceId: string, raw: string): Promise<void> {
    const anchor = this.receiptKeys(deviceId);
    if (anchor === undefined) {
      this.#receiptStats.rejected++;
      return;
    }
    let trust = this.#trust.get(deviceId);
    if (trust === undefined) {
      trust = TrustStore.create([anchor], { trustVersion: 1, backend: nodeBackend });
      this.#trust.set(deviceId, trust);
    }
    const result = await verifyReceipt(raw, await trust, { deviceId });
    if (!result.ok) {
      this.#receiptStats.rejected++;
      return;
    }
    const seq = (result.receipt as { body: { seq: number } }).body.seq;
    let stored = this.#receipts.get(deviceId);
    if (stored === undefined) {
      stored = new Set();
      this.#receipts.set(deviceId, stored);
    }
    if (stored.has(seq)) this.#receiptStats.duplicates++;
    else {
      stored.add(seq);
      this.#receiptStats.verified++;
    }
    if (this.#o.commitReceipts !== false) {
      await this.publishToDevice(
        deviceId,
        'receipts.commit',
        { upTo: this.#committedUpTo(deviceId) },
        { track: false },
      );
    }
  }

  #track(ref: string, publishedAt: number): void {
    this.#tallies.set(ref, {
      publishedAt,
      devices: new Set(),
      ok: 0,
      refused: 0,
      duplicates: 0,
      codes: {},
      firstMs: undefined,
      lastMs: undefined,
      waiters: [],
    });
  }

  /**
   * Signs a command addressed to `area:{unitCode}` and publishes it once on `area/{unitCode}`
   * (QoS 1); its acks are counted from now on. `ttlSec` defaults to 3600. Pass `signer` to sign
   * with another key (e.g. a forger's, in tests).
   *
   * @example
   * ```ts
   * const sent = await system.publishArea('52', 'bulletin.deliver', body, { ttlSec: 600 });
   * ```
   */
  async publishArea<T extends CommandType>(
    unitCode: string,
    type: T,
    body: CommandBody<T>,
    options: { ttlSec?: number; signer?: Signer } = {},
  ): Promise<{ id: string; jws: string; topic: string }> {
    const jws = await signCommand(options.signer ?? this.#o.key.signer, type, body, {
      to: `area:${unitCode}`,
      ttlSec: options.ttlSec ?? 3600,
    });
    const topic = areaTopic(this.#o.province, unitCode);
    const id = idOf(jws);
    await this.publishRaw(topic, jws, id);
    return { id, jws, topic };
  }

  /**
   * Signs a command for one device (`to: dev:{deviceId}`) and publishes it on its `cmd` topic.
   * Its acks are counted unless `track` is false.
   *
   * @example
   * ```ts
   * await system.publishToDevice('sim-00001', 'device.ping', {});
   * ```
   */
  async publishToDevice<T extends CommandType>(
    deviceId: string,
    type: T,
    body: CommandBody<T>,
    options: { ttlSec?: number; signer?: Signer; track?: boolean } = {},
  ): Promise<{ id: string; jws: string; topic: string }> {
    const jws = await signCommand(options.signer ?? this.#o.key.signer, type, body, {
      to: `dev:${deviceId}`,
      ttlSec: options.ttlSec ?? 3600,
    });
    const topic = commandTopic(this.#o.province, deviceId);
    const id = idOf(jws);
    await this.publishRaw(topic, jws, options.track === false ? undefined : id);
    return { id, jws, topic };
  }

  /**
   * Publishes an already signed JWS (or any bytes) on a topic with QoS 1; pass `ref` (the command
   * id) to count its acks, timed from just before this publish.
   *
   * @example `await system.publishRaw(topic, jws, id)`
   */
  async publishRaw(topic: string, payload: string, ref?: string): Promise<void> {
    if (ref !== undefined) this.#track(ref, performance.now());
    await this.#client.publishAsync(topic, payload, { qos: 1 });
  }

  /**
   * The acks of a command counted so far.
   *
   * @example `system.acks(sent.id).ok`
   */
  acks(ref: string): AckTally {
    const t = this.#tallies.get(ref);
    return {
      ref,
      devices: t?.devices.size ?? 0,
      ok: t?.ok ?? 0,
      refused: t?.refused ?? 0,
      duplicates: t?.duplicates ?? 0,
      codes: { ...(t?.codes ?? {}) },
      firstMs: t?.firstMs,
      lastMs: t?.lastMs,
    };
  }

  /**
   * Resolves once `expected` distinct devices acked the command (`lastMs` is then the
   * time-to-all-acked). Throws `TestkitError` `ack_timeout` after `timeoutMs` (default 60000),
   * saying how many acked.
   *
   * @example
   * ```ts
   * const { lastMs, refused } = await system.waitForAcks(sent.id, simulator.deviceIds.length);
   * ```
   */
  async waitForAcks(ref: string, expected: number, timeoutMs = 60_000): Promise<AckTally> {
    const t = this.#tallies.get(ref);
    if (t === undefined) {
      throw new TestkitError(
        'invalid_option',
        `waitForAcks: command ${ref} was not published by this SystemPublisher`,
      );
    }
    if (t.devices.size < expected) {
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          expected,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          t.waiters = t.waiters.filter((w) => w !== waiter);
          reject(
            new TestkitError(
              'ack_timeout',
              `command ${ref}: ${t.devices.size} of ${expected} devices acked within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        t.waiters.push(waiter);
      });
    }
    return this.acks(ref);
  }

  /**
   * Removes the retained `presence` of these devices from the broker (an empty retained publish
   * each), so that a simulation leaves nothing behind on a shared, persistent broker.
   *
   * @example `await system.clearPresence(simulator.deviceIds)`
   */
  async clearPresence(deviceIds: readonly string[]): Promise<void> {
    for (let i = 0; i < deviceIds.length; i += 500) {
      await Promise.all(
        deviceIds
          .slice(i, i + 500)
          .map((id) =>
            this.#client.publishAsync(presenceTopic(this.#o.province, id), '', { qos: 1, retain: true }),
          ),
      );
    }
  }

  /** Disconnects. @example `await system.close()` */
  async close(): Promise<void> {
    await this.#client.endAsync();
  }
}

function idOf(jws: string): string {
  const payload = jws.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id: string }).id;
}
