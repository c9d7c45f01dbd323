/**
 * The store conformance, listing and admin suites on a real PostgreSQL
 * (Debian's server, started by the test), through both drivers: `pg`
 * (node-postgres) and `postgres` (postgres.js).
 */
import pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll } from 'vitest'
import {
  createPostgresTable,
  pgQuery,
  type PostgresQuery,
  postgresJsQuery,
  postgresStore,
  type PostgresStoreOptions,
} from 'seshjs/postgres'
import { freePort } from '../../scripts/free-port.js'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeInterleavings } from './interleaving.js'
import { type PostgresServer, startPostgres } from './postgres-server.js'

const LIMIT = 64 * 1024
let server: PostgresServer
let pool: pg.Pool
let sql: ReturnType<typeof postgres>
let dead: pg.Pool
const closers: (() => Promise<unknown>)[] = []

/** Every driver's seam, counting the statements it sends. */
const drivers: Record<string, { query: PostgresQuery; sent: number }> = {}

function counted(name: string, inner: PostgresQuery): void {
  const driver: { query: PostgresQuery; sent: number } = {
    sent: 0,
    query: (text, params, options) => (driver.sent++, inner(text, params, options)),
  }
  drivers[name] = driver
}

beforeAll(async () => {
  server = await startPostgres()
  pool = new pg.Pool({ connectionString: server.url, max: 12 })
  pool.on('error', () => {})
  sql = postgres(server.url, { max: 12, onnotice: () => {} })
  counted('pg', pgQuery(pool))
  counted('postgres.js', postgresJsQuery(sql))
  // a real pool whose server is gone: every query fails at once (connection refused)
  dead = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, connectionTimeoutMillis: 1000 })
  dead.on('error', () => {})
  closers.push(
    () => pool.end(),
    () => sql.end({ timeout: 5 }),
    () => dead.end(),
  )
  for (const table of ['pg', 'pg_indexed', 'pg_scan', 'pg_moves', 'js', 'js_indexed', 'js_scan', 'js_moves'])
    await createPostgresTable(pgQuery(pool), { table })
})

afterAll(async () => {
  for (const close of closers) await close().catch(() => {})
  await server?.close()
})

for (const [name, prefix] of [
  ['pg', 'pg'],
  ['postgres.js', 'js'],
] as const) {
  const driver = () => drivers[name]!
  const store = (table: string, options: PostgresStoreOptions = {}) => postgresStore({ query: driver().query, table, ...options })
  describeStore(`PostgreSQL (${name})`, {
    make: (options) => store(prefix, { maxSize: LIMIT, ...options }),
    keepsRecords: true,
    optimistic: true,
    renewsInPlace: true,
    backendCalls: () => driver().sent,
    async peek(id) {
      const { rows } = await pool.query(`SELECT * FROM "${prefix}" WHERE id = $1`, [id])
      return rows[0]
    },
    limit: { fits: { blob: 'x'.repeat(LIMIT - 100) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
    failing: () => postgresStore({ client: dead, table: prefix }),
  })
  // each suite in its own table: a listing sees only its own sessions
  const indexed = () => store(`${prefix}_indexed`)
  const scanned = () => store(`${prefix}_scan`, { userKey: false })
  describeListing(`PostgreSQL (${name}), user index`, { make: indexed })
  describeListing(`PostgreSQL (${name}), no index`, { make: scanned })
  describeAdmin(`PostgreSQL (${name}), user index`, { make: indexed })
  describeAdmin(`PostgreSQL (${name}), no index`, { make: scanned })
  describeInterleavings(`PostgreSQL (${name})`, { make: (options) => store(`${prefix}_moves`, options), optimistic: true })
}
