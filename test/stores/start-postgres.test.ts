/**
 * The PostgreSQL-backed demo, as a user runs it: `npm run start:postgres` (a
 * PostgreSQL of its own, the table, and the counter: one command, gone with
 * the counter), and the counter with `DATABASE_URL` pointing at a running
 * server — where the session lands, and that the table is made at start.
 */
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort, type Runtime, startNode, startScript } from '../e2e/runtimes.js'
import { CookieJar } from '../helpers.js'
import { type PostgresServer, startPostgres } from './postgres-server.js'

const running: Runtime[] = []
const servers: PostgresServer[] = []

afterAll(async () => {
  for (const runtime of running) await runtime.stop()
  for (const server of servers) await server.close()
})

const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])
const SECRET = 'abcdefghijklmnopqrstuvwxyz0123456789'

async function countTwice(runtime: Runtime): Promise<string> {
  const jar = new CookieJar()
  expect((await jar.fetch(`${runtime.url}/count`, { method: 'POST' })).status).toBe(302)
  expect((await jar.fetch(`${runtime.url}/count`, { method: 'POST' })).status).toBe(302)
  const page = await (await jar.fetch(runtime.url)).text()
  expect(countIn(page)).toBe(2)
  expect(page).toContain('kept in PostgreSQL at postgres://')
  const [id] = decodeURIComponent(jar.cookies.get('_idx')!).split('.')
  expect(id).toMatch(/^[\w-]{24}$/) // a signed id, not a JWE
  return id!
}

async function stored(url: string, id: string): Promise<unknown> {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  try {
    const { rows } = await pool.query('SELECT data::text AS data FROM sessions WHERE id = $1', [id])
    return rows[0]?.data
  } finally {
    await pool.end()
  }
}

describe('PostgreSQL-backed counter', () => {
  it('npm run start:postgres: one command starts a PostgreSQL, makes the table and serves the counter on it', async () => {
    const port = await freePort()
    const runtime = await startScript('start:postgres', 'scripts/start-postgres.ts', {
      PORT: String(await freePort()),
      POSTGRES_PORT: String(port),
      DATABASE_URL: '',
      ARC_APP_SECRET: SECRET,
    })
    running.push(runtime)
    const id = await countTwice(runtime)
    expect(await stored(`postgres://postgres@127.0.0.1:${port}/postgres`, id)).toBe('{"count":2}')
    await runtime.stop()
    await expect(stored(`postgres://postgres@127.0.0.1:${port}/postgres`, id)).rejects.toThrow() // its server went with it
  })

  it('DATABASE_URL=postgres://... npm start keeps sessions in that database (the table made at start), and never shows a password', async () => {
    const server = await startPostgres()
    servers.push(server)
    const pool = new pg.Pool({ connectionString: server.url, max: 1 })
    await pool.query(`ALTER USER postgres PASSWORD 'secret-password'`)
    await pool.end()
    const url = server.url.replace('postgres@', 'postgres:secret-password@')
    const counter = await startNode({ DATABASE_URL: url, ARC_APP_SECRET: SECRET })
    running.push(counter)
    const id = await countTwice(counter)
    expect(await stored(server.url, id)).toBe('{"count":2}')
    const page = await (await fetch(counter.url)).text()
    expect(page).not.toContain('secret-password')
  })
})
