import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { TestkitError } from './errors';

/**
 * A broker the simulator and the publisher connect to: an aedes broker in a child process, or an
 * external broker (Mosquitto, EMQX …) given by URL.
 *
 * @example
 * ```ts
 * const broker = await startAedesProcess();
 * console.log(broker.url); // mqtt://127.0.0.1:40123
 * await broker.stop();
 * ```
 */
export interface BrokerHandle {
  /** `mqtt://host:port`. */
  readonly url: string;
  /** `aedes-process` or `external`. */
  readonly kind: 'aedes-process' | 'external';
  /** The child's process id (aedes only). */
  readonly pid: number | undefined;
  /**
   * How many clients the broker holds right now (aedes only; `undefined` for an external broker,
   * which does not say so promptly).
   */
  connectedClients(): Promise<number | undefined>;
  /** Stops the child broker (aedes); does nothing to an external broker. */
  stop(): Promise<void>;
}

// Runs in the child: an aedes broker on a free port of 127.0.0.1; prints {"port":…} once listening,
// answers 'clients' over IPC, exits when the parent goes away.
const CHILD = `
import { createServer } from 'node:net';
const { Aedes } = await import(process.env.NGUON_TESTKIT_AEDES);
const aedes = await Aedes.createBroker();
const server = createServer(aedes.handle);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n');
});
process.on('message', (m) => {
  if (m && m.type === 'clients') process.send({ type: 'clients', id: m.id, clients: aedes.connectedClients });
});
const quit = () => {
  setTimeout(() => process.exit(0), 2000).unref();
  aedes.close(() => server.close(() => process.exit(0)));
};
process.on('disconnect', quit);
process.on('SIGTERM', quit);
`;

/**
 * Starts aedes (MQTT 3.1.1) in a CHILD process on port 0 of 127.0.0.1 and resolves once the child
 * has printed the port it got. The broker thus gets its own CPU time and file descriptors: the
 * devices of this process and the broker do not share one event loop or one `ulimit -n`.
 *
 * @example
 * ```ts
 * const broker = await startAedesProcess();
 * const sim = new DeviceSimulator({ url: broker.url, province: '52', count: 100, trust: [key.anchor] });
 * ```
 */
export async function startAedesProcess(options: { timeoutMs?: number } = {}): Promise<BrokerHandle> {
  const aedesUrl = pathToFileURL(createRequire(import.meta.url).resolve('aedes')).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NGUON_TESTKIT_AEDES: aedesUrl },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new TestkitError(
          'broker_failed',
          `aedes child printed no port within ${options.timeoutMs ?? 10_000} ms`,
        ),
      );
    }, options.timeoutMs ?? 10_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) {
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch (cause) {
          reject(
            new TestkitError(
              'broker_failed',
              `aedes child printed ${JSON.stringify(line)}, expected {"port":n}`,
              { cause },
            ),
          );
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new TestkitError(
          'broker_failed',
          `aedes child exited with code ${code} before listening: ${stderr.trim()}`,
        ),
      );
    });
  });
  let nextId = 0;
  let exited = child.exitCode !== null;
  child.once('exit', () => {
    exited = true;
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'aedes-process',
    pid: child.pid,
    connectedClients: () => askClients(child, ++nextId, () => exited),
    async stop() {
      if (exited) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

function askClients(child: ChildProcess, id: number, exited: () => boolean): Promise<number | undefined> {
  if (exited()) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; id?: number; clients?: number }) => {
      if (m?.type === 'clients' && m.id === id) {
        child.off('message', onMessage);
        resolve(m.clients);
      }
    };
    child.on('message', onMessage);
    child.send({ type: 'clients', id });
  });
}

/**
 * Wraps an external broker URL (e.g. Mosquitto at `mqtt://127.0.0.1:1883`) as a
 * {@link BrokerHandle}, after checking that an MQTT client can connect to it. Throws
 * `TestkitError` `broker_unreachable` otherwise.
 *
 * @example
 * ```ts
 * const broker = await externalBroker('mqtt://127.0.0.1:1883');
 * ```
 */
export async function externalBroker(
  url: string,
  options: { timeoutMs?: number; username?: string; password?: string } = {},
): Promise<BrokerHandle> {
  const problem = await probeBroker(url, options);
  if (problem !== undefined) {
    throw new TestkitError('broker_unreachable', `cannot connect to the MQTT broker at ${url}: ${problem}`);
  }
  return {
    url,
    kind: 'external',
    pid: undefined,
    connectedClients: () => Promise.resolve(undefined),
    stop: () => Promise.resolve(),
  };
}

/**
 * Whether an MQTT client can connect to `url` within `timeoutMs` (default 2000).
 *
 * @example
 * ```ts
 * if (await isBrokerReachable('mqtt://127.0.0.1:1883')) runMosquittoSuite();
 * ```
 */
export async function isBrokerReachable(
  url: string,
  options: { timeoutMs?: number; username?: string; password?: string } = {},
): Promise<boolean> {
  return (await probeBroker(url, options)) === undefined;
}

async function probeBroker(
  url: string,
  options: { timeoutMs?: number; username?: string; password?: string },
): Promise<string | undefined> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const client = mqtt.connect(url, {
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    clientId: `nguon-probe-${Math.random().toString(36).slice(2, 10)}`,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  });
  const result = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(`no CONNACK within ${timeoutMs} ms`), timeoutMs + 100);
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    client.once('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    client.once('close', () => {
      clearTimeout(timer);
      resolve('connection closed');
    });
  });
  client.end(true);
  return result;
}

/**
 * The Mosquitto URL of the development and CI machines: env `MQTT_URL`, or `mqtt://127.0.0.1:1883`.
 *
 * @example
 * ```ts
 * const broker = await externalBroker(mosquittoUrl());
 * ```
 */
export function mosquittoUrl(): string {
  return process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
}
