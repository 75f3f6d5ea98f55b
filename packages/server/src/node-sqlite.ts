import type { SqliteDatabase, SqliteStatement } from 'kysely';

interface StatementSync {
  columns(): unknown[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}

/**
 * Whether Node's own `node:sqlite` (with `StatementSync#columns`) is there: Node 22.16 / 23.11 and
 * later.
 *
 * @example
 * ```ts
 * if (hasNodeSqlite()) console.log('node:sqlite can be used');
 * ```
 */
export function hasNodeSqlite(): boolean {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const mod = getBuiltin?.('node:sqlite') as { DatabaseSync?: { prototype: object } } | undefined;
  return typeof mod?.DatabaseSync === 'function';
}

/**
 * Opens a SQLite file with `node:sqlite` behind the small interface Kysely's `SqliteDialect` uses
 * (the one better-sqlite3 has).
 *
 * @example
 * ```ts
 * const dialect = new SqliteDialect({ database: openNodeSqlite(':memory:') });
 * ```
 */
export function openNodeSqlite(file: string): SqliteDatabase & { exec(sql: string): void } {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const mod = getBuiltin?.('node:sqlite') as { DatabaseSync: new (file: string) => DatabaseSync } | undefined;
  if (!mod) throw new Error('node:sqlite is not available in this Node');
  const db = new mod.DatabaseSync(file);
  return {
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    prepare(sql): SqliteStatement {
      const stmt = db.prepare(sql);
      return {
        reader: stmt.columns().length > 0,
        all: (params) => stmt.all(...params),
        run: (params) => stmt.run(...params),
        iterate: (params) => stmt.iterate(...params),
      };
    },
  };
}
