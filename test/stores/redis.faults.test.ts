/**
 * Redis going away, for real: the counter on a real Node server with the
 * client sesh creates (`redisStore({ url })`), against a redis-server that
 * keeps an append-only file fsynced on every write. Redis is stopped and
 * restarted while clients count (every failure a 503 with Retry-After, no
 * acknowledged increment lost, recovery without restarting the app), hung
 * with SIGSTOP (a 503 within the deadline, the session intact after SIGCONT),
 * and hung under a burst (the client's queue stays capped: the excess fails at
 * once). ioredis, which cannot abort a command, still answers within the deadline.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, SessionStoreUnavailableError, type SessionStore, storeUnavailableResponse } from 'seshjs'
import { createRedisClient, redisStore } from 'seshjs/redis'
import { Keyring, signId } from '../../src/crypto/keyring.js'
import { DEFAULT_STORE_TIMEOUT } from '../../src/stores/deadline.js'
import { type RunningServer, serve } from 'seshjs/node'
import { createCounterApp } from '../../examples/counter/app.js'
import { CookieJar, noHangBound, SECRET } from '../helpers.js'
import { type RedisServer, startRedis } from './redis-server.js'

const STORE_TIMEOUT = 1000
/** A request makes at most a read and a write, each with its own deadline: no hang, on a loaded machine too. */
const REQUEST_BOUND = noHangBound(STORE_TIMEOUT, 2)
/** One store call's worth (node-redis's own 5 s command timeout is beyond it). */
const CALL_BOUND = noHangBound(STORE_TIMEOUT)
/** The message of a store call abandoned at the deadline (not a client's own timeout, nor its full queue). */
const AT_DEADLINE = `The session store did not answer within ${STORE_TIMEOUT} ms.`
const CLIENTS = 4
const INCREMENTS = 12

let redis: RedisServer
const servers: RunningServer[] = []
const closers: (() => unknown)[] = []

beforeAll(async () => {
  redis = await startRedis({ persist: true })
})

afterAll(async () => {
  redis?.resume()
  for (const server of servers) await server.close()
  for (const close of closers) await close()
  await redis?.close()
})

/** The counter on `store`; the message of every store error it answers (with the default 503) goes into `errors`. */
async function counter(store: SessionStore, errors: string[] = []): Promise<string> {
  const onStoreError = (error: Error, request: Request) => {
    errors.push(error.message)
    return storeUnavailableResponse(error, request)
  }
  const server = await serve(createCounterApp({ secret: SECRET, store, storeTimeout: STORE_TIMEOUT, onStoreError }).fetch, {
    port: 0,
    hostname: '127.0.0.1',
  })
  servers.push(server)
  return `http://127.0.0.1:${server.port}`
}

const countIn = (html: string) => Number(/Count (\d+)/.exec(html)?.[1])
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** GET / until it answers 200 (Redis back), within `ms`; the count shown. */
async function recovered(jar: CookieJar, url: string, ms = 20_000): Promise<number> {
  const deadline = Date.now() + ms
  for (;;) {
    const response = await jar.fetch(`${url}/`)
    const body = await response.text()
    if (response.status === 200) return countIn(body)
    if (Date.now() > deadline) throw new Error(`still ${response.status} after ${ms} ms`)
    await sleep(100)
  }
}

describe('Redis down, restarted and hung, with the client sesh creates', () => {
  it('stopped mid-session and restarted: 503s with Retry-After meanwhile, no acknowledged increment lost, recovery without a restart', async () => {
    const url = await counter(redisStore({ url: redis.url }))
    const statuses: Record<number, number> = {}
    const violations: string[] = []
    let slowest = 0
    let outage = false
    const timed = async (jar: CookieJar, path: string, method: string) => {
      const started = performance.now()
      const response = await jar.fetch(`${url}${path}`, { method })
      const body = await response.text()
      slowest = Math.max(slowest, performance.now() - started)
      statuses[response.status] = (statuses[response.status] ?? 0) + 1
      if (response.status === 503 && response.headers.get('retry-after') === null) violations.push('503 without Retry-After')
      if (![200, 302, 503].includes(response.status)) violations.push(`status ${response.status}: ${body.slice(0, 200)}`)
      return { response, body }
    }

    const weather = (async () => {
      await sleep(300)
      outage = true
      await redis.stop()
      await sleep(1500)
      await redis.start()
      outage = false
    })()
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const jar = new CookieJar()
        let acked = 0
        let attempts = 0
        for (let i = 0; i < INCREMENTS; i++) {
          attempts++
          const { response } = await timed(jar, '/count', 'POST')
          if (response.status === 302) acked++
          if (i % 3 === 2) {
            const { response: page, body } = await timed(jar, '/', 'GET')
            if (page.status === 200 && countIn(body) < acked)
              violations.push(`client ${c}: read ${countIn(body)} after ${acked} acknowledged`)
          }
          await sleep(50)
        }
        return { jar, acked, attempts }
      }),
    )
    await weather
    expect(outage).toBe(false)

    let lost = 0
    let acknowledged = 0
    for (const { jar, acked, attempts } of results) {
      const final = await recovered(jar, url)
      acknowledged += acked
      lost += Math.max(0, acked - final)
      expect(final).toBeLessThanOrEqual(attempts)
    }
    console.log(`redis outage: ${JSON.stringify({ statuses, acknowledged, lost, slowestRequestMs: Math.round(slowest) })}`)
    expect(violations).toEqual([])
    expect(lost).toBe(0)
    expect(statuses[503] ?? 0).toBeGreaterThan(0) // the outage was seen
    expect(acknowledged).toBeGreaterThan(0)
    expect(slowest).toBeLessThan(REQUEST_BOUND)

    // and the app goes on counting, on the same sessions
    const jar = results[0]!.jar
    const before = await recovered(jar, url)
    expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(302)
    expect(await recovered(jar, url)).toBe(before + 1)
  }, 60_000)

  it('hung (SIGSTOP): GET and POST answer 503 at the deadline; after SIGCONT the session is intact', async () => {
    const errors: string[] = []
    const url = await counter(redisStore({ url: redis.url }), errors)
    const jar = new CookieJar()
    for (let i = 0; i < 2; i++) expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(302)
    const cookie = jar.header()
    redis.pause()
    try {
      for (const method of ['GET', 'POST']) {
        const started = performance.now()
        const response = await jar.fetch(`${url}${method === 'GET' ? '/' : '/count'}`, { method })
        expect(response.status).toBe(503)
        expect(response.headers.get('retry-after')).toBe('5')
        expect(performance.now() - started).toBeLessThan(CALL_BOUND)
      }
    } finally {
      redis.resume()
    }
    expect(errors).toEqual([AT_DEADLINE, AT_DEADLINE]) // sesh's deadline, not node-redis's own 5 s timeout
    expect(await recovered(jar, url)).toBe(2)
    expect(jar.header()).toBe(cookie)
  }, 30_000)

  it("hung under a burst: the client's queue stays capped, the excess fails at once instead of piling up", async () => {
    const client = await createRedisClient({ url: redis.url, commandsQueueMaxLength: 4 })
    closers.push(() => client.destroy())
    // connected: the connection's own commands (HELLO, CLIENT SETINFO) have left the small queue
    for (let waited = 0; !client.isReady; waited += 20) {
      if (waited > 10_000) throw new Error('the client did not connect')
      await sleep(20)
    }
    const errors: string[] = []
    const url = await counter(redisStore({ client }), errors)
    const jar = new CookieJar()
    expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(302)
    redis.pause()
    let durations: number[]
    try {
      durations = await Promise.all(
        Array.from({ length: 12 }, async () => {
          const started = performance.now()
          const response = await jar.fetch(`${url}/`)
          expect(response.status).toBe(503)
          return performance.now() - started
        }),
      )
    } finally {
      redis.resume()
    }
    // only the 4 commands the queue held waited for the deadline; the others were refused at once
    expect(errors).toHaveLength(12)
    expect(errors.filter((message) => message === AT_DEADLINE).length).toBeLessThanOrEqual(4)
    expect(errors.filter((message) => message === 'Redis HMGET failed.').length).toBeGreaterThanOrEqual(12 - 4) // the queue was full
    // and in less than a deadline (which never fires early): a generous "at once" on a loaded machine
    expect(durations.filter((ms) => ms < STORE_TIMEOUT).length).toBeGreaterThanOrEqual(12 - 4)
    expect(durations.every((ms) => ms < CALL_BOUND)).toBe(true)
    expect(await recovered(jar, url)).toBe(1)
  }, 30_000)

  it('ioredis hung (it cannot abort a command): still a 503 within the deadline, and the session after', async () => {
    const client = new Redis(redis.url, { commandTimeout: STORE_TIMEOUT, maxRetriesPerRequest: 1 })
    client.on('error', () => {})
    closers.push(() => client.disconnect())
    const url = await counter(redisStore({ client }))
    const jar = new CookieJar()
    expect((await jar.fetch(`${url}/count`, { method: 'POST' })).status).toBe(302)
    redis.pause()
    try {
      const started = performance.now()
      const response = await jar.fetch(`${url}/`)
      expect(response.status).toBe(503)
      expect(performance.now() - started).toBeLessThan(CALL_BOUND)
    } finally {
      redis.resume()
    }
    expect(await recovered(jar, url)).toBe(1)
  }, 30_000)

  it('hung, everything at its default (redisStore({ url }), the default deadline): session.get() rejects within the deadline', async () => {
    const engine = createSessions({ secret: SECRET, store: redisStore({ url: redis.url }) })
    const warm = await engine.load(new Request('http://localhost/'))
    warm.set('n', 1)
    expect((await engine.commit(warm, new Response())).status).toBe(200) // connected
    const cookie = await signId('abcdefghijklmnopqrstuvwx', new Keyring([SECRET], 'A256GCM'))
    const session = await engine.load(new Request('http://localhost/', { headers: { cookie: `_idx=${cookie}` } }))
    redis.pause()
    try {
      const started = performance.now()
      const error = await session.get('count').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(SessionStoreUnavailableError)
      expect((error as Error).message).toBe(`The session store did not answer within ${DEFAULT_STORE_TIMEOUT} ms.`) // not node-redis's own timeout
      expect(performance.now() - started).toBeLessThan(noHangBound(DEFAULT_STORE_TIMEOUT))
    } finally {
      redis.resume()
    }
  }, 30_000)

  it('a write abandoned at its deadline while Redis is down never lands after it comes back (it left the queue)', async () => {
    const client = await createRedisClient({ url: redis.url })
    closers.push(() => client.destroy())
    const store = redisStore({ client, prefix: 'abandoned:' })
    const engine = createSessions({ secret: SECRET, store, storeTimeout: 300 })
    await redis.stop()
    try {
      for (let i = 0; i < 3; i++) {
        const session = await engine.load(new Request('http://localhost/'))
        session.set('n', i)
        await expect(engine.commit(session, new Response())).rejects.toBeInstanceOf(SessionStoreUnavailableError)
      }
    } finally {
      await redis.start()
    }
    const deadline = Date.now() + 20_000
    for (;;) {
      const ok = await client.ping().then(
        () => true,
        () => false,
      ) // the client is back
      if (ok) break
      if (Date.now() > deadline) throw new Error('the client did not reconnect')
      await sleep(100)
    }
    await sleep(200)
    expect(await store.records!.count!(Math.floor(Date.now() / 1000))).toBe(0) // none of the three was sent late
  }, 40_000)
})
