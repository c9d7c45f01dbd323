/**
 * The PostgreSQL store's own promises on a real PostgreSQL: the table made
 * only on purpose (and its name checked), no resurrection of a deleted or
 * expired row by a late write, optimistic versions that see every write,
 * expired rows absent and pruned in bounded batches (on demand and now and
 * then after a write, never on a read), the statements one request sends,
 * the driver adapters, and an entry that loads no driver.
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, SessionConflictError, SessionStoreUnavailableError } from 'seshjs'
import type { RecordKeeper, StoredRecord } from 'seshjs/store'
import {
  connectPostgres,
  createPostgresTable,
  pgQuery,
  type PostgresQuery,
  postgresJsQuery,
  postgresQuery,
  postgresStore,
  type PostgresStoreOptions,
  prunePostgres,
} from 'seshjs/postgres'
import { CookieJar, manualClock, SECRET } from '../helpers.js'
import { type PostgresServer, startPostgres } from './postgres-server.js'

let server: PostgresServer
let pool: pg.Pool
let query: PostgresQuery
const closers: (() => Promise<unknown>)[] = []
/** The statements sent through {@link spied}, in order. */
const sent: string[] = []
const spied: PostgresQuery = (text, params, options) => (sent.push(text), query(text, params, options))

const NOW = 1_800_000_000
let tables = 0
/** A fresh table for one test. */
async function table(): Promise<string> {
  const name = `t${++tables}`
  await createPostgresTable(query, { table: name })
  return name
}
const keeperOf = (options: PostgresStoreOptions) => postgresStore({ query: spied, prune: false, ...options }).records as RecordKeeper
const id = (n: number) => `id${String(n).padStart(22, '0')}`
const record = (data: Record<string, unknown>, expiresAt = NOW + 3600): StoredRecord => ({ data, expiresAt })
async function rowCount(name: string): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${name}"`)
  return rows[0].n as number
}

beforeAll(async () => {
  server = await startPostgres()
  pool = new pg.Pool({ connectionString: server.url, max: 8 })
  pool.on('error', () => {})
  query = pgQuery(pool)
  closers.push(() => pool.end())
})

afterAll(async () => {
  for (const close of closers) await close().catch(() => {})
  await server?.close()
})

describe('the table', () => {
  it('is created by createPostgresTable() only (idempotent), with its indexes; a store never creates it', async () => {
    expect(await createPostgresTable(query, { table: 'made' })).toBe(true)
    expect(await createPostgresTable(query, { table: 'made' })).toBe(false)
    const { rows } = await pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'made' ORDER BY indexname`)
    expect(rows.map((row) => row.indexname)).toEqual(['made_expires_at', 'made_pkey', 'made_user_id'])
    const { rows: columns } = await pool.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'made' ORDER BY ordinal_position`,
    )
    expect(columns.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      'id text',
      'data json',
      'expires_at bigint',
      'user_id text',
      'version bigint',
      'created_at bigint',
      'updated_at bigint',
    ])

    // a store on a missing table: a 503 naming the fix, and nothing created
    const engine = createSessions({ secret: SECRET, store: postgresStore({ query, table: 'missing' }) })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('n', 1)
    const error = await engine.commit(session, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionStoreUnavailableError)
    expect(String((error as Error).message)).toContain('seshjs table create --postgres')
    const { rows: found } = await pool.query(`SELECT to_regclass('missing') AS found`)
    expect(found[0].found).toBeNull()
  })

  it('is made once when many start at once (IF NOT EXISTS alone fails then): no errors, the table and its indexes there', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `raced${round}`
      const results = await Promise.all(Array.from({ length: 6 }, () => createPostgresTable(query, { table: name })))
      expect(results).toContain(true)
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1`, [name])
      expect(rows[0].n).toBe(3)
    }
  })

  it('takes schema.table and keeps case (quoted); refuses any name that is not an identifier', async () => {
    await pool.query('CREATE SCHEMA IF NOT EXISTS app')
    expect(await createPostgresTable(query, { table: 'app.Sessions' })).toBe(true)
    const { rows } = await pool.query(`SELECT to_regclass('app."Sessions"') IS NOT NULL AS found`)
    expect(rows[0].found).toBe(true)
    const keeper = keeperOf({ table: 'app.Sessions' })
    await keeper.set(id(1), record({ n: 1 }), NOW)
    expect((await keeper.get(id(1), NOW))?.data).toEqual({ n: 1 })

    for (const bad of ['x"; DROP TABLE made; --', 'a.b.c', '1abc', '', 'has space', 'a-b', '"quoted"', 'x'.repeat(64), 42]) {
      expect(() => postgresStore({ query, table: bad as string }), String(bad)).toThrow(TypeError)
      await expect(createPostgresTable(query, { table: bad as string }), String(bad)).rejects.toThrow(TypeError)
      await expect(prunePostgres(query, { table: bad as string }), String(bad)).rejects.toThrow(TypeError)
    }
    expect(await rowCount('made')).toBe(0) // still there
  })
})

describe('conditional writes', () => {
  it('a late write (mustExist) never brings back a deleted or expired row; a renewal neither', async () => {
    const name = await table()
    const keeper = keeperOf({ table: name })
    await keeper.set(id(1), record({ user: 'ada' }), NOW)
    await keeper.delete(id(1))
    expect(await keeper.set(id(1), record({ user: 'ada', cart: 1 }), NOW, { mustExist: true })).toBe(false)
    expect(await keeper.touch!(id(1), NOW + 7200, NOW)).toBe(false)
    expect(await rowCount(name)).toBe(0)

    await keeper.set(id(2), record({ user: 'bob' }, NOW + 10), NOW)
    expect(await keeper.set(id(2), record({ user: 'bob', cart: 1 }, NOW + 3600), NOW + 10, { mustExist: true })).toBe(false)
    expect(await keeper.touch!(id(2), NOW + 3600, NOW + 10)).toBe(false)
    expect(await keeper.get(id(2), NOW + 10)).toBeUndefined() // expired reads as absent
    const { rows } = await pool.query(`SELECT data::text AS data, expires_at::int AS e FROM "${name}" WHERE id = $1`, [id(2)])
    expect(rows).toEqual([{ data: '{"user":"bob"}', e: NOW + 10 }]) // untouched

    // over a live row, the same write lands; a renewal moves only the expiry
    await keeper.set(id(3), record({ n: 1 }), NOW)
    expect(await keeper.set(id(3), record({ n: 2 }), NOW + 1, { mustExist: true })).toBeTruthy()
    expect(await keeper.touch!(id(3), NOW + 9999, NOW + 2)).toBe(true)
    expect(await keeper.get(id(3), NOW + 2)).toMatchObject({ data: { n: 2 }, expiresAt: NOW + 9999 })

    // a keeper of your own may be called with fractional seconds (a clock of its own): whole seconds are sent
    expect(await keeper.get(id(3), NOW + 2.5)).toMatchObject({ data: { n: 2 } })
    expect(await keeper.set(id(4), record({ n: 1 }, NOW + 10.7), NOW + 0.5)).toBeTruthy()
    expect(await keeper.touch!(id(4), NOW + 20.2, NOW + 1.5)).toBe(true)
    expect((await keeper.list!({ now: NOW + 0.5 })).records.map((r) => r.id)).toContain(id(4))
  })
})

describe('regenerate: move()', () => {
  it('is atomic under real concurrency: of many moves of one id, and revokes racing them, one move at most wins, and a new row exists only for it', async () => {
    const name = await table()
    const keeper = keeperOf({ table: name })
    const move = (from: string, to: string, next: StoredRecord) => keeper.move!(from, to, next, NOW, { forwardUntil: NOW + 60 })
    for (let round = 0; round < 10; round++) {
      const from = id(1000 + round)
      await keeper.set(from, record({ user: 'ada', round }), NOW)
      const targets = Array.from({ length: 6 }, (_, n) => id(2000 + round * 10 + n))
      const revoking = round % 2 === 1
      const outcomes = await Promise.all([
        ...targets.map((to) => move(from, to, record({ user: 'ada', round }))),
        ...(revoking ? [keeper.delete(from).then(() => 'revoked')] : []),
      ])
      const moved = targets.filter((_, n) => outcomes[n] !== false)
      const live = (await pool.query(`SELECT id FROM "${name}" WHERE id = ANY($1) AND version >= 0`, [targets])).rows.map(
        (row) => row.id as string,
      )
      expect(moved.length).toBeLessThanOrEqual(1)
      expect(live).toEqual(moved) // a new row exactly when its move said so
      if (!revoking) expect(moved.length).toBe(1)
      // the old id: a forward when a move won (and no revoke came after it), else nothing
      const forward = await keeper.get(from, NOW, { forwards: true })
      if (forward) expect(forward).toMatchObject({ moved: true, data: {} })
      if (!revoking) expect(forward).toMatchObject({ moved: true })
    }
    // forwards are no sessions: not listed, counted, renewed nor rewritten
    expect(await keeper.count!(NOW)).toBe((await keeper.list!({ now: NOW })).records.length)
    const forward = id(1000)
    expect(await keeper.get(forward, NOW)).toBeUndefined()
    expect(await keeper.touch!(forward, NOW + 999, NOW)).toBe(false)
    expect(await keeper.set(forward, record({ user: 'eve' }), NOW, { mustExist: true })).toBe(false)
    expect((await keeper.list!({ now: NOW })).records.map((r) => r.id)).not.toContain(forward)
    expect((await keeper.listByUser!('user', 'ada', { now: NOW })).records.map((r) => r.id)).not.toContain(forward)
  })
})

describe('optimistic concurrency', () => {
  it('every write moves the version (last-write-wins ones too), so an optimistic writer elsewhere sees it; merge builds on it', async () => {
    const name = await table()
    const optimistic = keeperOf({ table: name, concurrency: 'optimistic' })
    const plain = keeperOf({ table: name })
    await optimistic.set(id(1), record({ n: 0 }), NOW)
    const read = (await optimistic.get(id(1), NOW))!
    expect(read.extra?.version).toBe(1)
    await plain.set(id(1), record({ n: 5 }), NOW) // another instance, last-write-wins
    await expect(optimistic.set(id(1), { ...read, data: { n: 1 } }, NOW)).rejects.toBeInstanceOf(SessionConflictError)

    const merging = keeperOf({
      table: name,
      merge: (base, mine, current) => ({ n: (current.n as number) + (mine.n as number) - (base.n as number) }),
    })
    const again = (await merging.get(id(1), NOW))!
    await plain.set(id(1), record({ n: 10 }), NOW)
    const written = await merging.set(id(1), { ...again, data: { n: 6 } }, NOW) // +1 on what it read (5)
    expect(written && written.data).toEqual({ n: 11 })
    expect((await merging.get(id(1), NOW))?.data).toEqual({ n: 11 })

    // a new session over an expired row of the same id: its version goes on counting (no ABA)
    await optimistic.set(id(2), record({ n: 0 }, NOW + 10), NOW)
    const stale = (await optimistic.get(id(2), NOW))!
    const fresh = await optimistic.set(id(2), record({ n: 'new' }), NOW + 20)
    expect(fresh && fresh.extra?.version).toBe(2)
    await expect(optimistic.set(id(2), { ...stale, data: { n: 1 } }, NOW + 20)).rejects.toBeInstanceOf(SessionConflictError)
  })
})

describe('expiry without a timer', () => {
  it('expired rows read as absent, and prunePostgres() deletes them in bounded batches, never a live one', async () => {
    const name = await table()
    const keeper = keeperOf({ table: name })
    for (let i = 0; i < 25; i++) await keeper.set(id(i), record({ i }, NOW + 10 + i), NOW)
    for (let i = 100; i < 105; i++) await keeper.set(id(i), record({ i }, NOW + 10_000), NOW)
    const later = NOW + 1000
    expect(await keeper.get(id(0), later)).toBeUndefined()
    expect(await keeper.count!(later)).toBe(5)
    expect((await keeper.list!({ now: later })).records.map((r) => r.id)).toEqual([100, 101, 102, 103, 104].map(id))
    expect(await rowCount(name)).toBe(30) // still there until pruned

    const batches = []
    for (;;) {
      const pruned = await prunePostgres(query, { table: name, limit: 10, now: later })
      batches.push(pruned)
      if (pruned < 10) break
    }
    expect(batches).toEqual([10, 10, 5])
    expect(await rowCount(name)).toBe(5)
    expect(await prunePostgres(query, { table: name, now: NOW + 10_000 })).toBe(5) // at its expiry, a row has ended
    await expect(prunePostgres(query, { table: name, limit: 0 })).rejects.toThrow(TypeError)
  })

  it('now and then after a write, one bounded prune runs in the background; never after a read; its failure is nobody’s', async () => {
    const name = await table()
    const seed = keeperOf({ table: name })
    for (let i = 0; i < 10; i++) await seed.set(id(i), record({ i }, NOW + 10), NOW)

    sent.length = 0
    const reader = postgresStore({ query: spied, table: name, prune: { every: 1, limit: 4 } }).records!
    for (let i = 0; i < 20; i++) await reader.get(id(i), NOW + 100)
    expect(sent.filter((text) => text.includes('DELETE'))).toEqual([]) // reads never prune

    const pruneDone: Promise<unknown>[] = []
    const watched: PostgresQuery = (text, params, options) => {
      const running = query(text, params, options)
      if (text.includes('WITH pruned')) pruneDone.push(running)
      return running
    }
    const writer = postgresStore({ query: watched, table: name, prune: { every: 1, limit: 4 } }).records!
    await writer.set(id(50), record({ n: 1 }), NOW + 100)
    expect(pruneDone).toHaveLength(1)
    await Promise.all(pruneDone)
    expect(await rowCount(name)).toBe(10 - 4 + 1) // one batch of at most 4

    // a prune that fails: the write still answers, nothing is thrown or logged
    const failing: PostgresQuery = (text, params, options) =>
      text.includes('WITH pruned') ? Promise.reject(new Error('disk full')) : query(text, params, options)
    const unlucky = postgresStore({ query: failing, table: name, prune: { every: 1 } }).records!
    expect(await unlucky.set(id(51), record({ n: 1 }), NOW + 100)).toBeTruthy()

    // a prune that hangs: the writes still answer at once, and no second prune starts beside it
    let prunes = 0
    const hanging: PostgresQuery = (text, params, options) =>
      text.includes('WITH pruned') ? (prunes++, new Promise<never>(() => {})) : query(text, params, options)
    const patient = postgresStore({ query: hanging, table: name, prune: { every: 1 } }).records!
    for (let i = 0; i < 3; i++) expect(await patient.set(id(52 + i), record({ n: i }), NOW + 100)).toBeTruthy()
    expect(prunes).toBe(1)

    // prune: false never prunes
    sent.length = 0
    const never = postgresStore({ query: spied, table: name, prune: false }).records!
    for (let i = 0; i < 20; i++) await never.set(id(60 + i), record({ i }), NOW + 100)
    expect(sent.filter((text) => text.includes('DELETE'))).toEqual([])
    expect(() => postgresStore({ query, prune: { every: 0 } })).toThrow(TypeError)
  })
})

describe('per request', () => {
  it('one statement per store call: a read, a new session, a change, a renewal, a logout', async () => {
    const name = await table()
    const clock = manualClock()
    const engine = createSessions({ secret: SECRET, store: postgresStore({ query: spied, table: name, prune: false }), now: clock.now })
    const jar = new CookieJar()
    const step = async (work: (s: Awaited<ReturnType<typeof engine.load>>) => unknown) => {
      sent.length = 0
      const session = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
      await work(session)
      jar.take(await engine.commit(session, new Response()))
      return sent.map((text) => text.split(' ')[0])
    }
    expect(await step((s) => s.set('n', 1))).toEqual(['INSERT'])
    expect(await step((s) => s.get('n'))).toEqual(['SELECT'])
    expect(await step(async (s) => s.set('n', ((await s.get('n')) as number) + 1))).toEqual(['SELECT', 'UPDATE'])
    clock.advance(2 * 3600)
    expect(await step((s) => s.get('n'))).toEqual(['SELECT', 'UPDATE']) // the renewal: expires_at only
    expect(await step((s) => s.destroy())).toEqual(['SELECT', 'DELETE']) // the engine reads the session it ends
    expect(await step((s) => s.set('n', 1))).toEqual(['INSERT'])
    expect(await step((s) => s.regenerate())).toEqual(['SELECT', 'WITH']) // the move: one statement
  })

  it('finds a user through the index (user_id), and other keys by reading the rows', async () => {
    const name = await table()
    const keeper = keeperOf({ table: name })
    await keeper.set(id(1), record({ user: 'ada', team: 'x' }), NOW)
    await keeper.set(id(2), record({ user: 42 }), NOW)
    sent.length = 0
    expect((await keeper.listByUser!('user', 'ada', { now: NOW })).records.map((r) => r.id)).toEqual([id(1)])
    expect((await keeper.listByUser!('user', '42', { now: NOW })).records.map((r) => r.id)).toEqual([id(2)])
    expect(sent.every((text) => text.includes('user_id = $4::text'))).toBe(true)
    const { rows } = await pool.query(`SELECT id, user_id FROM "${name}" ORDER BY id`)
    expect(rows).toEqual([
      { id: id(1), user_id: 'ada' },
      { id: id(2), user_id: '42' },
    ])
    sent.length = 0
    expect((await keeper.listByUser!('team', 'x', { now: NOW })).records.map((r) => r.id)).toEqual([id(1)])
    expect(sent.some((text) => text.includes('user_id ='))).toBe(false)
  })
})

describe('drivers', () => {
  it('postgresQuery() tells pg, postgres.js and Neon apart; Neon gets the deadline as its fetch signal', async () => {
    const sql = postgres(server.url, { max: 2, onnotice: () => {} })
    closers.push(() => sql.end({ timeout: 5 }))
    const name = await table()
    // postgres.js
    const viaJs = postgresStore({ client: sql, table: name, prune: false }).records!
    await viaJs.set(id(1), record({ js: true }), NOW)
    // pg
    const viaPg = postgresStore({ client: pool, table: name, prune: false }).records!
    expect((await viaPg.get(id(1), NOW))?.data).toEqual({ js: true })
    // a Neon-shaped function (neon() 1.x: a tagged template with query() and transaction()), here over pg
    const signals: unknown[] = []
    const neon = Object.assign(() => undefined, {
      transaction: () => undefined,
      async query(text: string, params?: unknown[], options?: { fetchOptions?: { signal?: AbortSignal } }) {
        signals.push(options?.fetchOptions?.signal)
        return (await pool.query(text, params)).rows
      },
    })
    const engine = createSessions({ secret: SECRET, store: postgresStore({ client: neon, table: name, prune: false }) })
    const session = await engine.load(new Request('http://localhost/'))
    session.set('neon', true)
    await engine.commit(session, new Response())
    expect(signals.length).toBeGreaterThan(0)
    expect(signals.every((signal) => signal instanceof AbortSignal)).toBe(true)

    for (const bad of [null, 42, {}, () => 1, { unsafe: 1 }]) expect(() => postgresQuery(bad as never), String(bad)).toThrow(TypeError)
    expect(() => postgresStore({} as never)).toThrow(TypeError)
    expect(() => postgresStore({ client: pool, query })).toThrow(TypeError)
    expect(() => postgresStore({ query, chunks: { max: 2 } } as never)).toThrow(/cookie store/)
  })

  it('connectPostgres() makes a pool with either driver; closing it lets go', async () => {
    for (const driver of ['pg', 'postgres'] as const) {
      const db = await connectPostgres(server.url, { driver })
      try {
        expect(db.driver).toBe(driver)
        const name = `made_by_${driver}`
        expect(await createPostgresTable(db.query, { table: name })).toBe(true)
        const keeper = postgresStore({ query: db.query, table: name }).records!
        await keeper.set(id(1), record({ driver }), NOW)
        expect((await keeper.get(id(1), NOW))?.data).toEqual({ driver })
        const [row] = await db.query('SHOW statement_timeout', [])
        expect(Object.values(row!)[0]).toBe('3s')
      } finally {
        await db.close()
      }
    }
  })

  it('the entry loads no driver: pg and postgres.js stay out of a bundle that passes its own client', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../src/stores/postgres/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((path) => path.includes('stores/postgres/store.ts'))).toBe(true)
    expect(inputs.filter((path) => path.startsWith('node:') || /node_modules\/(pg|pg-[a-z-]+|postgres)\//.test(path))).toEqual([])
  })
})
