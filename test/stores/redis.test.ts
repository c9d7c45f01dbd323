/**
 * Redis specifics against a real redis-server: the key layout and its expiry,
 * a renewal that moves only the expiry, stored values that are not sessions,
 * scripts the server forgot (NOSCRIPT), the per-user index, a prefix with glob
 * characters, and the options.
 */
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, SessionStoreUnavailableError, SessionTooLargeError } from 'seshjs'
import { type RedisConnection, redisConnection, redisStore } from 'seshjs/redis'
import { Keyring, signId } from '../../src/crypto/keyring.js'
import { CookieJar, manualClock, SECRET } from '../helpers.js'
import { type RedisServer, startRedis } from './redis-server.js'

const DAY = 24 * 60 * 60
let server: RedisServer
let raw: ReturnType<typeof createClient>
let connection: RedisConnection

beforeAll(async () => {
  server = await startRedis()
  raw = createClient({ url: server.url })
  raw.on('error', () => {})
  await raw.connect()
  connection = redisConnection(raw)
})

afterAll(async () => {
  raw?.destroy()
  await server?.close()
})

const request = (cookie?: string) => new Request('http://localhost/', cookie ? { headers: { cookie } } : {})
const idIn = (jar: CookieJar) => decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!

function setup(options: Parameters<typeof redisStore>[0] = {}, ttl = DAY) {
  const clock = manualClock()
  const store = redisStore({ client: connection, ...options })
  const engine = createSessions({ secret: SECRET, store, now: clock.now, ttl, touchAfter: 3600 })
  const jar = new CookieJar()
  const step = async (work: (session: Awaited<ReturnType<typeof engine.load>>) => unknown) => {
    const session = await engine.load(request(jar.header() || undefined))
    await work(session)
    const response = await engine.commit(session, new Response('ok'))
    jar.take(response)
    return response
  }
  return { clock, store, engine, jar, step, now: () => Math.floor(clock.now() / 1000) }
}

describe('Redis store specifics', () => {
  it('keeps each session as a hash under <prefix><id>, JSON data, expiresAt, and the key expiring with it', async () => {
    const { jar, step, now } = setup({ prefix: 'layout:' })
    await step((s) => s.set('user', { name: 'Ada' }))
    const key = `layout:${idIn(jar)}`
    expect(await raw.type(key)).toBe('hash')
    expect(await raw.hGetAll(key)).toEqual({ data: '{"user":{"name":"Ada"}}', expiresAt: String(now() + DAY) })
    const ttl = await raw.pTTL(key)
    expect(ttl).toBeGreaterThan(DAY * 1000 - 5000)
    expect(ttl).toBeLessThanOrEqual(DAY * 1000)
  })

  it('a renewal moves only the expiry: data written meanwhile by hand stays', async () => {
    const { jar, step, clock, now } = setup({ prefix: 'renew:' })
    await step((s) => s.set('n', 1))
    const key = `renew:${idIn(jar)}`
    await raw.hSet(key, 'data', '{"n":41}') // out of band, after this request's read would have happened
    clock.advance(2 * 3600)
    await raw.pExpire(key, 60_000) // shorten the key's expiry, to see the renewal push it out again
    const response = await step(async (s) => expect(await s.get('n')).toBe(41))
    expect(response.headers.get('set-cookie')).toMatch(/^_idx=/) // renewed
    expect(await raw.hGetAll(key)).toEqual({ data: '{"n":41}', expiresAt: String(now() + DAY) })
    expect(await raw.pTTL(key)).toBeGreaterThan(DAY * 1000 - 5000)
  })

  it('a stored value that is not a session (bad JSON, another type, no expiresAt) is no session: 200 and a fresh one, never a crash', async () => {
    const { engine } = setup({ prefix: 'junk:' })
    const keyring = new Keyring([SECRET], 'A256GCM')
    const future = String(Math.floor(Date.now() / 1000) + DAY)
    const junk: [string, () => Promise<unknown>][] = [
      ['BadJsonBadJsonBadJson000', () => raw.hSet('junk:BadJsonBadJsonBadJson000', { data: '{"n":', expiresAt: future })],
      ['NotAnObjectNotAnObject00', () => raw.hSet('junk:NotAnObjectNotAnObject00', { data: '[1,2]', expiresAt: future })],
      ['NoExpiryNoExpiryNoExpiry', () => raw.hSet('junk:NoExpiryNoExpiryNoExpiry', { data: '{"n":1}' })],
      ['AStringAStringAString000', () => raw.set('junk:AStringAStringAString000', '{"n":1}')],
      ['AListAListAListAListAL00', () => raw.rPush('junk:AListAListAListAListAL00', 'x')],
    ]
    for (const [id, write] of junk) {
      await write()
      const session = await engine.load(request(`_idx=${encodeURIComponent(await signId(id, keyring))}`))
      expect(await session.all()).toEqual({})
      expect(session.isNew).toBe(true)
    }
  })

  it('runs its scripts again after the server forgot them (SCRIPT FLUSH, as after a restart)', async () => {
    const { step, clock } = setup({ prefix: 'noscript:' })
    await step((s) => s.set('n', 1))
    await raw.scriptFlush()
    await step((s) => s.set('n', 2))
    await raw.scriptFlush()
    clock.advance(2 * 3600)
    expect((await step((s) => s.get('n'))).headers.get('set-cookie')).toMatch(/^_idx=/) // the renewal script, sent again
    await step(async (s) => expect(await s.get('n')).toBe(2))
  })

  it('keeps a per-user index that follows a change of user, outlives renewals and is cleaned on delete', async () => {
    const { jar, step, clock, now } = setup({ prefix: 'idx:', userKey: 'user' })
    await step((s) => s.set('user', 'ada'))
    const id = idIn(jar)
    expect(await raw.zRangeWithScores('idx:~user:ada', 0, -1)).toEqual([{ value: id, score: now() + DAY }])
    clock.advance(2 * 3600)
    await step((s) => s.get('user')) // renewal
    expect(await raw.zScore('idx:~user:ada', id)).toBe(now() + DAY)
    expect(await raw.pTTL('idx:~user:ada')).toBeGreaterThan(DAY * 1000 - 5000)
    await step((s) => s.set('user', 42))
    expect(await raw.exists('idx:~user:ada')).toBe(0) // its only member moved away
    expect(await raw.zRange('idx:~user:42', 0, -1)).toEqual([id])
    await step((s) => s.destroy())
    expect(await raw.exists('idx:~user:42')).toBe(0)
    expect(await raw.exists(`idx:${id}`)).toBe(0)
  })

  it('escapes glob characters in the prefix: a listing sees only its own sessions', async () => {
    const one = setup({ prefix: 'a*[b]?:' })
    const other = setup({ prefix: 'aX[b]?:' })
    await one.step((s) => s.set('n', 1))
    await other.step((s) => s.set('n', 2))
    const page = await one.store.records!.list!({ now: one.now() })
    expect(page.records.map((record) => record.data)).toEqual([{ n: 1 }])
    expect(await one.store.records!.count!(one.now())).toBe(1)
  })

  it('a page examines at most its limit, carrying the rest in the cursor', async () => {
    const { store, engine, now } = setup({ prefix: 'paging:' })
    for (let i = 0; i < 25; i++) {
      const session = await engine.load(request())
      session.set('i', i)
      await engine.commit(session, new Response())
    }
    const seen: number[] = []
    let cursor: string | undefined
    for (let pages = 0; pages < 100; pages++) {
      const page = await store.records!.list!({ now: now(), limit: 4, ...(cursor ? { cursor } : {}) })
      expect(page.records.length).toBeLessThanOrEqual(4)
      seen.push(...page.records.map((record) => record.data.i as number))
      cursor = page.cursor
      if (!cursor) break
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i))
    await expect(store.records!.list!({ now: now(), cursor: 'not a cursor' })).rejects.toThrow(TypeError)
  })

  it('refuses data over maxSize before sending anything, and bad options with a TypeError', async () => {
    const sent: string[] = []
    const counted: RedisConnection = { send: (command, options) => (sent.push(command[0]!), connection.send(command, options)) }
    const engine = createSessions({ secret: SECRET, store: redisStore({ client: counted, maxSize: 100 }) })
    const session = await engine.load(request())
    session.set('blob', 'x'.repeat(100))
    const error = await engine.commit(session, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(error).toMatchObject({ limit: 100, size: 111 }) // {"blob":"x…x"}
    expect(sent).toEqual([])

    expect(() => redisStore({ client: {} as RedisConnection })).toThrow(TypeError)
    expect(() => redisStore({ client: connection, url: server.url })).toThrow(TypeError)
    expect(() => redisStore({ client: connection, maxSize: 0 })).toThrow(TypeError)
    expect(() => redisStore({ client: connection, maxSize: 2 ** 40 })).toThrow(TypeError)
    expect(() => redisStore({ client: connection, userKey: '' })).toThrow(TypeError)
    expect(() => redisStore({ client: connection, prefix: 1 as never })).toThrow(TypeError)
    expect(() => redisStore({ client: connection, concurrency: 'pessimistic' as never })).toThrow(TypeError)
  })

  it("Redis's refusals are a store-unavailable error, never no session: READONLY (a replica), OOM (full, noeviction)", async () => {
    const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(server.port)] })
    const full = await startRedis({ args: ['--maxmemory-policy', 'noeviction'] })
    const clients = [createClient({ url: replica.url }), createClient({ url: full.url })]
    try {
      for (const client of clients) {
        client.on('error', () => {})
        await client.connect()
      }
      const readonly = createSessions({ secret: SECRET, store: redisStore({ client: clients[0]! }) })
      const session = await readonly.load(request())
      session.set('n', 1)
      const refused = await readonly.commit(session, new Response()).catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(SessionStoreUnavailableError)
      expect((refused as Error).message).toMatch(/\(READONLY\)/)

      const engine = createSessions({ secret: SECRET, store: redisStore({ client: clients[1]! }) })
      const jar = new CookieJar()
      const first = await engine.load(request())
      first.set('n', 1)
      jar.take(await engine.commit(first, new Response()))
      await clients[1]!.configSet('maxmemory', '100kb') // under what it holds already: every write is now refused
      const next = await engine.load(request(jar.header()))
      next.set('n', 2)
      const oom = await engine.commit(next, new Response()).catch((e: unknown) => e)
      expect(oom).toBeInstanceOf(SessionStoreUnavailableError)
      expect((oom as Error).message).toMatch(/\(OOM\)/)
      expect(await (await engine.load(request(jar.header()))).all()).toEqual({ n: 1 }) // the old data stays, readable
    } finally {
      for (const client of clients) client.destroy()
      await replica.close()
      await full.close()
    }
  })
})
