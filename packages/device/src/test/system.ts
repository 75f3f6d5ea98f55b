import {
  areaTopic,
  type CommandBody,
  type CommandType,
  commandTopic,
  eventSchema,
  presenceTopic,
  safeParseTopic,
  signCommand,
  type TrustAnchor,
  TrustStore,
  verifyReceipt,
} from '@nguon/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { TestKey } from './keys';

/**
 * One message a device published, as the test system saw it.
 *
 * @example `system.received.filter((m) => m.type === 'ack')`
 */
export interface ReceivedMessage {
  topic: string;
  deviceId: string;
  /** `hello`, `status`, `ack`, `receipt`, `alarm` or `presence`. */
  type: string;
  /** The parsed JSON (for receipts: the verified envelope). */
  message: Record<string, unknown> & { body?: Record<string, unknown> };
  /** The payload as received. */
  raw: string;
  /** For receipts: whether the signature verified with the registered device key. */
  verified?: boolean;
}

/**
 * Options of {@link TestSystem.connect}.
 *
 * @example `{ url: broker.url, province: '52', key: await generateTrustKey() }`
 */
export interface TestSystemOptions {
  url: string;
  province: string;
  /** The system signing key (devices trust its anchor). */
  key: TestKey;
  protocolVersion?: 4 | 5;
  /** Answer every `hello` of a registered device with a signed `welcome` (default true). */
  autoWelcome?: boolean;
  /** Commit receipts with `receipts.commit` as they arrive (default true). */
  autoCommit?: boolean;
  /** Fields of the welcome body to override (config, heartbeatSec, trust, trustVersion, serverTime …). */
  welcome?: Partial<CommandBody<'welcome'>>;
  /** The system clock (default `Date.now`). */
  now?: () => number;
}

/**
 * A tiny stand-in for the provincial source system, written from the protocol alone: it answers
 * `hello` with a signed `welcome` (P-H3), signs and sends commands to a device or an area, verifies
 * and stores receipts once per number and commits them (P-R2), and records everything devices
 * publish. For tests of devices and adapters.
 *
 * @example
 * ```ts
 * const system = await TestSystem.connect({ url: broker.url, province: '52', key: systemKey });
 * system.register('loa-001', deviceKey.anchor);
 * await system.waitFor((m) => m.type === 'status' && m.deviceId === 'loa-001');
 * const { id } = await system.send('loa-001', 'device.ping', {});
 * await system.waitForAck(id);
 * ```
 */
export class TestSystem {
  readonly received: ReceivedMessage[] = [];
  /** Verified receipts per device: receipt number → raw JWS (stored once, P-R2). */
  readonly receipts = new Map<string, Map<number, string>>();
  readonly #client: MqttClient;
  readonly #options: TestSystemOptions;
  readonly #devices = new Map<string, TrustStore<unknown> | undefined>();
  readonly #waiters = new Set<{
    test: (m: ReceivedMessage) => boolean;
    resolve: (m: ReceivedMessage) => void;
  }>();
  welcomeBody: Partial<CommandBody<'welcome'>>;

  private constructor(client: MqttClient, options: TestSystemOptions) {
    this.#client = client;
    this.#options = options;
    this.welcomeBody = options.welcome ?? {};
    client.on('message', (topic, payload) => {
      void this.#onMessage(topic, payload.toString('utf8'));
    });
  }

  /**
   * Connects to the broker and subscribes to the events and presence of the province.
   *
   * @example `const system = await TestSystem.connect({ url, province: '52', key })`
   */
  static async connect(options: TestSystemOptions): Promise<TestSystem> {
    const client = await mqtt.connectAsync(options.url, {
      clientId: `test-system-${Math.random().toString(36).slice(2, 10)}`,
      protocolVersion: options.protocolVersion ?? 4,
      reconnectPeriod: 0,
    });
    const system = new TestSystem(client, options);
    await client.subscribeAsync(
      [`nguon/v1/${options.province}/dev/+/evt/+`, `nguon/v1/${options.province}/dev/+/presence`],
      { qos: 1 },
    );
    return system;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  /**
   * Registers a device: only registered devices are welcomed, and its receipts are verified with
   * `receiptKey` (kid = device id).
   *
   * @example `await system.register('loa-001', deviceKey.anchor)`
   */
  async register(deviceId: string, receiptKey?: TrustAnchor): Promise<void> {
    this.#devices.set(
      deviceId,
      receiptKey === undefined ? undefined : await TrustStore.create([receiptKey], { trustVersion: 1 }),
    );
  }

  async #onMessage(topic: string, raw: string): Promise<void> {
    const parsed = safeParseTopic(topic);
    if (parsed === undefined || (parsed.kind !== 'event' && parsed.kind !== 'presence')) return;
    if (!this.#devices.has(parsed.deviceId)) return;
    const type = parsed.kind === 'presence' ? 'presence' : parsed.event;
    let message: ReceivedMessage['message'] = {};
    let verified: boolean | undefined;
    if (type === 'receipt') {
      const keys = this.#devices.get(parsed.deviceId);
      if (keys !== undefined) {
        const result = await verifyReceipt(raw, keys, { deviceId: parsed.deviceId });
        verified = result.ok;
        if (result.ok) message = result.receipt as unknown as ReceivedMessage['message'];
      }
    } else if (raw.length > 0) {
      try {
        message = JSON.parse(raw) as ReceivedMessage['message'];
      } catch {
        message = {};
      }
    }
    const received: ReceivedMessage = {
      topic,
      deviceId: parsed.deviceId,
      type,
      message,
      raw,
      ...(verified === undefined ? {} : { verified }),
    };
    this.received.push(received);
    if (type === 'hello' && this.#options.autoWelcome !== false && eventSchema.safeParse(message).success) {
      await this.welcome(parsed.deviceId, String(message.id));
    }
    if (type === 'receipt' && verified === true) {
      const seq = (message.body as { seq: number }).seq;
      const stored = this.receipts.get(parsed.deviceId) ?? new Map<number, string>();
      this.receipts.set(parsed.deviceId, stored);
      if (!stored.has(seq)) stored.set(seq, raw);
      if (this.#options.autoCommit !== false) {
        await this.send(parsed.deviceId, 'receipts.commit', { upTo: this.committedUpTo(parsed.deviceId) });
      }
    }
    for (const waiter of this.#waiters) {
      if (waiter.test(received)) {
        this.#waiters.delete(waiter);
        waiter.resolve(received);
      }
    }
  }

  /**
   * The highest receipt number below which every receipt of the device is held (P-R2).
   *
   * @example `system.committedUpTo('loa-001')`
   */
  committedUpTo(deviceId: string): number {
    const stored = this.receipts.get(deviceId);
    let n = 0;
    while (stored?.has(n + 1)) n++;
    return n;
  }

  /**
   * Sends a signed `welcome` answering `helloId`.
   *
   * @example `await system.welcome('loa-001', hello.id)`
   */
  async welcome(deviceId: string, helloId: string): Promise<{ id: string; jws: string }> {
    const { key } = this.#options;
    const body: CommandBody<'welcome'> = {
      helloId,
      serverTime: new Date(this.#now()).toISOString(),
      heartbeatSec: 60,
      config: { configVersion: 1 },
      trust: [key.anchor],
      trustVersion: 1,
      receiptsCommittedUpTo: this.committedUpTo(deviceId),
      ...this.welcomeBody,
    };
    return this.send(deviceId, 'welcome', body, { ttlSec: 300 });
  }

  /**
   * Signs a command for one device and publishes it on its `cmd` topic (or `topic`). `to` defaults
   * to `dev:{deviceId}`. Returns the command id and the JWS.
   *
   * @example `const { id } = await system.send('loa-001', 'bulletin.revoke', { bulletinId: 'b-1' })`
   */
  async send<T extends CommandType>(
    deviceId: string,
    type: T,
    body: CommandBody<T>,
    options: { to?: string; ttlSec?: number; now?: number; id?: string; topic?: string; key?: TestKey } = {},
  ): Promise<{ id: string; jws: string }> {
    const jws = await signCommand((options.key ?? this.#options.key).signer, type, body, {
      to: options.to ?? `dev:${deviceId}`,
      now: options.now ?? this.#now(),
      ...(options.ttlSec === undefined ? {} : { ttlSec: options.ttlSec }),
      ...(options.id === undefined ? {} : { id: options.id }),
    });
    await this.publish(options.topic ?? commandTopic(this.#options.province, deviceId), jws);
    return { id: idOf(jws), jws };
  }

  /**
   * Signs a command addressed to a unit and publishes it once on `area/{unitCode}` (P-TP3).
   *
   * @example `await system.sendArea('52001', 'bulletin.deliver', body, { ttlSec: 3600 })`
   */
  async sendArea<T extends CommandType>(
    unitCode: string,
    type: T,
    body: CommandBody<T>,
    options: { ttlSec?: number; now?: number; id?: string } = {},
  ): Promise<{ id: string; jws: string }> {
    const jws = await signCommand(this.#options.key.signer, type, body, {
      to: `area:${unitCode}`,
      now: options.now ?? this.#now(),
      ...(options.ttlSec === undefined ? {} : { ttlSec: options.ttlSec }),
      ...(options.id === undefined ? {} : { id: options.id }),
    });
    await this.publish(areaTopic(this.#options.province, unitCode), jws);
    return { id: idOf(jws), jws };
  }

  /** Publishes raw bytes (QoS 1). @example `await system.publish(topic, 'not a jws')` */
  async publish(topic: string, payload: string | Uint8Array): Promise<void> {
    await this.#client.publishAsync(topic, typeof payload === 'string' ? payload : Buffer.from(payload), {
      qos: 1,
    });
  }

  /**
   * Resolves with the first message (already received or arriving) that passes `test`.
   *
   * @example `await system.waitFor((m) => m.type === 'hello')`
   */
  waitFor(test: (m: ReceivedMessage) => boolean, timeoutMs = 10_000): Promise<ReceivedMessage> {
    const found = this.received.find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (m: ReceivedMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`TestSystem.waitFor: nothing matched within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /**
   * The ack body for a command id.
   *
   * @example `const ack = await system.waitForAck(id); expect(ack.ok).toBe(true)`
   */
  async waitForAck(
    ref: string,
    timeoutMs = 10_000,
  ): Promise<{ ref: string; ok: boolean; code?: string; duplicate?: boolean; deviceTime?: string }> {
    const m = await this.waitFor((r) => r.type === 'ack' && r.message.body?.ref === ref, timeoutMs);
    return m.message.body as { ref: string; ok: boolean };
  }

  /** Messages of one type from one device. @example `system.of('loa-001', 'alarm')` */
  of(deviceId: string, type: string): ReceivedMessage[] {
    return this.received.filter((m) => m.deviceId === deviceId && m.type === type);
  }

  /** Clears the retained presence of registered devices and disconnects. @example `await system.close()` */
  async close(): Promise<void> {
    for (const deviceId of this.#devices.keys()) {
      await this.#client.publishAsync(presenceTopic(this.#options.province, deviceId), '', {
        qos: 1,
        retain: true,
      });
    }
    await this.#client.endAsync();
  }
}

function idOf(jws: string): string {
  const payload = jws.split('.')[1] ?? '';
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id: string }).id;
}
