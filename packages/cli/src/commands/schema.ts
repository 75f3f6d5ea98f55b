import { bulletinJsonSchemas } from '@nguon/bulletin';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io';

/** Every JSON Schema the CLI can print, by name. */
function schemas(): Record<string, Record<string, unknown>> {
  return { ...bulletinJsonSchemas() };
}

/**
 * Registers `nguon schema NAME` (prints a JSON Schema, draft 2020-12, on stdout) and
 * `nguon schema --list` (the names, one per line).
 *
 * @example
 * ```sh
 * nguon schema bulletin > bulletin.schema.json
 * ```
 */
export function registerSchemaCommands(program: Command, io: CliIo): void {
  program
    .command('schema')
    .description('print a JSON Schema (draft 2020-12) on stdout, e.g. `nguon schema bulletin`')
    .argument('[name]', 'schema name (see --list)')
    .option('--list', 'list the schema names')
    .action((name: string | undefined, options: { list?: boolean }) => {
      const all = schemas();
      if (options.list || name === undefined) {
        io.stdout(`${Object.keys(all).join('\n')}\n`);
        return;
      }
      const schema = all[name];
      if (schema === undefined) {
        io.stderr(`unknown schema "${name}"; expected one of: ${Object.keys(all).join(', ')}\n`);
        throw new CliExit(1);
      }
      io.stdout(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
