import type { Command } from 'commander';
import type { CliIo } from '../io';

/** Registers the `nguon schema` commands. */
export function registerSchemaCommands(_program: Command, _io: CliIo): void {}
