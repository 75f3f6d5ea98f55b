import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, defaultSqliteDriver, openDatabase } from './db';
import { ServerError } from './errors';
import { hasNodeSqlite } from './node-sqlite';
import { PG_URL } from './test-support';

describe('openDatabase', () => {
  const schema = `nguon_test_db_${process.pid}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  it('migrates SQLite and PostgreSQL with the same migration set, and again without change', async () => {
    const lite = await openDatabase();
    const postgres = await openDatabase({ url: PG_URL, schema });
    expect(lite.dialect).toBe('sqlite');
    expect(postgres.dialect).toBe('postgres');
    expect(postgres.migrations).toEqual(lite.migrations);
    const ours = async (db: Database) =>
      (await db.kysely.introspection.getTables()).filter(
        (t) => db.dialect === 'sqlite' || t.schema === schema,
      );
    for (const db of [lite, postgres]) {
      const tables = (await ours(db)).map((t) => t.name).sort();
      expect(tables).toEqual([
        'alarms',
        'audit_log',
        'bulletin_units',
        'bulletins',
        'commands',
        'deliveries',
        'devices',
        'feedback',
        'media',
        'plan_actuals',
        'presence_log',
        'receipts',
        'signing_keys',
        'tokens',
      ]);
      const bulletin = (await ours(db)).find((t) => t.name === 'bulletins');
      expect(bulletin?.columns.map((c) => c.name)).toEqual(
        expect.arrayContaining(['status', 'priority', 'start_at', 'published_at', 'body']),
      );
    }
    await postgres.close();
    const reopened = await openDatabase({ url: PG_URL, schema });
    expect((await ours(reopened)).length).toBe(14);
    await reopened.close();
    await lite.close();
  });

  // The default driver of this Node, and Node's own node:sqlite wherever this Node has it.
  const drivers = [
    ...new Set([defaultSqliteDriver(), ...(hasNodeSqlite() ? (['node:sqlite'] as const) : [])]),
  ];
  it.each(drivers)(
    'stores and reads bulletins rows, blobs and constraint errors with the %s driver',
    async (driver) => {
      const db = await openDatabase({ sqliteDriver: driver });
      expect(db.sqliteDriver).toBe(driver);
      const data = new Uint8Array([0, 1, 2, 255]);
      await db.kysely
        .insertInto('media')
        .values({ sha256: 'x', mime: 'audio/mpeg', size: 4, created_at: 't', data })
        .execute();
      const row = await db.kysely.selectFrom('media').selectAll().executeTakeFirstOrThrow();
      expect(new Uint8Array(row.data)).toEqual(data);
      const again = await db.kysely
        .insertInto('media')
        .values({ sha256: 'x', mime: 'audio/mpeg', size: 4, created_at: 't', data })
        .execute()
        .catch((e: unknown) => e);
      expect(String((again as Error).message)).toMatch(/UNIQUE/i);
      await db.close();
    },
  );

  it('fails with a ServerError naming the database when it cannot connect', async () => {
    const error = await openDatabase({ url: 'postgres://nobody@127.0.0.1:1/none' }).catch((e: unknown) => e);
    expect(ServerError.isInstance(error)).toBe(true);
    expect((error as ServerError).code).toBe('database');
    expect((error as ServerError).message).toContain('PostgreSQL');
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const error = await openDatabase({ url: PG_URL, schema: 'x"; drop table y' }).catch((e: unknown) => e);
    expect((error as ServerError).code).toBe('config');
  });
});
