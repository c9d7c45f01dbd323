/**
 * The PostgreSQL store's one seam: a function from SQL text and its
 * parameters to rows. Adapters for `pg`, postgres.js and Neon's serverless
 * driver are in `drivers.ts`; anything else is a few lines.
 *
 * @module
 */
import { SessionStoreUnavailableError } from '../../errors.js'
import { runQuery } from '../sql.js'

/** One row, by column name. */
export type PostgresRow = Record<string, unknown>

/** What a {@link PostgresQuery} call gets besides the SQL and its parameters. */
export interface PostgresQueryOptions {
  /**
   * Aborted when the store call's deadline (`storeTimeout`) has passed: cancel
   * the query where the driver can (postgres.js: `query.cancel()`, Neon over
   * HTTP: the fetch's signal). The store has answered 503 by then either way.
   */
  signal?: AbortSignal | undefined
}

/**
 * Runs one statement: `sql` with `$1`, `$2`, ... placeholders and `params`
 * (strings, or `null`; the store casts each in the SQL), resolving to the rows
 * it returns (`[]` for none). Rejects when the database fails.
 *
 * @example
 * ```ts
 * const query: PostgresQuery = async (sql, params) => (await pool.query(sql, params)).rows
 * ```
 */
export type PostgresQuery = (sql: string, params: unknown[], options?: PostgresQueryOptions) => Promise<PostgresRow[]>

/** The SQLSTATE of a driver error (`pg`, postgres.js and Neon all put it in `code`). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/**
 * Runs `sql` through `query`, making every failure a {@link SessionStoreUnavailableError}
 * (the 503) with the driver's error as its cause; errors of sesh's own pass unchanged.
 *
 * @param query the seam
 * @param sql the statement
 * @param params its parameters
 * @param signal the call's deadline
 */
export function run(query: PostgresQuery, sql: string, params: unknown[], signal?: AbortSignal): Promise<PostgresRow[]> {
  return runQuery(query, sql, params, signal, 'PostgreSQL', (error) => {
    const state = sqlState(error)
    if (state === '42P01') {
      return new SessionStoreUnavailableError(
        'The PostgreSQL session table does not exist: create it with `seshjs table create --postgres <url>` or createPostgresTable().',
        { cause: error },
      )
    }
    return new SessionStoreUnavailableError(`PostgreSQL failed${state ? ` (SQLSTATE ${state})` : ''}.`, { cause: error })
  }) as Promise<PostgresRow[]>
}
