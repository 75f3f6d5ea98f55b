import type { Command } from 'commander';
import type { CliIo } from '../io';

/** Registers the `nguon indicators` commands. */
export function registerIndicatorCommands(_program: Command, _io: CliIo): void {}
