/**
 * `durableObjectStore()` and `durableObjectSocket()` in Node, over a fake
 * namespace: what is checked before any object is called. The store against
 * real objects is in test/stores/durable-objects.*.test.ts (workerd).
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { memoryStore, sessions, type SessionEnv } from 'seshjs'
import { durableObjectSocket, durableObjectStore, type DurableObjectNamespaceLike, sessionObject } from 'seshjs/durable-objects'
import { isDurableObjectNamespace, storeFromEnv } from 'seshjs/workers'
import { SECRET } from '../../../test/helpers.js'

/** A namespace whose objects record the calls they get and answer nothing. */
function fakeNamespace() {
  const calls: string[] = []
  const namespace: DurableObjectNamespaceLike = {
    idFromName: (name) => ({ name }),
    get: (id) =>
      new Proxy(
        {},
        {
          get: (_, method) => async () => (
            calls.push(`${(id as { name: string }).name}.${String(method)}`), method === 'page' ? { rows: [], more: false } : null
          ),
        },
      ),
  }
  return { namespace, calls }
}

describe('durableObjectStore', () => {
  it('refuses what is not a namespace, and bad options, when it is made', () => {
    expect(() => durableObjectStore({} as DurableObjectNamespaceLike)).toThrow(/namespace binding/)
    const { namespace } = fakeNamespace()
    expect(() => durableObjectStore(namespace, { shards: 0 })).toThrow(/shards/)
    expect(() => durableObjectStore(namespace, { shards: 1.5 })).toThrow(/shards/)
    expect(() => durableObjectStore(namespace, { shards: 2000 })).toThrow(/shards/)
    expect(() => durableObjectStore(namespace, { userKey: '' })).toThrow(/userKey/)
    expect(() => durableObjectStore(namespace, { maxSize: 3_000_000 })).toThrow(/maxSize/)
    expect(() => durableObjectStore(namespace, { name: 42 as unknown as string })).toThrow(/name/)
    expect(() => durableObjectStore(namespace, { concurrency: 'last-write-wins', merge: (_b, _m, c) => c })).toThrow(/merge/)
    expect(() => durableObjectStore(namespace, { chunks: { max: 2 } } as never)).toThrow(/chunks/)
  })

  it('spreads ids over its shards by a hash, the same for the same id', async () => {
    const { namespace, calls } = fakeNamespace()
    const keeper = durableObjectStore(namespace, { shards: 4, name: 'x-' }).records!
    for (let i = 0; i < 64; i++) await keeper.get(`${'A'.repeat(20)}${String(i).padStart(4, '0')}`, 0)
    const objects = new Set(calls.map((call) => call.split('.')[0]))
    expect([...objects].sort()).toEqual(['x-0', 'x-1', 'x-2', 'x-3'])
    calls.length = 0
    await keeper.get('A'.repeat(24), 0)
    await keeper.get('A'.repeat(24), 0)
    expect(calls[0]).toBe(calls[1])
  })

  it('lists every shard in turn, and refuses a cursor it did not make', async () => {
    const { namespace, calls } = fakeNamespace()
    const keeper = durableObjectStore(namespace, { shards: 3, name: 'y-' }).records!
    expect(await keeper.list!({ now: 0 })).toEqual({ records: [] })
    expect(calls).toEqual(['y-0.page', 'y-1.page', 'y-2.page'])
    await expect(keeper.list!({ now: 0, cursor: 'nonsense' })).rejects.toThrow(TypeError)
    await expect(keeper.list!({ now: 0, cursor: '7.' })).rejects.toThrow(TypeError)
  })

  it("draws a regenerate()'s new id in the old id's shard, so one object moves it: random ids of the usual shape", async () => {
    const { namespace, calls } = fakeNamespace()
    const shards = 16
    const store = durableObjectStore(namespace, { shards, name: 'z-' })
    const shardOf = async (id: string) => {
      calls.length = 0
      await store.records!.get(id, 0)
      return calls[0]!.split('.')[0]
    }
    const ids = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const from = store.newId!()
      const to = store.newId!(from)
      expect(from).toMatch(/^[A-Za-z0-9_-]{24}$/)
      expect(to).toMatch(/^[A-Za-z0-9_-]{24}$/)
      expect(await shardOf(to)).toBe(await shardOf(from))
      ids.add(from).add(to)
    }
    expect(ids.size).toBe(100) // all distinct
    // new sessions (no `from`) land on every shard
    const landed = new Set<string>()
    for (let i = 0; i < 400; i++) landed.add((await shardOf(store.newId!()))!)
    expect(landed.size).toBe(shards)
    // a from of any shard is reached, even at the most shards
    const wide = durableObjectStore(namespace, { shards: 1024, name: 'w-' })
    const from = 'Q'.repeat(24)
    calls.length = 0
    await wide.records!.get(from, 0)
    await wide.records!.get(wide.newId!(from), 0)
    expect(calls[0]!.split('.')[0]).toBe(calls[1]!.split('.')[0])
  })

  it('makes a failing object a store-unavailable error, with the cause', async () => {
    const namespace: DurableObjectNamespaceLike = {
      idFromName: (name) => ({ name }),
      get: () => ({ read: async () => Promise.reject(new Error('object reset')) }),
    }
    const error = await durableObjectStore(namespace)
      .records!.get('A'.repeat(24), 0)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_SESSION_STORE_UNAVAILABLE', cause: new Error('object reset') })
  })
})

describe('sessionObject', () => {
  it("takes the runtime's DurableObject class", () => {
    expect(() => sessionObject(undefined as never)).toThrow(/DurableObject/)
  })
})

describe('seshjs/workers picks a Durable Object binding', () => {
  it('by ARC_SESSION_TABLE_NAME, and never takes a KV namespace for one', () => {
    const { namespace } = fakeNamespace()
    const kv = { get: async () => null, put: async () => undefined, delete: async () => undefined }
    expect(isDurableObjectNamespace(namespace)).toBe(true)
    expect(isDurableObjectNamespace(kv)).toBe(false)
    const store = storeFromEnv({ ARC_SESSION_TABLE_NAME: 'SESSIONS_DO', SESSIONS_DO: namespace })
    expect(typeof store?.records?.listByUser).toBe('function')
    expect(Object.getOwnPropertySymbols(store)).toContain(Symbol.for('sesh.durableObjects.objectOf'))
  })
})

describe('durableObjectSocket', () => {
  it('needs the sessions() middleware and a durableObjectStore()', async () => {
    const app = new Hono<SessionEnv>()
    app.onError((error) => new Response(error.message, { status: 500 }))
    app.get('/bare', (c) => durableObjectSocket(c))
    app.use('/memory', sessions({ secret: SECRET, store: memoryStore() }))
    app.get('/memory', (c) => durableObjectSocket(c))
    expect(await (await app.request('/bare')).text()).toMatch(/sessions\(\) middleware/)
    expect(await (await app.request('/memory')).text()).toMatch(/durableObjectStore\(\)/)
  })

  it('answers 426 to a plain request, 403 to another origin and 401 without a session, before any object is called', async () => {
    const { namespace, calls } = fakeNamespace()
    const app = new Hono<SessionEnv>()
    app.use(sessions({ secret: SECRET, store: durableObjectStore(namespace) }))
    app.get('/ws', (c) => durableObjectSocket(c))
    const upgrade = { upgrade: 'websocket', connection: 'upgrade', host: 'app.example' }
    expect((await app.request('http://app.example/ws')).status).toBe(426)
    expect((await app.request('http://app.example/ws', { headers: { ...upgrade, origin: 'https://evil.example' } })).status).toBe(403)
    expect(calls).toEqual([])
    expect((await app.request('http://app.example/ws', { headers: { ...upgrade, origin: 'http://app.example' } })).status).toBe(401)
  })
})
