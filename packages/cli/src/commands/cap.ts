import type { Command } from 'commander';
import type { CliIo } from '../io';

/** Registers the `nguon cap` commands. */
export function registerCapCommands(_program: Command, _io: CliIo): void {}
