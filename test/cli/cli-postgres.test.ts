/**
 * `seshjs table create --postgres`, `seshjs sessions ... --postgres` and
 * `seshjs prune` against a real PostgreSQL, on sessions minted by the counter
 * app over HTTP with `postgresStore()`: the table made on purpose (and kept
 * when it exists), list, count, show, set (the next request sees it, the user
 * index follows), revoke --user through the index, revoke by id, and expired
 * rows pruned in bounded batches; DATABASE_URL as the fallback.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pgQuery, postgresStore } from 'seshjs/postgres'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, SECRET } from '../helpers.js'
import { type PostgresServer, startPostgres } from '../stores/postgres-server.js'
import { cli } from './run-cli.js'

let db: PostgresServer
let pool: pg.Pool
let server: RunningServer | undefined

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 }) // child processes on a busy machine

beforeAll(async () => {
  db = await startPostgres()
  pool = new pg.Pool({ connectionString: db.url, max: 4 })
  pool.on('error', () => {})
})

afterAll(async () => {
  await server?.close()
  await pool?.end()
  await db?.close()
})

const env = () => ({ ARC_APP_SECRET: SECRET })
const countOf = async (jar: CookieJar) => Number(/Count (\d+)/.exec(await (await jar.fetch(`${server!.url}/`)).text())![1])
const idOf = (jar: CookieJar) => decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!

describe('seshjs on PostgreSQL', () => {
  it('table create --postgres: creates the table once, then keeps it; --user-key is refused', async () => {
    const first = await cli(['table', 'create', '--postgres', db.url, 'app_sessions'])
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(first.stdout).toBe('Created PostgreSQL table "app_sessions".\n')
    const again = await cli(['table', 'create', '--postgres', db.url, 'app_sessions', '--json'])
    expect(JSON.parse(again.stdout)).toEqual({ table: 'app_sessions', created: false })
    // DATABASE_URL when no table name is given anywhere: the default table, "sessions"
    const fallback = await cli(['table', 'create', '--json'], { DATABASE_URL: db.url })
    expect(JSON.parse(fallback.stdout)).toEqual({ table: 'sessions', created: true })
    const { rows } = await pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'app_sessions' ORDER BY indexname`)
    expect(rows.map((row) => row.indexname)).toEqual(['app_sessions_expires_at', 'app_sessions_pkey', 'app_sessions_user_id'])

    const [userKey, badName] = await Promise.all([
      cli(['table', 'create', '--postgres', db.url, '--user-key', 'user']),
      cli(['table', 'create', '--postgres', db.url, 'bad;name']),
    ])
    expect(userKey.code).toBe(2)
    expect(badName.code).toBe(1)
    expect(badName.stderr).toMatch(/^seshjs table: createPostgresTable: table must be a name of letters/)
  })

  it('sessions list, count, show, set, revoke --user through the index, revoke by id', async () => {
    const app = createCounterApp({ secret: SECRET, store: postgresStore({ client: pool, table: 'app_sessions' }) })
    server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1' })
    const sessions = (args: string[]) => cli(['sessions', ...args, '--postgres', db.url, '--table', 'app_sessions'], env())

    const [ada1, ada2, bob] = [new CookieJar(), new CookieJar(), new CookieJar()]
    for (const jar of [ada1, ada2, bob]) await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const [a1, a2, b] = [idOf(ada1), idOf(ada2), idOf(bob)]

    const set1 = await sessions(['set', a1, 'user=ada', 'count=10', '--json'])
    expect(set1.stderr).toBe('')
    expect(JSON.parse(set1.stdout)).toMatchObject({ id: a1, data: { count: 10, user: 'ada' } })
    expect((await sessions(['set', a2, 'user=ada'])).code).toBe(0)
    expect((await sessions(['set', b, 'user=bob'])).code).toBe(0)
    expect(await countOf(ada1)).toBe(10) // the next HTTP request sees the change
    const { rows } = await pool.query(`SELECT id FROM app_sessions WHERE user_id = 'ada' ORDER BY id`)
    expect(rows.map((row) => row.id)).toEqual([a1, a2].sort()) // the index column followed

    const [all, adas, shown, counted] = await Promise.all([
      sessions(['list', '--json']),
      sessions(['list', '--user', 'ada', '--json']),
      sessions(['show', a1]),
      sessions(['count', '--json']),
    ])
    expect((JSON.parse(all.stdout) as { id: string }[]).map((s) => s.id).sort()).toEqual([a1, a2, b].sort())
    expect((JSON.parse(adas.stdout) as { id: string }[]).map((s) => s.id).sort()).toEqual([a1, a2].sort())
    expect(shown.stdout).toContain(`id:         ${a1}`)
    expect(JSON.parse(counted.stdout)).toEqual({ count: 3 })

    const revoked = await sessions(['revoke', '--user', 'ada', '--json'])
    expect(JSON.parse(revoked.stdout)).toEqual({ user: 'ada', revoked: 2 })
    expect(await countOf(ada1)).toBe(0) // logged out: a fresh session
    expect(JSON.parse((await sessions(['revoke', b, '--json'])).stdout)).toEqual({ id: b, revoked: true })
    expect(await countOf(bob)).toBe(0)

    // two stores named: a usage error, before any connection
    const both = await cli(['sessions', 'list', '--postgres', db.url, '--redis', 'redis://127.0.0.1:1'], env())
    expect(both.code).toBe(2)
    const none = await cli(['sessions', 'list'], env())
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('--postgres (or DATABASE_URL)')
  })

  it('prune: deletes expired rows in bounded batches, never a live one; --limit caps a run; DATABASE_URL', async () => {
    await cli(['table', 'create', '--postgres', db.url, 'pruned'])
    const keeper = postgresStore({ query: pgQuery(pool), table: 'pruned', prune: false }).records!
    const now = Math.floor(Date.now() / 1000)
    const id = (n: number) => `id${String(n).padStart(22, '0')}`
    for (let i = 0; i < 30; i++) await keeper.set(id(i), { data: { i }, expiresAt: now - 60 }, now - 120)
    for (let i = 100; i < 103; i++) await keeper.set(id(i), { data: { i }, expiresAt: now + 3600 }, now)

    const capped = await cli(['prune', '--postgres', db.url, '--table', 'pruned', '--limit', '12', '--json'])
    expect(capped.stderr).toBe('')
    expect(JSON.parse(capped.stdout)).toEqual({ table: 'pruned', pruned: 12, more: true })
    const rest = await cli(['prune', '--table', 'pruned'], { DATABASE_URL: db.url })
    expect(rest.stdout).toBe('Pruned 18 expired sessions from "pruned".\n')
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM pruned')
    expect(rows[0].n).toBe(3)
    expect(JSON.parse((await cli(['prune', '--postgres', db.url, '--table', 'pruned', '--json'])).stdout)).toEqual({
      table: 'pruned',
      pruned: 0,
      more: false,
    })

    const [none, badLimit, notPostgres, unreachable] = await Promise.all([
      cli(['prune']),
      cli(['prune', '--postgres', db.url, '--limit', '0']),
      cli(['prune', '--postgres', 'redis://127.0.0.1:6379']),
      cli(['prune', '--postgres', 'postgres://postgres@127.0.0.1:1/postgres']),
    ])
    expect(none.code).toBe(2)
    expect(badLimit.code).toBe(2)
    expect(notPostgres.code).toBe(2)
    expect(notPostgres.stderr).toMatch(/must be a postgres:\/\/user:password@host:port\/database URL/)
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1)
    expect(unreachable.stderr).toMatch(/^seshjs prune: PostgreSQL failed/)
  })
})
