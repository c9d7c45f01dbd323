/**
 * The store conformance, listing, admin and interleaving suites on SQLite
 * through libSQL (`@libsql/client`, a local database file, in process), as an
 * app on Turso or an embedded replica gives it: `sqliteStore({ query: libsqlQuery(client) })`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions } from 'seshjs'
import type { RecordKeeper } from 'seshjs/store'
import { createSqliteTable, libsqlQuery, pruneSqlite, type SqliteQuery, sqliteStore, type SqliteStoreOptions } from 'seshjs/sqlite'
import { CookieJar, SECRET } from '../helpers.js'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeInterleavings } from './interleaving.js'
import { describeListing } from './listing-conformance.js'

const LIMIT = 64 * 1024
let dir: string
let client: Client
let query: SqliteQuery
let sent = 0
const counted: SqliteQuery = (sql, params, options) => (sent++, query(sql, params, options))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sesh-libsql-'))
  client = createClient({ url: `file:${join(dir, 'sessions.db')}` })
  query = libsqlQuery(client)
  for (const table of ['ls', 'ls_indexed', 'ls_scan', 'ls_moves', 'ls_big']) await createSqliteTable(query, { table })
})

afterAll(() => {
  client?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const store = (table: string, options: SqliteStoreOptions = {}) => sqliteStore({ query: counted, table, ...options })

describeStore('SQLite (libSQL)', {
  make: (options) => store('ls', { maxSize: LIMIT, ...options }),
  keepsRecords: true,
  optimistic: true,
  renewsInPlace: true,
  backendCalls: () => sent,
  async peek(id) {
    return (await query('SELECT * FROM "ls" WHERE id = ?1', [id]))[0]
  },
  limit: { fits: { blob: 'x'.repeat(LIMIT - 100) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
  failing: () => {
    const closed = createClient({ url: `file:${join(dir, 'closed.db')}` })
    closed.close()
    return sqliteStore({ query: libsqlQuery(closed), table: 'ls' })
  },
})
const indexed = () => store('ls_indexed')
const scanned = () => store('ls_scan', { userKey: false })
describeListing('SQLite (libSQL), user index', { make: indexed })
describeListing('SQLite (libSQL), no index', { make: scanned })
describeAdmin('SQLite (libSQL), user index', { make: indexed })
describeAdmin('SQLite (libSQL), no index', { make: scanned })
describeInterleavings('SQLite (libSQL)', { make: (options) => store('ls_moves', options), optimistic: true })

describe('SQLite (libSQL) driver', () => {
  it('reads integers as numbers or bigints alike; a regenerate is a read and one statement', async () => {
    const bigints = createClient({ url: `file:${join(dir, 'sessions.db')}`, intMode: 'bigint' })
    try {
      const keeper = sqliteStore({ query: libsqlQuery(bigints), table: 'ls_big', concurrency: 'optimistic' }).records as RecordKeeper
      await keeper.set('id0000000000000000000001', { data: { n: 1 }, expiresAt: 2_000_000_000 }, 1_800_000_000)
      expect(await keeper.get('id0000000000000000000001', 1_800_000_000)).toMatchObject({
        data: { n: 1 },
        expiresAt: 2_000_000_000,
        extra: { version: 1 },
      })
      expect(await keeper.count!(1_800_000_000)).toBe(1)
      expect(await pruneSqlite(libsqlQuery(bigints), { table: 'ls_big', now: 2_000_000_000 })).toBe(1)
    } finally {
      bigints.close()
    }
    const engine = createSessions({ secret: SECRET, store: store('ls_moves') })
    const jar = new CookieJar()
    const step = async (work: (s: Awaited<ReturnType<typeof engine.load>>) => unknown) => {
      const before = sent
      const session = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
      await work(session)
      jar.take(await engine.commit(session, new Response()))
      return sent - before
    }
    await step((s) => s.set('n', 1))
    expect(await step((s) => s.regenerate())).toBe(2) // the read, and the move: one statement
    expect(() => libsqlQuery({} as never)).toThrow(TypeError)
  })
})
