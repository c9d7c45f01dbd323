/**
 * The SQLite store's table, the same as PostgreSQL's in SQLite's types
 * (`data` as JSON text, times as integer epoch seconds), its creation
 * ({@link createSqliteTable}, never on a request) and its bounded prune
 * ({@link pruneSqlite}).
 *
 * ```sql
 * CREATE TABLE IF NOT EXISTS "sessions" (
 *   id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL, user_id TEXT,
 *   version INTEGER NOT NULL DEFAULT 0, created_at INTEGER, updated_at INTEGER NOT NULL
 * );
 * CREATE INDEX IF NOT EXISTS "sessions_expires_at" ON "sessions" (expires_at);
 * CREATE INDEX IF NOT EXISTS "sessions_user_id" ON "sessions" (user_id, id) WHERE user_id IS NOT NULL;
 * ```
 *
 * @module
 */
import { type TableName, tableName } from '../sql.js'
import { run, type SqliteQuery } from './query.js'

/** Rows one prune deletes when no limit is given. */
export const DEFAULT_SQLITE_PRUNE_LIMIT = 1000
/** The most rows one prune may delete. */
export const MAX_SQLITE_PRUNE_LIMIT = 100_000

/** An index name made from the table's: `<table>_<suffix>`. */
const indexName = (table: TableName, suffix: string) => `"${table.name}_${suffix}"`

/**
 * The statements that create the session table and its indexes, if missing:
 * run them yourself where you manage the schema (`wrangler d1 execute`, a migration).
 *
 * @param table the table (default `sessions`)
 */
export function sqliteTableStatements(table?: string): string[] {
  const name = tableName(table, 'sqliteTableStatements')
  return [
    `CREATE TABLE IF NOT EXISTS ${name.sql} (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL, user_id TEXT, version INTEGER NOT NULL DEFAULT 0, created_at INTEGER, updated_at INTEGER NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(name, 'expires_at')} ON ${name.sql} (expires_at)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(name, 'user_id')} ON ${name.sql} (user_id, id) WHERE user_id IS NOT NULL`,
  ]
}

/** Options of {@link createSqliteTable} and {@link pruneSqlite}. */
export interface SqliteTableOptions {
  /**
   * The table.
   * @default 'sessions'
   */
  table?: string | undefined
}

/**
 * Creates the session table and its indexes unless they exist (safe to run
 * again). Run it from a deploy step or a start script; the store never
 * creates anything on a request.
 *
 * @example
 * ```ts
 * import { createSqliteTable, d1Query } from 'seshjs/sqlite'
 * declare const env: { DB: Parameters<typeof d1Query>[0] }
 * await createSqliteTable(d1Query(env.DB))
 * ```
 * @param query the query seam
 * @param options the table name
 * @returns `true` when the table was created, `false` when it already existed
 */
export async function createSqliteTable(query: SqliteQuery, options: SqliteTableOptions = {}): Promise<boolean> {
  if (typeof query !== 'function') throw new TypeError('createSqliteTable: query must be a function (see d1Query)')
  const table = tableName(options.table, 'createSqliteTable')
  const schema = table.sql.includes('.') ? `${table.sql.slice(0, table.sql.indexOf('.'))}.` : ''
  const found = await run(query, `SELECT 1 AS found FROM ${schema}sqlite_master WHERE type = 'table' AND name = ?1`, [table.name])
  for (const statement of sqliteTableStatements(options.table)) await run(query, statement, [])
  return found.length === 0
}

/**
 * The bounded prune: one `DELETE` of at most `limit` expired rows, oldest
 * expiry first.
 *
 * @param table the checked table name
 */
export function sqlitePruneStatement(table: TableName): string {
  return `DELETE FROM ${table.sql} WHERE id IN (SELECT id FROM ${table.sql} WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2) AND expires_at <= ?1 RETURNING 1 AS pruned`
}

/**
 * Deletes at most `limit` expired sessions (one statement) and returns how
 * many it deleted: run it from a Workers cron trigger (D1) or any scheduler,
 * again while it returns `limit`. Never needed for correctness (expired rows
 * read as absent), only for space.
 *
 * @param query the query seam
 * @param options the table, the batch size (default 1000), now (default: the current time, epoch seconds)
 */
export async function pruneSqlite(
  query: SqliteQuery,
  options: SqliteTableOptions & { limit?: number | undefined; now?: number | undefined } = {},
): Promise<number> {
  if (typeof query !== 'function') throw new TypeError('pruneSqlite: query must be a function (see d1Query)')
  const table = tableName(options.table, 'pruneSqlite')
  const limit = options.limit ?? DEFAULT_SQLITE_PRUNE_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SQLITE_PRUNE_LIMIT) {
    throw new TypeError(`pruneSqlite: limit must be an integer from 1 to ${MAX_SQLITE_PRUNE_LIMIT}`)
  }
  const now = options.now ?? Math.floor(Date.now() / 1000)
  if (!Number.isFinite(now)) throw new TypeError('pruneSqlite: now must be epoch seconds')
  return (await run(query, sqlitePruneStatement(table), [Math.floor(now), limit])).length
}
