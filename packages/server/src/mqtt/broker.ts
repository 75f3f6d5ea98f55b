import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { DEVICE_ID_PATTERN, deviceAcl, presenceTopic } from '@nguon/protocol';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type pino from 'pino';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Database } from '../db';
import { ServerError } from '../errors';
import { verifyMqttPassword } from './secrets';

/** Largest payload a device may publish (P-T3): 256 KiB. */
const MAX_PAYLOAD = 256 * 1024;
// Messages aedes routes at once. Its default, 100, queues the rest first in, first out, so a command
// published after a burst of 10,000 receipts waited for all of them to be routed.
const ROUTING_CONCURRENCY = 10_000;
/** Unknown device ids remembered (so a storm of bad ids does not hit the database) before forgetting all. */
const NEGATIVE_CACHE_LIMIT = 10_000;

/**
 * Options of {@link startEmbeddedBroker}.
 *
 * @example
 * ```ts
 * const options: EmbeddedBrokerOptions = {
 *   db, province: '52', port: 0, wsPort: false,
 *   system: { username: 'nguon-system', password: process.env.NGUON_MQTT_PASSWORD ?? '' },
 * };
 * ```
 */
export interface EmbeddedBrokerOptions {
  /** The server's database: devices are read from `devices` (id, secret_hash, units). */
  db: Database;
  /** Province code of the topic tree (`nguon/v1/{province}/…`). */
  province: string;
  /** Interface to listen on (default `127.0.0.1`; `0.0.0.0` for devices on the network). */
  host?: string | undefined;
  /** MQTT over TCP port (default 1883; 0 = any free port). */
  port?: number | undefined;
  /** MQTT over WebSocket port (default 8083; 0 = any free port; `false` = no WebSocket listener). */
  wsPort?: number | false | undefined;
  /** The source system's own MQTT account: full access, shared subscriptions allowed. */
  system: { username: string; password: string };
  /** Where denied connections, subscriptions and publishes are logged (default: silent). */
  logger?: pino.Logger | undefined;
}

/**
 * A running embedded broker, from {@link startEmbeddedBroker}.
 *
 * @example
 * ```ts
 * const broker = await startEmbeddedBroker(options);
 * console.log(broker.url); // mqtt://127.0.0.1:1883
 * await broker.close();
 * ```
 */
export interface EmbeddedBroker {
  /** `mqtt://{host}:{port}`. */
  url: string;
  /** `ws://{host}:{wsPort}` when the WebSocket listener runs. */
  wsUrl?: string | undefined;
  port: number;
  wsPort?: number | undefined;
  /** The aedes instance (e.g. to watch `publish` or `clientError` events). */
  aedes: Aedes;
  /**
   * Forgets what the broker remembers of a device (its password hash, its ACL, "no such device"),
   * so that a new, changed or deleted device is read again from the database. A connected device
   * whose row is gone or whose password changed is disconnected; one whose units changed keeps its
   * connection with the new ACL.
   */
  refresh(deviceId: string): Promise<void>;
  /** Closes the listeners and the broker; connected clients are dropped. */
  close(): Promise<void>;
}

/** What the broker knows of one device. */
interface DeviceEntry {
  secretHash: string;
  subscribe: Set<string>;
  publish: Set<string>;
  presence: string;
}

/** What a connected client may do. */
type Grant = { kind: 'system' } | { kind: 'device'; id: string; entry: DeviceEntry };

function badCredentials(): AuthenticateError {
  const error = new Error('bad username or password') as AuthenticateError;
  error.returnCode = 4;
  return error;
}

function digest(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}

function listen(server: Server | HttpServer, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const flag = what === 'MQTT' ? '--mqtt-port / MQTT_PORT' : '--ws-port / MQTT_WS_PORT';
      const reason =
        error.code === 'EADDRINUSE'
          ? `${error.code} (another broker or program listens there)`
          : `${error.code ?? ''} ${error.message}`.trim();
      reject(
        new ServerError(
          'config',
          `${what} port ${port} on ${host} is busy: ${reason}; pass another port (${flag}) or 0 for any free one`,
          { cause: error },
        ),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Starts the embedded MQTT broker of the source system (aedes, MQTT 3.1.1; aedes does not speak MQTT 5) with a TCP and a
 * WebSocket listener. Devices log in with username = client id = device id and the password issued
 * at registration (checked against `devices.secret_hash`); each may subscribe only to its own `cmd`
 * topic and its units' `area` topics and publish only its own events and presence (P-T2, P-TP2;
 * retained only for presence, P-T4; payloads up to 256 KiB, P-T3). The `system` account has full
 * access. The database is read once per connection, never per message. A busy port rejects with a
 * {@link ServerError} `config`.
 *
 * @example
 * ```ts
 * const broker = await startEmbeddedBroker({
 *   db, province: '52', port: 0, wsPort: 0,
 *   system: { username: 'nguon-system', password: 'long-random-secret' },
 * });
 * // a new device was registered:
 * await broker.refresh('loa-52001-001');
 * await broker.close();
 * ```
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { db, province, system, logger } = options;
  const host = options.host ?? '127.0.0.1';
  const wantedPort = options.port ?? 1883;
  const wantedWsPort = options.wsPort === undefined ? 8083 : options.wsPort;
  if (system.username === '' || system.password === '') {
    throw new ServerError('config', 'the embedded MQTT broker needs a system username and password');
  }
  const systemDigest = digest(system.password);
  const cache = new Map<string, DeviceEntry | null>();
  let unknownCount = 0;
  const grants = new WeakMap<Client, Grant>();
  const connected = new Map<string, Client>();

  const load = async (id: string): Promise<DeviceEntry | null> => {
    const cached = cache.get(id);
    if (cached !== undefined) return cached;
    const row = await db.kysely
      .selectFrom('devices')
      .select(['secret_hash', 'units'])
      .where('id', '=', id)
      .executeTakeFirst();
    let entry: DeviceEntry | null = null;
    if (row !== undefined) {
      let units: string[] = [];
      try {
        const parsed: unknown = JSON.parse(row.units);
        if (Array.isArray(parsed)) units = parsed.filter((u): u is string => typeof u === 'string');
      } catch {
        logger?.warn({ deviceId: id }, 'mqtt: devices.units is not JSON; the device gets no area topics');
      }
      const acl = deviceAcl(province, id, units);
      entry = {
        secretHash: row.secret_hash,
        subscribe: new Set(acl.subscribe),
        publish: new Set(acl.publish),
        presence: presenceTopic(province, id),
      };
    } else {
      if (unknownCount >= NEGATIVE_CACHE_LIMIT) {
        for (const [key, value] of cache) if (value === null) cache.delete(key);
        unknownCount = 0;
      }
      unknownCount += 1;
    }
    cache.set(id, entry);
    return entry;
  };

  const aedes = await Aedes.createBroker({
    concurrency: ROUTING_CONCURRENCY,
    authenticate(client, username, password, done) {
      const secret = password === undefined ? '' : Buffer.from(password).toString('utf8');
      if (username === system.username) {
        if (timingSafeEqual(digest(secret), systemDigest)) {
          grants.set(client, { kind: 'system' });
          done(null, true);
        } else {
          logger?.warn({ clientId: client.id, username }, 'mqtt: system login refused (bad password)');
          done(badCredentials(), false);
        }
        return;
      }
      if (username === undefined || username !== client.id || !DEVICE_ID_PATTERN.test(username)) {
        logger?.warn(
          { clientId: client.id, username },
          'mqtt: login refused: the username must be the device id and equal the client id',
        );
        done(badCredentials(), false);
        return;
      }
      load(username).then(
        (entry) => {
          if (entry === null || !verifyMqttPassword(secret, entry.secretHash)) {
            logger?.warn(
              { deviceId: username },
              entry === null ? 'mqtt: login refused: no such device' : 'mqtt: login refused: bad password',
            );
            done(badCredentials(), false);
            return;
          }
          grants.set(client, { kind: 'device', id: username, entry });
          done(null, true);
        },
        (error: unknown) => {
          logger?.error({ deviceId: username, err: error }, 'mqtt: database error during login');
          const failure = new Error('server unavailable') as AuthenticateError;
          failure.returnCode = 3;
          done(failure, false);
        },
      );
    },
    authorizeSubscribe(client, subscription, done) {
      const grant = grants.get(client);
      if (grant?.kind === 'system') {
        // aedes has no shared subscriptions: `$share/{group}/{filter}` becomes a plain subscription to
        // {filter} (one embedded broker serves one source-system instance).
        const shared = /^\$share\/[^/#+]+\/(.+)$/.exec(subscription.topic);
        done(null, shared ? { ...subscription, topic: shared[1] as string } : subscription);
        return;
      }
      if (grant?.kind === 'device' && grant.entry.subscribe.has(subscription.topic)) {
        done(null, subscription);
        return;
      }
      logger?.warn(
        { deviceId: grant?.kind === 'device' ? grant.id : client.id, topic: subscription.topic },
        'mqtt: subscription denied (P-TP2)',
      );
      done(null, null);
    },
    authorizePublish(client, packet, done) {
      if (packet.topic.startsWith('$SYS/')) {
        done(new Error('$SYS/ topics are reserved'));
        return;
      }
      // client is null only for an old will message the broker publishes itself
      if (client === null) {
        done(null);
        return;
      }
      const grant = grants.get(client);
      if (grant?.kind === 'system') {
        done(null);
        return;
      }
      let reason: string | undefined;
      const size = packet.payload?.length ?? 0;
      if (grant === undefined) reason = 'not logged in';
      else if (!grant.entry.publish.has(packet.topic)) reason = 'topic not allowed (P-TP2)';
      else if (packet.retain && packet.topic !== grant.entry.presence)
        reason = 'retained allowed only for presence (P-T4)';
      else if (size > MAX_PAYLOAD) reason = `payload ${size} bytes is over 256 KiB (P-T3)`;
      if (reason === undefined) {
        done(null);
        return;
      }
      logger?.warn(
        { deviceId: grant?.kind === 'device' ? grant.id : client.id, topic: packet.topic, reason },
        'mqtt: publish denied',
      );
      done(new Error(`publish denied: ${reason}`));
    },
  });
  aedes.on('client', (client) => {
    const grant = grants.get(client);
    if (grant?.kind === 'device') connected.set(grant.id, client);
  });
  aedes.on('clientDisconnect', (client) => {
    const grant = grants.get(client);
    if (grant?.kind === 'device' && connected.get(grant.id) === client) connected.delete(grant.id);
  });

  const tcp = createServer(aedes.handle);
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  const closeAll = async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await Promise.all([
      new Promise<void>((resolve) => (tcp.listening ? tcp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => {
        if (wss === undefined || http === undefined) return resolve();
        const server = http;
        wss.close(() => (server.listening ? server.close(() => resolve()) : resolve()));
      }),
    ]);
  };
  let port: number;
  let wsPort: number | undefined;
  try {
    port = await listen(tcp, wantedPort, host, 'MQTT');
    if (wantedWsPort !== false) {
      http = createHttpServer((_request, response) => {
        response.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
      });
      wss = new WebSocketServer({ server: http });
      wss.on('connection', (socket, request) => {
        aedes.handle(createWebSocketStream(socket), request);
      });
      wss.on('error', () => {
        // the http server reports listen errors itself
      });
      wsPort = await listen(http, wantedWsPort, host, 'MQTT WebSocket');
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `mqtt://${shownHost}:${port}`,
    ...(wsPort === undefined ? {} : { wsUrl: `ws://${shownHost}:${wsPort}`, wsPort }),
    port,
    aedes,
    async refresh(deviceId) {
      cache.delete(deviceId);
      const client = connected.get(deviceId);
      if (client === undefined) return;
      const entry = await load(deviceId);
      const grant = grants.get(client);
      if (entry === null || (grant?.kind === 'device' && grant.entry.secretHash !== entry.secretHash)) {
        logger?.info({ deviceId }, 'mqtt: device removed or its password changed; disconnecting it');
        connected.delete(deviceId);
        client.close();
        return;
      }
      if (grant?.kind === 'device') grant.entry = entry;
    },
    close() {
      closed ??= closeAll();
      return closed;
    },
  };
}
