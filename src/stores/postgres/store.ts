/**
 * The PostgreSQL store, over a {@link PostgresQuery}: one row per session
 * (see `schema.ts`), conditional writes (a rewrite never brings back a
 * revoked or expired session), opt-in optimistic concurrency on a version
 * column, renewals that move only `expires_at`, a user index, listings for
 * the admin API, and a bounded prune of expired rows now and then after a
 * write (never a timer).
 *
 * @module
 */
import { SessionStoreUnavailableError, SessionTooLargeError } from '../../errors.js'
import { parseJsonObject } from '../../json.js'
import { BASE, type ConcurrencyOptions, optimisticSet, resolveConcurrency, VERSION } from '../concurrency.js'
import { holdsUser, isSessionId, pageSize } from '../listing.js'
import { refuseChunks, serverStore } from '../server.js'
import type { KeeperCallOptions, ListedRecord, ListOptions, RecordKeeper, RecordPage, SessionStore, StoredRecord } from '../store.js'
import { type PostgresClientLike, postgresQuery } from './drivers.js'
import { type PostgresQuery, type PostgresRow, run } from './query.js'
import { DEFAULT_PRUNE_LIMIT, MAX_PRUNE_LIMIT, pruneStatement, tableName } from './schema.js'

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
  prune?: false | { every?: number | undefined; limit?: number | undefined } | undefined
}

/** The default {@link PostgresStoreOptions.maxSize}: 256 MiB. */
export const POSTGRES_VALUE_LIMIT = 256 * 1024 * 1024

const encoder = new TextEncoder()

/** Only ids a session can have: 24 base64url characters, not a WebSocket connection record's (see `isSessionId`). */
const SESSION_IDS = `id ~ '^[A-Za-z0-9_-]{24}$' AND left(id, 14) <> 'ws-connection-'`
const COLUMNS = 'id, data::text AS data, expires_at::text AS expires_at, created_at::text AS created_at, version::text AS version, user_id'
/** Epoch seconds as a `bigint` parameter: whole seconds (a fraction would not parse as one). */
const seconds = (value: number) => String(Math.floor(value))

/** A bigint column (read as text) as a number, or `undefined`. */
function numberOf(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined
  const number = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(number) ? number : undefined
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
  if (options === null || typeof options !== 'object') throw new TypeError('postgresStore() takes { client } or { query }')
  const { client } = options
  if (client !== undefined && options.query !== undefined) throw new TypeError('postgresStore: give a client or a query function, not both')
  if (options.query !== undefined && typeof options.query !== 'function') throw new TypeError('postgresStore: query must be a function')
  if (client === undefined && options.query === undefined) throw new TypeError('postgresStore: a client (pg, postgres.js, Neon) or a query function is required')
  const query = options.query ?? postgresQuery(client!)
  refuseChunks(options, 'postgresStore')
  const table = tableName(options.table, 'postgresStore').sql
  const userKey = options.userKey ?? 'user'
  if (userKey !== false && (typeof userKey !== 'string' || userKey === '')) {
    throw new TypeError('postgresStore: userKey must be a non-empty string or false')
  }
  const maxSize = options.maxSize ?? POSTGRES_VALUE_LIMIT
  if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > POSTGRES_VALUE_LIMIT) {
    throw new TypeError(`postgresStore: maxSize must be a positive integer of at most ${POSTGRES_VALUE_LIMIT} bytes`)
  }
  const prune = resolvePrune(options.prune)
  const concurrency = resolveConcurrency(options, 'postgresStore')

  // Parameters are typed through text (`$2::text::json`): a driver that serializes by the server's
  // parameter type (postgres.js) would otherwise encode the JSON text once more, as a JSON string.
  const SELECT = `SELECT ${COLUMNS} FROM ${table} WHERE id = $1::text AND expires_at > $2::bigint`
  const VALUES = '$1::text, $2::text::json, $3::bigint, $4::text, $5::bigint, $6::bigint'
  const SET_COLUMNS = 'data = $2::text::json, expires_at = $3::bigint, user_id = $4::text, created_at = $5::bigint, updated_at = $6::bigint'
  const FROM_EXCLUDED =
    'data = EXCLUDED.data, expires_at = EXCLUDED.expires_at, user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at'
  const INSERT = `INSERT INTO ${table} AS s (id, data, expires_at, user_id, created_at, updated_at, version) VALUES (${VALUES}, 1)`
  /** Last write wins: insert or replace; the version still moves, so an optimistic writer elsewhere sees the change. */
  const UPSERT = `${INSERT} ON CONFLICT (id) DO UPDATE SET ${FROM_EXCLUDED}, version = s.version + 1`
  /** Only over a live row: a session revoked or expired meanwhile is never brought back. */
  const UPDATE_LIVE = `UPDATE ${table} SET ${SET_COLUMNS}, version = version + 1 WHERE id = $1::text AND expires_at > $6::bigint RETURNING version::text AS version`
  /** Only where no live row is (a new session): over an expired one, its version goes on counting. */
  const INSERT_ABSENT = `${INSERT} ON CONFLICT (id) DO UPDATE SET ${FROM_EXCLUDED}, version = s.version + 1 WHERE s.expires_at <= EXCLUDED.updated_at RETURNING s.version::text AS version`
  /** Only over a live row of the version read (compare-and-set). */
  const UPDATE_VERSION = `UPDATE ${table} SET ${SET_COLUMNS}, version = $7::bigint + 1 WHERE id = $1::text AND version = $7::bigint AND expires_at > $6::bigint RETURNING version::text AS version`
  const TOUCH = `UPDATE ${table} SET expires_at = $2::bigint WHERE id = $1::text AND expires_at > $3::bigint RETURNING 1 AS touched`
  const DELETE = `DELETE FROM ${table} WHERE id = $1::text`
  const PRUNE = pruneStatement(tableName(options.table, 'postgresStore'))
  const LIST = `SELECT ${COLUMNS} FROM ${table} WHERE expires_at > $1::bigint AND id > $2::text ORDER BY id LIMIT $3::bigint`
  const LIST_USER = `SELECT ${COLUMNS} FROM ${table} WHERE user_id = $4::text AND expires_at > $1::bigint AND id > $2::text ORDER BY id LIMIT $3::bigint`
  const COUNT = `SELECT count(*)::text AS count FROM ${table} WHERE expires_at > $1::bigint AND ${SESSION_IDS}`

  const userOf = (data: Record<string, unknown>): string | null => {
    if (userKey === false || !Object.hasOwn(data, userKey)) return null
    const value = data[userKey]
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null
  }

  function recordOf(row: PostgresRow, now: number): StoredRecord | undefined {
    const expiresAt = numberOf(row.expires_at)
    if (expiresAt === undefined || expiresAt <= now || typeof row.data !== 'string') return undefined
    const data = parseJsonObject(row.data)
    if (!data) return undefined // not a JSON object: no session, never a crash
    const extra: Record<string, unknown> = {}
    if (concurrency.optimistic) {
      extra[VERSION] = numberOf(row.version) ?? 0
      extra[BASE] = row.data
    }
    return { data, expiresAt, createdAt: numberOf(row.created_at), extra }
  }

  async function get(id: string, now: number, options?: KeeperCallOptions): Promise<StoredRecord | undefined> {
    const [row] = await run(query, SELECT, [id, seconds(now)], options?.signal)
    return row && recordOf(row, now)
  }

  /** The parameters of a write, after the size check (before anything is sent). */
  function params(id: string, record: StoredRecord, now: number): (string | null)[] {
    const json = JSON.stringify(record.data)
    const size = encoder.encode(json).length
    if (size > maxSize) {
      throw new SessionTooLargeError(
        `The session is too large for this PostgreSQL store: ${size} bytes of JSON, over its ${maxSize}-byte limit.`,
        maxSize,
        size,
      )
    }
    const created = record.createdAt === undefined ? null : seconds(record.createdAt)
    return [id, json, seconds(record.expiresAt), userOf(record.data), created, seconds(now)]
  }

  const write = (sql: string, values: unknown[], signal: AbortSignal | undefined) => run(query, sql, values, signal)

  /** The optimistic write: `expected` undefined inserts only where no live row is; else compare-and-set. */
  async function put(id: string, record: StoredRecord, now: number, expected: number | undefined, signal?: AbortSignal): Promise<boolean> {
    const values = params(id, record, now)
    const rows =
      expected === undefined
        ? await write(INSERT_ABSENT, values, signal)
        : await write(UPDATE_VERSION, [...values, String(expected)], signal)
    if (rows.length === 0) return false
    const version = numberOf(rows[0]!.version)
    if (version !== undefined) record.extra = { ...record.extra, [VERSION]: version }
    return true
  }

  let pruning = false
  /** Now and then after a write: one bounded prune in the background, its outcome ignored. */
  function maybePrune(now: number): void {
    if (!prune || pruning || Math.random() * prune.every >= 1) return
    pruning = true
    run(query, PRUNE, [seconds(now), String(prune.limit)]).then(
      () => (pruning = false),
      () => (pruning = false), // a prune that fails changes nothing: expired rows already read as absent
    )
  }

  const keeper: RecordKeeper = {
    get,
    async set(id, record, now, options) {
      const signal = options?.signal
      let result: StoredRecord | false
      if (concurrency.optimistic) {
        const conditional = {
          get: (key: string, at: number) => get(key, at, options),
          put: (key: string, next: StoredRecord, expected: number | undefined) => put(key, next, now, expected, signal),
        }
        result = await optimisticSet(conditional, id, record, now, concurrency)
      } else if (options?.mustExist) {
        result = (await write(UPDATE_LIVE, params(id, record, now), signal)).length > 0 && { ...record }
      } else {
        await write(UPSERT, params(id, record, now), signal)
        result = { ...record }
      }
      if (result) maybePrune(now)
      return result
    },
    async delete(id, options) {
      await run(query, DELETE, [id], options?.signal)
    },
    async touch(id, expiresAt, now, options) {
      // Only expires_at changes: a renewal never writes data over a concurrent request's write,
      // and the condition keeps it from recreating a row deleted (a logout) or expired meanwhile.
      const rows = await run(query, TOUCH, [id, seconds(expiresAt), seconds(now)], options?.signal)
      return rows.length > 0
    },
    async list(options) {
      return page(LIST, [], options, () => true)
    },
    async count(now) {
      const [row] = await run(query, COUNT, [seconds(now)])
      const count = numberOf(row?.count)
      if (count === undefined) throw new SessionStoreUnavailableError('PostgreSQL answered a count with something that is not a number.')
      return count
    },
    async listByUser(key, userId, options) {
      const holds = (record: ListedRecord) => holdsUser(record.data, key, userId)
      // Through the index when it is the user key's; else every row is read (and checked here, not
      // in SQL: PostgreSQL's json operators refuse a document holding "\u0000" anywhere).
      return key === userKey ? page(LIST_USER, [userId], options, holds) : page(LIST, [], options, holds)
    },
  }

  /** One page in id order: the cursor is the last id examined, so it stays valid while rows come and go. */
  async function page(sql: string, extra: string[], options: ListOptions, keep: (record: ListedRecord) => boolean): Promise<RecordPage> {
    const size = pageSize(options.limit)
    const { cursor, now } = options
    if (cursor !== undefined && (typeof cursor !== 'string' || cursor.length > 1024)) {
      throw new TypeError('cursor is not one this PostgreSQL store returned')
    }
    const rows = await run(query, sql, [seconds(now), cursor ?? '', String(size + 1), ...extra])
    const examined = rows.slice(0, size)
    const records: ListedRecord[] = []
    for (const row of examined) {
      const id = row.id
      if (!isSessionId(id)) continue // never a row no session can have, nor a connection record
      const record = recordOf(row, now)
      const listed = record && { id, ...record }
      if (listed && keep(listed)) records.push(listed)
    }
    const last = examined.at(-1)?.id
    return { records, ...(rows.length > size && typeof last === 'string' ? { cursor: last } : {}) }
  }

  return serverStore(keeper)
}

function resolvePrune(prune: PostgresStoreOptions['prune']): { every: number; limit: number } | undefined {
  if (prune === false) return undefined
  if (prune !== undefined && (prune === null || typeof prune !== 'object')) throw new TypeError('postgresStore: prune must be false or { every, limit }')
  const every = prune?.every ?? 100
  const limit = prune?.limit ?? Math.min(100, DEFAULT_PRUNE_LIMIT)
  if (!Number.isInteger(every) || every < 1) throw new TypeError('postgresStore: prune.every must be a positive integer')
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PRUNE_LIMIT) {
    throw new TypeError(`postgresStore: prune.limit must be an integer from 1 to ${MAX_PRUNE_LIMIT}`)
  }
  return { every, limit }
}
