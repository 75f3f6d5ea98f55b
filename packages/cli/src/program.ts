import { Command, CommanderError } from 'commander';
import { registerAclCommands } from './commands/acl';
import { registerBulletinCommands } from './commands/bulletin';
import { registerCapCommands } from './commands/cap';
import { registerDevCommand } from './commands/dev';
import { registerDeviceCommands } from './commands/device';
import { registerIndicatorCommands } from './commands/indicators';
import { registerKeysCommands } from './commands/keys';
import { registerSchemaCommands } from './commands/schema';
import { registerUnitCommands } from './commands/units';
import { CliExit, type CliIo } from './io';

declare const __NGUON_VERSION__: string;
const version = typeof __NGUON_VERSION__ === 'string' ? __NGUON_VERSION__ : '0.0.0-source';

/**
 * Builds the `nguon` command tree, writing through `io`.
 *
 * @example
 * ```ts
 * const program = createProgram({ stdout: console.log, stderr: console.error, cwd: process.cwd(), env: process.env });
 * await program.parseAsync(['node', 'nguon', 'units', 'find', 'Pleiku']);
 * ```
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('nguon')
    .description("nguon — tools for Vietnam's grassroots information system (thông tin cơ sở)")
    .version(version)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerCapCommands(program, io);
  registerBulletinCommands(program, io);
  registerSchemaCommands(program, io);
  registerUnitCommands(program, io);
  registerIndicatorCommands(program, io);
  registerKeysCommands(program, io);
  registerDeviceCommands(program, io);
  registerAclCommands(program, io);
  registerDevCommand(program, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    for (const sub of command.commands)
      sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return program;
}

/**
 * Runs `nguon` with the given arguments (without `node` and the script path) and resolves to the exit
 * code. Never throws: unexpected failures are reported on `io.stderr` with exit code 2.
 *
 * @example
 * ```ts
 * const code = await runCli(['units', 'list', '--at', '2024-09-01', '--parent', '64'], io);
 * ```
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(['node', 'nguon', ...args]);
    return 0;
  } catch (error) {
    if (error instanceof CliExit) return error.exitCode;
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? 0
        : error.exitCode || 2;
    }
    io.stderr(`nguon: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
