/**
 * The query seam over each SQLite driver: a Cloudflare D1 binding, a libSQL
 * client (Turso), a `bun:sqlite` or `node:sqlite` database. Structural types
 * only: nothing here imports a driver. Every statement the store sends is one
 * statement (a regenerate too), so no driver needs transactions.
 *
 * @module
 */
import type { SqlRow } from '../sql.js'
import type { SqliteQuery } from './query.js'

/** A D1 binding (`env.DB`): `prepare(sql).bind(...values).all()` → `{ results }`. */
export interface D1DatabaseLike {
  prepare(sql: string): { bind(...values: any[]): { all(): Promise<{ results?: SqlRow[] | undefined }> } }
}

/**
 * The seam over a D1 binding. D1 cannot cancel a query; the store's deadline
 * answers 503 meanwhile either way.
 *
 * @param db the binding
 */
export function d1Query(db: D1DatabaseLike): SqliteQuery {
  if (db === null || typeof db !== 'object' || typeof db.prepare !== 'function')
    throw new TypeError('d1Query: db must be a D1 binding (with prepare())')
  return async (sql, params) =>
    (
      await db
        .prepare(sql)
        .bind(...params)
        .all()
    ).results ?? []
}

/** A libSQL client (`@libsql/client`'s `createClient()`, local or Turso): `execute({ sql, args })` → `{ rows }`. */
export interface LibsqlClientLike {
  execute(statement: { sql: string; args: any[] }): Promise<{ rows: ArrayLike<unknown> }>
}

/**
 * The seam over a libSQL client: a local file, an embedded replica or Turso
 * over the network (`createClient({ url, authToken })`). Give it a client made
 * with `intMode: 'number'` (the default) or `'bigint'`: the store reads either.
 *
 * @param client the client
 */
export function libsqlQuery(client: LibsqlClientLike): SqliteQuery {
  if (client === null || typeof client !== 'object' || typeof client.execute !== 'function') {
    throw new TypeError('libsqlQuery: client must be a libSQL client (createClient() of @libsql/client)')
  }
  return async (sql, params) => Array.from((await client.execute({ sql, args: params })).rows) as SqlRow[]
}

/** A synchronous SQLite database: `bun:sqlite`'s `Database` (`query`) or `node:sqlite`'s `DatabaseSync` (`prepare`). */
export interface SyncSqliteLike {
  query?(sql: string): { all(...params: any[]): unknown[] }
  prepare(sql: string): { all(...params: any[]): unknown[] }
}

/**
 * The seam over an in-process SQLite database: `bun:sqlite`'s `Database`
 * (through `query()`, which caches the statement) or `node:sqlite`'s
 * `DatabaseSync` (Node 22.5+). Each call runs to its end before another can
 * start, so a request never waits on another's statement in the middle.
 *
 * @example
 * ```ts
 * import { Database } from 'bun:sqlite'
 * const store = sqliteStore({ query: syncSqliteQuery(new Database('sessions.db')) })
 * ```
 * @param db the database
 */
export function syncSqliteQuery(db: SyncSqliteLike): SqliteQuery {
  if (db === null || typeof db !== 'object' || typeof db.prepare !== 'function') {
    throw new TypeError('syncSqliteQuery: db must be a bun:sqlite Database or a node:sqlite DatabaseSync')
  }
  const cached = new Map<string, { all(...params: any[]): unknown[] }>()
  const statement =
    typeof db.query === 'function'
      ? (sql: string) => db.query!(sql)
      : (sql: string) => {
          let prepared = cached.get(sql)
          if (!prepared) cached.set(sql, (prepared = db.prepare(sql)))
          return prepared
        }
  return async (sql, params) => statement(sql).all(...params) as SqlRow[]
}
