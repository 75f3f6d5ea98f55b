import {
  type Clock,
  DeviceClient,
  type KeyValueStore,
  MemoryBlobStore,
  MemoryStore,
  systemClock,
} from '@nguon/device';
import { type BoardConfig, parseBoardConfig } from './config';
import { DomBoardAdapter } from './dom-adapter';
import { BoardError } from './errors';
import { IndexedDbStore } from './indexeddb-store';

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
  parseBoardConfig(config);
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
  // The screen shows the source system's time: the device's clock corrected by the offset it
  // learns from `welcome` (P-H5), so a board with a wrong clock still shows the right hour and
  // dims at the right time.
  const base = config.clock ?? systemClock;
  let device: DeviceClient | undefined;
  const screenClock: Clock = {
    now: () => base.now() + (device?.clockOffsetMs ?? 0),
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
    clearTimeout: (handle) => base.clearTimeout(handle),
  };
  const display = new DomBoardAdapter({ ...config.display, element, clock: screenClock });
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
  device = new DeviceClient({
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
    // Media live in the page's memory: keep far less than a Node device's disk cache.
    mediaLimitBytes: config.mediaLimitBytes ?? 128 * 1024 * 1024,
    ...pick(config, ['trustVersion', 'keyId', 'clock', 'fetch', 'logger', 'reconnect']),
  });
  device.on('event', (event) => {
    // A revoked bulletin leaves the idle rotation too, not only the screen.
    if (event.type === 'command' && event.ok && event.commandType === 'bulletin.revoke' && event.bulletinId) {
      display.forget(event.bulletinId);
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

export { type BoardConfig, parseBoardConfig } from './config';
export { DomBoardAdapter, type DomBoardAdapterOptions } from './dom-adapter';
export { IndexedDbStore, type IndexedDbStoreOptions } from './indexeddb-store';
