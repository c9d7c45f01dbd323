/**
 * `seshjs/sqlite`: sessions in a SQLite table — D1 on Cloudflare Workers,
 * libSQL (Turso), `node:sqlite`, `bun:sqlite` — over a D1 binding or any
 * function from SQL and parameters to rows. The same table, promises and
 * prune as `seshjs/postgres`. Loads no driver.
 *
 * @module
 */
export { sqliteStore, sqliteStatements, SQLITE_VALUE_LIMIT, type SqliteStoreOptions } from './store.js'
export {
  createSqliteTable,
  pruneSqlite,
  sqliteTableStatements,
  DEFAULT_SQLITE_PRUNE_LIMIT,
  MAX_SQLITE_PRUNE_LIMIT,
  type SqliteTableOptions,
} from './schema.js'
export { d1Query, type D1DatabaseLike, libsqlQuery, type LibsqlClientLike, syncSqliteQuery, type SyncSqliteLike } from './drivers.js'
export type { SqliteQuery, SqliteQueryOptions } from './query.js'
export type { SqlRow } from '../sql.js'
export type { ConcurrencyOptions, MergeFunction } from '../concurrency.js'
