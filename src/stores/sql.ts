/**
 * The record keeper of the SQL stores (PostgreSQL, SQLite): one row per
 * session in the table `postgres/schema.ts` and `sqlite/schema.ts` describe,
 * driven by one dialect's statements. Conditional writes (a rewrite never
 * brings back a revoked or expired session), opt-in optimistic concurrency on
 * the version column, renewals that move only `expires_at`, the user index,
 * listings for the admin API, and a bounded prune now and then after a write.
 *
 * @module
 */
import { SessionError, SessionStoreUnavailableError, SessionTooLargeError } from '../errors.js'
import { parseJsonObject } from '../json.js'
import {
  BASE,
  type ConcurrencyOptions,
  expectedVersion,
  moveConflict,
  optimisticSet,
  type ResolvedConcurrency,
  resolveConcurrency,
  VERSION,
} from './concurrency.js'
import { holdsUser, isSessionId, pageSize } from './listing.js'
import type { KeeperCallOptions, ListedRecord, ListOptions, RecordKeeper, RecordPage, SessionStore, StoredRecord } from './contract.js'
import { refuseChunks, serverStore } from './server.js'

/** The table name when none is given. */
export const DEFAULT_TABLE = 'sessions'

/** One identifier: a letter or underscore, then letters, digits and underscores; at most 63 bytes (PostgreSQL's limit; SQLite has none). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** A checked table name: the quoted form for SQL, and the bare name the index names derive from. */
export interface TableName {
  /** `"schema"."table"` or `"table"`. */
  readonly sql: string
  /** The table's own name, unquoted. */
  readonly name: string
}

/**
 * Checks and quotes a table name: `table` or `schema.table`, each part an
 * identifier (letters, digits, `_`, not starting with a digit). Quoted, so its
 * case is kept: `Sessions` is a different table from `sessions`.
 *
 * @param table the name
 * @param where the caller, for messages
 */
export function tableName(table: unknown, where: string): TableName {
  if (table === undefined) table = DEFAULT_TABLE
  if (typeof table !== 'string') throw new TypeError(`${where}: table must be a string`)
  const parts = table.split('.')
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new TypeError(`${where}: table must be a name of letters, digits and _ (not starting with a digit), optionally schema.table`)
  }
  return { sql: parts.map((part) => `"${part}"`).join('.'), name: parts.at(-1)! }
}

/** One row, by column name. */
export type SqlRow = Record<string, unknown>

/** Runs one statement of the dialect, every failure already a `SessionStoreUnavailableError`. */
export type SqlRun = (sql: string, params: unknown[], signal?: AbortSignal) => Promise<SqlRow[]>

/**
 * One dialect's statements over the session table. Numbered parameters:
 * writes take 1 id, 2 data (JSON text), 3 expires_at, 4 user_id, 5 created_at,
 * 6 now (also updated_at), and 7 the version read (`updateVersion`); the row
 * statements select `id, data, expires_at, created_at, version, user_id`, with
 * `data` as JSON text.
 *
 * A forward ({@link RecordKeeper.move}) is a row of version {@link FORWARD}
 * (-1), data `{}` and no user: `select` returns it (the keeper tells it
 * apart), and every other statement skips it (a write over it starts a
 * fresh version).
 */
export interface SessionStatements {
  /** The live row: 1 id, 2 now. */
  select: string
  /** Insert or replace (last write wins), moving the version. */
  upsert: string
  /** Replace a live row only, moving the version; returns `version` when written. */
  updateLive: string
  /** Insert where no live row is (over an expired one, moving its version); returns `version` when written. */
  insertAbsent: string
  /** Replace a live row of version 7 only, making it 7 + 1; returns `version` when written. */
  updateVersion: string
  /** Move `expires_at` of a live row: 1 id, 2 expires_at, 3 now; returns a row when moved. */
  touch: string
  /** Delete: 1 id. */
  delete: string
  /** Delete at most 2 rows expired at 1. */
  prune: string
  /** Live rows after a cursor, in id order: 1 now, 2 cursor (`''` first), 3 how many. */
  list: string
  /** The same, of one user: 4 user_id. */
  listUser: string
  /** `count` of the live session rows: 1 now. */
  count: string
  /**
   * A regenerate, in one statement: only while 7 (the old id) holds a live
   * row (not a forward; of version 9 unless 9 is null), make it a forward
   * expiring at 8 and write the record (1 to 6, under the new id 1) at
   * version 1; returns `version` (of the new row) when moved, no row otherwise.
   */
  move: string
  /** Delete the forward at 1 (a row of a negative version), if it is one. */
  dropForward: string
}

/** The version of a forward's row: a real row's version is never negative. */
export const FORWARD = -1

/** What {@link sqlKeeper} needs. */
export interface SqlKeeperParts {
  /** The database's name, for messages. */
  database: string
  /** Runs a statement. */
  run: SqlRun
  /** The statements. */
  statements: SessionStatements
  /** A whole number as this dialect's parameter (a string for PostgreSQL's `$1::bigint`, a number for SQLite). */
  integer(value: number): unknown
  /** The user key whose value fills `user_id`, or `false`. */
  userKey: string | false
  /** The largest session, in bytes of JSON. */
  maxSize: number
  /** The opportunistic prune, or `undefined` for none. */
  prune: ResolvedPrune | undefined
  /** The concurrency mode. */
  concurrency: ResolvedConcurrency
}

/** The opportunistic prune after validation. */
export interface ResolvedPrune {
  every: number
  limit: number
}

/** The `prune` option of the SQL stores: `false`, or how often and how much. */
export type PruneOption = false | { every?: number | undefined; limit?: number | undefined } | undefined

/**
 * Validates a SQL store's `prune` option.
 *
 * @param prune the option
 * @param where the factory's name, for messages
 * @param max the most rows one prune may delete
 */
export function resolvePrune(prune: PruneOption, where: string, max: number): ResolvedPrune | undefined {
  if (prune === false) return undefined
  if (prune !== undefined && (prune === null || typeof prune !== 'object'))
    throw new TypeError(`${where}: prune must be false or { every, limit }`)
  const every = prune?.every ?? 100
  const limit = prune?.limit ?? 100
  if (!Number.isInteger(every) || every < 1) throw new TypeError(`${where}: prune.every must be a positive integer`)
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new TypeError(`${where}: prune.limit must be an integer from 1 to ${max}`)
  return { every, limit }
}

/**
 * Validates a SQL store's `userKey` option.
 *
 * @param userKey the option
 * @param where the factory's name, for messages
 */
export function resolveUserKey(userKey: unknown, where: string): string | false {
  const key = userKey ?? 'user'
  if (key !== false && (typeof key !== 'string' || key === '')) throw new TypeError(`${where}: userKey must be a non-empty string or false`)
  return key as string | false
}

const encoder = new TextEncoder()

/** A whole-number column (read as text or a number) as a number, or `undefined`. */
function numberOf(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined
  const number = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(number) ? number : undefined
}

/**
 * The record keeper over one dialect's statements.
 *
 * @param parts the dialect, the options
 */
export function sqlKeeper(parts: SqlKeeperParts): RecordKeeper {
  const { database, run, statements: sql, userKey, maxSize, prune, concurrency } = parts
  const int = (value: number) => parts.integer(Math.floor(value))

  const userOf = (data: Record<string, unknown>): string | null => {
    if (userKey === false || !Object.hasOwn(data, userKey)) return null
    const value = data[userKey]
    return typeof value === 'string' || typeof value === 'number' ? String(value) : null
  }

  function recordOf(row: SqlRow, now: number, forwards?: boolean): StoredRecord | undefined {
    const expiresAt = numberOf(row.expires_at)
    if (expiresAt === undefined || expiresAt <= now) return undefined
    if ((numberOf(row.version) ?? 0) < 0) return forwards ? { data: {}, expiresAt, moved: true } : undefined // a forward
    if (typeof row.data !== 'string') return undefined
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
    const [row] = await run(sql.select, [id, int(now)], options?.signal)
    return row && recordOf(row, now, options?.forwards)
  }

  /** The parameters of a write, after the size check (before anything is sent). */
  function params(id: string, record: StoredRecord, now: number): unknown[] {
    const json = JSON.stringify(record.data)
    const size = encoder.encode(json).length
    if (size > maxSize) {
      throw new SessionTooLargeError(
        `The session is too large for this ${database} store: ${size} bytes of JSON, over its ${maxSize}-byte limit.`,
        maxSize,
        size,
      )
    }
    const created = record.createdAt === undefined ? null : int(record.createdAt)
    return [id, json, int(record.expiresAt), userOf(record.data), created, int(now)]
  }

  /** The optimistic write: `expected` undefined inserts only where no live row is; else compare-and-set. */
  async function put(id: string, record: StoredRecord, now: number, expected: number | undefined, signal?: AbortSignal): Promise<boolean> {
    const values = params(id, record, now)
    const rows =
      expected === undefined
        ? await run(sql.insertAbsent, values, signal)
        : await run(sql.updateVersion, [...values, int(expected)], signal)
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
    run(sql.prune, [int(now), int(prune.limit)]).then(
      () => (pruning = false),
      () => (pruning = false), // a prune that fails changes nothing: expired rows already read as absent
    )
  }

  /** One page in id order: the cursor is the last id examined, so it stays valid while rows come and go. */
  async function page(
    statement: string,
    extra: unknown[],
    options: ListOptions,
    keep: (record: ListedRecord) => boolean,
  ): Promise<RecordPage> {
    const size = pageSize(options.limit)
    const { cursor, now } = options
    if (cursor !== undefined && (typeof cursor !== 'string' || cursor.length > 1024)) {
      throw new TypeError(`cursor is not one this ${database} store returned`)
    }
    const rows = await run(statement, [int(now), cursor ?? '', int(size + 1), ...extra])
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

  return {
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
        result = (await run(sql.updateLive, params(id, record, now), signal)).length > 0 && { ...record }
      } else {
        await run(sql.upsert, params(id, record, now), signal)
        result = { ...record }
      }
      if (result) maybePrune(now)
      return result
    },
    async delete(id, options) {
      await run(sql.delete, [id], options?.signal)
    },
    async touch(id, expiresAt, now, options) {
      // Only expires_at changes: a renewal never writes data over a concurrent request's write,
      // and the condition keeps it from recreating a row deleted (a logout) or expired meanwhile.
      return (await run(sql.touch, [id, int(expiresAt), int(now)], options?.signal)).length > 0
    },
    list: (options) => page(sql.list, [], options, () => true),
    async count(now) {
      const [row] = await run(sql.count, [int(now)])
      const count = numberOf(row?.count)
      if (count === undefined) throw new SessionStoreUnavailableError(`${database} answered a count with something that is not a number.`)
      return count
    },
    // One statement: the check of the old row, its forward and the new row stand or fall together,
    // so a revoke (or another move) of the old id lands wholly before or wholly after it.
    async move(fromId, toId, record, now, options) {
      const expected = concurrency.optimistic ? int(expectedVersion(options.fromExtra) ?? 0) : null
      const values = [...params(toId, record, now), fromId, int(options.forwardUntil), expected]
      const rows = await run(sql.move, values, options.signal)
      if (rows.length === 0) {
        // not moved: a conflict when the old session is live at another version (optimistic), else gone or moved
        if (concurrency.optimistic && (await get(fromId, now, { signal: options.signal }))) throw moveConflict()
        return false
      }
      if (options.forwardUntil <= now) {
        // no forward asked for: the old row was left expired; give its space back now (a failure
        // changes nothing: it already reads as absent, and the prune takes it later)
        await run(sql.dropForward, [fromId], options.signal).catch(() => {})
      }
      if (!concurrency.optimistic) return { ...record }
      const version = rows.map((row) => numberOf(row.version)).find((v) => v !== undefined && v >= 0) ?? 1 // (SQLite returns the forward's row too)
      return { ...record, extra: { ...record.extra, [VERSION]: version, [BASE]: JSON.stringify(record.data) } }
    },
    listByUser(key, userId, options) {
      const holds = (record: ListedRecord) => holdsUser(record.data, key, userId)
      // Through the index when it is the user key's; else every row is read (and checked here, not in
      // SQL: PostgreSQL's json operators refuse a document holding "\u0000" anywhere).
      return key === userKey ? page(sql.listUser, [userId], options, holds) : page(sql.list, [], options, holds)
    },
  }
}

/** The options every SQL store takes (`postgresStore`, `sqliteStore`), beside its dialect's client. */
export interface SqlStoreOptions<Query, Client> extends ConcurrencyOptions {
  client?: Client | undefined
  query?: Query | undefined
  table?: string | undefined
  userKey?: string | false | undefined
  maxSize?: number | undefined
  prune?: PruneOption
}

/** What a dialect brings to {@link sqlStore}. */
export interface SqlDialect<Query, Client> {
  /** The store function's name, for messages (`postgresStore`). */
  where: string
  /** The database's name, for messages (`PostgreSQL`). */
  database: string
  /** What a client is, for the message when neither a client nor a query is given. */
  clients: string
  /** The query seam from a client. */
  fromClient(client: Client): Query
  /** Runs one statement through the seam. */
  run(query: Query, sql: string, params: unknown[], signal?: AbortSignal): Promise<SqlRow[]>
  /** The statements for a table. */
  statements(table: TableName): SessionStatements
  /** A whole number as this dialect's parameter. */
  integer(value: number): unknown
  /** The default and the largest `maxSize`, in bytes of JSON. */
  size: { default: number; max: number }
  /** The largest prune batch. */
  pruneLimit: number
}

/**
 * A SQL session store: the options checked once, the same way for every dialect, then {@link sqlKeeper} under
 * {@link serverStore}.
 *
 * @param options the caller's options
 * @param dialect what the database brings
 */
export function sqlStore<Query, Client>(options: SqlStoreOptions<Query, Client>, dialect: SqlDialect<Query, Client>): SessionStore {
  const { where } = dialect
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}() takes { client } or { query }`)
  const { client } = options
  if (client !== undefined && options.query !== undefined) throw new TypeError(`${where}: give a client or a query function, not both`)
  if (options.query !== undefined && typeof options.query !== 'function') throw new TypeError(`${where}: query must be a function`)
  if (client === undefined && options.query === undefined)
    throw new TypeError(`${where}: ${dialect.clients} or a query function is required`)
  const query = options.query ?? dialect.fromClient(client!)
  refuseChunks(options, where)
  const table = tableName(options.table, where)
  const maxSize = options.maxSize ?? dialect.size.default
  if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > dialect.size.max) {
    throw new TypeError(`${where}: maxSize must be a positive integer of at most ${dialect.size.max} bytes`)
  }
  return serverStore(
    sqlKeeper({
      database: dialect.database,
      run: (sql, params, signal) => dialect.run(query, sql, params, signal),
      statements: dialect.statements(table),
      integer: dialect.integer,
      userKey: resolveUserKey(options.userKey, where),
      maxSize,
      prune: resolvePrune(options.prune, where, dialect.pruneLimit),
      concurrency: resolveConcurrency(options, where),
    }),
  )
}

/**
 * Runs one statement through a dialect's query seam, making every failure a
 * {@link SessionStoreUnavailableError} (the 503) with the driver's error as its cause: `failure` words the
 * dialect's own (a missing table, a SQLSTATE); errors of sesh's own pass unchanged, as does a deadline's.
 *
 * @param query the seam
 * @param sql the statement
 * @param params its parameters
 * @param signal the call's deadline
 * @param database the database's name, for messages
 * @param failure the dialect's error for a driver failure
 */
export async function runQuery(
  query: (sql: string, params: unknown[], options?: { signal?: AbortSignal }) => Promise<unknown>,
  sql: string,
  params: unknown[],
  signal: AbortSignal | undefined,
  database: string,
  failure: (error: unknown) => SessionStoreUnavailableError,
): Promise<SqlRow[]> {
  if (signal?.aborted)
    throw signal.reason instanceof SessionError ? signal.reason : new SessionStoreUnavailableError('The store call was abandoned.')
  let rows: unknown
  try {
    rows = await query(sql, params, signal ? { signal } : undefined)
  } catch (error) {
    if (error instanceof SessionError) throw error
    throw failure(error)
  }
  if (!Array.isArray(rows))
    throw new SessionStoreUnavailableError(`The ${database} query function returned something that is not an array of rows.`)
  return rows as SqlRow[]
}
