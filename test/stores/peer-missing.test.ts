/**
 * A store whose client library (an optional peer dependency) is not installed:
 * every request fails as a configuration error — a 500 saying sessions are not
 * set up, not the outage's 503 — and the server's log says once, at the first
 * failure, which package to install. Run in a Node process of its own where a
 * module hook makes `@aws-sdk/client-dynamodb` and `redis` unresolvable, as in
 * an app that never installed them.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)

/** Resolves the two peers as Node does a package that is not installed. */
const HOOK = `export async function resolve(specifier, context, next) {
  if (specifier === '@aws-sdk/client-dynamodb' || specifier === 'redis') {
    const error = new Error("Cannot find package '" + specifier + "' imported from " + context.parentURL)
    error.code = 'ERR_MODULE_NOT_FOUND'
    throw error
  }
  return next(specifier, context)
}`

/** Runs `body` (an async script with `store`, `Hono`, the core and `report()` in scope) without the peers; its reports and its stderr. */
async function withoutPeers(makeStore: string, body: string): Promise<{ reports: unknown[]; stderr: string }> {
  const script = `
    import { register } from 'node:module'
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}))
    const { Hono } = await import('hono')
    const core = await import(${JSON.stringify(`${root}src/index.ts`)})
    const { dynamoStore, createSessionTable } = await import(${JSON.stringify(`${root}src/stores/dynamodb/index.ts`)})
    const { redisStore, createRedisClient } = await import(${JSON.stringify(`${root}src/stores/redis/index.ts`)})
    const reports = []
    const report = (value) => reports.push(value)
    const store = ${makeStore}
    ${body}
    process.stdout.write(JSON.stringify(reports))`
  const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    timeout: 60_000,
  })
  return { reports: JSON.parse(stdout) as unknown[], stderr }
}

/** Many requests through the middleware and withSession, and the engine's own doors. */
const REQUESTS = `
  const app = new Hono()
  app.use(core.sessions({ secret: 'x'.repeat(32), store, onWarning() {} }))
  app.post('/', (c) => { c.get('session').set('n', 1); return c.text('ok') })
  for (let i = 0; i < 10; i++) {
    const response = await app.request('/', { method: 'POST' })
    report({ status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.text() })
  }
  const wrapped = core.withSession(async (request, session) => { session.set('n', 1); return new Response('ok') }, { secret: 'x'.repeat(32), store, onWarning() {} })
  report({ status: (await wrapped(new Request('http://localhost/'))).status })
  const engine = core.createSessions({ secret: 'x'.repeat(32), store, onWarning() {} })
  const session = await engine.load(new Request('http://localhost/'))
  session.set('n', 1)
  const error = await engine.commit(session, new Response()).catch((e) => e)
  report({
    name: error.name,
    code: error.code,
    outage: error instanceof core.SessionStoreUnavailableError, // still never "no session"
    packageName: error.packageName,
    message: error.message,
  })`

/** The lines of `stderr` that name `npm install <name>`. */
const installLines = (stderr: string, name: string) => stderr.split('\n').filter((line) => line.includes(`npm install ${name}`))

describe('a store whose client library is not installed', () => {
  it('dynamoStore(): every request a 500 that names no package, the log says once what to install', async () => {
    const { reports, stderr } = await withoutPeers(
      `dynamoStore({ table: 'sessions' })`,
      `${REQUESTS}
      report(await createSessionTable({ table: 'sessions' }).then(() => 'created', (e) => e.code))`,
    )
    const responses = reports.slice(0, 10)
    expect(responses).toEqual(
      Array(10).fill({ status: 500, retryAfter: null, body: 'Internal Server Error: sessions are not set up on this server.\n' }),
    )
    expect(reports[10]).toEqual({ status: 500 })
    expect(reports[11]).toEqual({
      name: 'SessionStorePeerMissingError',
      code: 'ERR_SESSION_STORE_PEER_MISSING',
      outage: true,
      packageName: '@aws-sdk/client-dynamodb',
      message: expect.stringMatching(
        /^seshjs\/dynamodb: @aws-sdk\/client-dynamodb is not installed\. Install it: npm install @aws-sdk\/client-dynamodb\. /,
      ),
    })
    expect(reports[12]).toBe('ERR_SESSION_STORE_PEER_MISSING')
    // 13 failures, one line in the log: the error's own message
    expect(installLines(stderr, '@aws-sdk/client-dynamodb')).toEqual([(reports[11] as { message: string }).message])
    expect(stderr.trim()).toBe((reports[11] as { message: string }).message)
  })

  it('redisStore({ url }): the same, naming redis', async () => {
    const { reports, stderr } = await withoutPeers(
      `redisStore({ url: 'redis://127.0.0.1:1' })`,
      `${REQUESTS}
      report(await createRedisClient().then(() => 'created', (e) => e.code))`,
    )
    expect(reports.slice(0, 10)).toEqual(
      Array(10).fill({ status: 500, retryAfter: null, body: 'Internal Server Error: sessions are not set up on this server.\n' }),
    )
    expect(reports[10]).toEqual({ status: 500 })
    expect(reports[11]).toMatchObject({ code: 'ERR_SESSION_STORE_PEER_MISSING', outage: true, packageName: 'redis' })
    expect((reports[11] as { message: string }).message).toMatch(
      /^seshjs\/redis: redis is not installed\. Install it: npm install redis\. /,
    )
    expect(reports[12]).toBe('ERR_SESSION_STORE_PEER_MISSING')
    expect(installLines(stderr, 'redis')).toEqual([(reports[11] as { message: string }).message])
  })

  it('an onStoreError of the app gets the error, with its code, and answers as it likes', async () => {
    const { reports, stderr } = await withoutPeers(
      `dynamoStore({ table: 'sessions' })`,
      `const app = new Hono()
      app.use(core.sessions({ secret: 'x'.repeat(32), store, onWarning() {}, onStoreError: (error) => {
        report(error.code)
        return new Response('mine', { status: 503 })
      } }))
      app.post('/', (c) => { c.get('session').set('n', 1); return c.text('ok') })
      report((await app.request('/', { method: 'POST' })).status)`,
    )
    expect(reports).toEqual(['ERR_SESSION_STORE_PEER_MISSING', 503])
    expect(installLines(stderr, '@aws-sdk/client-dynamodb')).toHaveLength(1)
  })
})
