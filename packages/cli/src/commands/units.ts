import type { Command } from 'commander';
import type { CliIo } from '../io';

/** Registers the `nguon units` commands. */
export function registerUnitCommands(_program: Command, _io: CliIo): void {}
