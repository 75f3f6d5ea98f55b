import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './db';
import { ServerError } from './errors';
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
    for (const db of [lite, postgres]) {
      const tables = (await db.kysely.introspection.getTables()).map((t) => t.name).sort();
      expect(tables).toEqual([
        'audit_log',
        'bulletin_units',
        'bulletins',
        'devices',
        'feedback',
        'media',
        'tokens',
      ]);
      const bulletin = (await db.kysely.introspection.getTables()).find((t) => t.name === 'bulletins');
      expect(bulletin?.columns.map((c) => c.name)).toEqual(
        expect.arrayContaining(['status', 'priority', 'start_at', 'published_at', 'body']),
      );
    }
    await postgres.close();
    const reopened = await openDatabase({ url: PG_URL, schema });
    expect((await reopened.kysely.introspection.getTables()).length).toBe(7);
    await reopened.close();
    await lite.close();
  });

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
