/**
 * The SQLite store's one seam: a function from SQL text and its parameters
 * to rows, as for PostgreSQL. `d1Query()` makes one from a D1 binding; for
 * libSQL, `node:sqlite` and `bun:sqlite` it is a line (docs/stores.md).
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../../errors.js'
import { runQuery, type SqlRow } from '../sql.js'

/** What a {@link SqliteQuery} call gets besides the SQL and its parameters. */
export interface SqliteQueryOptions {
  /** Aborted when the store call's deadline (`storeTimeout`) has passed (the store has answered 503 by then). */
  signal?: AbortSignal | undefined
}

/**
 * Runs one statement: `sql` with `?1`, `?2`, ... placeholders and `params`
 * (strings, numbers or `null`), resolving to the rows it returns (`[]` for none).
 *
 * @example
 * ```ts
 * const query: SqliteQuery = async (sql, params) => (await env.DB.prepare(sql).bind(...params).all()).results
 * ```
 */
export type SqliteQuery = (sql: string, params: unknown[], options?: SqliteQueryOptions) => Promise<SqlRow[]>

/**
 * Runs `sql` through `query`, making every failure a {@link SessionStoreUnavailableError}
 * (the 503) with the driver's error as its cause; errors of sesh's own pass unchanged.
 *
 * @param query the seam
 * @param sql the statement
 * @param params its parameters
 * @param signal the call's deadline
 */
export function run(query: SqliteQuery, sql: string, params: unknown[], signal?: AbortSignal): Promise<SqlRow[]> {
  return runQuery(query, sql, params, signal, 'SQLite', (error) =>
    /no such table/i.test(String((error as Error | null)?.message))
      ? new SessionStoreUnavailableError(
          'The SQLite session table does not exist: create it with createSqliteTable() (or the statements of sqliteTableStatements()).',
          { cause: error },
        )
      : new SessionStoreUnavailableError('SQLite failed.', { cause: error }),
  )
}
