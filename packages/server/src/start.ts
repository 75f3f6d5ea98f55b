import pino from 'pino';
import { ServerError } from './errors';
import { type RunningSystem, startSystem } from './system';

/**
 * A system started by {@link startFromEnv}: a {@link RunningSystem} whose `url` is the HTTP base URL.
 *
 * @example
 * ```ts
 * const running: RunningServer = await startFromEnv();
 * await running.stop();
 * ```
 */
export type RunningServer = RunningSystem & { url: string };

function port(env: Record<string, string | undefined>, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) {
    throw new ServerError('config', `${name}: expected a port number 0–65535, found "${text}"`);
  }
  return value;
}

/**
 * Starts the whole source system ({@link startSystem}) from environment variables, the way an
 * operator runs it in a container or a service unit:
 *
 * | variable | meaning (default) |
 * |---|---|
 * | `NGUON_PROVINCE` | GSO code of the province (`52`) |
 * | `NGUON_DATA` | directory of the SQLite file `nguon.db` (`.nguon`) |
 * | `DATABASE_URL`, `DATABASE_SCHEMA` | PostgreSQL instead of SQLite |
 * | `HOST`, `PORT` | HTTP address (`127.0.0.1`, `8080`) |
 * | `MQTT_PORT`, `MQTT_WS_PORT` | embedded broker ports (`1883`, `8083`; `off` for no WebSocket) |
 * | `MQTT_URL`, `MQTT_USERNAME`, `MQTT_PASSWORD` | an external broker instead of the embedded one |
 * | `MQTT_SHARED_GROUP` | shared-subscription group on the external broker (`nguon`) |
 * | `MQTT_CLIENT_ID` | this instance's MQTT client id, stable across restarts (`nguon-{province}-{hostname}`) |
 * | `DEVICE_MQTT_URL`, `DEVICE_WS_URL` | broker addresses handed to devices (the broker's own) |
 * | `NGUON_ADMIN_TOKEN` | bootstrap admin token (random, logged once) |
 * | `CORS_ORIGINS` | comma-separated browser origins, or `*` |
 * | `LOG_LEVEL` | pino level (`info`) |
 *
 * @throws {ServerError} `config` for a bad or busy port, `database` / `migration` when the database fails.
 * @example
 * ```ts
 * // node --input-type=module -e "import('@nguon/server').then((s) => s.startFromEnv())"
 * const { url, stop } = await startFromEnv({ PORT: '0', MQTT_PORT: '0', MQTT_WS_PORT: '0', NGUON_DATA: '/var/lib/nguon' });
 * ```
 */
export async function startFromEnv(
  env: Record<string, string | undefined> = process.env,
): Promise<RunningServer> {
  const httpPort = port(env, 'PORT');
  const mqttPort = port(env, 'MQTT_PORT');
  const wsPort = env.MQTT_WS_PORT === 'off' ? false : port(env, 'MQTT_WS_PORT');
  const logger = pino({ level: env.LOG_LEVEL ?? 'info' }, pino.destination(2));
  const given = env.NGUON_ADMIN_TOKEN || undefined;
  const cors = env.CORS_ORIGINS
    ? {
        origins: env.CORS_ORIGINS === '*' ? ('*' as const) : env.CORS_ORIGINS.split(',').map((o) => o.trim()),
      }
    : undefined;
  const system = await startSystem({
    province: env.NGUON_PROVINCE || undefined,
    dataDir: env.NGUON_DATA || '.nguon',
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    host: env.HOST || undefined,
    httpPort,
    mqttPort,
    wsPort,
    mqttUrl: env.MQTT_URL || undefined,
    mqttUsername: env.MQTT_USERNAME || undefined,
    mqttPassword: env.MQTT_PASSWORD || undefined,
    sharedGroup: env.MQTT_SHARED_GROUP || undefined,
    clientId: env.MQTT_CLIENT_ID || undefined,
    deviceMqttUrl: env.DEVICE_MQTT_URL || undefined,
    deviceWsUrl: env.DEVICE_WS_URL || undefined,
    adminToken: given,
    cors,
    logger,
  });
  if (given === undefined) {
    logger.warn(
      { adminToken: system.adminToken },
      'no NGUON_ADMIN_TOKEN set: use this generated admin token',
    );
  }
  return Object.assign(system, { url: system.http });
}
