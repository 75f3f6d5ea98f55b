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

/** Row of `devices`: the device registry (loudspeakers and boards) with live presence and status. */
export interface DevicesTable {
  id: string;
  kind: string;
  /** JSON array of the unit codes the device serves. */
  units: string;
  vendor: string;
  model: string;
  /** Ed25519 public key, raw 32 bytes in base64url. */
  public_key: string;
  firmware: string | null;
  created_at: string;
  /** JSON of the registration (and later hello) details. */
  body: string;
  /** The MQTT password's hash in Mosquitto's `$7$` (PBKDF2-SHA512) format; never the password. */
  secret_hash: string;
  /** Every unit of the device and every unit above them, as `|52001|52|`, for scope filters. */
  unit_path: string;
  /** 1 when the last presence said online. */
  online: number;
  /** `session` of the last presence taken (P-H1): an older offline presence is ignored. */
  presence_session: number;
  presence_since: string | null;
  /** JSON of the last `status` body. */
  last_status: string | null;
  last_status_at: string | null;
  last_hello_at: string | null;
  /** Device clock minus server clock in ms, from the last hello, status or ping. */
  clock_offset_ms: number | null;
  /** Highest receipt number below which every receipt of the device is stored (P-R2). */
  receipts_committed: number;
  /** `configVersion` last sent to the device (only grows). */
  config_version: number;
}

/** Row of `signing_keys`: the Ed25519 keys the system signs commands with (P-S1, P-S3). */
export interface SigningKeysTable {
  kid: string;
  /** Raw public key, base64url. */
  public_key: string;
  /** Private key as a JWK (JSON). */
  private_jwk: string;
  created_at: string;
  /** Set when the key no longer signs; it stays trusted until `trusted_until`. */
  retired_at: string | null;
}

/** Row of `commands`: every signed command the system sent, to an area or to one device. */
export interface CommandsTable {
  /** The envelope id (ULID). */
  id: string;
  type: string;
  /** `area:{code}` or `dev:{deviceId}`. */
  target: string;
  device_id: string | null;
  bulletin_id: string | null;
  bulletin_version: number | null;
  sent_at: string;
  expires_at: string;
  /** `sent`, `acked`, `failed` (ack ok:false) or `timeout` (device commands only). */
  state: string;
  /** JSON of the ack body of a device command. */
  ack: string | null;
  /** The JWS as sent. */
  jws: string;
}

/** Row of `deliveries`: one bulletin on one device, from targeted to played (GET …/delivery). */
export interface DeliveriesTable {
  bulletin_id: string;
  device_id: string;
  /** The bulletin version delivered. */
  version: number;
  /** `pending`, `acked`, `played` or `failed`. */
  state: string;
  /** The unit of the device the delivery counts for in `byUnit`. */
  unit_code: string;
  command_id: string | null;
  acked_at: string | null;
  played_at: string | null;
  outcome: string | null;
  reason: string | null;
  updated_at: string;
}

/** Row of `receipts`: one proof of play (P-R1), stored once per (device, receipt number). */
export interface ReceiptsTable {
  device_id: string;
  seq: number;
  bulletin_id: string;
  media_sha256: string | null;
  lang: string | null;
  started_at: string;
  ended_at: string;
  outcome: string;
  reason: string | null;
  offline: number;
  /** 1 when the signature verified against the device's registered key (P-R3). */
  verified: number;
  /** Seconds on air (endedAt − startedAt). */
  duration_sec: number;
  /** `unit_path` of the device when the receipt arrived, for per-unit reports. */
  unit_path: string;
  received_at: string;
  /** The receipt JWS as received, for a later audit. */
  jws: string;
}

/** Row of `presence_log`: every presence change taken, for uptime. */
export interface PresenceLogTable {
  seq: Generated<number>;
  device_id: string;
  session: number;
  online: number;
  at: string;
}

/** Row of `alarms`: alarms raised by devices. */
export interface AlarmsTable {
  seq: Generated<number>;
  device_id: string;
  code: string;
  message: string | null;
  ref: string | null;
  bulletin_id: string | null;
  at: string;
}

/** Row of `plan_actuals`: an actual (thực hiện) recorded for a plan's indicator, unit and year. */
export interface PlanActualsTable {
  plan_id: string;
  indicator: string;
  unit_code: string;
  year: number;
  /** JSON of the `Actual` of @nguon/indicators. */
  body: string;
  recorded_at: string;
  recorded_by: string;
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
  signing_keys: SigningKeysTable;
  commands: CommandsTable;
  deliveries: DeliveriesTable;
  receipts: ReceiptsTable;
  presence_log: PresenceLogTable;
  alarms: AlarmsTable;
  plan_actuals: PlanActualsTable;
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
    '0003_devices_delivery': migration(dialect, async (db) => {
      const double = dialect === 'postgres' ? 'double precision' : 'real';
      const deviceColumns: [string, 'text' | 'integer' | typeof double, unknown][] = [
        ['secret_hash', 'text', ''],
        ['unit_path', 'text', ''],
        ['online', 'integer', 0],
        ['presence_session', 'integer', 0],
        ['presence_since', 'text', null],
        ['last_status', 'text', null],
        ['last_status_at', 'text', null],
        ['last_hello_at', 'text', null],
        ['clock_offset_ms', double, null],
        ['receipts_committed', 'integer', 0],
        ['config_version', 'integer', 1],
      ];
      for (const [name, type, fallback] of deviceColumns) {
        await db.schema
          .alterTable('devices')
          .addColumn(name, sql.raw(type), (c) => (fallback === null ? c : c.notNull().defaultTo(fallback)))
          .execute();
      }
      await db.schema.createIndex('devices_unit_path').on('devices').column('unit_path').execute();
      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('private_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .execute();
      await db.schema
        .createTable('commands')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('bulletin_id', 'text')
        .addColumn('bulletin_version', 'integer')
        .addColumn('sent_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('ack', 'text')
        .addColumn('jws', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('commands_bulletin').on('commands').column('bulletin_id').execute();
      await db.schema.createIndex('commands_device').on('commands').column('device_id').execute();
      await db.schema
        .createTable('deliveries')
        .addColumn('bulletin_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('command_id', 'text')
        .addColumn('acked_at', 'text')
        .addColumn('played_at', 'text')
        .addColumn('outcome', 'text')
        .addColumn('reason', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('deliveries_pk', ['bulletin_id', 'device_id'])
        .execute();
      await db.schema.createIndex('deliveries_device').on('deliveries').column('device_id').execute();
      await db.schema
        .createTable('receipts')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('bulletin_id', 'text', (c) => c.notNull())
        .addColumn('media_sha256', 'text')
        .addColumn('lang', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('offline', 'integer', (c) => c.notNull())
        .addColumn('verified', 'integer', (c) => c.notNull())
        .addColumn('duration_sec', double, (c) => c.notNull())
        .addColumn('unit_path', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('jws', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('receipts_pk', ['device_id', 'seq'])
        .execute();
      await db.schema.createIndex('receipts_bulletin').on('receipts').column('bulletin_id').execute();
      await db.schema.createIndex('receipts_started').on('receipts').column('started_at').execute();
      await db.schema
        .createTable('presence_log')
        .addColumn('seq', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('session', 'integer', (c) => c.notNull())
        .addColumn('online', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('presence_log_device')
        .on('presence_log')
        .columns(['device_id', 'at'])
        .execute();
      await db.schema
        .createTable('alarms')
        .addColumn('seq', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('message', 'text')
        .addColumn('ref', 'text')
        .addColumn('bulletin_id', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('alarms_device').on('alarms').column('device_id').execute();
      await db.schema
        .createTable('plan_actuals')
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('indicator', 'text', (c) => c.notNull())
        .addColumn('unit_code', 'text', (c) => c.notNull())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_actuals_pk', ['plan_id', 'indicator', 'unit_code', 'year'])
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
