/**
 * Query seams over the PostgreSQL drivers people have: `pg` (node-postgres,
 * a `Pool` or `Client`), `postgres` (postgres.js) and Neon's serverless
 * driver (`neon()` over HTTP, or its pg-compatible `Pool`). Structural types
 * only: nothing here imports a driver; {@link connectPostgres} loads one
 * when it is called.
 *
 * @module
 */
import { SessionStorePeerMissingError } from '../../errors.js'
import type { PostgresQuery, PostgresRow } from './query.js'

/** A `pg` `Pool`, `PoolClient` or `Client`, or Neon's pg-compatible `Pool`/`Client`. */
export interface PgClientLike {
  /** `query(text, values)` → `{ rows }`. */
  query(text: string, values?: unknown[]): Promise<{ rows: PostgresRow[] }>
}

/** A postgres.js query: a promise of rows that can be cancelled server-side. */
export interface PostgresJsPending extends PromiseLike<PostgresRow[]> {
  /** Sends PostgreSQL a cancel request for this query. */
  cancel?(): unknown
}

/** A postgres.js `sql` (`postgres(url)`). */
export interface PostgresJsSqlLike {
  /** `sql.unsafe(text, params)`: a statement with `$n` placeholders. */
  unsafe(text: string, params?: any[]): PostgresJsPending
}

/** Neon's HTTP query function (`neon(url)` from `@neondatabase/serverless` 1.x). */
export interface NeonSqlLike {
  (strings: TemplateStringsArray, ...values: any[]): unknown
  /** `sql.query(text, params, { fetchOptions })` → rows. */
  query(text: string, params?: any[], options?: { fetchOptions?: { signal?: AbortSignal } }): Promise<PostgresRow[]>
  /** Present on Neon's function; tells it apart from postgres.js's. */
  transaction: unknown
}

/** Any client {@link postgresQuery} takes. */
export type PostgresClientLike = PgClientLike | PostgresJsSqlLike | NeonSqlLike

/**
 * The seam over a `pg` `Pool` or `Client` (or Neon's pg-compatible `Pool`).
 * `pg` cannot cancel one query of a pool: bound a hung query server-side with
 * the pool's `statement_timeout` (see {@link POSTGRES_POOL_DEFAULTS}); the
 * store's deadline answers 503 meanwhile either way.
 *
 * @param client the pool or client
 */
export function pgQuery(client: PgClientLike): PostgresQuery {
  if (client === null || typeof client !== 'object' || typeof client.query !== 'function') {
    throw new TypeError('pgQuery: client must be a pg Pool or Client (with query())')
  }
  return async (text, params) => {
    const result = (await client.query(text, params)) as { rows?: unknown } | unknown[]
    return (Array.isArray(result) ? result : result?.rows) as PostgresRow[]
  }
}

/**
 * The seam over a postgres.js `sql`: `sql.unsafe(text, params)`, cancelled
 * server-side (a PostgreSQL cancel request) when the store call's deadline passes.
 *
 * @param sql the postgres.js instance
 */
export function postgresJsQuery(sql: PostgresJsSqlLike): PostgresQuery {
  if ((typeof sql !== 'function' && typeof sql !== 'object') || sql === null || typeof sql.unsafe !== 'function') {
    throw new TypeError('postgresJsQuery: sql must be a postgres.js instance (with unsafe())')
  }
  return async (text, params, options) => {
    const pending = sql.unsafe(text, params)
    const signal = options?.signal
    if (!signal || typeof pending.cancel !== 'function') return await pending
    const cancel = () => void pending.cancel!()
    signal.addEventListener('abort', cancel, { once: true })
    try {
      return await pending
    } finally {
      signal.removeEventListener('abort', cancel)
    }
  }
}

/**
 * The seam over Neon's HTTP query function (`neon(url)`): `sql.query(text,
 * params)`, its fetch aborted when the store call's deadline passes.
 *
 * @param sql the function `neon()` returned
 */
export function neonQuery(sql: NeonSqlLike): PostgresQuery {
  if (typeof sql !== 'function' || typeof sql.query !== 'function')
    throw new TypeError('neonQuery: sql must be the function neon() returns')
  return (text, params, options) => sql.query(text, params, options?.signal ? { fetchOptions: { signal: options.signal } } : undefined)
}

/**
 * The seam over any supported client, told apart by shape: Neon's `neon()`
 * function (`query` and `transaction`), postgres.js (`unsafe`), or anything
 * with pg's `query(text, values)` (`pg`, Neon's `Pool`).
 *
 * @param client the client
 */
export function postgresQuery(client: PostgresClientLike): PostgresQuery {
  const shaped = client as unknown
  const kind = typeof shaped
  const method = (name: string) =>
    shaped !== null && (kind === 'function' || kind === 'object') && typeof (shaped as Record<string, unknown>)[name] === 'function'
  if (kind === 'function' && method('query') && 'transaction' in (shaped as object)) return neonQuery(client as NeonSqlLike)
  if (method('unsafe') && !method('query')) return postgresJsQuery(client as PostgresJsSqlLike)
  if (kind === 'object' && method('query')) return pgQuery(client as PgClientLike)
  throw new TypeError('postgresStore: client must be a pg Pool or Client, a postgres.js sql, or a Neon neon() function (or give query)')
}

/**
 * What sesh gives the pool {@link connectPostgres} makes with `pg`: at most 10
 * connections, a connection attempt given up after 1 s (retried by the next
 * query: once PostgreSQL is back, so are sessions, without a restart), idle
 * connections closed after 10 s, and a statement cancelled server-side after
 * 3 s (the store's default deadline), so a hung query never holds a connection
 * for long after its request has answered 503. postgres.js gets the same.
 */
export const POSTGRES_POOL_DEFAULTS = {
  max: 10,
  connectionTimeoutMillis: 1000,
  idleTimeoutMillis: 10_000,
  statement_timeout: 3000,
} as const

/** A connection pool {@link connectPostgres} made: its seam, and how to close it. */
export interface PostgresConnection {
  /** The seam, for `postgresStore({ query })`, `createPostgresTable()` and `prunePostgres()`. */
  query: PostgresQuery
  /** Which driver it loaded. */
  driver: 'pg' | 'postgres'
  /** Closes every connection (the pool is yours to close when the app or script ends). */
  close(): Promise<void>
}

/** Options of {@link connectPostgres}. */
export interface ConnectPostgresOptions {
  /**
   * The driver to load.
   * @default 'pg' if it can be loaded, else 'postgres'
   */
  driver?: 'pg' | 'postgres' | undefined
  /**
   * Milliseconds before PostgreSQL cancels a statement (`statement_timeout`).
   * @default 3000
   */
  statementTimeout?: number | undefined
  /**
   * The most connections.
   * @default 10
   */
  max?: number | undefined
}

// Not string literals in import(), so that bundlers leave the drivers out of an app that passes its own client.
const PG = 'pg'
const POSTGRES_JS = 'postgres'

type PgModule = { default?: { Pool: new (config: object) => PgPool }; Pool?: new (config: object) => PgPool }
type PgPool = PgClientLike & { on(event: 'error', listener: () => void): unknown; end(): Promise<void> }
type PostgresJsModule = {
  default: (url: string, options: object) => PostgresJsSqlLike & { end(options?: { timeout?: number }): Promise<void> }
}

/**
 * A pool over `url` with the driver that is installed (`pg`, else postgres.js),
 * with {@link POSTGRES_POOL_DEFAULTS}. For scripts, the CLI and apps that
 * have no pool of their own; an app with one passes it as `client`.
 *
 * @example
 * ```ts
 * const db = await connectPostgres(process.env.DATABASE_URL!)
 * await createPostgresTable(db.query)
 * app.use(sessions({ store: postgresStore({ query: db.query }) }))
 * ```
 * @param url `postgres://user:password@host:port/database` (TLS: `?sslmode=require`)
 * @param options the driver, the statement timeout, the pool size
 */
export async function connectPostgres(url: string, options: ConnectPostgresOptions = {}): Promise<PostgresConnection> {
  if (typeof url !== 'string' || url === '') throw new TypeError('connectPostgres: url must be a postgres:// URL')
  const statementTimeout = options.statementTimeout ?? POSTGRES_POOL_DEFAULTS.statement_timeout
  const max = options.max ?? POSTGRES_POOL_DEFAULTS.max
  const failures: unknown[] = []
  if (options.driver !== 'postgres') {
    try {
      const pg = (await import(PG)) as PgModule
      const Pool = pg.default?.Pool ?? pg.Pool!
      const pool = new Pool({ ...POSTGRES_POOL_DEFAULTS, connectionString: url, max, statement_timeout: statementTimeout })
      // Errors reach each query as a rejection (a 503); the pool's event needs a listener only so that a
      // connection lost while idle does not end the process. sesh never logs.
      pool.on('error', () => {})
      return { query: pgQuery(pool), driver: 'pg', close: () => pool.end() }
    } catch (error) {
      if (options.driver === 'pg') throw loadError(error)
      failures.push(error)
    }
  }
  try {
    const { default: postgres } = (await import(POSTGRES_JS)) as PostgresJsModule
    const sql = postgres(url, {
      max,
      connect_timeout: Math.ceil(POSTGRES_POOL_DEFAULTS.connectionTimeoutMillis / 1000),
      idle_timeout: POSTGRES_POOL_DEFAULTS.idleTimeoutMillis / 1000,
      connection: { statement_timeout: statementTimeout },
      onnotice: () => {},
    })
    return { query: postgresJsQuery(sql), driver: 'postgres', close: () => sql.end({ timeout: 5 }) }
  } catch (error) {
    throw loadError(failures[0] ?? error)
  }
}

function loadError(cause: unknown): SessionStorePeerMissingError {
  return new SessionStorePeerMissingError(
    `seshjs/postgres: connectPostgres() connects with ${PG} or ${POSTGRES_JS} (postgres.js), neither of which could be loaded: ` +
      `npm install ${PG}, or pass your own client: postgresStore({ client }).`,
    PG,
    { cause },
  )
}
