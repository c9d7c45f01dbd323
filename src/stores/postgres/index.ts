/**
 * `seshjs/postgres`: sessions in a PostgreSQL table, over the driver you
 * already have — `pg` (node-postgres), `postgres` (postgres.js) or Neon's
 * serverless driver — or any function from SQL and parameters to rows.
 *
 * Importing this module never loads a driver (they are optional peer
 * dependencies); `connectPostgres(url)` loads one when it is called.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { sessions } from 'seshjs'
 * import { postgresStore } from 'seshjs/postgres'
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, statement_timeout: 3000 })
 * app.use(sessions({ store: postgresStore({ client: pool }) }))
 * ```
 *
 * @module
 */
export { postgresStore, POSTGRES_VALUE_LIMIT, type PostgresStoreOptions } from './store.js'
export {
  createPostgresTable,
  prunePostgres,
  DEFAULT_PRUNE_LIMIT,
  MAX_PRUNE_LIMIT,
  type CreatePostgresTableOptions,
  type PrunePostgresOptions,
} from './schema.js'
export {
  connectPostgres,
  neonQuery,
  pgQuery,
  postgresJsQuery,
  postgresQuery,
  POSTGRES_POOL_DEFAULTS,
  type ConnectPostgresOptions,
  type NeonSqlLike,
  type PgClientLike,
  type PostgresClientLike,
  type PostgresConnection,
  type PostgresJsPending,
  type PostgresJsSqlLike,
} from './drivers.js'
export type { PostgresQuery, PostgresQueryOptions, PostgresRow } from './query.js'
export type { ConcurrencyOptions, MergeFunction } from '../concurrency.js'
