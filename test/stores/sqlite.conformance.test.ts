/**
 * The store conformance, listing and admin suites on SQLite: Cloudflare D1 as
 * workerd runs it (Miniflare, in process), through the binding sesh is given
 * on Workers (`sqliteStore({ client: env.DB })`).
 */
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll } from 'vitest'
import { createSqliteTable, type D1DatabaseLike, d1Query, type SqliteQuery, sqliteStore, type SqliteStoreOptions } from 'seshjs/sqlite'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeInterleavings } from './interleaving.js'

const LIMIT = 64 * 1024
let mf: Miniflare
let db: D1DatabaseLike
let dead: D1DatabaseLike
let sent = 0
const counted: SqliteQuery = (sql, params, options) => (sent++, d1Query(db)(sql, params, options))

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: 'export default { fetch: () => new Response() }', d1Databases: ['DB'] })
  db = (await mf.getD1Database('DB')) as unknown as D1DatabaseLike
  for (const table of ['d1', 'd1_indexed', 'd1_scan', 'd1_moves']) await createSqliteTable(d1Query(db), { table })
  // a real binding whose workerd is gone: every query fails
  const gone = new Miniflare({ modules: true, script: 'export default { fetch: () => new Response() }', d1Databases: ['DB'] })
  dead = (await gone.getD1Database('DB')) as unknown as D1DatabaseLike
  await gone.dispose()
})

afterAll(async () => {
  await mf?.dispose()
})

const store = (table: string, options: SqliteStoreOptions = {}) => sqliteStore({ query: counted, table, ...options })

describeStore('SQLite (D1 in workerd)', {
  make: (options) => store('d1', { maxSize: LIMIT, ...options }),
  keepsRecords: true,
  optimistic: true,
  renewsInPlace: true,
  backendCalls: () => sent,
  async peek(id) {
    return (await d1Query(db)('SELECT * FROM "d1" WHERE id = ?1', [id]))[0]
  },
  limit: { fits: { blob: 'x'.repeat(LIMIT - 100) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
  // (the seam by hand: d1Query() would refuse the dead binding at once, when the store is made)
  failing: () =>
    sqliteStore({
      query: async (sql, params) =>
        (
          await dead
            .prepare(sql)
            .bind(...params)
            .all()
        ).results ?? [],
      table: 'd1',
    }),
})
const indexed = () => store('d1_indexed')
const scanned = () => store('d1_scan', { userKey: false })
describeListing('SQLite (D1), user index', { make: indexed })
describeListing('SQLite (D1), no index', { make: scanned })
describeAdmin('SQLite (D1), user index', { make: indexed })
describeAdmin('SQLite (D1), no index', { make: scanned })
describeInterleavings('SQLite (D1)', { make: (options) => store('d1_moves', options), optimistic: true })
