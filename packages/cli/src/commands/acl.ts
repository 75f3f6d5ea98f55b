import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Database, mosquittoFiles, openDatabase, ServerError, writeMosquittoFiles } from '@nguon/server';
import type { Command } from 'commander';
import { CliExit, type CliIo } from '../io';

/** Broker formats `nguon acl` can write. */
const FORMATS = ['mosquitto'] as const;

interface AclOptions {
  format: string;
  out: string;
  province?: string;
  databaseUrl?: string;
  data?: string;
  systemUser: string;
  systemPasswordFile?: string;
  json?: boolean;
}

/**
 * Registers `nguon acl --format mosquitto --out DIR [--province 52] [--database-url URL | --data DIR]
 * [--system-user nguon-system] [--system-password-file FILE] [--json]`: reads the devices of the
 * source system's database (PostgreSQL from `--database-url` or `DATABASE_URL`, else the SQLite file
 * `DIR/nguon.db` of `--data`, default `./.nguon`) and writes Mosquitto's `passwd`, `acl` and
 * `nguon.conf` into `--out`. The system user's password comes from `--system-password-file` or
 * `NGUON_MQTT_PASSWORD`.
 *
 * @example
 * ```ts
 * registerAclCommands(program, io); // nguon acl --format mosquitto --out /etc/mosquitto/nguon
 * ```
 */
export function registerAclCommands(program: Command, io: CliIo): void {
  program
    .command('acl')
    .description(
      'write the broker files for an external MQTT broker: device logins and the per-device ACL (P-TP2) from the server database',
    )
    .requiredOption('--format <format>', `broker format: ${FORMATS.join(', ')}`)
    .requiredOption('--out <dir>', 'directory to write into (created when missing)')
    .option('--province <code>', 'province code of the topic tree (default NGUON_PROVINCE or 52)')
    .option('--database-url <url>', 'PostgreSQL URL of the server database (default DATABASE_URL)')
    .option('--data <dir>', 'data directory of a SQLite server: reads DIR/nguon.db (default ./.nguon)')
    .option('--system-user <name>', 'MQTT username of the source system', 'nguon-system')
    .option(
      '--system-password-file <file>',
      'file holding the source system MQTT password (default: env NGUON_MQTT_PASSWORD)',
    )
    .option('--json', 'print a JSON summary instead of one line per file')
    .action(async (options: AclOptions) => {
      // 1: a bad option value; 2: the command cannot run (no password, no database)
      const fail = (message: string, code: 1 | 2 = 1): never => {
        io.stderr(`nguon acl: ${message}\n`);
        throw new CliExit(code);
      };
      if (!(FORMATS as readonly string[]).includes(options.format)) {
        fail(
          `--format: expected one of ${FORMATS.join(', ')}, found ${JSON.stringify(options.format)} (EMQX and HiveMQ: see the server README for the same ACL in their configuration)`,
        );
      }
      const province = options.province ?? io.env.NGUON_PROVINCE ?? '52';
      if (!/^\d{2}$/.test(province))
        fail(`--province: expected a two-digit province code, found ${JSON.stringify(province)}`);
      let password: string | undefined;
      if (options.systemPasswordFile !== undefined) {
        const file = resolve(io.cwd, options.systemPasswordFile);
        try {
          password = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
        } catch (error) {
          fail(`--system-password-file: cannot read ${file}: ${(error as Error).message}`, 2);
        }
        if (password === '') fail(`--system-password-file: ${file} is empty`, 2);
      } else {
        password = io.env.NGUON_MQTT_PASSWORD;
        if (password === undefined || password === '') {
          fail(
            'no system MQTT password: pass --system-password-file FILE or set NGUON_MQTT_PASSWORD (the password the source system connects to the broker with)',
            2,
          );
        }
      }
      const url = options.databaseUrl ?? io.env.DATABASE_URL;
      if (url !== undefined && options.data !== undefined) {
        fail('pass either --database-url (or DATABASE_URL) or --data, not both');
      }
      let db: Database | undefined;
      let where: string;
      try {
        if (url !== undefined && url !== '') {
          where = 'PostgreSQL';
          db = await openDatabase({ url, poolSize: 2 });
        } else {
          const file = join(resolve(io.cwd, options.data ?? '.nguon'), 'nguon.db');
          where = file;
          if (!existsSync(file)) {
            fail(
              `no server database at ${file}: pass the server's --data DIR, or --database-url for PostgreSQL`,
              2,
            );
          }
          db = await openDatabase({ file });
        }
        const files = await mosquittoFiles({
          db,
          province,
          system: { username: options.systemUser, password: password as string },
        });
        const out = resolve(io.cwd, options.out);
        const written = await writeMosquittoFiles(out, files);
        if (options.json) {
          io.stdout(
            `${JSON.stringify({ format: options.format, province, database: where, devices: files.devices, files: written }, null, 2)}\n`,
          );
        } else {
          const notes = [
            `${files.devices} device(s) and ${options.systemUser}`,
            `${files.devices} device(s) and ${options.systemUser}`,
            'include it in mosquitto.conf; make the paths absolute',
          ];
          written.forEach((path, i) => {
            io.stdout(`wrote ${path} (${notes[i]})\n`);
          });
        }
      } catch (error) {
        if (error instanceof CliExit) throw error;
        if (ServerError.isInstance(error)) fail(error.message, 2);
        throw error;
      } finally {
        await db?.close();
      }
    });
}
