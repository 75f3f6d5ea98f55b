import { deviceIdSchema, trustAnchorSchema, unitCodeSchema } from '@nguon/protocol';
import * as z from 'zod';
import { DeviceError } from './errors';

/**
 * The configuration file of a reference device (`nguon device run --config FILE`), as JSON.
 *
 * @example
 * ```ts
 * deviceRunConfigSchema.parse({ kind: 'radio', deviceId: 'loa-52001-001', province: '52', units: ['52001'],
 *   mqtt: { url: 'mqtt://127.0.0.1:1883' }, trust: [anchor], privateKey: jwk, dataDir: './data' });
 * ```
 */
export const deviceRunConfigSchema = z.object({
  kind: z.enum(['radio', 'board']),
  deviceId: deviceIdSchema,
  province: z.string().regex(/^[0-9]{2}$/, 'expected a 2-digit GSO province code'),
  units: z.array(unitCodeSchema).min(1, 'expected at least one unit code'),
  mqtt: z.object({
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp|ssl):\/\/\S+$/, 'expected an mqtt://, mqtts://, ws:// or wss:// URL'),
    username: z.string().optional(),
    password: z.string().optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
    /** PEM file of the CA that signed the broker's certificate (mqtts:// or wss:// with a private CA). */
    caFile: z.string().min(1).optional(),
  }),
  trust: z.array(trustAnchorSchema).min(1, 'expected at least one trusted key'),
  trustVersion: z.int().min(1).optional(),
  privateKey: z.looseObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    d: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected the 32-byte private key in base64url'),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected the 32-byte public key in base64url'),
  }),
  /** kid of the device key in receipts (default the device id). */
  keyId: z.string().min(1).optional(),
  dataDir: z.string().min(1),
  player: z.enum(['null', 'command']).optional(),
  /** Radio with player "command": `default`, an ALSA device such as `plughw:1,0`, or `null` (no sound card). */
  audioOutput: z.string().min(1).optional(),
  vendor: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  firmware: z.string().min(1).optional(),
  mediaLimitBytes: z.int().min(1).optional(),
});

/**
 * A parsed reference device configuration.
 *
 * @example `const config: DeviceRunConfig = parseDeviceRunConfig(JSON.parse(text), 'device.json');`
 */
export type DeviceRunConfig = z.output<typeof deviceRunConfigSchema>;

/**
 * Checks a reference device configuration; throws a {@link DeviceError} `invalid_config` naming the
 * file, the field and what was expected.
 *
 * @example
 * ```ts
 * const config = parseDeviceRunConfig(JSON.parse(await readFile('device.json', 'utf8')), 'device.json');
 * ```
 */
export function parseDeviceRunConfig(value: unknown, source = 'config'): DeviceRunConfig {
  const parsed = deviceRunConfigSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    return `${source}: ${path}: ${issue.message}`;
  });
  throw new DeviceError('invalid_config', lines.join('\n'), {
    path: parsed.error.issues[0]?.path.map(String).join('.') ?? '',
    cause: parsed.error,
  });
}

/**
 * What the source system answers to `POST /v1/devices` (the `DeviceRegistered` of the REST
 * contract), as far as a device configuration needs it.
 *
 * @example
 * ```ts
 * const registration: DeviceRegistration = await (await fetch(`${api}/v1/devices`, { method: 'POST', … })).json();
 * ```
 */
export interface DeviceRegistration {
  id: string;
  mqtt: { url: string; wsUrl?: string | undefined; username: string; password: string };
  topics: { subscribe: readonly string[]; publish: readonly string[] };
  trust: ReadonlyArray<{ kid: string; publicKey: string }>;
  trustVersion?: number | undefined;
}

/**
 * The settings of a device that the registration answer does not carry.
 *
 * @example
 * ```ts
 * const local: RunConfigSettings = { kind: 'radio', units: ['24065'], privateKey: keys.privateKey };
 * ```
 */
export interface RunConfigSettings {
  kind: 'radio' | 'board';
  /** The units the device was registered for. */
  units: readonly string[];
  /** The device's private JWK (the `privateKey` of `nguon keys generate`). */
  privateKey: DeviceRunConfig['privateKey'];
  /** Where the device keeps its state (default `{id}-data`, relative to the configuration file). */
  dataDir?: string | undefined;
  /** `ws` connects over the broker's WebSocket address (default `tcp`). */
  transport?: 'tcp' | 'ws' | undefined;
  player?: 'null' | 'command' | undefined;
  audioOutput?: string | undefined;
  vendor?: string | undefined;
  model?: string | undefined;
  firmware?: string | undefined;
}

/**
 * Builds the configuration of `nguon device run` (or of `createNodeDevice`) from the source
 * system's registration answer and the device's own settings: broker address and login, trust
 * anchors and their version, the province (read from the device's topics). The result is checked
 * like a configuration file; a registration that cannot give one throws a {@link DeviceError}
 * `invalid_config` naming the field.
 *
 * @example
 * ```ts
 * const config = runConfigFromRegistration(registration, { kind: 'radio', units: ['24065'], privateKey: keys.privateKey });
 * await writeFile('device.json', JSON.stringify(config, null, 2));
 * ```
 */
export function runConfigFromRegistration(
  registration: DeviceRegistration,
  settings: RunConfigSettings,
): DeviceRunConfig {
  const own = `nguon/v1/`;
  const topic = [...(registration.topics?.publish ?? []), ...(registration.topics?.subscribe ?? [])].find(
    (t) => t.startsWith(own) && t.includes(`/dev/${registration.id}/`),
  );
  const province = topic?.slice(own.length).split('/')[0];
  if (province === undefined) {
    throw new DeviceError(
      'invalid_config',
      `registration: topics: expected a topic nguon/v1/{province}/dev/${String(registration.id)}/… to read the province from`,
      { path: 'topics' },
    );
  }
  const ws = settings.transport === 'ws';
  if (ws && registration.mqtt?.wsUrl === undefined) {
    throw new DeviceError(
      'invalid_config',
      'registration: mqtt.wsUrl: the system gave no WebSocket address',
      {
        path: 'mqtt.wsUrl',
      },
    );
  }
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return parseDeviceRunConfig(
    {
      kind: settings.kind,
      deviceId: registration.id,
      province,
      units: [...settings.units],
      mqtt: {
        url: ws ? registration.mqtt.wsUrl : registration.mqtt?.url,
        username: registration.mqtt?.username,
        password: registration.mqtt?.password,
      },
      trust: registration.trust,
      ...optional('trustVersion', registration.trustVersion),
      privateKey: settings.privateKey,
      dataDir: settings.dataDir ?? `${registration.id}-data`,
      ...optional('player', settings.player),
      ...optional('audioOutput', settings.audioOutput),
      ...optional('vendor', settings.vendor),
      ...optional('model', settings.model),
      ...optional('firmware', settings.firmware),
    },
    'registration',
  );
}
