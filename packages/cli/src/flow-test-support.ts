// Helpers of the end-to-end flow test: the reference device as a child process, polling, a commune.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadUnits } from '@nguon/areas';
import mqtt from 'mqtt';

const tsx = createRequire(import.meta.url).resolve('tsx');
const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));

/** One line of `nguon device run` output: `{ts, type, …}`. */
export type DeviceLine = Record<string, unknown> & { type: string };

/**
 * `nguon device run --config FILE` running as a child process (the CLI from source, through tsx),
 * with every event it printed and what it wrote on stderr.
 *
 * @example
 * ```ts
 * const device = runDeviceProcess(dir, 'device.json');
 * await device.waitFor((e) => e.type === 'welcome');
 * await device.stop(); // SIGTERM, resolves to the exit code
 * ```
 */
export interface DeviceProcess {
  child: ChildProcess;
  events: DeviceLine[];
  stderr(): string;
  /** Resolves with the first event (already printed or still to come) that passes `test`. */
  waitFor(test: (e: DeviceLine) => boolean, what: string, timeoutMs?: number): Promise<DeviceLine>;
  /** Sends SIGTERM and resolves to the exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Spawns `nguon device run --config <config>` in `cwd`, reading its JSON lines as they come.
 *
 * @example
 * ```ts
 * const device = runDeviceProcess(dir, 'device.json');
 * ```
 */
export function runDeviceProcess(cwd: string, config: string): DeviceProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@nguon/source', '--import', tsx, bin, 'device', 'run', '--config', config],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const events: DeviceLine[] = [];
  const waiters = new Set<{
    test: (e: DeviceLine) => boolean;
    resolve: (e: DeviceLine) => void;
    reject: (error: Error) => void;
  }>();
  let stderr = '';
  let buffer = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let event: DeviceLine;
      try {
        event = JSON.parse(line) as DeviceLine;
      } catch {
        stderr += `(stdout, not JSON) ${line}\n`;
        continue;
      }
      events.push(event);
      for (const w of waiters) {
        if (w.test(event)) {
          waiters.delete(w);
          w.resolve(event);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code, signal) => {
      // A device that died fails every wait at once, with what it said, instead of at the timeout.
      for (const w of waiters) {
        w.reject(new Error(`device process exited (${signal ?? `code ${code}`}); stderr: ${stderr}`));
      }
      waiters.clear();
      resolve(code);
    }),
  );
  return {
    child,
    events,
    stderr: () => stderr,
    waitFor(test, what, timeoutMs = 15_000) {
      const found = events.find(test);
      if (found) return Promise.resolve(found);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`device process has exited; no ${what}; stderr: ${stderr}`));
      }
      return new Promise((resolve, reject) => {
        const w = {
          test,
          resolve: (e: DeviceLine) => {
            clearTimeout(timer);
            resolve(e);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(
            new Error(
              `device process: no ${what} within ${timeoutMs} ms; last events ${JSON.stringify(events.slice(-4))}; stderr: ${stderr}`,
            ),
          );
        }, timeoutMs);
        waiters.add(w);
      });
    },
    async stop(timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Calls `read` every 100 ms until `test` holds and returns that value; after `timeoutMs` throws
 * with `what` and the last value read.
 *
 * @example
 * ```ts
 * const device = await poll(() => client.devices.get({ id }), (d) => d.presence.online, 'online');
 * ```
 */
export async function poll<T>(
  read: () => Promise<T>,
  test: (value: T) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (test(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached within ${timeoutMs} ms; last answer ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A commune of Gia Lai (52) in force both on 2025-07-01 (the targets' date) and today (registration),
 * picked at random so that runs sharing one broker rarely share an area topic.
 *
 * @example
 * ```ts
 * const { code, name } = pickCommune(); // e.g. { code: '24065', name: 'Xã Ia Rbol' }
 * ```
 */
export function pickCommune(): { code: string; name: string } {
  const registry = loadUnits();
  const today = new Date().toISOString().slice(0, 10);
  const communes = registry
    .unitsAt('2025-07-01', { level: 'commune', parent: '52' })
    .filter((u) => registry.get(u.code, today) !== undefined);
  if (communes.length === 0) throw new Error('no commune of Gia Lai (52) in force on 2025-07-01 and today');
  const unit = communes[randomInt(communes.length)] as (typeof communes)[number];
  return { code: unit.code, name: unit.name };
}

/**
 * Ends the persistent sessions that `clientIds` left on a shared broker: a clean connect replaces a
 * session, so the broker stops queueing (and, for shared subscriptions, routing) messages to it.
 *
 * @example
 * ```ts
 * await endSessions('mqtt://127.0.0.1:1883', ['nguon-flow-1a2b', 'loa-flow-1a2b']);
 * ```
 */
export async function endSessions(url: string, clientIds: readonly string[]): Promise<void> {
  for (const clientId of clientIds) {
    await new Promise<void>((resolve, reject) => {
      const client = mqtt.connect(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 5000 });
      client.once('connect', () => client.end(false, () => resolve()));
      client.once('error', (error) =>
        client.end(true, () => reject(new Error(`ending the session of ${clientId}: ${error.message}`))),
      );
    });
  }
}
