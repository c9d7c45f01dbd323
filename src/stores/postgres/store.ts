/**
 * The PostgreSQL store, over a {@link PostgresQuery}: PostgreSQL's statements
 * for the keeper the SQL stores share (`../sql.ts`): one row per session (see
 * `schema.ts`), conditional writes, opt-in optimistic concurrency, renewals
 * that move only `expires_at`, a user index, listings for the admin API, and
 * a bounded prune of expired rows now and then after a write (never a timer).
 *
 * @module
 */
import type { ConcurrencyOptions } from '../concurrency.js'
import { FORWARD, type PruneOption, type SessionStatements, sqlStore, type TableName } from '../sql.js'
import type { SessionStore } from '../contract.js'
import { type PostgresClientLike, postgresQuery } from './drivers.js'
import { type PostgresQuery, run } from './query.js'
import { MAX_PRUNE_LIMIT, pruneStatement } from './schema.js'

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions extends ConcurrencyOptions {
  /**
   * Your driver's client: a `pg` `Pool` or `Client`, a postgres.js `sql`, or a
   * Neon serverless `neon()` function or `Pool`. Give `query` instead for anything else.
   */
  client?: PostgresClientLike | undefined
  /** The query seam itself: `(sql, params, { signal }) => rows`. */
  query?: PostgresQuery | undefined
  /**
   * The table, `name` or `schema.name`, created beforehand with
   * `createPostgresTable()` or `seshjs table create --postgres <url>`.
   * @default 'sessions'
   */
  table?: string | undefined
  /**
   * The top-level session key whose value (a string, or a number kept as its
   * string) goes in the indexed `user_id` column, so the admin API finds (and
   * revokes) a user's sessions through the index; `false` for none (lookups
   * by user then read every row).
   * @default 'user'
   */
  userKey?: string | false | undefined
  /**
   * The largest session, in bytes of JSON, refused with a `SessionTooLargeError`
   * before anything is sent.
   * @default 268435456 (256 MiB; PostgreSQL's own limit for one value is 1 GB)
   */
  maxSize?: number | undefined
  /**
   * The opportunistic prune: after about one write in `every` (at random, so
   * short-lived instances share the work), one `DELETE` of at most `limit`
   * expired rows runs in the background: not awaited, its failure ignored,
   * never more than one at a time per store. `false`: never (prune from cron
   * with `seshjs prune --postgres <url>` or `prunePostgres()`).
   * @default { every: 100, limit: 100 }
   */
  prune?: PruneOption
}

/** The default {@link PostgresStoreOptions.maxSize}: 256 MiB. */
export const POSTGRES_VALUE_LIMIT = 256 * 1024 * 1024

/** Only ids a session can have: 24 base64url characters, not a WebSocket connection record's (see `isSessionId`). */
const SESSION_IDS = `id ~ '^[A-Za-z0-9_-]{24}$' AND left(id, 14) <> 'ws-connection-'`
const COLUMNS = 'id, data::text AS data, expires_at::text AS expires_at, created_at::text AS created_at, version::text AS version, user_id'

/**
 * PostgreSQL's statements over `table`. Parameters are typed through text
 * (`$2::text::json`): a driver that serializes by the server's parameter type
 * (postgres.js) would otherwise encode the JSON text once more, as a JSON string.
 *
 * @param name the checked table name
 */
export function postgresStatements(name: TableName): SessionStatements {
  const table = name.sql
  const values = '$1::text, $2::text::json, $3::bigint, $4::text, $5::bigint, $6::bigint'
  const set = 'data = $2::text::json, expires_at = $3::bigint, user_id = $4::text, created_at = $5::bigint, updated_at = $6::bigint'
  const excluded =
    'data = EXCLUDED.data, expires_at = EXCLUDED.expires_at, user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at'
  const insert = `INSERT INTO ${table} AS s (id, data, expires_at, user_id, created_at, updated_at, version) VALUES (${values}, 1)`
  const live = 'version >= 0' // not a forward (see FORWARD)
  const next = 'version = GREATEST(s.version, 0) + 1' // a write over a forward starts afresh
  return {
    select: `SELECT ${COLUMNS} FROM ${table} WHERE id = $1::text AND expires_at > $2::bigint`,
    upsert: `${insert} ON CONFLICT (id) DO UPDATE SET ${excluded}, ${next}`,
    updateLive: `UPDATE ${table} SET ${set}, version = version + 1 WHERE id = $1::text AND expires_at > $6::bigint AND ${live} RETURNING version::text AS version`,
    insertAbsent: `${insert} ON CONFLICT (id) DO UPDATE SET ${excluded}, ${next} WHERE s.expires_at <= EXCLUDED.updated_at OR s.version < 0 RETURNING s.version::text AS version`,
    updateVersion: `UPDATE ${table} SET ${set}, version = $7::bigint + 1 WHERE id = $1::text AND version = $7::bigint AND expires_at > $6::bigint AND ${live} RETURNING version::text AS version`,
    touch: `UPDATE ${table} SET expires_at = $2::bigint WHERE id = $1::text AND expires_at > $3::bigint AND ${live} RETURNING 1 AS touched`,
    dropForward: `DELETE FROM ${table} WHERE id = $1::text AND version < 0`,
    delete: `DELETE FROM ${table} WHERE id = $1::text`,
    prune: pruneStatement(name),
    list: `SELECT ${COLUMNS} FROM ${table} WHERE expires_at > $1::bigint AND id > $2::text AND ${live} ORDER BY id LIMIT $3::bigint`,
    listUser: `SELECT ${COLUMNS} FROM ${table} WHERE user_id = $4::text AND expires_at > $1::bigint AND id > $2::text AND ${live} ORDER BY id LIMIT $3::bigint`,
    count: `SELECT count(*)::text AS count FROM ${table} WHERE expires_at > $1::bigint AND ${live} AND ${SESSION_IDS}`,
    // The UPDATE locks the old row and, under READ COMMITTED, checks it again once a concurrent
    // writer (a revoke, another move) has committed: the new row is written only if it still held.
    move: `WITH ended AS (
  UPDATE ${table} SET data = '{}'::json, expires_at = $8::bigint, user_id = NULL, created_at = NULL, updated_at = $6::bigint, version = ${FORWARD}
  WHERE id = $7::text AND expires_at > $6::bigint AND ${live} AND ($9::bigint IS NULL OR version = $9::bigint) RETURNING 1
) INSERT INTO ${table} AS s (id, data, expires_at, user_id, created_at, updated_at, version)
SELECT ${values}, 1 FROM ended
ON CONFLICT (id) DO UPDATE SET ${excluded}, version = 1 RETURNING s.version::text AS version`,
  }
}

/**
 * A session store on a PostgreSQL table.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * import { sessions } from 'seshjs'
 * import { postgresStore } from 'seshjs/postgres'
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * app.use(sessions({ store: postgresStore({ client: pool }) }))
 * ```
 * @param options the client (or query function), the table, the user key, the concurrency mode and the prune
 */
export function postgresStore(options: PostgresStoreOptions): SessionStore {
  return sqlStore(options, {
    where: 'postgresStore',
    database: 'PostgreSQL',
    clients: 'a client (pg, postgres.js, Neon)',
    fromClient: postgresQuery,
    run,
    statements: postgresStatements,
    integer: String, // through `$n::bigint`: a string is exact whatever the driver does with numbers
    size: { default: POSTGRES_VALUE_LIMIT, max: POSTGRES_VALUE_LIMIT },
    pruneLimit: MAX_PRUNE_LIMIT,
  })
}
