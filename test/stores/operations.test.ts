/**
 * Store operations counted: every backend call of a request, through a counting
 * wrapper around the real clients (the AWS SDK against dynalite, @miniflare/kv's
 * KVNamespace, node-redis against a real redis-server). What a request may cost:
 * anonymous or untouched 0; a read 1 get; a write at most 1 read + 1 write;
 * renewal at most one write per `touchAfter`; regenerate a put of the new record and one
 * conditional step that ends the old one (KV: a get first, it has no conditional write).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KVNamespace } from '@miniflare/kv'
import { createSessions } from 'seshjs'
import { createSessionTable, dynamoStore, type DynamoClient } from 'seshjs/dynamodb'
import { kvStore, type KVNamespaceLike } from 'seshjs/kv'
import { type RedisConnection, redisStore } from 'seshjs/redis'
import { MOVE, PUT, TOUCH } from '../../src/stores/redis/scripts.js'
import type { SessionStore } from '../../src/stores/contract.js'
import { CookieJar, manualClock, SECRET } from '../helpers.js'
import { type Dynalite, startDynalite } from './dynalite.js'
import { MemoryStorage } from './kv-memory-storage.js'
import { nodeRedis, type TestClient } from './redis-clients.js'
import { type RedisServer, startRedis } from './redis-server.js'

const TABLE = 'operations'
const TOUCH_AFTER = 600

type Engine = ReturnType<typeof createSessions>
type Loaded = Awaited<ReturnType<Engine['load']>>

/** What one backend needs for the counts: a store over a counting client, and the log. */
interface Backend {
  name: string
  /** Backend operation names, as the client saw them. */
  calls: string[]
  store(): SessionStore
  clock: ReturnType<typeof manualClock>
  read: string
  put: string
  renew: string
  delete: string
  /** The calls of a regenerate() after the read. */
  move: string[]
}

let dynamo: Dynalite
const dynamoCalls: string[] = []
const kvCalls: string[] = []
const dynamoClock = manualClock()
const kvClock = manualClock()
const redisCalls: string[] = []
const redisClock = manualClock()
let redis: RedisServer
let redisClient: TestClient
/** Scripts by SHA1, to name an EVALSHA by what it does. */
const scripts = new Map<string, string>()

beforeAll(async () => {
  dynamo = await startDynalite()
  await createSessionTable({ table: TABLE, client: dynamo.client })
  redis = await startRedis()
  redisClient = await nodeRedis(redis.url)
  for (const [name, script] of [
    ['put', PUT],
    ['touch', TOUCH],
    ['move', MOVE],
  ] as const) {
    scripts.set(await script.sha(), name)
    await redisClient.connection.send(['SCRIPT', 'LOAD', script.source], {}) // as after the first use: no NOSCRIPT round trip below
  }
})

afterAll(async () => {
  await dynamo?.close()
  await redisClient?.close()
  await redis?.close()
})

const counting: DynamoClient = {
  send: (command) => {
    dynamoCalls.push(command.constructor.name.replace(/Command$/, ''))
    return dynamo.client.send(command)
  },
}
const namespace = new KVNamespace(new MemoryStorage(kvClock.now), { clock: kvClock.now })
const countingKv: KVNamespaceLike = {
  get: (key, type) => (kvCalls.push('get'), namespace.get(key, type)),
  put: (key, value, options) => (kvCalls.push('put'), namespace.put(key, value, options)),
  delete: (key) => (kvCalls.push('delete'), namespace.delete(key)),
}

const countingRedis: RedisConnection = {
  send: (command, options) => {
    redisCalls.push(command[0] === 'EVALSHA' ? `EVALSHA ${scripts.get(command[1]!) ?? command[1]}` : command[0]!)
    return redisClient.connection.send(command, options)
  },
}

const backends: Backend[] = [
  {
    name: 'DynamoDB (dynalite)',
    calls: dynamoCalls,
    store: () => dynamoStore({ table: TABLE, client: counting }),
    clock: dynamoClock,
    read: 'GetItem',
    put: 'PutItem',
    renew: 'UpdateItem',
    delete: 'DeleteItem',
    move: ['PutItem', 'PutItem'], // the new item, then the old one made a forward only if live
  },
  {
    name: 'DynamoDB (dynalite), optimistic concurrency',
    calls: dynamoCalls,
    store: () => dynamoStore({ table: TABLE, client: counting, concurrency: 'optimistic' }),
    clock: dynamoClock,
    read: 'GetItem',
    put: 'PutItem',
    renew: 'UpdateItem',
    delete: 'DeleteItem',
    move: ['PutItem', 'PutItem'], // the new item, then the old one made a forward only if live
  },
  {
    name: 'Workers KV (@miniflare/kv)',
    calls: kvCalls,
    store: () => kvStore(countingKv),
    clock: kvClock,
    read: 'get',
    put: 'put',
    renew: 'put', // KV has no partial update: a renewal rewrites the value
    delete: 'delete',
    move: ['get', 'put', 'put'], // no conditional write: check, the new value, the forward
  },
  {
    name: 'Redis (node-redis, redis-server)',
    calls: redisCalls,
    store: () => redisStore({ client: countingRedis }),
    clock: redisClock,
    read: 'HMGET',
    put: 'EVALSHA put',
    renew: 'EVALSHA touch',
    delete: 'DEL',
    move: ['EVALSHA put', 'EVALSHA move'], // the new session, then the old one made a forward only if live
  },
  {
    name: 'Redis (node-redis, redis-server), optimistic concurrency',
    calls: redisCalls,
    store: () => redisStore({ client: countingRedis, concurrency: 'optimistic' }),
    clock: redisClock,
    read: 'HMGET',
    put: 'EVALSHA put',
    renew: 'EVALSHA touch',
    delete: 'DEL',
    move: ['EVALSHA put', 'EVALSHA move'], // the new session, then the old one made a forward only if live
  },
]

describe.each(backends)('$name: backend calls per request', (backend) => {
  const { clock } = backend
  let engine: Engine
  beforeAll(() => {
    engine = createSessions({ secret: SECRET, store: backend.store(), now: clock.now, touchAfter: TOUCH_AFTER, ttl: 86_400 })
  })

  /** One request with the jar's cookie; returns the backend calls it made. */
  async function request(jar: CookieJar, work: (session: Loaded) => unknown = () => {}): Promise<string[]> {
    const before = backend.calls.length
    const headers: Record<string, string> = jar.cookies.size ? { cookie: jar.header() } : {}
    const session = await engine.load(new Request('http://localhost/', { headers }))
    await work(session)
    jar.take(await engine.commit(session, new Response('ok')))
    return backend.calls.slice(before)
  }

  async function signedIn(): Promise<CookieJar> {
    const jar = new CookieJar()
    expect(await request(jar, (s) => s.set('user', 'ada'))).toEqual([backend.put]) // a new session: no read
    return jar
  }

  it('anonymous requests cost nothing, whether or not the handler looks at the session', async () => {
    const jar = new CookieJar()
    expect(await request(jar)).toEqual([])
    expect(await request(jar, async (s) => expect(await s.get('user')).toBeUndefined())).toEqual([])
    expect(jar.cookies.size).toBe(0)
  })

  it('a request whose handler never touches the session costs nothing', async () => {
    const jar = await signedIn()
    expect(await request(jar)).toEqual([])
  })

  it('a cookie that does not verify costs nothing', async () => {
    const jar = await signedIn()
    const [id, signature] = decodeURIComponent(jar.cookies.get('_idx')!).split('.')
    jar.cookies.set('_idx', encodeURIComponent(`${id}.${signature!.slice(1)}A`))
    expect(await request(jar, (s) => s.get('user'))).toEqual([])
  })

  it('a read is one get', async () => {
    const jar = await signedIn()
    expect(await request(jar, async (s) => expect(await s.get('user')).toBe('ada'))).toEqual([backend.read])
  })

  it('a write is at most one read and one write', async () => {
    const jar = await signedIn()
    const calls = await request(jar, (s) => s.set('n', 1))
    expect(calls.filter((c) => c === backend.read).length).toBeLessThanOrEqual(1)
    expect(calls.filter((c) => c !== backend.read)).toEqual([backend.put])
    expect(await request(jar, (s) => s.get('n'))).toEqual([backend.read])
  })

  it('a blind write (no read first) is one write', async () => {
    const jar = await signedIn()
    const calls = await request(jar, (s) => s.replace({ user: 'grace' }))
    expect(calls.filter((c) => c !== backend.read)).toEqual([backend.put])
    expect(calls.length).toBeLessThanOrEqual(2)
  })

  it('renewal writes at most once per touchAfter, however many reads', async () => {
    const jar = await signedIn()
    const writes: string[] = []
    const periods = 3
    const readsPerPeriod = 6
    for (let i = 0; i < periods * readsPerPeriod; i++) {
      clock.advance(TOUCH_AFTER / readsPerPeriod)
      const calls = await request(jar, (s) => s.get('user'))
      expect(calls[0]).toBe(backend.read)
      expect(calls.length).toBeLessThanOrEqual(2)
      writes.push(...calls.slice(1))
    }
    expect(writes.every((c) => c === backend.renew)).toBe(true)
    expect(writes.length).toBeGreaterThanOrEqual(periods - 1) // it does renew
    expect(writes.length).toBeLessThanOrEqual(periods)
    expect(await request(jar, async (s) => expect(await s.get('user')).toBe('ada'))).toEqual([backend.read])
  })

  it('regenerate is a put of the new record and one conditional step on the old (after the read)', async () => {
    const jar = await signedIn()
    const calls = await request(jar, async (s) => {
      await s.get('user')
      s.regenerate()
    })
    expect(calls).toEqual([backend.read, ...backend.move])
    expect(await request(jar, async (s) => expect(await s.get('user')).toBe('ada'))).toEqual([backend.read])
  })

  it('destroy is one delete (after the read), and the next request costs nothing', async () => {
    const jar = await signedIn()
    const calls = await request(jar, async (s) => {
      await s.get('user')
      s.destroy()
    })
    expect(calls).toEqual([backend.read, backend.delete])
    expect(jar.cookies.size).toBe(0)
    expect(await request(jar, (s) => s.get('user'))).toEqual([])
  })
})
