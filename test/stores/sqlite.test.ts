/**
 * The SQLite store's own promises on D1 (workerd, in process): the table
 * made only on purpose, no resurrection of a deleted or expired row by a late
 * write, versions that see every write, expired rows absent and pruned in
 * bounded batches, a hung database answering 503 at the deadline, and an
 * entry that loads nothing.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, SessionConflictError, SessionStoreUnavailableError } from 'seshjs'
import type { RecordKeeper, StoredRecord } from 'seshjs/store'
import {
  createSqliteTable,
  type D1DatabaseLike,
  d1Query,
  pruneSqlite,
  type SqliteQuery,
  sqliteStore,
  sqliteTableStatements,
} from 'seshjs/sqlite'
import { SECRET } from '../helpers.js'

let mf: Miniflare
let query: SqliteQuery
const NOW = 1_800_000_000
let tables = 0
async function table(): Promise<string> {
  const name = `t${++tables}`
  await createSqliteTable(query, { table: name })
  return name
}
const id = (n: number) => `id${String(n).padStart(22, '0')}`
const record = (data: Record<string, unknown>, expiresAt = NOW + 3600): StoredRecord => ({ data, expiresAt })
const keeperOf = (name: string, options: Parameters<typeof sqliteStore>[0] = {}) =>
  sqliteStore({ query, table: name, prune: false, ...options }).records as RecordKeeper
const rowCount = async (name: string) => (await query(`SELECT count(*) AS n FROM "${name}"`, []))[0]!.n

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: 'export default { fetch: () => new Response() }', d1Databases: ['DB'] })
  query = d1Query((await mf.getD1Database('DB')) as unknown as D1DatabaseLike)
})
afterAll(async () => {
  await mf?.dispose()
})

describe('SQLite store (D1)', () => {
  it('the table: made by createSqliteTable() (idempotent) with its indexes; a store on a missing one is a 503 naming the fix', async () => {
    expect(await createSqliteTable(query, { table: 'made' })).toBe(true)
    expect(await createSqliteTable(query, { table: 'made' })).toBe(false)
    const indexes = await query(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'made' AND sql IS NOT NULL ORDER BY name`,
      [],
    )
    expect(indexes.map((row) => row.name)).toEqual(['made_expires_at', 'made_user_id'])
    expect(sqliteTableStatements()[0]).toMatch(/^CREATE TABLE IF NOT EXISTS "sessions" \(/)
    expect(() => sqliteStore({ query, table: 'x"; DROP TABLE made; --' })).toThrow(TypeError)

    const engine = createSessions({ secret: SECRET, store: sqliteStore({ query, table: 'missing' }) })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('n', 1)
    const error = await engine.commit(session, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionStoreUnavailableError)
    expect(String((error as Error).message)).toContain('createSqliteTable()')
  })

  it('a late write (mustExist) or a renewal never brings back a deleted or expired row', async () => {
    const name = await table()
    const keeper = keeperOf(name)
    await keeper.set(id(1), record({ user: 'ada' }), NOW)
    await keeper.delete(id(1))
    expect(await keeper.set(id(1), record({ user: 'ada', cart: 1 }), NOW, { mustExist: true })).toBe(false)
    expect(await keeper.touch!(id(1), NOW + 7200, NOW)).toBe(false)
    await keeper.set(id(2), record({ user: 'bob' }, NOW + 10), NOW)
    expect(await keeper.set(id(2), record({ user: 'bob', cart: 1 }), NOW + 10, { mustExist: true })).toBe(false)
    expect(await keeper.get(id(2), NOW + 10)).toBeUndefined()
    expect(await query(`SELECT data, expires_at FROM "${name}" ORDER BY id`, [])).toEqual([
      { data: '{"user":"bob"}', expires_at: NOW + 10 },
    ])
    await keeper.set(id(3), record({ n: 1 }), NOW)
    expect(await keeper.set(id(3), record({ n: 2 }), NOW + 1.5, { mustExist: true })).toBeTruthy()
    expect(await keeper.touch!(id(3), NOW + 9999.5, NOW + 2)).toBe(true)
    expect(await keeper.get(id(3), NOW + 2.5)).toMatchObject({ data: { n: 2 }, expiresAt: NOW + 9999 })
  })

  it('a regenerate (move) is one statement: the new row and a forward only while the old row is live, at the version read; forwards are no sessions', async () => {
    const name = await table()
    const keeper = keeperOf(name)
    const move = (from: string, to: string, forwardUntil = NOW + 60) =>
      keeper.move!(from, to, record({ user: 'ada', n: 2 }), NOW, { forwardUntil })
    await keeper.set(id(1), record({ user: 'ada', n: 1 }), NOW)
    expect(await move(id(1), id(2))).toMatchObject({ data: { user: 'ada', n: 2 } })
    expect(await keeper.get(id(2), NOW)).toMatchObject({ data: { user: 'ada', n: 2 } })
    expect(await keeper.get(id(1), NOW)).toBeUndefined()
    expect(await keeper.get(id(1), NOW, { forwards: true })).toEqual({ data: {}, expiresAt: NOW + 60, moved: true })
    // the forward: not moved again, not rewritten, renewed, listed or counted; a plain write over it starts afresh
    expect(await move(id(1), id(3))).toBe(false)
    expect(await keeper.set(id(1), record({ user: 'eve' }), NOW, { mustExist: true })).toBe(false)
    expect(await keeper.touch!(id(1), NOW + 999, NOW)).toBe(false)
    expect((await keeper.list!({ now: NOW })).records.map((r) => r.id)).toEqual([id(2)])
    expect(await keeper.count!(NOW)).toBe(1)
    expect(await query(`SELECT id, version FROM "${name}" ORDER BY id`, [])).toEqual([
      { id: id(1), version: -1 },
      { id: id(2), version: 1 },
    ])
    // gone (revoked) or expired: nothing written
    await keeper.delete(id(2))
    expect(await move(id(2), id(4))).toBe(false)
    await keeper.set(id(5), record({ n: 1 }, NOW + 10), NOW)
    expect(await keeper.move!(id(5), id(6), record({ n: 1 }), NOW + 10, { forwardUntil: NOW + 70 })).toBe(false)
    expect(await keeper.get(id(4), NOW)).toBeUndefined()
    expect(await keeper.get(id(6), NOW)).toBeUndefined()
    // no grace: the old row goes
    await keeper.set(id(7), record({ n: 1 }), NOW)
    expect(await move(id(7), id(8), 0)).toBeTruthy()
    expect(await query(`SELECT id FROM "${name}" WHERE id = ?1`, [id(7)])).toEqual([])
    // optimistic: only the version read moves; another version is a conflict, and nothing moves
    const optimistic = keeperOf(name, { concurrency: 'optimistic' })
    await optimistic.set(id(9), record({ n: 1 }), NOW)
    const read = (await optimistic.get(id(9), NOW))!
    await keeperOf(name).set(id(9), record({ n: 5 }), NOW)
    const moving = optimistic.move!(id(9), id(10), record({ n: 1 }), NOW, { forwardUntil: NOW + 60, fromExtra: read.extra })
    await expect(moving).rejects.toBeInstanceOf(SessionConflictError)
    expect(await keeper.get(id(10), NOW)).toBeUndefined()
    const fresh = (await optimistic.get(id(9), NOW))!
    const moved = await optimistic.move!(id(9), id(10), record({ n: 6 }), NOW, { forwardUntil: NOW + 60, fromExtra: fresh.extra })
    expect(moved).toMatchObject({ extra: { version: 1 } })
    expect(await optimistic.set(id(10), { ...record({ n: 7 }), extra: (moved as StoredRecord).extra }, NOW)).toBeTruthy() // the version it returned is the row's
  })

  it('every write moves the version, so an optimistic writer elsewhere sees a last-write-wins one', async () => {
    const name = await table()
    const optimistic = keeperOf(name, { concurrency: 'optimistic' })
    await optimistic.set(id(1), record({ n: 0 }), NOW)
    const read = (await optimistic.get(id(1), NOW))!
    await keeperOf(name).set(id(1), record({ n: 5 }), NOW)
    await expect(optimistic.set(id(1), { ...read, data: { n: 1 } }, NOW)).rejects.toBeInstanceOf(SessionConflictError)
  })

  it('expired rows read as absent; pruneSqlite() and the prune after writes delete them in bounded batches, never a live one', async () => {
    const name = await table()
    const keeper = keeperOf(name)
    for (let i = 0; i < 25; i++) await keeper.set(id(i), record({ i }, NOW + 10), NOW)
    for (let i = 100; i < 103; i++) await keeper.set(id(i), record({ i }, NOW + 10_000), NOW)
    expect(await keeper.count!(NOW + 100)).toBe(3)
    expect(await pruneSqlite(query, { table: name, limit: 10, now: NOW + 100 })).toBe(10)
    expect(await rowCount(name)).toBe(18)
    const pruned: Promise<unknown>[] = []
    const watched: SqliteQuery = (sql, params, options) => {
      const running = query(sql, params, options)
      if (sql.startsWith('DELETE') && sql.includes('expires_at <=')) pruned.push(running)
      return running
    }
    const writer = sqliteStore({ query: watched, table: name, prune: { every: 1, limit: 4 } }).records!
    for (let i = 0; i < 5; i++) await writer.get(id(100), NOW + 100)
    expect(pruned).toHaveLength(0) // reads never prune
    await writer.set(id(200), record({ n: 1 }), NOW + 100)
    await Promise.all(pruned)
    expect(pruned).toHaveLength(1)
    expect(await rowCount(name)).toBe(18 - 4 + 1)
    expect(await pruneSqlite(query, { table: name, now: NOW + 100 })).toBe(11)
    expect(await rowCount(name)).toBe(4)
  })

  it('a hung database: the request answers 503 at the deadline', async () => {
    const name = await table()
    let hang = false
    const hung: SqliteQuery = async (sql, params, options) => {
      if (hang) await new Promise((resolve) => setTimeout(resolve, 10_000).unref())
      return query(sql, params, options)
    }
    const engine = createSessions({ secret: SECRET, store: sqliteStore({ query: hung, table: name }), storeTimeout: 300 })
    const first = await engine.load(new Request('http://localhost/'))
    first.set('n', 1)
    const cookie = (await engine.commit(first, new Response())).headers.get('set-cookie')!.split(';')[0]!
    hang = true
    const start = Date.now()
    const session = await engine.load(new Request('http://localhost/', { headers: { cookie } }))
    await expect(session.get('n')).rejects.toBeInstanceOf(SessionStoreUnavailableError)
    expect(Date.now() - start).toBeLessThan(2000)
  })

  it('the entry loads nothing: a bundle of seshjs/sqlite has no driver and no Node built-in', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../src/stores/sqlite/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((path) => path.includes('stores/sqlite/store.ts'))).toBe(true)
    expect(
      inputs.filter(
        (path) => path.startsWith('node:') || /node_modules\/(@libsql|libsql|better-sqlite3|miniflare|wrangler|pg|postgres)\//.test(path),
      ),
    ).toEqual([])
    expect(() => d1Query({} as never)).toThrow(TypeError)
    expect(() => sqliteStore({} as never)).toThrow(TypeError)
  })
})
