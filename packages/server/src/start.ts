import pino from 'pino';
import { createServer, type Listening } from './app';
import { type Database, openDatabase } from './db';
import { ServerError } from './errors';

/**
 * A server started by {@link startFromEnv}: where it listens, its database, and `stop()` which
 * closes both.
 *
 * @example
 * ```ts
 * const running: RunningServer = await startFromEnv();
 * await running.stop();
 * ```
 */
export interface RunningServer extends Listening {
  db: Database;
  stop(): Promise<void>;
}

/**
 * Opens the database and starts the server from environment variables, the way an operator runs
 * it: `DATABASE_URL` (PostgreSQL; else SQLite in `NGUON_DB_FILE`, default `nguon.db`),
 * `DATABASE_SCHEMA`, `PORT` (default 8080), `HOST` (default 127.0.0.1), `NGUON_ADMIN_TOKEN`
 * (bootstrap admin), `LOG_LEVEL` (pino, default `info`).
 *
 * @throws {ServerError} `config` for a bad `PORT`, `database` / `migration` when the database fails.
 * @example
 * ```ts
 * // node --input-type=module -e "import('@nguon/server').then((s) => s.startFromEnv())"
 * const { url, stop } = await startFromEnv({ PORT: '0', NGUON_DB_FILE: ':memory:' });
 * ```
 */
export async function startFromEnv(
  env: Record<string, string | undefined> = process.env,
): Promise<RunningServer> {
  const port = Number(env.PORT ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ServerError('config', `PORT: expected a port number 0–65535, found "${env.PORT}"`);
  }
  const logger = pino({ level: env.LOG_LEVEL ?? 'info' });
  const db = await openDatabase({
    url: env.DATABASE_URL || undefined,
    schema: env.DATABASE_SCHEMA || undefined,
    file: env.NGUON_DB_FILE ?? 'nguon.db',
  });
  const server = createServer({ db, adminToken: env.NGUON_ADMIN_TOKEN || undefined, logger });
  const listening = await server.listen(port, env.HOST ?? '127.0.0.1');
  logger.info({ url: listening.url, database: db.dialect }, 'nguon server ready');
  return {
    ...listening,
    db,
    async stop() {
      await listening.close();
      await db.close();
    },
  };
}
