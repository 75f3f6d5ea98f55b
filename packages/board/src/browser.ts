import {
  DeviceClient,
  type DeviceClientOptions,
  type DeviceEvent,
  type KeyValueStore,
  MemoryBlobStore,
  MemoryStore,
} from '@nguon/device';
import * as z from 'zod/mini';
import { DomBoardAdapter, type DomBoardAdapterOptions } from './dom-adapter';
import { BoardError } from './errors';
import { IndexedDbStore } from './indexeddb-store';

const text = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));
const configSchema = z.object({
  element: z.union([
    z.string().check(z.minLength(1)),
    z.custom<HTMLElement>(
      (v) => typeof v === 'object' && v !== null,
      'expected an element or a CSS selector',
    ),
  ]),
  deviceId: text(/^[a-z0-9][a-z0-9-]{2,63}$/, 'expected a device id like "bt-52001-001"'),
  province: text(/^[0-9]{2}$/, 'expected a 2-digit province code like "52"'),
  units: z.array(text(/^[0-9]{2,5}$/, 'expected a unit code of 2–5 digits')).check(z.minLength(1)),
  mqtt: z.looseObject({
    url: text(/^wss?:\/\//, 'expected a ws:// or wss:// URL (browsers speak MQTT over WebSocket)'),
  }),
  trust: z
    .array(z.object({ kid: z.string().check(z.minLength(1)), publicKey: z.string().check(z.minLength(1)) }))
    .check(z.minLength(1)),
  privateKey: z.looseObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    d: z.string().check(z.minLength(1)),
  }),
  storage: z.optional(z.union([z.literal('memory'), z.object({ name: z.string().check(z.minLength(1)) })])),
});

/**
 * Everything a board page needs to start: where to draw, who it is, where the broker is, whom to
 * trust. `trust` and `privateKey` come from registration (`nguon keys generate`).
 *
 * @example
 * ```ts
 * const config: BoardConfig = {
 *   element: '#board', deviceId: 'bt-52001-001', province: '52', units: ['52001'],
 *   mqtt: { url: 'wss://mqtt.gialai.gov.vn/mqtt', password: 'device-secret' },
 *   trust: [{ kid: 'gl-2026-1', publicKey: 'hCq…' }], privateKey: { kty: 'OKP', crv: 'Ed25519', x: '…', d: '…' },
 * };
 * ```
 */
export interface BoardConfig
  extends Partial<
    Pick<
      DeviceClientOptions,
      | 'trustVersion'
      | 'keyId'
      | 'vendor'
      | 'model'
      | 'firmware'
      | 'mediaLimitBytes'
      | 'clock'
      | 'fetch'
      | 'logger'
      | 'reconnect'
    >
  > {
  /** The element to draw into, or a CSS selector for it. */
  element: HTMLElement | string;
  deviceId: string;
  province: string;
  /** Codes of the units the board stands in (commune/ward, district where it exists). */
  units: string[];
  /** `url` must be `ws://` or `wss://`; `password` is the device secret. */
  mqtt: DeviceClientOptions['mqtt'];
  trust: DeviceClientOptions['trust'];
  privateKey: DeviceClientOptions['privateKey'];
  /** Display settings of the {@link DomBoardAdapter}. */
  display?: Omit<DomBoardAdapterOptions, 'element' | 'clock'>;
  /** IndexedDB database (default `{ name: 'nguon-board-' + deviceId }`), or `'memory'` for a demo. */
  storage?: { name: string } | 'memory';
  /** Called with every runtime event (connected, command, ack, play.start, play.end, receipt, alarm…). */
  onEvent?: (event: DeviceEvent) => void;
}

/**
 * A board that runs: its screen, its device runtime, and how to stop both.
 *
 * @example
 * ```ts
 * const board = await startBoard(config);
 * board.display.showing().layout; // 'idle'
 * await board.stop();
 * ```
 */
export interface RunningBoard {
  display: DomBoardAdapter;
  device: DeviceClient;
  /** Goes offline gracefully (presence, receipt journal flushed) and clears the screen. */
  stop(): Promise<void>;
}

/**
 * Starts a bulletin board in a browser page: draws into `config.element`, keeps its state in
 * IndexedDB, caches media in memory (verified by sha256), and connects to the provincial broker
 * over MQTT WebSocket. Resolves once the device runtime has started (it keeps reconnecting on its
 * own when the network drops). Throws a {@link BoardError} `invalid_config` naming the field.
 *
 * @example
 * ```ts
 * import { startBoard } from '@nguon/board/browser';
 *
 * const board = await startBoard({ element: '#board', deviceId: 'bt-52001-001', province: '52', units: ['52001'],
 *   mqtt: { url: 'wss://mqtt.example.vn/mqtt' }, trust, privateKey });
 * ```
 */
export async function startBoard(config: BoardConfig): Promise<RunningBoard> {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length > 0 ? issue.path.join('.') : '(config)';
    throw new BoardError('invalid_config', `board config ${path}: ${issue.message}`, { cause: parsed.error });
  }
  const element =
    typeof config.element === 'string'
      ? globalThis.document?.querySelector<HTMLElement>(config.element)
      : config.element;
  if (!element) {
    throw new BoardError(
      'element_missing',
      `board config element: no element matches '${String(config.element)}'`,
    );
  }
  const display = new DomBoardAdapter({
    ...config.display,
    element,
    ...(config.clock ? { clock: config.clock } : {}),
  });
  let store: KeyValueStore;
  try {
    store =
      config.storage === 'memory'
        ? new MemoryStore()
        : await IndexedDbStore.open(config.storage?.name ?? `nguon-board-${config.deviceId}`);
  } catch (error) {
    await display.close();
    throw error;
  }
  const device = new DeviceClient({
    deviceId: config.deviceId,
    province: config.province,
    kind: 'board',
    units: config.units,
    mqtt: config.mqtt,
    trust: config.trust,
    privateKey: config.privateKey,
    store,
    blobs: new MemoryBlobStore(),
    adapter: display,
    vendor: config.vendor ?? 'nguon',
    model: config.model ?? 'browser-board',
    firmware: config.firmware ?? (typeof __NGUON_VERSION__ === 'string' ? __NGUON_VERSION__ : '0.0.0'),
    ...pick(config, ['trustVersion', 'keyId', 'mediaLimitBytes', 'clock', 'fetch', 'logger', 'reconnect']),
  });
  device.on('event', (event) => {
    // A revoked bulletin leaves the idle rotation too, not only the screen.
    if (event.type === 'command' && event.ok && event.commandType === 'bulletin.revoke') {
      const revoked = (event as { bulletinId?: unknown }).bulletinId;
      if (typeof revoked === 'string') display.forget(revoked);
    }
    config.onEvent?.(event);
  });
  try {
    await device.start();
  } catch (error) {
    await display.close();
    if (store instanceof IndexedDbStore) store.close();
    throw error;
  }
  return {
    display,
    device,
    async stop() {
      await device.stop();
      await display.close();
      if (store instanceof IndexedDbStore) store.close();
    },
  };
}

declare const __NGUON_VERSION__: string | undefined;

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

export { DomBoardAdapter, type DomBoardAdapterOptions } from './dom-adapter';
export { IndexedDbStore, type IndexedDbStoreOptions } from './indexeddb-store';
