/**
 * The store conformance, listing and admin suites on `durableObjectStore()`:
 * the store runs here, its session objects in real workerd (each object call
 * crosses to them over the test Worker's `POST /rpc`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessions, SessionConflictError, SessionTooLargeError } from 'seshjs'
import type { StoredRecord } from 'seshjs/store'
import { createAdmin } from 'seshjs/admin'
import { type DurableObjectNamespaceLike, durableObjectStore } from 'seshjs/durable-objects'
import { CookieJar, manualClock, SECRET } from '../helpers.js'
import { describeAdmin } from './admin-conformance.js'
import { describeStore } from './conformance.js'
import { describeListing } from './listing-conformance.js'
import { describeInterleavings } from './interleaving.js'
import { type DurableObjectWorker, startDurableObjectWorker } from './durable-objects-worker.js'

const LIMIT = 64 * 1024
let worker: DurableObjectWorker

beforeAll(async () => {
  worker = await startDurableObjectWorker()
})

afterAll(async () => {
  await worker?.mf.dispose()
})

// The objects' alarms run on the real clock: the suites' clock starts now, so an alarm never ends a session the suite holds live.
const clock = () => manualClock(Date.now())
let suite = 0
const name = () => `suite-${++suite}-${Math.random().toString(36).slice(2, 8)}-`

describeStore('Durable Objects', {
  make: (options) => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: name(), shards: 2, maxSize: LIMIT, ...options }),
  keepsRecords: true,
  optimistic: true,
  renewsInPlace: true,
  backendCalls: () => worker.calls(),
  get clock() {
    return clock()
  },
  limit: { fits: { blob: 'x'.repeat(LIMIT - 100) }, tooLarge: { blob: 'x'.repeat(LIMIT) }, bytes: LIMIT },
  failing: () => durableObjectStore(worker.namespace('MISSING' as never), { shards: 1 }), // no such binding: every call fails
})
const indexed = () => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: 'indexed-', shards: 3, userKey: 'user' })
const scanned = () => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: 'scanned-', shards: 3 })
describeListing('Durable Objects, user index', {
  make: indexed,
  get clock() {
    return clock()
  },
})
describeListing('Durable Objects, no index', {
  make: scanned,
  get clock() {
    return clock()
  },
})
describeAdmin('Durable Objects, user index', {
  make: indexed,
  get clock() {
    return clock()
  },
})
describeAdmin('Durable Objects, no index', {
  make: scanned,
  get clock() {
    return clock()
  },
})

// Several shards: a regenerate() moves atomically only because the new id is drawn in the old id's object.
describeInterleavings('Durable Objects', {
  make: (options) => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: name(), shards: 8, userKey: 'user', ...options }),
  optimistic: true,
  get clock() {
    return clock()
  },
})
describeInterleavings('Durable Objects, no index', {
  make: (options) => durableObjectStore(worker.namespace('SESSIONS_DO'), { name: name(), shards: 3, ...options }),
  get clock() {
    return clock()
  },
})

describe('the default size limit', () => {
  it('keeps a session of 2,000,000 bytes of JSON in an object, and refuses one byte more before calling it', async () => {
    const keeper = durableObjectStore(worker.namespace('SESSIONS_DO'), { name: 'big-', shards: 1 }).records!
    const now = Math.floor(Date.now() / 1000)
    const fits = { blob: 'x'.repeat(2_000_000 - '{"blob":""}'.length) }
    expect(JSON.stringify(fits).length).toBe(2_000_000)
    await keeper.set('B'.repeat(24), { data: fits, expiresAt: now + 60 }, now)
    expect((await keeper.get('B'.repeat(24), now))?.data).toEqual(fits)
    const calls = worker.calls()
    const error = await keeper.set('C'.repeat(24), { data: { blob: `${fits.blob}x` }, expiresAt: now + 60 }, now).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect(error).toMatchObject({ limit: 2_000_000, size: 2_000_001 })
    expect(worker.calls()).toBe(calls)
  })
})

describe('regenerate() on Durable Objects: one call to the object that holds both ids', () => {
  const NOW = Math.floor(Date.now() / 1000)
  const record = (data: Record<string, unknown>, expiresAt = NOW + 3600): StoredRecord => ({ data, expiresAt })

  it('moves only a live session, at the version read, leaving a forward that listings, counts, renewals and conditional writes skip', async () => {
    const { namespace, watch } = watched()
    const store = durableObjectStore(namespace, { name: name(), shards: 4, userKey: 'user' })
    const keeper = store.records!
    const id = (from?: string) => store.newId!(from)
    const objectOf = async (key: string) => {
      watch.objects.length = 0
      await keeper.get(key, NOW)
      return watch.objects[0]
    }
    const move = (from: string, to: string, forwardUntil = NOW + 60) =>
      keeper.move!(from, to, record({ user: 'ada', n: 2 }), NOW, { forwardUntil })
    const a = id()
    await keeper.set(a, record({ user: 'ada', n: 1 }), NOW)
    const b = id(a)
    watch.objects.length = 0
    expect(await move(a, b)).toMatchObject({ data: { user: 'ada', n: 2 } })
    expect(watch.objects).toEqual([await objectOf(a)]) // one call, to the object of both ids
    expect(await objectOf(b)).toBe(await objectOf(a))
    expect(await keeper.get(b, NOW)).toMatchObject({ data: { user: 'ada', n: 2 } })
    expect(await keeper.get(a, NOW)).toBeUndefined()
    expect(await keeper.get(a, NOW, { forwards: true })).toEqual({ data: {}, expiresAt: NOW + 60, moved: true })
    // the forward: not moved again, not rewritten, renewed, listed or counted
    expect(await move(a, id(a))).toBe(false)
    expect(await keeper.set(a, record({ user: 'eve' }), NOW, { mustExist: true })).toBe(false)
    expect(await keeper.touch!(a, NOW + 999, NOW)).toBe(false)
    expect((await keeper.list!({ now: NOW })).records.map((r) => r.id)).toEqual([b])
    expect((await keeper.listByUser!('user', 'ada', { now: NOW })).records.map((r) => r.id)).toEqual([b])
    expect(await keeper.count!(NOW)).toBe(1)
    // gone (revoked) or expired: nothing written
    await keeper.delete(b)
    const c = id(b)
    expect(await move(b, c)).toBe(false)
    expect(await keeper.get(c, NOW)).toBeUndefined()
    const d = id()
    await keeper.set(d, record({ n: 1 }, NOW + 10), NOW)
    const e = id(d)
    expect(await keeper.move!(d, e, record({ n: 1 }), NOW + 10, { forwardUntil: NOW + 70 })).toBe(false)
    expect(await keeper.get(e, NOW)).toBeUndefined()
    // no grace: the old row goes, forward and all
    const f = id()
    await keeper.set(f, record({ n: 1 }), NOW)
    expect(await move(f, id(f), 0)).toBeTruthy()
    expect(await keeper.get(f, NOW, { forwards: true })).toBeUndefined()
    // an id of another object (not made by newId): moved too, in two calls
    const g = id()
    await keeper.set(g, record({ n: 1 }), NOW)
    let h = id()
    while ((await objectOf(h)) === (await objectOf(g))) h = id()
    expect(await move(g, h)).toBeTruthy()
    expect(await keeper.get(h, NOW)).toMatchObject({ data: { n: 2 } })
    expect(await keeper.get(g, NOW, { forwards: true })).toMatchObject({ moved: true })
  })

  it("concurrency: 'optimistic': only the version read moves; another is a conflict and nothing moves; the new row's version is the one returned", async () => {
    const options = { name: name(), shards: 4 }
    const store = durableObjectStore(worker.namespace('SESSIONS_DO'), { ...options, concurrency: 'optimistic' })
    const plain = durableObjectStore(worker.namespace('SESSIONS_DO'), options).records!
    const keeper = store.records!
    const a = store.newId!()
    await keeper.set(a, record({ n: 1 }), NOW)
    const read = (await keeper.get(a, NOW))!
    await plain.set(a, record({ n: 5 }), NOW)
    const b = store.newId!(a)
    await expect(keeper.move!(a, b, record({ n: 1 }), NOW, { forwardUntil: NOW + 60, fromExtra: read.extra })).rejects.toBeInstanceOf(
      SessionConflictError,
    )
    expect(await keeper.get(b, NOW)).toBeUndefined()
    const fresh = (await keeper.get(a, NOW))!
    const moved = await keeper.move!(a, b, record({ n: 6 }), NOW, { forwardUntil: NOW + 60, fromExtra: fresh.extra })
    expect(moved).toMatchObject({ extra: { version: 1 } })
    expect(await keeper.set(b, { ...record({ n: 7 }), extra: (moved as StoredRecord).extra }, NOW)).toBeTruthy()
    expect(await keeper.get(b, NOW)).toMatchObject({ data: { n: 7 } })
  })

  it('an object whose table was made before forwards existed gets their column, and keeps its sessions', async () => {
    const store = durableObjectStore(worker.namespace('LEGACY'), { shards: 1 })
    const keeper = store.records!
    const old = 'OLDoldOLDoldOLDoldOLDold'
    expect(await keeper.get(old, NOW)).toMatchObject({ data: { n: 1 } })
    const next = store.newId!(old)
    expect(await keeper.move!(old, next, record({ n: 2 }), NOW, { forwardUntil: NOW + 60 })).toBeTruthy()
    expect(await keeper.get(old, NOW, { forwards: true })).toMatchObject({ moved: true })
    expect(await keeper.count!(NOW)).toBe(1)
  })

  it("admin.revokeUser() landing inside a login's commit leaves no session alive (the move is one step in one object)", async () => {
    const { namespace, watch } = watched()
    const clock = manualClock(Date.now())
    const store = durableObjectStore(namespace, { name: name(), shards: 8, userKey: 'user' })
    const engine = createSessions({ secret: SECRET, store, now: clock.now })
    const admin = createAdmin(engine)
    const user = `ada-${Math.random().toString(36).slice(2, 8)}`
    const jar = new CookieJar()
    const first = await engine.load(new Request('http://localhost/'))
    first.set('user', user)
    jar.take(await engine.commit(first, new Response()))
    const login = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
    expect(await login.get('user')).toBe(user)
    login.regenerate()
    login.set('role', 'admin')
    let revoked = -1
    watch.landing = async () => {
      revoked = await admin.revokeUser(user)
    }
    await engine.commit(login, new Response())
    expect(watch.landing).toBeUndefined() // it ran
    expect(revoked).toBe(1)
    expect(await engine.byId.load(login.id!)).toBeUndefined()
    expect((await admin.list({ user })).sessions).toEqual([])
  })
})

/**
 * The test namespace, watched: `objects` lists the objects called, in order;
 * `landing` runs once, right after the next object call returns (between two
 * calls of whatever made it).
 */
function watched() {
  const base = worker.namespace('SESSIONS_DO')
  const watch = { objects: [] as string[], landing: undefined as (() => Promise<void>) | undefined }
  const namespace: DurableObjectNamespaceLike = {
    idFromName: (objectName) => base.idFromName(objectName),
    get: (objectId) => {
      const stub = base.get(objectId) as Record<string, (...args: unknown[]) => Promise<unknown>>
      return new Proxy(
        {},
        {
          get:
            (_, method: string) =>
            async (...args: unknown[]) => {
              watch.objects.push((objectId as { name: string }).name)
              const result = await stub[method]!(...args)
              const run = watch.landing
              watch.landing = undefined
              if (run) await run()
              return result
            },
        },
      )
    },
  }
  return { namespace, watch }
}
