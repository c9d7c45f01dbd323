/**
 * `seshjs table create --sqlite`, `seshjs sessions ... --sqlite` and
 * `seshjs prune --sqlite`: on a SQLite file written by the counter app over
 * HTTP with `sqliteStore()` on libSQL (list, count, show, set seen by the next
 * request, revoke --user through the index, revoke by id), and on a local D1
 * as Miniflare persists it (a session written through the binding, listed and
 * revoked by the CLI from the .sqlite file, gone for the next Miniflare).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { Miniflare } from 'miniflare'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { libsqlQuery, sqliteStore } from 'seshjs/sqlite'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, SECRET } from '../helpers.js'
import { bundleWorker } from '../workerd.js'
import { cli } from './run-cli.js'

let dir: string
let server: RunningServer | undefined
let client: ReturnType<typeof createClient> | undefined

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 }) // child processes on a busy machine

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sesh-cli-sqlite-'))
})

afterAll(async () => {
  await server?.close()
  client?.close()
  await rm(dir, { recursive: true, force: true })
})

const env = () => ({ ARC_APP_SECRET: SECRET })
const countOf = async (jar: CookieJar) => Number(/Count (\d+)/.exec(await (await jar.fetch(`${server!.url}/`)).text())![1])
const idOf = (cookie: string) => decodeURIComponent(cookie).split('.')[0]!

/** Every database file of Miniflare's D1 under `root`: the `<hash>.sqlite` files (not its `metadata.sqlite`). */
async function sqliteFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sqlite') && entry.name !== 'metadata.sqlite')
    .map((entry) => join(entry.parentPath, entry.name))
}

describe('seshjs on SQLite', () => {
  it('table create, sessions list, count, show, set, revoke --user, revoke, prune on a libSQL file', async () => {
    const file = join(dir, 'app.db')
    const first = await cli(['table', 'create', '--sqlite', file, 'app_sessions'])
    expect(first).toMatchObject({ code: 0, stderr: '' })
    expect(first.stdout).toBe('Created SQLite table "app_sessions".\n')
    expect(JSON.parse((await cli(['table', 'create', '--sqlite', `file:${file}`, 'app_sessions', '--json'])).stdout)).toEqual({
      table: 'app_sessions',
      created: false,
    })

    client = createClient({ url: `file:${file}` })
    const app = createCounterApp({ secret: SECRET, store: sqliteStore({ query: libsqlQuery(client), table: 'app_sessions' }) })
    server = await serve(app.fetch, { port: 0, hostname: '127.0.0.1' })
    const sessions = (args: string[]) => cli(['sessions', ...args, '--sqlite', file, '--table', 'app_sessions'], env())

    const [ada1, ada2, bob] = [new CookieJar(), new CookieJar(), new CookieJar()]
    for (const jar of [ada1, ada2, bob]) await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const [a1, a2, b] = [ada1, ada2, bob].map((jar) => idOf(jar.cookies.get('_idx')!)) as [string, string, string]

    const set1 = await sessions(['set', a1, 'user=ada', 'count=10', '--json'])
    expect(set1.stderr).toBe('')
    expect(JSON.parse(set1.stdout)).toMatchObject({ id: a1, data: { count: 10, user: 'ada' } })
    expect((await sessions(['set', a2, 'user=ada'])).code).toBe(0)
    expect((await sessions(['set', b, 'user=bob'])).code).toBe(0)
    expect(await countOf(ada1)).toBe(10) // the next HTTP request sees the change
    const { rows } = await client.execute(`SELECT id FROM app_sessions WHERE user_id = 'ada' ORDER BY id`)
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

    expect(JSON.parse((await sessions(['revoke', '--user', 'ada', '--json'])).stdout)).toEqual({ user: 'ada', revoked: 2 })
    expect(await countOf(ada1)).toBe(0) // logged out: a fresh session
    expect(JSON.parse((await sessions(['revoke', b, '--json'])).stdout)).toEqual({ id: b, revoked: true })
    expect(await countOf(bob)).toBe(0)

    // prune: expired rows go, live ones stay
    const keeper = sqliteStore({ query: libsqlQuery(client), table: 'app_sessions', prune: false }).records!
    const now = Math.floor(Date.now() / 1000)
    for (let i = 0; i < 5; i++) await keeper.set(`id${String(i).padStart(22, '0')}`, { data: { i }, expiresAt: now - 60 }, now - 120)
    const capped = await cli(['prune', '--sqlite', file, '--table', 'app_sessions', '--limit', '2', '--json'])
    expect(capped.stderr).toBe('')
    expect(JSON.parse(capped.stdout)).toEqual({ table: 'app_sessions', pruned: 2, more: true })
    expect((await cli(['prune', '--sqlite', file, '--table', 'app_sessions'])).stdout).toBe(
      'Pruned 3 expired sessions from "app_sessions".\n',
    )
    expect(JSON.parse((await sessions(['count', '--json'])).stdout)).toEqual({ count: 0 }) // (fresh sessions with nothing in them are not stored)
  })

  it('bad values are usage errors (exit 2), before anything is opened or created', async () => {
    const missing = join(dir, 'missing.db')
    const results = await Promise.all([
      cli(['sessions', 'list', '--sqlite', missing], env()),
      cli(['sessions', 'list', '--sqlite', dir], env()),
      cli(['sessions', 'list', '--sqlite', 'redis://127.0.0.1:6379'], env()),
      cli(['sessions', 'list', '--sqlite', join(dir, 'app.db'), '--postgres', 'postgres://127.0.0.1/x'], env()),
      cli(['sessions', 'list', '--sqlite', join(dir, 'app.db'), '--redis', 'redis://127.0.0.1:1'], env()),
      cli(['sessions', 'list', '--sqlite', join(dir, 'app.db'), '--prefix', 'x:'], env()),
      cli(['prune', '--sqlite', missing]),
      cli(['prune', '--sqlite', join(dir, 'app.db'), '--postgres', 'postgres://127.0.0.1/x']),
      cli(['table', 'create', '--sqlite', join(dir, 'app.db'), '--user-key', 'user']),
      cli(['table', 'create', '--sqlite', 'postgres://127.0.0.1/x']),
      cli(['sessions', 'list', '--sqlite', ''], env()),
    ])
    for (const [i, result] of results.entries()) {
      expect(result.code, `case ${i}: ${result.stderr}`).toBe(2)
      expect(result.stdout, `case ${i}`).toBe('')
    }
    expect(results[0]!.stderr).toMatch(/no such file/)
    expect(results[2]!.stderr).toMatch(/--sqlite must be a SQLite file path/)
    expect((await readdir(dir)).includes('missing.db')).toBe(false)
    expect((await cli(['sessions', '--help'])).stdout).toContain('--sqlite <file>')
  })

  it('without @libsql/client installed: one line saying what to install, exit 1', async () => {
    const hook = `export async function resolve(specifier, context, next) {
      if (specifier === '@libsql/client') throw Object.assign(new Error("Cannot find package '@libsql/client'"), { code: 'ERR_MODULE_NOT_FOUND' })
      return next(specifier, context)
    }`
    const preload = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))`
    const file = join(dir, 'empty.db')
    await writeFile(file, '') // an empty file is an empty SQLite database
    const result = await cli(['sessions', 'list', '--sqlite', file], {
      ...env(),
      NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(preload)}`,
    })
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/^seshjs sessions: .*npm install @libsql\/client/)
  })

  it('a local D1 as Miniflare persists it: the CLI lists and revokes a session written through the binding', async () => {
    const persist = join(dir, 'd1')
    const script = await bundleWorker(new URL('../stores/fixtures/d1-faulty-worker.ts', import.meta.url))
    const options = {
      modules: true,
      script,
      compatibilityDate: '2025-01-01',
      d1Databases: ['DB'],
      d1Persist: persist,
      bindings: { ARC_APP_SECRET: SECRET },
    }
    let cookie = ''
    const send = async (mf: Miniflare, path: string, method = 'GET') => {
      const response = await mf.dispatchFetch(`http://localhost${path}`, { method, headers: cookie ? { cookie } : {}, redirect: 'manual' })
      const set = response.headers.get('set-cookie')
      if (set) cookie = set.split(';')[0]!
      return response
    }
    const first = new Miniflare(options)
    let id: string
    try {
      expect(await (await send(first, '/__setup', 'POST')).json()).toEqual({ created: true })
      for (let i = 0; i < 2; i++) expect((await send(first, '/count', 'POST')).status).toBe(302)
      id = idOf(cookie.slice(cookie.indexOf('=') + 1))
    } finally {
      await first.dispose()
    }
    const files = await sqliteFiles(persist)
    expect(files).toHaveLength(1)
    const d1 = (args: string[]) => cli(['sessions', ...args, '--sqlite', files[0]!], env())

    const listed = await d1(['list', '--json'])
    expect(listed.stderr).toBe('')
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id, data: { count: 2 } })])
    expect(JSON.parse((await d1(['revoke', id, '--json'])).stdout)).toEqual({ id, revoked: true })
    expect(JSON.parse((await d1(['count', '--json'])).stdout)).toEqual({ count: 0 })

    const second = new Miniflare(options)
    try {
      expect(await (await send(second, '/__rows')).json()).toEqual([])
      expect(await (await send(second, '/')).json()).toEqual({ count: 0 }) // the revoked session reads as absent
    } finally {
      await second.dispose()
    }
  })
})
