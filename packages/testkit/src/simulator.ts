import {
  type Clock,
  DeviceClient,
  type DeviceEvent,
  type DeviceMqttOptions,
  MemoryBlobStore,
  MemoryStore,
  NullAdapter,
} from '@nguon/device';
import { DEVICE_ID_PATTERN, PROVINCE_CODE_PATTERN, type TrustAnchor } from '@nguon/protocol';
import { nodeBackend } from '@nguon/protocol/node';
import { TestkitError } from './errors';
import { ulidTime } from './ids';
import { type DeviceKeyPair, deviceKeyPair } from './keys';
import { FD_HEADROOM, openFilesLimit } from './limits';
import { type Percentiles, percentiles } from './stats';
import { type Membership, spreadOverCommunes } from './units';

/**
 * Options of {@link DeviceSimulator}.
 *
 * @example
 * ```ts
 * const options: SimulatorOptions = { url: broker.url, province: '52', count: 1000, trust: [system.anchor] };
 * ```
 */
export interface SimulatorOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  url: string;
  /** 2-digit province code of the source system (the `{p}` of the topics). */
  province: string;
  /** How many devices to simulate. */
  count: number;
  /** The source system's trust anchors (P-S3). */
  trust: TrustAnchor[];
  /** `radio` (default) or `board`. */
  kind?: 'radio' | 'board';
  /** Device ids are `{idPrefix}-{index, 5 digits}` (default `sim`). */
  idPrefix?: string;
  /**
   * Unit membership per device index. Default: spread round-robin over the communes of `province`
   * on the day `at` (from `@nguon/areas`).
   */
  memberships?: Membership[] | ((index: number) => Membership);
  /** The day whose administrative units are used (default today, UTC). */
  at?: string;
  /** How many devices connect at once (default 100). */
  concurrency?: number;
  /** Pause between two connection starts of one worker, in ms (default 0). */
  staggerMs?: number;
  /** What counts as connected: the MQTT session is up (`connected`, default) or the system answered hello (`welcome`). */
  readyOn?: 'connected' | 'welcome';
  /** How long one device may take to get ready, in ms (default 30000). */
  readyTimeoutMs?: number;
  /** Extra mqtt.js options for every device (password, protocolVersion, keepalive …). */
  mqtt?: Omit<DeviceMqttOptions, 'url'>;
  /** Injected clock for every device and adapter (default the system clock). */
  clock?: Clock;
  /** How long a bulletin without media plays on the NullAdapter, in seconds (default 5). */
  playDurationSec?: number;
  /** Media fetcher (default `globalThis.fetch`). */
  fetch?: typeof fetch;
  /** Called with every event of every device (keep it cheap at 10,000 devices). */
  onEvent?: (deviceId: string, event: DeviceEvent) => void;
}

/**
 * Counters of a {@link DeviceSimulator} at one moment.
 *
 * @example
 * ```ts
 * const s = simulator.stats();
 * console.log(`${s.online}/${s.devices} online, ${s.receipts} receipts`);
 * ```
 */
export interface SimulatorStats {
  devices: number;
  /** Devices whose MQTT connection is up now. */
  online: number;
  /** Devices that got at least one `welcome`. */
  welcomed: number;
  /** Acks sent, all commands together. */
  acks: number;
  /** Acks sent with `ok: false`. */
  acksRefused: number;
  /** Acks of commands already executed (`duplicate: true`). */
  duplicateAcks: number;
  /** Plays started / ended on the adapters. */
  playsStarted: number;
  playsEnded: number;
  /** Receipts journaled and published (first sends; re-sends are counted in `receiptsResent`). */
  receipts: number;
  receiptsResent: number;
  /** Alarms raised, by code. */
  alarms: Record<string, number>;
  /** Local errors reported by the devices. */
  errors: number;
  /** Disconnections seen. */
  disconnects: number;
}

/**
 * How the devices answered one command.
 *
 * @example
 * ```ts
 * const a = simulator.acksFor(id);
 * console.log(a.devices, a.ok, a.latency.p99);
 * ```
 */
export interface AckStats {
  ref: string;
  /** Distinct devices that acked it. */
  devices: number;
  ok: number;
  refused: number;
  /** Acks beyond the first per device. */
  duplicates: number;
  /** Refusal codes, counted. */
  codes: Record<string, number>;
  /** Wall-clock ms from the command's creation (its ULID time) to each device's first ack. */
  latency: Percentiles;
}

interface AckRecord {
  seen: Set<number>;
  ok: number;
  refused: number;
  duplicates: number;
  codes: Record<string, number>;
  latency: number[];
}

interface SimDevice {
  client: DeviceClient;
  key: DeviceKeyPair;
  membership: Membership;
  welcomed: boolean;
}

/**
 * Runs N simulated devices in this process, each a real {@link DeviceClient} with its own id,
 * Ed25519 key, `MemoryStore`, memory media cache and a silent `NullAdapter`, standing in the
 * communes of a province. Connects them in parallel batches, counts what they do, and stops
 * them cleanly. One device = one TCP connection: the process's open-files limit (`ulimit -n`)
 * bounds `count` (checked at `start`).
 *
 * @example
 * ```ts
 * const broker = await startAedesProcess();
 * const system = await SystemPublisher.connect({ url: broker.url, province: '52', key });
 * const sim = new DeviceSimulator({ url: broker.url, province: '52', count: 500, trust: [key.anchor] });
 * system.receiptKeys = (id) => sim.anchor(id);
 * await sim.start();
 * const sent = await system.publishArea('52', 'bulletin.deliver', body);
 * console.log(await system.waitForAcks(sent.id, 500));
 * await sim.stop();
 * ```
 */
export class DeviceSimulator {
  readonly #o: SimulatorOptions;
  readonly #devices: SimDevice[] = [];
  readonly #byId = new Map<string, number>();
  readonly #acks = new Map<string, AckRecord>();
  #stats: SimulatorStats;
  #started = false;
  #stopped = false;

  constructor(options: SimulatorOptions) {
    checkOptions(options);
    this.#o = options;
    this.#stats = {
      devices: options.count,
      online: 0,
      welcomed: 0,
      acks: 0,
      acksRefused: 0,
      duplicateAcks: 0,
      playsStarted: 0,
      playsEnded: 0,
      receipts: 0,
      receiptsResent: 0,
      alarms: {},
      errors: 0,
      disconnects: 0,
    };
  }

  /** The device ids, in index order. @example `simulator.deviceIds[0] // 'sim-00000'` */
  get deviceIds(): string[] {
    return this.#devices.map((d) => d.client.deviceId);
  }

  /** The DeviceClient of one device, e.g. to inspect it. @example `simulator.device('sim-00003')?.online` */
  device(deviceId: string): DeviceClient | undefined {
    const i = this.#byId.get(deviceId);
    return i === undefined ? undefined : this.#devices[i]?.client;
  }

  /** Where a device stands. @example `simulator.membership('sim-00003')?.commune` */
  membership(deviceId: string): Membership | undefined {
    const i = this.#byId.get(deviceId);
    return i === undefined ? undefined : this.#devices[i]?.membership;
  }

  /**
   * The public receipt key of a device (kid = device id), for the system to verify receipts.
   *
   * @example `system.receiptKeys = (id) => simulator.anchor(id)`
   */
  anchor(deviceId: string): TrustAnchor | undefined {
    const i = this.#byId.get(deviceId);
    return i === undefined ? undefined : this.#devices[i]?.key.anchor;
  }

  /**
   * Creates the devices and connects them, `concurrency` at a time, each awaited until `readyOn`
   * (default `connected`). Resolves with the time it took in ms. Throws `TestkitError` `fd_limit`
   * when `count` does not fit under `ulimit -n`, `connect_timeout` naming the first device that
   * did not get ready (the devices already started keep running: call {@link stop}).
   *
   * @example
   * ```ts
   * const ms = await simulator.start();
   * console.log(`connected ${simulator.stats().online} devices in ${ms} ms`);
   * ```
   */
  async start(): Promise<number> {
    if (this.#started) throw new TestkitError('invalid_option', 'start(): the simulator is already started');
    this.#started = true;
    const o = this.#o;
    const limit = openFilesLimit();
    if (limit !== undefined && o.count + FD_HEADROOM > limit.soft) {
      throw new TestkitError(
        'fd_limit',
        `count ${o.count} needs ${o.count + FD_HEADROOM} open files (one socket per device plus ${FD_HEADROOM}), but ulimit -n is ${limit.soft}` +
          (limit.hard > limit.soft
            ? `; raise it with \`ulimit -n ${Math.min(limit.hard, o.count + 1000)}\``
            : '; run fewer devices per process'),
      );
    }
    const memberships = this.#memberships();
    const prefix = o.idPrefix ?? 'sim';
    for (let i = 0; i < o.count; i++) {
      const deviceId = `${prefix}-${String(i).padStart(5, '0')}`;
      this.#byId.set(deviceId, i);
      this.#devices.push(this.#create(i, deviceId, memberships(i)));
    }
    const t0 = performance.now();
    const concurrency = Math.max(1, o.concurrency ?? 100);
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined && next < this.#devices.length) {
        const device = this.#devices[next++] as SimDevice;
        try {
          await this.#startOne(device);
        } catch (error) {
          failure ??= error;
        }
        if (o.staggerMs) await new Promise((r) => setTimeout(r, o.staggerMs));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.#devices.length) }, worker));
    if (failure !== undefined) throw failure;
    return performance.now() - t0;
  }

  #memberships(): (i: number) => Membership {
    const o = this.#o;
    if (typeof o.memberships === 'function') return o.memberships;
    const list =
      o.memberships ?? spreadOverCommunes(o.province, o.count, o.at ?? new Date().toISOString().slice(0, 10));
    if (list.length < o.count) {
      throw new TestkitError(
        'invalid_option',
        `memberships: ${list.length} given, expected one per device (${o.count})`,
      );
    }
    return (i) => list[i] as Membership;
  }

  #create(index: number, deviceId: string, membership: Membership): SimDevice {
    const o = this.#o;
    const key = deviceKeyPair(deviceId);
    const client = new DeviceClient({
      deviceId,
      province: o.province,
      kind: o.kind ?? 'radio',
      units: membership.units,
      mqtt: { ...o.mqtt, url: o.url },
      trust: o.trust,
      privateKey: key.privateJwk,
      store: new MemoryStore(),
      blobs: new MemoryBlobStore(),
      adapter: new NullAdapter({
        kind: o.kind ?? 'radio',
        defaultDurationSec: o.playDurationSec ?? 5,
        ...(o.clock === undefined ? {} : { clock: o.clock }),
      }),
      vendor: 'nguon-testkit',
      model: 'simulated',
      firmware: '1.0.0',
      verifyBackend: nodeBackend,
      ...(o.clock === undefined ? {} : { clock: o.clock }),
      ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
    });
    const device: SimDevice = { client, key, membership, welcomed: false };
    client.on('event', (e) => this.#onEvent(index, device, e));
    return device;
  }

  #startOne(device: SimDevice): Promise<void> {
    const o = this.#o;
    const wanted = o.readyOn ?? 'connected';
    const timeoutMs = o.readyTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new TestkitError(
            'connect_timeout',
            `device ${device.client.deviceId} was not ${wanted === 'welcome' ? 'welcomed' : 'connected'} within ${timeoutMs} ms (broker ${o.url})`,
          ),
        );
      }, timeoutMs);
      const off = device.client.on('event', (e) => {
        if (e.type === wanted) {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
      device.client.start().catch((error: unknown) => {
        clearTimeout(timer);
        off();
        reject(error);
      });
    });
  }

  #onEvent(index: number, device: SimDevice, e: DeviceEvent): void {
    const s = this.#stats;
    switch (e.type) {
      case 'connected':
        s.online++;
        break;
      case 'disconnected':
        s.online--;
        s.disconnects++;
        break;
      case 'welcome':
        if (!device.welcomed) {
          device.welcomed = true;
          s.welcomed++;
        }
        break;
      case 'ack': {
        s.acks++;
        if (!e.ok) s.acksRefused++;
        if (e.duplicate === true) s.duplicateAcks++;
        let record = this.#acks.get(e.ref);
        if (record === undefined) {
          record = { seen: new Set(), ok: 0, refused: 0, duplicates: 0, codes: {}, latency: [] };
          this.#acks.set(e.ref, record);
        }
        if (record.seen.has(index)) {
          record.duplicates++;
          break;
        }
        record.seen.add(index);
        if (e.ok) record.ok++;
        else {
          record.refused++;
          const code = e.code ?? 'unknown';
          record.codes[code] = (record.codes[code] ?? 0) + 1;
        }
        try {
          record.latency.push(Date.now() - ulidTime(e.ref));
        } catch {
          // A ref that is not a ULID (a malformed command) has no creation time.
        }
        break;
      }
      case 'play.start':
        s.playsStarted++;
        break;
      case 'play.end':
        s.playsEnded++;
        break;
      case 'receipt':
        if (e.resent) s.receiptsResent++;
        else if (e.sent) s.receipts++;
        break;
      case 'alarm':
        s.alarms[e.code] = (s.alarms[e.code] ?? 0) + 1;
        break;
      case 'error':
        s.errors++;
        break;
    }
    this.#o.onEvent?.(device.client.deviceId, e);
  }

  /**
   * The counters now (a copy).
   *
   * @example `simulator.stats().online`
   */
  stats(): SimulatorStats {
    return { ...this.#stats, alarms: { ...this.#stats.alarms } };
  }

  /**
   * How the devices acked one command (`ref` = command id): distinct devices, ok/refused,
   * duplicates, codes and latency percentiles.
   *
   * @example
   * ```ts
   * const a = simulator.acksFor(sent.id);
   * if (a.devices !== simulator.deviceIds.length) console.warn('missing acks');
   * ```
   */
  acksFor(ref: string): AckStats {
    const r = this.#acks.get(ref);
    return {
      ref,
      devices: r?.seen.size ?? 0,
      ok: r?.ok ?? 0,
      refused: r?.refused ?? 0,
      duplicates: r?.duplicates ?? 0,
      codes: { ...(r?.codes ?? {}) },
      latency: percentiles(r?.latency ?? []),
    };
  }

  /**
   * Waits until every device has finished handling what it received (verification, journal,
   * acks): `DeviceClient.idle()` on all.
   *
   * @example `await simulator.idle()`
   */
  async idle(): Promise<void> {
    await Promise.all(this.#devices.map((d) => d.client.idle()));
  }

  /**
   * Stops every device gracefully (`DeviceClient.stop()`: current plays end `interrupted`,
   * presence goes offline, the MQTT connection closes), `concurrency` at a time. Resolves with
   * the number of devices still online afterwards (0 when all sockets closed).
   *
   * @example
   * ```ts
   * const left = await simulator.stop(); // 0
   * ```
   */
  async stop(): Promise<number> {
    if (this.#stopped) return this.#devices.filter((d) => d.client.online).length;
    this.#stopped = true;
    const concurrency = Math.max(1, this.#o.concurrency ?? 100);
    let next = 0;
    const worker = async () => {
      while (next < this.#devices.length) {
        const device = this.#devices[next++] as SimDevice;
        try {
          await device.client.stop();
        } catch {
          this.#stats.errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, this.#devices.length) }, worker));
    return this.#devices.filter((d) => d.client.online).length;
  }
}

function checkOptions(o: SimulatorOptions): void {
  const bad = (path: string, expected: string, found: unknown) => {
    throw new TestkitError('invalid_option', `${path}: expected ${expected}, found ${JSON.stringify(found)}`);
  };
  if (!Number.isInteger(o.count) || o.count < 1) bad('count', 'an integer ≥ 1', o.count);
  if (typeof o.province !== 'string' || !PROVINCE_CODE_PATTERN.test(o.province)) {
    bad('province', 'a 2-digit province code', o.province);
  }
  if (typeof o.url !== 'string' || !/^(mqtts?|wss?):\/\//.test(o.url))
    bad('url', 'an mqtt://, mqtts://, ws:// or wss:// URL', o.url);
  if (!Array.isArray(o.trust) || o.trust.length === 0) bad('trust', 'at least one trust anchor', o.trust);
  const prefix = o.idPrefix ?? 'sim';
  if (!DEVICE_ID_PATTERN.test(`${prefix}-00000`) || `${prefix}-${o.count}`.length > 64) {
    bad('idPrefix', 'lowercase letters, digits and dashes so that "{idPrefix}-00000" is a device id', prefix);
  }
  if (o.concurrency !== undefined && (!Number.isInteger(o.concurrency) || o.concurrency < 1)) {
    bad('concurrency', 'an integer ≥ 1', o.concurrency);
  }
}
