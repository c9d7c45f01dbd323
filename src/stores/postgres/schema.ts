/**
 * The PostgreSQL store's table: its name (checked, quoted), its creation
 * ({@link createPostgresTable}, never on a request) and its bounded prune
 * ({@link prunePostgres}).
 *
 * ```sql
 * CREATE TABLE "sessions" (
 *   id         text   PRIMARY KEY,
 *   data       json   NOT NULL,  -- the session data, exactly as written (see below)
 *   expires_at bigint NOT NULL,  -- epoch seconds, by the app's clock
 *   user_id    text,             -- the user key's value (userKey), for listByUser
 *   version    bigint NOT NULL DEFAULT 0,  -- optimistic concurrency
 *   created_at bigint,           -- epoch seconds, when an absolute maxAge is configured
 *   updated_at bigint NOT NULL   -- epoch seconds of the last write
 * );
 * CREATE INDEX "sessions_expires_at" ON "sessions" (expires_at);
 * CREATE INDEX "sessions_user_id" ON "sessions" (user_id, id) WHERE user_id IS NOT NULL;
 * ```
 *
 * `data` is `json`, not `jsonb`: `json` keeps the text it is given, so a
 * session reads back exactly as it was written (key order, `\u0000` in a
 * string), which `jsonb` cannot (it reorders keys and refuses `\u0000`).
 * Times are epoch seconds (`bigint`) because the engine's clock, not the
 * database's, decides expiry (it is injectable, and one clock keeps app and
 * database from disagreeing); `to_timestamp(expires_at)` shows them as dates.
 *
 * @module
 */
import { type TableName, tableName } from '../sql.js'
import type { PostgresQuery } from './query.js'
import { run } from './query.js'

/** An index name made from the table's: `<table>_<suffix>`, within 63 bytes. */
export function indexName(table: TableName, suffix: string): string {
  return `"${table.name.slice(0, 63 - suffix.length - 1)}_${suffix}"`
}

/** Options of {@link createPostgresTable}. */
export interface CreatePostgresTableOptions {
  /**
   * The table: `name` or `schema.name`.
   * @default 'sessions'
   */
  table?: string | undefined
  /** Aborts the statements (where the driver can). */
  signal?: AbortSignal | undefined
}

/**
 * The statements that create the session table and its indexes, if missing.
 *
 * @param table the checked table name
 */
export function tableStatements(table: TableName): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table.sql} (
  id text PRIMARY KEY,
  data json NOT NULL,
  expires_at bigint NOT NULL,
  user_id text,
  version bigint NOT NULL DEFAULT 0,
  created_at bigint,
  updated_at bigint NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(table, 'expires_at')} ON ${table.sql} (expires_at)`,
    `CREATE INDEX IF NOT EXISTS ${indexName(table, 'user_id')} ON ${table.sql} (user_id, id) WHERE user_id IS NOT NULL`,
  ]
}

/** The advisory lock that serializes table creation: sesh's key space, and a 32-bit FNV-1a hash of the quoted name. */
function lockKey(table: TableName): string {
  let hash = 0x811c9dc5
  for (const char of table.sql) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193)
  return `${0x5e55}, ${hash | 0}`
}

/**
 * Creates the session table and its indexes unless they exist (safe to run
 * again, and from several places at once: one statement, under an advisory
 * lock, since PostgreSQL's `IF NOT EXISTS` alone fails when two run together).
 * Run it from a deploy step, a start script or `seshjs table create
 * --postgres <url>`; the store never creates anything on a request.
 *
 * @example
 * ```ts
 * import { createPostgresTable, pgQuery } from 'seshjs/postgres'
 * await createPostgresTable(pgQuery(pool))
 * ```
 * @param query the query seam (see `pgQuery`, `postgresJsQuery`, `postgresQuery`)
 * @param options the table name
 * @returns `true` when the table was missing when this call looked (two calls at once may both see it missing), else `false`
 */
export async function createPostgresTable(query: PostgresQuery, options: CreatePostgresTableOptions = {}): Promise<boolean> {
  if (typeof query !== 'function') throw new TypeError('createPostgresTable: query must be a function (see pgQuery, postgresJsQuery)')
  const table = tableName(options.table, 'createPostgresTable')
  const signal = options.signal
  const [found] = await run(query, 'SELECT to_regclass($1) IS NOT NULL AS found', [table.sql], signal)
  const existed = found?.found === true || found?.found === 't'
  const body = [`PERFORM pg_advisory_xact_lock(${lockKey(table)})`, ...tableStatements(table)]
    .map((statement) => `${statement};`)
    .join('\n')
  await run(query, `DO $sesh$\nBEGIN\n${body}\nEND\n$sesh$`, [], signal)
  return !existed
}

/** Options of {@link prunePostgres}. */
export interface PrunePostgresOptions {
  /**
   * The table: `name` or `schema.name`.
   * @default 'sessions'
   */
  table?: string | undefined
  /**
   * The most expired rows one call deletes.
   * @default 1000
   */
  limit?: number | undefined
  /**
   * Now, in epoch seconds: rows that expired at or before it go.
   * @default the current time
   */
  now?: number | undefined
  /** Aborts the statement (where the driver can). */
  signal?: AbortSignal | undefined
}

/** Rows one prune deletes when no limit is given. */
export const DEFAULT_PRUNE_LIMIT = 1000
/** The most rows one prune may delete. */
export const MAX_PRUNE_LIMIT = 100_000

/**
 * The bounded prune: one `DELETE` of at most `limit` expired rows, oldest
 * expiry first, skipping rows another transaction holds (two prunes never
 * wait on each other, nor on a request writing a session). Expired rows
 * already read as absent; this only gives their space back.
 *
 * @param table the checked table name
 */
export function pruneStatement(table: TableName): string {
  return `WITH pruned AS (
  DELETE FROM ${table.sql} WHERE id IN (
    SELECT id FROM ${table.sql} WHERE expires_at <= $1::bigint ORDER BY expires_at LIMIT $2::bigint FOR UPDATE SKIP LOCKED
  ) AND expires_at <= $1::bigint RETURNING 1
) SELECT count(*)::text AS pruned FROM pruned`
}

/**
 * Deletes at most `limit` expired sessions (one statement) and returns how
 * many it deleted: run it from cron, pg_cron, a Workers cron trigger or
 * `seshjs prune --postgres <url>`, again while it returns `limit`. Never
 * needed for correctness (expired rows read as absent), only for space.
 *
 * @example
 * ```ts
 * while ((await prunePostgres(query, { limit: 1000 })) === 1000) {}
 * ```
 * @param query the query seam
 * @param options the table, the batch size, now
 */
export async function prunePostgres(query: PostgresQuery, options: PrunePostgresOptions = {}): Promise<number> {
  if (typeof query !== 'function') throw new TypeError('prunePostgres: query must be a function (see pgQuery, postgresJsQuery)')
  const table = tableName(options.table, 'prunePostgres')
  const limit = options.limit ?? DEFAULT_PRUNE_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PRUNE_LIMIT) {
    throw new TypeError(`prunePostgres: limit must be an integer from 1 to ${MAX_PRUNE_LIMIT}`)
  }
  const now = options.now ?? Math.floor(Date.now() / 1000)
  if (!Number.isFinite(now)) throw new TypeError('prunePostgres: now must be epoch seconds')
  const rows = await run(query, pruneStatement(table), [String(Math.floor(now)), String(limit)], options.signal)
  return Number(rows[0]?.pruned ?? 0)
}
