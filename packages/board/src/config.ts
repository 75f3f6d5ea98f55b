import type { DeviceClientOptions, DeviceEvent } from '@nguon/device';
import * as z from 'zod/mini';
import type { DomBoardAdapterOptions } from './dom-adapter';
import { BoardError } from './errors';

const text = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));
const configSchema = z.object({
  element: z.union([
    z.string().check(z.minLength(1)),
    z.custom<HTMLElement>(
      (v) => typeof v === 'object' && v !== null && (v as { nodeType?: unknown }).nodeType === 1,
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
 * Checks a board config before anything starts, and throws a {@link BoardError} `invalid_config`
 * that names the first wrong field (`mqtt.url`, `units.0`, `privateKey.crv`…) and what was expected.
 * Other fields pass through untouched.
 *
 * @example
 * ```ts
 * const config = parseBoardConfig(await (await fetch('/board-config.json')).json());
 * ```
 */
export function parseBoardConfig(input: unknown): BoardConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
    throw new BoardError('invalid_config', `board config ${path}: ${issue.message}`, { cause: parsed.error });
  }
  return input as BoardConfig;
}
