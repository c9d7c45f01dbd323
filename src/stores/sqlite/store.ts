/**
 * The SQLite store, over a {@link SqliteQuery} (D1, libSQL, `node:sqlite`,
 * `bun:sqlite`): SQLite's statements for the keeper the SQL stores share
 * (`../sql.ts`), with the same table, promises and prune as PostgreSQL's.
 *
 * @module
 */
import type { ConcurrencyOptions } from '../concurrency.js'
import { FORWARD, type PruneOption, type SessionStatements, sqlStore, type TableName } from '../sql.js'
import type { SessionStore } from '../contract.js'
import { type D1DatabaseLike, d1Query } from './drivers.js'
import { run, type SqliteQuery } from './query.js'
import { MAX_SQLITE_PRUNE_LIMIT, sqlitePruneStatement } from './schema.js'

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions extends ConcurrencyOptions {
  /** A D1 binding (`env.DB`). Give `query` instead for libSQL, `node:sqlite` or `bun:sqlite`. */
  client?: D1DatabaseLike | undefined
  /** The query seam itself: `(sql, params, { signal }) => rows`, `?1`-style placeholders. */
  query?: SqliteQuery | undefined
  /**
   * The table, created beforehand with `createSqliteTable()` or the statements of `sqliteTableStatements()`.
   * @default 'sessions'
   */
  table?: string | undefined
  /**
   * The top-level session key whose value (a string, or a number kept as its
   * string) goes in the indexed `user_id` column; `false` for none.
   * @default 'user'
   */
  userKey?: string | false | undefined
  /**
   * The largest session, in bytes of JSON, refused with a `SessionTooLargeError` before anything is sent.
   * @default 1000000 (D1 refuses rows over 2 MB; SQLite's own default limit is 1 GB)
   */
  maxSize?: number | undefined
  /**
   * The opportunistic prune after about one write in `every`, at most `limit`
   * rows, in the background; `false`: never (prune on a schedule with `pruneSqlite()`).
   * @default { every: 100, limit: 100 }
   */
  prune?: PruneOption
}

/** The default {@link SqliteStoreOptions.maxSize}: 1,000,000 bytes. */
export const SQLITE_VALUE_LIMIT = 1_000_000
/** The largest `maxSize`: SQLite's default limit on a string, 1 GB. */
const SQLITE_MAX = 1_000_000_000

/** Only ids a session can have: 24 base64url characters, not a WebSocket connection record's (see `isSessionId`). */
const SESSION_IDS = `length(id) = 24 AND id NOT GLOB '*[^A-Za-z0-9_-]*' AND substr(id, 1, 14) <> 'ws-connection-'`
const COLUMNS = 'id, data, expires_at, created_at, version, user_id'

/**
 * SQLite's statements over `table` (SQLite 3.35 or later: upserts and `RETURNING`).
 *
 * @param name the checked table name
 */
export function sqliteStatements(name: TableName): SessionStatements {
  const table = name.sql
  const set = 'data = ?2, expires_at = ?3, user_id = ?4, created_at = ?5, updated_at = ?6'
  const excluded =
    'data = excluded.data, expires_at = excluded.expires_at, user_id = excluded.user_id, created_at = excluded.created_at, updated_at = excluded.updated_at'
  const insert = `INSERT INTO ${table} AS s (id, data, expires_at, user_id, created_at, updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)`
  const live = 'version >= 0' // not a forward (see FORWARD)
  const next = 'version = max(s.version, 0) + 1' // a write over a forward starts afresh
  return {
    select: `SELECT ${COLUMNS} FROM ${table} WHERE id = ?1 AND expires_at > ?2`,
    upsert: `${insert} ON CONFLICT (id) DO UPDATE SET ${excluded}, ${next}`,
    updateLive: `UPDATE ${table} SET ${set}, version = version + 1 WHERE id = ?1 AND expires_at > ?6 AND ${live} RETURNING version`,
    insertAbsent: `${insert} ON CONFLICT (id) DO UPDATE SET ${excluded}, ${next} WHERE s.expires_at <= excluded.updated_at OR s.version < 0 RETURNING version`,
    updateVersion: `UPDATE ${table} SET ${set}, version = ?7 + 1 WHERE id = ?1 AND version = ?7 AND expires_at > ?6 AND ${live} RETURNING version`,
    touch: `UPDATE ${table} SET expires_at = ?2 WHERE id = ?1 AND expires_at > ?3 AND ${live} RETURNING 1 AS touched`,
    dropForward: `DELETE FROM ${table} WHERE id = ?1 AND version < 0`,
    delete: `DELETE FROM ${table} WHERE id = ?1`,
    prune: sqlitePruneStatement(name),
    list: `SELECT ${COLUMNS} FROM ${table} WHERE expires_at > ?1 AND id > ?2 AND ${live} ORDER BY id LIMIT ?3`,
    listUser: `SELECT ${COLUMNS} FROM ${table} WHERE user_id = ?4 AND expires_at > ?1 AND id > ?2 AND ${live} ORDER BY id LIMIT ?3`,
    count: `SELECT count(*) AS count FROM ${table} WHERE expires_at > ?1 AND ${live} AND ${SESSION_IDS}`,
    // One statement, so atomic on every SQLite (D1, libSQL, Turso, node:sqlite, bun:sqlite): the
    // condition on the old row is read once, before either row is written; both rows go in through
    // the upsert, the old one becoming a forward.
    move: `INSERT INTO ${table} AS s (id, data, expires_at, user_id, created_at, updated_at, version)
SELECT column1, column2, column3, column4, column5, column6, column7 FROM (VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1), (?7, '{}', ?8, NULL, NULL, ?6, ${FORWARD}))
WHERE EXISTS (SELECT 1 FROM ${table} WHERE id = ?7 AND expires_at > ?6 AND ${live} AND (?9 IS NULL OR version = ?9))
ON CONFLICT (id) DO UPDATE SET ${excluded}, version = excluded.version RETURNING version`,
  }
}

/**
 * A session store on a SQLite table: D1 on Workers, libSQL (Turso), `node:sqlite`, `bun:sqlite`.
 *
 * @example
 * ```ts
 * import { sessions } from 'seshjs'
 * import { sqliteStore } from 'seshjs/sqlite'
 * import type { D1DatabaseLike } from 'seshjs/sqlite'
 *
 * declare const env: { DB: D1DatabaseLike }
 * const store = sqliteStore({ client: env.DB, prune: false })
 * ```
 * @param options the D1 binding (or query function), the table, the user key, the concurrency mode and the prune
 */
export function sqliteStore(options: SqliteStoreOptions): SessionStore {
  return sqlStore(options, {
    where: 'sqliteStore',
    database: 'SQLite',
    clients: 'a D1 binding',
    fromClient: d1Query,
    run,
    statements: sqliteStatements,
    integer: (value: number) => value,
    size: { default: SQLITE_VALUE_LIMIT, max: SQLITE_MAX },
    pruneLimit: MAX_SQLITE_PRUNE_LIMIT,
  })
}
