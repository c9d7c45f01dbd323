/**
 * PostgreSQL going wrong, for real, under the counter app, through both
 * drivers: a hung query (a `pg_sleep` in front of every statement) answers
 * 503 with Retry-After at the deadline and is cancelled server-side
 * (postgres.js sends a cancel request at the deadline; `pg` cannot cancel one
 * query of a pool, so its pool's `statement_timeout` does); and PostgreSQL
 * stopped mid-session: 503s meanwhile, then, once it is back, every
 * acknowledged increment is there and the pool has recovered without a
 * restart of the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectPostgres, createPostgresTable, type PostgresConnection, type PostgresQuery, postgresStore } from 'seshjs/postgres'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, SECRET } from '../helpers.js'
import { type PostgresServer, startPostgres } from './postgres-server.js'

const STORE_TIMEOUT = 400
const STATEMENT_TIMEOUT = 1000

let server: PostgresServer
let monitor: PostgresConnection
const connections: PostgresConnection[] = []

beforeAll(async () => {
  server = await startPostgres({ durable: true })
  monitor = await connectPostgres(server.url, { driver: 'pg', max: 1 })
  await createPostgresTable(monitor.query)
})

afterAll(async () => {
  for (const connection of [...connections, monitor]) await connection?.close().catch(() => {})
  await server?.close()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])

/** The counter over `query`, called in process; a jar keeps the cookie. */
function counter(query: PostgresQuery) {
  const app = createCounterApp({ secret: SECRET, store: postgresStore({ query, prune: false }), storeTimeout: STORE_TIMEOUT })
  const jar = new CookieJar()
  return async (method: 'GET' | 'POST', path: string) => {
    const cookie = jar.header()
    const response = await app.fetch(new Request(`http://localhost${path}`, { method, headers: cookie ? { cookie } : {} }))
    jar.take(response)
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() }
  }
}

async function sleepers(): Promise<number> {
  const [row] = await monitor.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active'`,
    [],
  )
  return row!.n as number
}

/** Waits until no pg_sleep runs on the server, within `ms`; how long that took. */
async function cancelledWithin(ms: number): Promise<number> {
  const start = Date.now()
  while ((await sleepers()) > 0) {
    if (Date.now() - start > ms) throw new Error(`a hung query still ran on the server after ${ms} ms`)
    await sleep(25)
  }
  return Date.now() - start
}

for (const driver of ['pg', 'postgres'] as const) {
  describe(`PostgreSQL faults (${driver})`, () => {
    it('hung: GET and POST answer 503 with Retry-After at the deadline, the query is cancelled server-side, the session intact after', async () => {
      // postgres.js cancels at the deadline: its statement_timeout is set far out, to see that it is not what ends the query
      const statementTimeout = driver === 'postgres' ? 10 * STATEMENT_TIMEOUT : STATEMENT_TIMEOUT
      const db = await connectPostgres(server.url, { driver, statementTimeout })
      connections.push(db)
      let hang = false
      const query: PostgresQuery = async (text, params, options) => {
        if (hang) await db.query('SELECT pg_sleep(10)', [], options)
        return db.query(text, params, options)
      }
      const visit = counter(query)
      expect((await visit('POST', '/count')).status).toBe(302)
      expect(countIn((await visit('GET', '/')).body)).toBe(1)

      hang = true
      for (const [method, path] of [
        ['GET', '/'],
        ['POST', '/count'],
      ] as const) {
        const start = Date.now()
        const answer = await visit(method, path)
        const took = Date.now() - start
        expect(answer.status, `${method} ${path}`).toBe(503)
        expect(answer.retryAfter).toBe('5')
        expect(took).toBeGreaterThanOrEqual(STORE_TIMEOUT - 20)
        expect(took).toBeLessThan(STORE_TIMEOUT + 1500)
        // postgres.js cancels at the deadline; pg's statement_timeout ends it soon after
        const cancelled = await cancelledWithin(statementTimeout + 1500)
        if (driver === 'postgres') expect(cancelled).toBeLessThan(3 * STATEMENT_TIMEOUT) // without the cancel: about 10 s
      }
      hang = false
      expect(countIn((await visit('GET', '/')).body)).toBe(1)
      expect((await visit('POST', '/count')).status).toBe(302)
      expect(countIn((await visit('GET', '/')).body)).toBe(2)
    })

    it('stopped mid-session and restarted: 503s meanwhile, every acknowledged increment kept, the pool recovers without a restart', async () => {
      const db = await connectPostgres(server.url, { driver })
      connections.push(db)
      const visit = counter(db.query)
      let acknowledged = 0
      for (let i = 0; i < 5; i++) if ((await visit('POST', '/count')).status === 302) acknowledged++
      expect(acknowledged).toBe(5)

      await server.stop()
      for (const [method, path] of [
        ['GET', '/'],
        ['POST', '/count'],
      ] as const) {
        const start = Date.now()
        const answer = await visit(method, path)
        expect(answer.status, `${method} ${path}`).toBe(503)
        expect(answer.retryAfter).toBe('5')
        expect(Date.now() - start).toBeLessThan(STORE_TIMEOUT + 1500)
      }
      await server.start()

      const deadline = Date.now() + 20_000
      let page = await visit('GET', '/')
      while (page.status !== 200 && Date.now() < deadline) {
        await sleep(100)
        page = await visit('GET', '/')
      }
      expect(page.status).toBe(200)
      expect(countIn(page.body)).toBe(acknowledged)
      expect((await visit('POST', '/count')).status).toBe(302)
      expect(countIn((await visit('GET', '/')).body)).toBe(acknowledged + 1)
    })
  })
}
