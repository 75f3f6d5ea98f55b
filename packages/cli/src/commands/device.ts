import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  DeviceError,
  type DeviceRunConfig,
  NullAdapter,
  type PlayoutAdapter,
  parseDeviceRunConfig,
} from '@nguon/device';
import { createNodeDevice } from '@nguon/device/node';
import { createRadioAdapter } from '@nguon/radio';
import type { Command } from 'commander';
import { CliExit, type CliIo, waitForShutdown } from '../io';

async function loadConfig(file: string, io: CliIo): Promise<DeviceRunConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr(`nguon device run: cannot read ${file}: ${(error as Error).message}\n`);
    throw new CliExit(1);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    io.stderr(`nguon device run: ${file}: expected JSON, ${(error as Error).message}\n`);
    throw new CliExit(1);
  }
  try {
    const config = parseDeviceRunConfig(json, file);
    // paths are relative to the config file, so a config and its data travel together
    const base = dirname(file);
    return {
      ...config,
      dataDir: resolve(base, config.dataDir),
      mqtt: {
        ...config.mqtt,
        ...(config.mqtt.caFile === undefined ? {} : { caFile: resolve(base, config.mqtt.caFile) }),
      },
    };
  } catch (error) {
    if (!DeviceError.isInstance(error)) throw error;
    io.stderr(`nguon device run: invalid configuration\n${error.message}\n`);
    throw new CliExit(1);
  }
}

async function createAdapter(config: DeviceRunConfig, io: CliIo): Promise<PlayoutAdapter> {
  if (config.kind === 'radio' && config.player === 'command') {
    // Detects mpg123/ffplay/ffmpeg/aplay, and espeak-ng for text bulletins when installed.
    return createRadioAdapter({
      env: io.env,
      ...(config.audioOutput === undefined ? {} : { output: config.audioOutput }),
    });
  }
  // Boards run headless here: a board renders in a browser (@nguon/board); the reference device
  // only proves the protocol side, timing each display with the null adapter.
  return new NullAdapter({ kind: config.kind });
}

/**
 * Registers `nguon device run --config FILE`: runs a reference device (radio or board) until SIGINT
 * or SIGTERM, printing one JSON line per runtime event (connected, welcome, command, ack, play.start,
 * play.end, receipt, alarm, status, …) on stdout and problems on stderr.
 *
 * @example
 * ```ts
 * registerDeviceCommands(program, io); // nguon device run --config device.json
 * ```
 */
export function registerDeviceCommands(program: Command, io: CliIo): void {
  const device = program
    .command('device')
    .description('run a reference device (IP loudspeaker or bulletin board)');
  device
    .command('run')
    .description(
      'connect to the source system and run until SIGINT/SIGTERM, one JSON line per event on stdout (player "command" plays radio audio with mpg123/ffplay/aplay; boards run headless)',
    )
    .requiredOption('--config <file>', 'device configuration JSON (see the @nguon/device README)')
    .action(async (options: { config: string }) => {
      const config = await loadConfig(resolve(io.cwd, options.config), io);
      let adapter: PlayoutAdapter;
      try {
        adapter = await createAdapter(config, io);
      } catch (error) {
        io.stderr(`nguon device run: cannot set up the ${config.kind} player: ${(error as Error).message}\n`);
        throw new CliExit(1);
      }
      const client = createNodeDevice(config, {
        adapter,
        logger: { warn: (m) => io.stderr(`${m}\n`), error: (m) => io.stderr(`${m}\n`) },
      });
      client.on('event', (event) =>
        io.stdout(`${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`),
      );
      const shutdown = waitForShutdown();
      try {
        await client.start();
      } catch (error) {
        io.stderr(`nguon device run: ${(error as Error).message}\n`);
        throw new CliExit(1);
      }
      const signal = await shutdown;
      io.stderr(`nguon device run: ${signal}, stopping\n`);
      await client.stop();
      io.stdout(`${JSON.stringify({ ts: new Date().toISOString(), type: 'stopped', signal })}\n`);
    });
}
