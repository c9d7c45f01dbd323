/**
 * The counter's Worker entry on D1 (`ARC_SESSION_TABLE_NAME=SESSIONS_DB`): in
 * workerd through Miniflare (the counter suite, the table made first as a
 * deploy step would), and through `npm run start:worker` (wrangler dev,
 * wrangler.toml's binding, the table from its D1 migration applied by the
 * start script): the page names the store, the cookie holds a signed id, the
 * socket counts, and a reset ends the session in the table.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqliteTable, type D1DatabaseLike, d1Query, sqliteTableStatements } from 'seshjs/sqlite'
import { CookieJar, SECRET } from '../helpers.js'
import { connect } from '../ws/client.js'
import { count, counterSuite, show } from './counter-suite.js'
import { type Runtime, startWorker, startWranglerDev } from './runtimes.js'

counterSuite(
  'Workers (workerd), D1 (SQLite) store',
  async () => {
    const worker = await startWorker({ ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS_DB' })
    await createSqliteTable(d1Query((await worker.mf.getD1Database('SESSIONS_DB')) as unknown as D1DatabaseLike))
    return worker
  },
  'counts',
)

describe('the D1 migration of wrangler.toml', () => {
  it('holds exactly the statements of sqliteTableStatements()', () => {
    const sql = readFileSync(new URL('../../examples/counter/migrations/0001_sessions.sql', import.meta.url), 'utf8')
    const statements = sql
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n')
      .split(';')
      .map((statement) => statement.trim())
      .filter(Boolean)
    expect(statements).toEqual(sqliteTableStatements())
  })
})

describe('npm run start:worker with ARC_SESSION_TABLE_NAME=SESSIONS_DB', () => {
  let worker: Runtime
  beforeAll(async () => {
    worker = await startWranglerDev({ ARC_APP_SECRET: SECRET, ARC_SESSION_TABLE_NAME: 'SESSIONS_DB' })
  })
  afterAll(async () => {
    await worker?.stop()
  })

  it('serves the counter on D1: the page names it, the cookie is a signed id, the socket counts, a reset ends the session', async () => {
    const jar = new CookieJar()
    expect(await count(jar, worker.url)).toBe(1)
    expect(await count(jar, worker.url)).toBe(2)
    const page = await (await jar.fetch(`${worker.url}/`)).text()
    expect(page).toContain('kept in the D1 database SESSIONS_DB (SQLite)')
    expect(page).toContain('id="ws"')
    expect(decodeURIComponent(jar.cookies.get('_idx')!)).toMatch(/^[\w-]{24}\.[\w+/]{43}$/) // a signed id

    const ws = await connect(`${worker.url}/ws`, jar.header(), 30_000)
    expect(await ws.next()).toEqual({ count: 2 })
    ws.send('count')
    expect(await ws.next()).toEqual({ count: 3 })
    ws.close()
    expect(await show(jar, worker.url)).toBe(3)

    await jar.fetch(`${worker.url}/reset`, { method: 'POST' })
    expect(await show(jar, worker.url)).toBe(0)
  }, 90_000)
})
