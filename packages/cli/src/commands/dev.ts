import { resolve } from 'node:path';
import { type RunningSystem, ServerError, startSystem } from '@nguon/server';
import type { Command } from 'commander';
import pino from 'pino';
import { CliExit, type CliIo, waitForShutdown } from '../io';

/**
 * Sample set-ups `nguon dev --seed NAME` starts with. A seed names the province the system serves;
 * add an entry here to offer another one.
 *
 * @example
 * ```ts
 * SEEDS['gia-lai']?.province; // '52'
 * ```
 */
export const SEEDS: Readonly<Record<string, { province: string; description: string }>> = {
  'gia-lai': { province: '52', description: 'Gia Lai, province 52' },
};

/** pino levels `--log-level` accepts. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

interface DevOptions {
  port: string;
  mqttPort: string;
  wsPort: string;
  data: string;
  seed?: string;
  province?: string;
  databaseUrl?: string;
  mqttUrl?: string;
  host?: string;
  logLevel: string;
}

/**
 * The line `nguon dev` prints on stdout once everything listens. `ws` is `null` when there is no
 * WebSocket listener (`--ws-port off`, or an external broker given with `--mqtt-url`).
 *
 * @example
 * ```ts
 * const ready = JSON.parse(firstLine) as DevReadyLine;
 * await fetch(`${ready.http}/health`);
 * ```
 */
export interface DevReadyLine {
  event: 'ready';
  http: string;
  mqtt: string;
  ws: string | null;
  adminToken: string;
}

function fail(io: CliIo, message: string, code: 1 | 2 = 1): never {
  io.stderr(`nguon dev: ${message}\n`);
  throw new CliExit(code);
}

function parsePort(io: CliIo, flag: string, text: string, allowOff = false): number | false {
  if (allowOff && text === 'off') return false;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
    fail(
      io,
      `${flag}: expected a port number 0–65535 (0 for any free port${allowOff ? ', off for none' : ''}), found ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

function chooseProvince(io: CliIo, options: DevOptions): string | undefined {
  let fromSeed: string | undefined;
  if (options.seed !== undefined) {
    const seed = SEEDS[options.seed];
    if (seed === undefined) {
      const known = Object.entries(SEEDS)
        .map(([name, s]) => `${name} (${s.description})`)
        .join(', ');
      fail(io, `--seed: unknown seed ${JSON.stringify(options.seed)}; known seeds: ${known}`);
    }
    fromSeed = seed.province;
  }
  const province = options.province;
  if (province !== undefined) {
    if (!/^\d{2}$/.test(province)) {
      fail(
        io,
        `--province: expected a two-digit province code such as 52, found ${JSON.stringify(province)}`,
      );
    }
    if (fromSeed !== undefined && fromSeed !== province) {
      fail(
        io,
        `--province ${province} contradicts --seed ${options.seed} (province ${fromSeed}); pass one of them`,
      );
    }
  }
  return province ?? fromSeed;
}

/**
 * Registers `nguon dev`: the whole source system on one machine (SQLite in `--data`, or PostgreSQL;
 * the embedded MQTT broker, or an external one; the dispatcher and the REST API), running until
 * SIGINT or SIGTERM. When everything listens it prints one JSON line on stdout,
 * `{"event":"ready","http":…,"mqtt":…,"ws":…,"adminToken":…}`; a banner for people and the logs
 * (pino JSON lines) go to stderr. A busy port ends it with exit code 2 and a message naming the
 * option to change; a bad option value with exit code 1.
 *
 * @example
 * ```ts
 * registerDevCommand(program, io); // nguon dev --seed gia-lai --port 0 --mqtt-port 0 --ws-port 0
 * ```
 */
export function registerDevCommand(program: Command, io: CliIo): void {
  program
    .command('dev')
    .description(
      'run the whole source system on this machine (database, MQTT broker, dispatcher, REST API) until SIGINT/SIGTERM; prints one JSON "ready" line on stdout',
    )
    .option('--port <port>', 'HTTP port of the REST API (0 for any free one)', '8080')
    .option('--mqtt-port <port>', 'MQTT (TCP) port of the embedded broker (0 for any free one)', '1883')
    .option(
      '--ws-port <port>',
      'MQTT-over-WebSocket port of the embedded broker (0 for any, off for none)',
      '8083',
    )
    .option(
      '--data <dir>',
      'directory of the SQLite database nguon.db, relative to the current directory',
      '.nguon',
    )
    .option('--seed <name>', `sample set-up: ${Object.keys(SEEDS).join(', ')}`)
    .option('--province <code>', 'two-digit GSO code of the province served (default: the seed’s, else 52)')
    .option('--database-url <url>', 'PostgreSQL instead of SQLite (default env DATABASE_URL)')
    .option(
      '--mqtt-url <url>',
      'an external broker instead of the embedded one (login from env MQTT_USERNAME / MQTT_PASSWORD)',
    )
    .option('--host <host>', 'address every listener binds to', '127.0.0.1')
    .option('--log-level <level>', `log level on stderr: ${LOG_LEVELS.join(', ')}`, 'info')
    .action(async (options: DevOptions) => {
      const httpPort = parsePort(io, '--port', options.port) as number;
      const mqttPort = parsePort(io, '--mqtt-port', options.mqttPort) as number;
      const wsPort = parsePort(io, '--ws-port', options.wsPort, true);
      const province = chooseProvince(io, options);
      if (!(LOG_LEVELS as readonly string[]).includes(options.logLevel)) {
        fail(
          io,
          `--log-level: expected one of ${LOG_LEVELS.join(', ')}, found ${JSON.stringify(options.logLevel)}`,
        );
      }
      const mqttUrl = options.mqttUrl;
      if (mqttUrl !== undefined && !/^(mqtts?|wss?):\/\/./.test(mqttUrl)) {
        fail(
          io,
          `--mqtt-url: expected an mqtt://, mqtts://, ws:// or wss:// URL, found ${JSON.stringify(mqttUrl)}`,
        );
      }
      const adminToken = io.env.NGUON_ADMIN_TOKEN || undefined;
      if (adminToken !== undefined && adminToken.length < 20) {
        fail(io, `NGUON_ADMIN_TOKEN: expected at least 20 characters, found ${adminToken.length}`);
      }
      const databaseUrl = options.databaseUrl ?? (io.env.DATABASE_URL || undefined);
      const dataDir = resolve(io.cwd, options.data);

      let system: RunningSystem;
      try {
        system = await startSystem({
          province,
          dataDir,
          databaseUrl,
          host: options.host,
          httpPort,
          mqttPort,
          wsPort,
          mqttUrl,
          mqttUsername: mqttUrl === undefined ? undefined : io.env.MQTT_USERNAME || undefined,
          mqttPassword: mqttUrl === undefined ? undefined : io.env.MQTT_PASSWORD || undefined,
          adminToken,
          logger: pino({ level: options.logLevel }, pino.destination(2)),
        });
      } catch (error) {
        if (ServerError.isInstance(error)) fail(io, error.message, 2);
        throw error;
      }
      const ready: DevReadyLine = {
        event: 'ready',
        http: system.http,
        mqtt: system.mqtt,
        ws: system.ws ?? null,
        adminToken: system.adminToken,
      };
      const shutdown = waitForShutdown();
      io.stdout(`${JSON.stringify(ready)}\n`);
      const where = databaseUrl === undefined ? `SQLite ${dataDir}` : 'PostgreSQL';
      io.stderr(
        [
          '',
          `nguon dev — source system of province ${system.province}, ready in ${Math.round(system.startupMs)} ms`,
          `  API        ${system.http}   (reference: ${system.http}/docs)`,
          `  MQTT       ${system.mqtt}${mqttUrl === undefined ? '' : '   (external broker)'}`,
          ...(system.ws === undefined ? [] : [`  WebSocket  ${system.ws}`]),
          `  database   ${where}`,
          `  admin token ${adminToken === undefined ? '(generated; set NGUON_ADMIN_TOKEN to choose one)' : '(from NGUON_ADMIN_TOKEN)'}: ${system.adminToken}`,
          '  Ctrl+C stops it.',
          '',
          '',
        ].join('\n'),
      );
      const signal = await shutdown;
      io.stderr(`nguon dev: ${signal}, stopping\n`);
      await system.stop();
      io.stderr('nguon dev: stopped\n');
    });
}
