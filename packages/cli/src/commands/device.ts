import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  DeviceError,
  type DeviceRunConfig,
  NullAdapter,
  type PlayoutAdapter,
  parseDeviceRunConfig,
  runConfigFromRegistration,
} from '@nguon/device';
import { createNodeDevice } from '@nguon/device/node';
import { createRadioAdapter } from '@nguon/radio';
import type { Command } from 'commander';
import { CliExit, type CliIo, waitForShutdown } from '../io';

async function readJson(file: string, command: string, io: CliIo, shown = file): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr(`nguon ${command}: cannot read ${shown}: ${(error as Error).message}\n`);
    throw new CliExit(1);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    io.stderr(`nguon ${command}: ${shown}: expected JSON, ${(error as Error).message}\n`);
    throw new CliExit(1);
  }
}

async function loadConfig(file: string, io: CliIo): Promise<DeviceRunConfig> {
  const json = await readJson(file, 'device run', io);
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

interface ConfigOptions {
  registration: string;
  key: string;
  kind: string;
  units: string;
  dataDir?: string;
  transport: string;
  player?: string;
  audioOutput?: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  out?: string;
}

async function writeRunConfig(options: ConfigOptions, io: CliIo): Promise<void> {
  const fail = (message: string): never => {
    io.stderr(`nguon device config: ${message}\n`);
    throw new CliExit(1);
  };
  if (options.kind !== 'radio' && options.kind !== 'board') {
    fail(`--kind: expected radio or board, found "${options.kind}"`);
  }
  if (options.transport !== 'tcp' && options.transport !== 'ws') {
    fail(`--transport: expected tcp or ws, found "${options.transport}"`);
  }
  if (options.player !== undefined && options.player !== 'null' && options.player !== 'command') {
    fail(`--player: expected null or command, found "${options.player}"`);
  }
  const units = options.units
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  const registration = await readJson(
    resolve(io.cwd, options.registration),
    'device config',
    io,
    options.registration,
  );
  const keys = (await readJson(resolve(io.cwd, options.key), 'device config', io, options.key)) as {
    privateKey?: unknown;
  };
  if (typeof keys !== 'object' || keys === null || typeof keys.privateKey !== 'object') {
    fail(`${options.key}: expected the output of \`nguon keys generate\` ({kid, publicKey, privateKey})`);
  }
  if (typeof registration !== 'object' || registration === null) {
    fail(`${options.registration}: expected the JSON answer of POST /v1/devices`);
  }
  let config: DeviceRunConfig;
  try {
    config = runConfigFromRegistration(registration as never, {
      kind: options.kind as 'radio' | 'board',
      units,
      privateKey: keys.privateKey as never,
      transport: options.transport as 'tcp' | 'ws',
      dataDir: options.dataDir,
      player: options.player as 'null' | 'command' | undefined,
      audioOutput: options.audioOutput,
      vendor: options.vendor,
      model: options.model,
      firmware: options.firmware,
    });
  } catch (error) {
    if (!DeviceError.isInstance(error)) throw error;
    return fail(`${options.registration}: ${error.message}`);
  }
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (options.out === undefined) {
    io.stdout(text);
    return;
  }
  // The file holds the device's private key and MQTT password: readable by its owner only.
  await writeFile(resolve(io.cwd, options.out), text, { mode: 0o600 });
  io.stderr(
    `nguon device config: wrote ${options.out} for ${config.deviceId} (province ${config.province})\n`,
  );
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
    .description('configure and run a reference device (IP loudspeaker or bulletin board)');
  device
    .command('config')
    .description(
      'write the configuration of `nguon device run` from the answer of POST /v1/devices and the key of `nguon keys generate`',
    )
    .requiredOption('--registration <file>', 'the JSON answer of POST /v1/devices')
    .requiredOption('--key <file>', 'the JSON output of `nguon keys generate` (holds the private key)')
    .requiredOption('--units <codes>', 'the unit codes the device was registered for, comma-separated')
    .option('--kind <kind>', 'radio or board', 'radio')
    .option('--transport <t>', 'tcp (mqtt://) or ws (the WebSocket address)', 'tcp')
    .option('--data-dir <dir>', 'where the device keeps its state (default {id}-data, next to the file)')
    .option('--player <player>', 'radio: command (real audio players) or null')
    .option('--audio-output <device>', 'radio with player command: an ALSA device, default, or null')
    .option('--vendor <name>')
    .option('--model <name>')
    .option('--firmware <version>')
    .option('--out <file>', 'write here (mode 0600) instead of stdout')
    .action((options: ConfigOptions) => writeRunConfig(options, io));
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
