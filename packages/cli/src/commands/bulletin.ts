import type { Command } from 'commander';
import type { CliIo } from '../io';

/** Registers the `nguon bulletin` commands. */
export function registerBulletinCommands(_program: Command, _io: CliIo): void {}
