// The whole source system in one process: database, MQTT broker (embedded or external), dispatcher
// and HTTP API, started in order and stopped in reverse.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadUnits, type UnitRegistry } from '@nguon/areas';
import { connectAsync as mqttConnect } from 'mqtt';
import pino from 'pino';
import { createServer, type Listening } from './app';
import { type Database, openDatabase } from './db';
import { ServerError } from './errors';
import { type EmbeddedBroker, startEmbeddedBroker } from './mqtt/broker';
import { createDispatcher, type Dispatcher, defaultClientId } from './mqtt/dispatcher';
import { ScopeUnits } from './scope';

/**
 * How to start a whole source system with {@link startSystem}. Every field is optional; the
 * defaults are the one-machine setup: SQLite, the embedded broker, all on 127.0.0.1.
 *
 * @example
 * ```ts
 * const options: SystemOptions = { province: '52', dataDir: '.nguon', httpPort: 0, mqttPort: 0, wsPort: 0 };
 * ```
 */
export interface SystemOptions {
  /** GSO code of the province this system serves (default `52`, Gia Lai). */
  province?: string | undefined;
  /** Directory of the SQLite file `nguon.db` (created if missing); without it and without `databaseUrl`, an in-memory database. */
  dataDir?: string | undefined;
  /** PostgreSQL connection URL; wins over `dataDir`. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema (default `public`). */
  databaseSchema?: string | undefined;
  /** Address every listener binds to (default `127.0.0.1`). */
  host?: string | undefined;
  /** HTTP port (default 8080; 0 for any free one). */
  httpPort?: number | undefined;
  /** Embedded broker's MQTT port (default 1883; 0 for any free one). Ignored with `mqttUrl`. */
  mqttPort?: number | undefined;
  /** Embedded broker's WebSocket port (default 8083; 0 for any free one; `false` for none). */
  wsPort?: number | false | undefined;
  /**
   * An external broker (Mosquitto, EMQX, HiveMQ) instead of the embedded one. The system logs in
   * with `mqttUsername` / `mqttPassword`; device events are read through the shared subscription
   * group `sharedGroup` so that several instances split them.
   */
  mqttUrl?: string | undefined;
  mqttUsername?: string | undefined;
  mqttPassword?: string | undefined;
  /** Shared-subscription group on an external broker (default `nguon`). */
  sharedGroup?: string | undefined;
  /**
   * MQTT client id of this instance. The dispatcher's session is persistent, so the id must be the
   * same at every start of one instance and differ between instances (default
   * `nguon-{province}-{hostname}`; give each instance its own when several run on one host).
   */
  clientId?: string | undefined;
  /** The broker address handed to devices at registration (default the broker's own URL). */
  deviceMqttUrl?: string | undefined;
  /** The WebSocket address handed to devices (boards in browsers) at registration. */
  deviceWsUrl?: string | undefined;
  /** The bootstrap admin token (at least 20 characters; default a random `ngn_admin_…`). */
  adminToken?: string | undefined;
  /** A pino logger (default JSON lines to stderr at `info`). */
  logger?: pino.Logger | undefined;
  /** The administrative-unit registry (default `loadUnits()`). */
  units?: UnitRegistry | undefined;
  /** Browser origins allowed to call the API (see `ServerOptions.cors`). */
  cors?: { origins: '*' | readonly string[] } | undefined;
  /** Worker threads that verify receipt signatures (default: one per core). */
  receiptThreads?: number | undefined;
  /** The clock (default `() => new Date()`). */
  now?: (() => Date) | undefined;
}

/**
 * A running source system: its addresses, the admin token, its parts, and `stop()`.
 *
 * @example
 * ```ts
 * const system: RunningSystem = await startSystem({ httpPort: 0, mqttPort: 0, wsPort: 0 });
 * console.log(system.http, system.mqtt, system.adminToken);
 * await system.stop();
 * ```
 */
export interface RunningSystem {
  /** Base URL of the REST API, e.g. `http://127.0.0.1:8080`. */
  http: string;
  /** The broker URL devices are given (TCP). */
  mqtt: string;
  /** The WebSocket broker URL devices are given, when there is one. */
  ws?: string | undefined;
  adminToken: string;
  province: string;
  db: Database;
  dispatcher: Dispatcher;
  /** The embedded broker; absent with `mqttUrl`. */
  broker?: EmbeddedBroker | undefined;
  /** Milliseconds from the call of `startSystem` until everything listened. */
  startupMs: number;
  /** Stops HTTP, dispatcher, the command connection or embedded broker, and database, in that order. */
  stop(): Promise<void>;
}

function checkPort(name: string, value: number | undefined, fallback: number): number {
  const port = value ?? fallback;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ServerError('config', `${name}: expected a port number 0–65535, found ${String(value)}`);
  }
  return port;
}

async function listenHttp(
  server: ReturnType<typeof createServer>,
  port: number,
  host: string,
): Promise<Listening> {
  try {
    return await server.listen(port, host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? 'is busy: EADDRINUSE (another program listens there)'
        : `cannot be used: ${String(error)}`;
    throw new ServerError(
      'config',
      `HTTP port ${port} on ${host} ${reason}; pass another port (--port / PORT) or 0 for any free one`,
      { cause: error },
    );
  }
}

/**
 * Starts the reference source system: opens the database (SQLite in `dataDir/nguon.db`, or
 * PostgreSQL with `databaseUrl`) and runs its migrations, starts the embedded MQTT broker (TCP and
 * WebSocket, per-device passwords and topic ACL) unless `mqttUrl` names an external one, connects
 * the dispatcher, and serves the REST API with the dispatcher as its device hub. A part that fails
 * stops the ones already started, and the error says which port or setting to change.
 *
 * @throws {ServerError} `config` for a busy or bad port, `database` / `migration` when the database fails.
 * @example
 * ```ts
 * import { startSystem } from '@nguon/server';
 * const system = await startSystem({ dataDir: '.nguon', httpPort: 0, mqttPort: 0, wsPort: 0 });
 * const res = await fetch(`${system.http}/health`);
 * await system.stop();
 * ```
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const started = performance.now();
  const province = options.province ?? '52';
  if (!/^\d{2}$/.test(province)) {
    throw new ServerError(
      'config',
      `province: expected a two-digit GSO code such as 52, found "${province}"`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  const httpPort = checkPort('httpPort', options.httpPort, 8080);
  const mqttPort = checkPort('mqttPort', options.mqttPort, 1883);
  const wsPort = options.wsPort === false ? false : checkPort('wsPort', options.wsPort, 8083);
  const adminToken = options.adminToken ?? `ngn_admin_${randomBytes(24).toString('base64url')}`;
  if (adminToken.length < 20) {
    throw new ServerError('config', 'adminToken: expected at least 20 characters');
  }
  const logger = options.logger ?? pino({ level: 'info' }, pino.destination(2));
  const now = options.now ?? (() => new Date());
  const registry = options.units ?? loadUnits();

  const cleanups: Array<() => Promise<void>> = [];
  const unwind = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'stopping a part failed'));
    }
    cleanups.length = 0;
  };
  try {
    let file: string | undefined;
    if (options.databaseUrl === undefined && options.dataDir !== undefined) {
      mkdirSync(options.dataDir, { recursive: true });
      file = join(options.dataDir, 'nguon.db');
    }
    const db = await openDatabase({ url: options.databaseUrl, schema: options.databaseSchema, file });
    cleanups.push(() => db.close());

    // Commands never queue behind the PUBACKs of a receipt burst on the dispatcher's connection: on
    // the embedded broker they are published in process, on an external one over a connection of
    // their own.
    let broker: EmbeddedBroker | undefined;
    let mqtt: { url: string; username?: string; password?: string };
    let publishCommand: (topic: string, payload: string) => Promise<void>;
    if (options.mqttUrl === undefined) {
      const system = {
        username: `nguon-system-${randomBytes(4).toString('hex')}`,
        password: randomBytes(24).toString('base64url'),
      };
      const embedded = await startEmbeddedBroker({
        db,
        province,
        host,
        port: mqttPort,
        wsPort,
        system,
        logger,
      });
      broker = embedded;
      cleanups.push(() => embedded.close());
      mqtt = { url: embedded.url, ...system };
      publishCommand = (topic, payload) =>
        new Promise<void>((resolve, reject) =>
          embedded.aedes.publish(
            { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
            (error) => (error ? reject(error) : resolve()),
          ),
        );
    } else {
      mqtt = {
        url: options.mqttUrl,
        ...(options.mqttUsername === undefined ? {} : { username: options.mqttUsername }),
        ...(options.mqttPassword === undefined ? {} : { password: options.mqttPassword }),
      };
      const { url, ...login } = mqtt;
      const commands = await mqttConnect(
        url,
        {
          clientId: `${options.clientId ?? defaultClientId(province)}-cmd`,
          clean: true,
          reconnectPeriod: 1_000,
          connectTimeout: 10_000,
          ...login,
        },
        false,
      ).catch((error: unknown) => {
        throw new ServerError('config', `mqtt: cannot connect to ${url} for commands: ${String(error)}`, {
          cause: error,
        });
      });
      cleanups.push(() => commands.endAsync());
      publishCommand = async (topic, payload) => {
        await commands.publishAsync(topic, payload, { qos: 1 });
      };
    }
    const deviceMqtt = options.deviceMqttUrl ?? broker?.url ?? mqtt.url;
    const deviceWs = options.deviceWsUrl ?? broker?.wsUrl;
    const scope = new ScopeUnits(registry, now);
    const dispatcher = await createDispatcher({
      db,
      province,
      mqtt: { ...mqtt, ...(options.clientId === undefined ? {} : { clientId: options.clientId }) },
      endpoints: { url: deviceMqtt, ...(deviceWs === undefined ? {} : { wsUrl: deviceWs }) },
      units: scope,
      now,
      logger,
      ...(options.mqttUrl === undefined ? {} : { sharedGroup: options.sharedGroup ?? 'nguon' }),
      ...(options.receiptThreads === undefined ? {} : { receipts: { threads: options.receiptThreads } }),
      publishCommand,
      ...(broker === undefined
        ? {}
        : { onBrokerAuthChange: (id: string) => (broker as EmbeddedBroker).refresh(id) }),
    });
    cleanups.push(() => dispatcher.close());

    const server = createServer({
      db,
      adminToken,
      logger,
      units: registry,
      now,
      hub: dispatcher,
      ...(options.cors === undefined ? {} : { cors: options.cors }),
    });
    const listening = await listenHttp(server, httpPort, host);
    cleanups.push(() => listening.close());

    const running: RunningSystem = {
      http: listening.url,
      mqtt: deviceMqtt,
      ...(deviceWs === undefined ? {} : { ws: deviceWs }),
      adminToken,
      province,
      db,
      dispatcher,
      ...(broker === undefined ? {} : { broker }),
      startupMs: performance.now() - started,
      stop: unwind,
    };
    logger.info(
      {
        http: running.http,
        mqtt: running.mqtt,
        ws: running.ws,
        database: db.dialect,
        startupMs: Math.round(running.startupMs),
      },
      'nguon source system ready',
    );
    return running;
  } catch (error) {
    await unwind();
    throw error;
  }
}
