import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';

/**
 * An embedded aedes broker (MQTT 3.1.1) listening on free ports.
 *
 * @example
 * ```ts
 * const broker = await startBroker();
 * const client = mqtt.connect(broker.url);
 * await broker.close();
 * ```
 */
export interface TestBroker {
  /** `mqtt://127.0.0.1:{port}`. */
  url: string;
  /** `ws://127.0.0.1:{wsPort}` (MQTT over WebSocket, path `/`). */
  wsUrl: string;
  port: number;
  wsPort: number;
  /** `mqtts://127.0.0.1:{tlsPort}` when started with `tls`. */
  tlsUrl?: string;
  /** The aedes instance, e.g. to watch `publish` events or add hooks. */
  aedes: Aedes;
  /** Closes the listeners and the broker (connected clients are dropped). */
  close(): Promise<void>;
}

/**
 * Starts an in-process aedes broker on port 0 for TCP and for WebSocket, and for TLS when given a
 * key and certificate (PEM); `port` fixes the TCP port (to restart a broker where devices expect
 * it); other `options` are aedes options (authenticate, authorizePublish,
 * authorizeSubscribe hooks for ACL tests).
 *
 * @example
 * ```ts
 * const broker = await startBroker();
 * console.log(broker.url, broker.wsUrl);
 * ```
 */
export async function startBroker(
  options: AedesOptions & { tls?: { key: string | Buffer; cert: string | Buffer }; port?: number } = {},
): Promise<TestBroker> {
  const { tls, port: wantedPort = 0, ...aedesOptions } = options;
  const aedes = await Aedes.createBroker(aedesOptions);
  const tcp = createServer(aedes.handle);
  let secure: Server | undefined;
  if (tls !== undefined) {
    secure = createTlsServer({ key: tls.key, cert: tls.cert }, aedes.handle);
    const server = secure;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
  const http = createHttpServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket, request) => {
    aedes.handle(createWebSocketStream(socket), request);
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(wantedPort, '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (tcp.address() as AddressInfo).port;
  const wsPort = (http.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    port,
    wsPort,
    ...(secure === undefined
      ? {}
      : { tlsUrl: `mqtts://127.0.0.1:${(secure.address() as AddressInfo).port}` }),
    aedes,
    close() {
      closed ??= (async () => {
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await Promise.all([
          new Promise<void>((resolve) => tcp.close(() => resolve())),
          new Promise<void>((resolve) => (secure === undefined ? resolve() : secure.close(() => resolve()))),
          new Promise<void>((resolve) => wss.close(() => http.close(() => resolve()))),
        ]);
      })();
      return closed;
    },
  };
}

/**
 * The URL of the real Mosquitto used by integration tests: env `MQTT_URL`, or
 * `mqtt://127.0.0.1:1883`.
 *
 * @example
 * ```ts
 * const client = new DeviceClient({ ...options, mqtt: { url: mosquittoUrl(), protocolVersion: 5 } });
 * ```
 */
export function mosquittoUrl(): string {
  return process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
}
