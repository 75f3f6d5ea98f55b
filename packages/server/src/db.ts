import BetterSqlite3 from 'better-sqlite3';
import {
  type Generated,
  Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { ServerError } from './errors';
import { hasNodeSqlite, openNodeSqlite } from './node-sqlite';

/** Row of `tokens`: the hash of a bearer token, never the token. */
export interface TokensTable {
  id: string;
  hash: string;
  role: string;
  /** JSON array of unit codes (the scope). */
  units: string;
  label: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** Row of `bulletins`: the whole bulletin as JSON plus the columns lists filter on. */
export interface BulletinsTable {
  seq: Generated<number>;
  id: string;
  version: number;
  status: string;
  priority: string;
  category: string;
  /** `schedule.start` in UTC (`toISOString()`), so that text order is time order. */
  start_at: string;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  body: string;
  /** What CAP import kept beyond the bulletin (JSON), for a lossless export. */
  cap: string | null;
}

/** Row of `bulletin_units`: a target unit of a bulletin (`target`) or an ancestor of one (`ancestor`). */
export interface BulletinUnitsTable {
  bulletin_id: string;
  unit_code: string;
  kind: string;
}

/** Row of `audit_log`: who moved which bulletin from which status to which, when. */
export interface AuditLogTable {
  seq: Generated<number>;
  bulletin_id: string;
  at: string;
  actor_id: string;
  actor_role: string;
  action: string;
  from_status: string | null;
  to_status: string;
  version: number;
  note: string | null;
}

/** Row of `devices`: the device registry (loudspeakers and boards). */
export interface DevicesTable {
  id: string;
  kind: string;
  units: string;
  vendor: string;
  model: string;
  public_key: string;
  firmware: string | null;
  created_at: string;
  body: string;
}

/** Row of `media`: an uploaded file by its sha256. */
export interface MediaTable {
  sha256: string;
  mime: string;
  size: number;
  created_at: string;
  data: Uint8Array;
}

/** Row of `feedback`: a citizen's feedback and its replies (JSON). */
export interface FeedbackTable {
  id: string;
  unit_code: string;
  bulletin_id: string | null;
  status: string;
  created_at: string;
  body: string;
  /** The unit and every unit above it, as `|52|24065|`, for scope filters. */
  unit_path: string;
}

/**
 * The tables of the server, as Kysely sees them.
 *
 * @example
 * ```ts
 * const rows = await db.kysely.selectFrom('bulletins').select(['id', 'status']).execute();
 * ```
 */
export interface Tables {
  tokens: TokensTable;
  bulletins: BulletinsTable;
  bulletin_units: BulletinUnitsTable;
  audit_log: AuditLogTable;
  devices: DevicesTable;
  media: MediaTable;
  feedback: FeedbackTable;
}

/** Which database engine a {@link Database} runs on. @example `db.dialect === 'sqlite'` */
export type DialectName = 'sqlite' | 'postgres';

/**
 * An open, migrated database: the Kysely instance, the engine and `close()`.
 *
 * @example
 * ```ts
 * const db = await openDatabase({ file: 'nguon.db' });
 * await db.close();
 * ```
 */
export interface Database {
  readonly kysely: Kysely<Tables>;
  readonly dialect: DialectName;
  /** The SQLite driver in use (`undefined` on PostgreSQL). */
  readonly sqliteDriver?: 'better-sqlite3' | 'node:sqlite' | undefined;
  /** Migrations applied, by name, in order. */
  readonly migrations: readonly string[];
  close(): Promise<void>;
}

/**
 * Options of {@link openDatabase}. With `url` (a `postgres://` URL, e.g. from `DATABASE_URL`) the
 * server uses PostgreSQL, optionally inside `schema` (created when missing); otherwise SQLite in
 * `file` (default `:memory:`).
 *
 * @example
 * ```ts
 * const options: DatabaseOptions = { url: process.env.DATABASE_URL, file: 'nguon.db' };
 * ```
 */
export interface DatabaseOptions {
  url?: string | undefined;
  schema?: string | undefined;
  file?: string | undefined;
  /** Most PostgreSQL connections in the pool (default 10). */
  poolSize?: number | undefined;
  /**
   * The SQLite driver: `better-sqlite3` (default on Node 20 and 22) or Node's own `node:sqlite`
   * (default on Node 24 and later, where better-sqlite3 12 can abort the process when it frees a
   * statement).
   */
  sqliteDriver?: 'better-sqlite3' | 'node:sqlite' | undefined;
}

/**
 * The SQLite driver used when none is named: `node:sqlite` on Node 24 and later (when present),
 * else `better-sqlite3`.
 *
 * @example
 * ```ts
 * defaultSqliteDriver(); // 'better-sqlite3' on Node 20
 * ```
 */
export function defaultSqliteDriver(): 'better-sqlite3' | 'node:sqlite' {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 24 && hasNodeSqlite() ? 'node:sqlite' : 'better-sqlite3';
}

function migration(
  dialect: DialectName,
  up: (db: Kysely<unknown>, d: DialectName) => Promise<void>,
): Migration {
  return { up: (db) => up(db, dialect) };
}

/** The migrations, in code; the same set runs on SQLite and PostgreSQL. */
function migrations(dialect: DialectName): Record<string, Migration> {
  const serial = dialect === 'postgres' ? 'serial' : 'integer';
  return {
    '0001_core': migration(dialect, async (db) => {
      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('units', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('bulletins')
        .addColumn('seq', serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('priority', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('start_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('cap', 'text')
        .execute();
      await db.schema.createIndex('bulletins_status').on('bulletins').columns(['status', 'seq']).execute();
      await db.schema.createIndex('bulletins_priority').on('bulletins').column('priority').execute();
      await db.schema.createIndex('bulletins_start').on('bulletins').column('start_at').execute();
      await db.schema
        .createTable('bulletin_units')
        .addColumn('bulletin_id', 'text', (c) => c.notNull().references('bulletins.id').onDelete('cascade'))
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('bulletin_units_pk', ['bulletin_id', 'unit_code', 'kind'])
        .execute();
      await db.schema
        .createIndex('bulletin_units_code')
        .on('bulletin_units')
        .columns(['unit_code', 'kind'])
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', serial, (c) =>
          dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
        )
        .addColumn('bulletin_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_role', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute();
      await db.schema
        .createIndex('audit_log_bulletin')
        .on('audit_log')
        .columns(['bulletin_id', 'seq'])
        .execute();
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('units', 'text', (c) => c.notNull())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('firmware', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('media')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('feedback')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('bulletin_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feedback_unit').on('feedback').column('unit_code').execute();
    }),
    '0002_feedback_unit_path': migration(dialect, async (db) => {
      await db.schema
        .alterTable('feedback')
        .addColumn('unit_path', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
    }),
  };
}

/**
 * Opens the database and brings it to the latest migration. PostgreSQL when `url` is given (e.g.
 * `process.env.DATABASE_URL`), else SQLite (`file`, default in memory).
 *
 * @throws {ServerError} `database` when it cannot be opened or reached, `migration` when a
 * migration fails.
 * @example
 * ```ts
 * const db = await openDatabase({ url: process.env.DATABASE_URL, file: 'nguon.db' });
 * ```
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const dialectName: DialectName = options.url ? 'postgres' : 'sqlite';
  let kysely: Kysely<Tables>;
  try {
    if (options.url) {
      const schema = options.schema;
      if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
        throw new ServerError(
          'config',
          `expected a schema name of lowercase letters, digits and _, found "${schema}"`,
        );
      }
      if (schema) {
        const client = new pg.Client({ connectionString: options.url });
        await client.connect();
        try {
          await client.query(`create schema if not exists "${schema}"`);
        } finally {
          await client.end();
        }
      }
      const pool = new pg.Pool({
        connectionString: options.url,
        max: options.poolSize ?? 10,
        ...(schema ? { options: `-c search_path=${schema}` } : {}),
      });
      kysely = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    } else {
      const file = options.file ?? ':memory:';
      const driver = options.sqliteDriver ?? defaultSqliteDriver();
      const pragmas = ['journal_mode = WAL', 'foreign_keys = ON', 'busy_timeout = 5000'];
      let database: SqliteDatabase;
      if (driver === 'node:sqlite') {
        const nodeDb = openNodeSqlite(file);
        for (const p of pragmas) nodeDb.exec(`PRAGMA ${p}`);
        database = nodeDb;
      } else {
        const betterDb = new BetterSqlite3(file);
        for (const p of pragmas) betterDb.pragma(p);
        database = betterDb;
      }
      kysely = new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
    }
    await sql`select 1`.execute(kysely);
  } catch (error) {
    if (ServerError.isInstance(error)) throw error;
    throw new ServerError(
      'database',
      `could not open the ${dialectName === 'postgres' ? 'PostgreSQL database' : 'SQLite file'}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const all = migrations(dialectName);
  const provider: MigrationProvider = { getMigrations: async () => all };
  // Kysely looks for its migration tables in every schema it can see; name ours, or a migration table
  // of another schema in the same database would be taken for this one's.
  let migrationTableSchema: string | undefined;
  if (dialectName === 'postgres') {
    const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(kysely);
    migrationTableSchema = options.schema ?? current.rows[0]?.schema ?? 'public';
  }
  const migrator = new Migrator({
    db: kysely,
    provider,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await kysely.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new ServerError('migration', `migration ${failed} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    kysely,
    dialect: dialectName,
    ...(dialectName === 'sqlite' ? { sqliteDriver: options.sqliteDriver ?? defaultSqliteDriver() } : {}),
    migrations: Object.keys(all),
    close: () => kysely.destroy(),
  };
}
