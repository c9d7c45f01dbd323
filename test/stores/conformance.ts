/**
 * One conformance suite for every store: each `*.conformance.test.ts` calls
 * {@link describeStore} with a harness for its store, and the same tests run
 * through the real engine.
 */
import { describe, expect, it } from 'vitest'
import {
  createSessions,
  type Sessions,
  SessionConflictError,
  SessionNotSerializableError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  type SessionData,
  type SessionStore,
} from 'seshjs'
import type { ConcurrencyOptions } from '../../src/stores/concurrency.js'
import { signId, Keyring } from '../../src/crypto/keyring.js'
import { CookieJar, manualClock, SECRET } from '../helpers.js'

/** What a store brings to the suite. */
export interface StoreHarness {
  /** A fresh store (optionally with concurrency options, when `optimistic` is true). */
  make(options?: ConcurrencyOptions): SessionStore
  /** Whether the store keeps records by id (every store but the cookie store). */
  keepsRecords: boolean
  /** Whether the store supports `concurrency: 'optimistic'` and `merge`. */
  optimistic: boolean
  /** Whether renewals move only the expiry (the store's `touch`), never rewriting data. */
  renewsInPlace?: boolean
  /** The raw stored record for an id, to check what is (not) written. */
  peek?(id: string): Promise<unknown>
  /** Data just under the store's limit, and data just over it (omit for stores without one). */
  limit?: { fits: SessionData; tooLarge: SessionData; bytes: number }
  /** The store refuses a `__proto__` key with a named error (DynamoDB: the SDK drops it) instead of keeping it. */
  refusesProtoKey?: boolean
  /** How many calls the backend has received so far. */
  backendCalls?(): number
  /** A store whose backend fails on every call. */
  failing?(): SessionStore
  /** Couples the store's own clock (KV expiry) to the suite's clock. */
  clock?: { now(): number; advance(seconds: number): void }
}

const DAY = 24 * 60 * 60

type Engine = Sessions
type Loaded = Awaited<ReturnType<Engine['load']>>

function request(cookie?: string): Request {
  return new Request('http://localhost/', cookie ? { headers: { cookie } } : {})
}

/** One request through the engine; returns the Set-Cookie header (or undefined). */
async function step(engine: Engine, jar: CookieJar, work: (session: Loaded) => unknown): Promise<string | undefined> {
  const session = await engine.load(request(jar.header() || undefined))
  await work(session)
  const response = await engine.commit(session, new Response('ok'))
  jar.take(response)
  return response.headers.get('set-cookie') ?? undefined
}

/** The session id a jar's cookie names. */
function idIn(jar: CookieJar): string {
  return decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!
}

/** Rich data: unicode, nesting, every JSON type, and keys that look dangerous. */
export const RICH: SessionData = {
  text: 'ünïcødé ✓ 🍪 日本語 \u0000 "quotes" \\ back',
  '🔑 emoji key': 'value',
  nested: { deep: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } }, empty: {}, list: [] },
  numbers: [0, -1, 1.5, -0.25, 1e21, 123456789012345, Number.MAX_SAFE_INTEGER],
  flags: [true, false, null],
  constructor: 'not a function',
  long: 'x'.repeat(1000),
}

/**
 * Defines the conformance tests for one store.
 *
 * @param name the store's name
 * @param harness how to make and inspect it
 */
export function describeStore(name: string, harness: StoreHarness): void {
  describe(`${name} store conformance`, () => {
    const make = (options: ConcurrencyOptions = {}, extra: Record<string, unknown> = {}) => {
      const clock = harness.clock ?? manualClock()
      const store = harness.make(options)
      const engine = createSessions({ secret: SECRET, store, now: clock.now, ...extra })
      return { clock, store, engine, jar: new CookieJar() }
    }

    it('creates nothing for a visitor whose session stays empty', async () => {
      const { engine, jar, store } = make()
      let writes = 0
      const write = store.write.bind(store)
      store.write = (...args) => (writes++, write(...args))
      expect(await step(engine, jar, async (s) => expect(await s.get('n')).toBeUndefined())).toBeUndefined()
      expect(jar.cookies.size).toBe(0)
      expect(writes).toBe(0)
    })

    it('creates a session on first write, with an id of >= 128 random bits where it keeps records', async () => {
      const { engine, jar } = make()
      const cookie = await step(engine, jar, (s) => s.set('n', 1))
      expect(cookie).toMatch(/^_idx=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/)
      if (harness.keepsRecords) {
        const value = decodeURIComponent(jar.cookies.get('_idx')!)
        expect(value).toMatch(/^[A-Za-z0-9_-]{24}\.[A-Za-z0-9+/]{43}$/)
        if (harness.peek) expect(await harness.peek(idIn(jar))).toBeDefined()
      }
    })

    it('reads back what it wrote, and does not rewrite an unchanged session', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('user', { name: 'Ada', roles: ['admin'] }))
      const again = await step(engine, jar, async (s) => {
        expect(await s.get('user')).toEqual({ name: 'Ada', roles: ['admin'] })
        expect(s.isNew).toBe(false)
      })
      expect(again).toBeUndefined()
    })

    it('updates: set, unset, and in-place changes to returned values', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('a', 1))
      await step(engine, jar, (s) => {
        s.set('b', 2)
        s.set('list', [1])
      })
      await step(engine, jar, async (s) => {
        ;((await s.get('list')) as number[]).push(2)
        s.unset('a')
      })
      await step(engine, jar, async (s) => expect(await s.all()).toEqual({ b: 2, list: [1, 2] }))
    })

    it('clobbers: replace() drops every key it does not name', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.replace({ a: 1, b: 2, c: { d: 3 } }))
      await step(engine, jar, (s) => s.replace({ z: 26 }))
      await step(engine, jar, async (s) => expect(await s.all()).toEqual({ z: 26 }))
    })

    it('destroys: expired cookie, record gone, old cookie dead where records are kept', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('n', 1))
      const stolen = jar.header()
      const id = harness.keepsRecords ? idIn(jar) : undefined
      expect(await step(engine, jar, (s) => s.destroy())).toMatch(/^_idx=; Max-Age=0; Path=\//)
      expect(jar.cookies.size).toBe(0)
      if (harness.keepsRecords) {
        const old = await engine.load(request(stolen))
        expect(await old.get('n')).toBeUndefined()
        expect(old.isNew).toBe(true)
        if (harness.peek) expect(await harness.peek(id!)).toBeUndefined()
      }
    })

    it('regenerates: new id, same data, old id dead and its record deleted (regenerateGrace: 0)', async () => {
      const { engine, jar } = make({}, { regenerateGrace: 0 })
      await step(engine, jar, (s) => s.set('n', 1))
      const before = jar.header()
      const oldId = harness.keepsRecords ? idIn(jar) : undefined
      await step(engine, jar, (s) => s.regenerate())
      expect(jar.header()).not.toBe(before)
      await step(engine, jar, async (s) => expect(await s.get('n')).toBe(1))
      if (harness.keepsRecords) {
        expect(idIn(jar)).not.toBe(oldId)
        expect(await (await engine.load(request(before))).get('n')).toBeUndefined()
        if (harness.peek) expect(await harness.peek(oldId!)).toBeUndefined()
      }
    })

    if (harness.keepsRecords) {
      it('regenerates with the default grace: the old id keeps a forward that holds none of the data', async () => {
        const { engine, jar } = make()
        await step(engine, jar, (s) => s.set('marker', 'pre-regenerate-marker'))
        const before = jar.header()
        const oldId = idIn(jar)
        await step(engine, jar, (s) => s.regenerate())
        expect(await (await engine.load(request(before))).all()).toEqual({})
        await step(engine, jar, async (s) => expect(await s.get('marker')).toBe('pre-regenerate-marker'))
        if (harness.peek) {
          const raw = await harness.peek(oldId)
          expect(typeof raw === 'string' ? raw : JSON.stringify(raw ?? null)).not.toContain('pre-regenerate-marker')
        }
      })
    }

    it('expires after the idle ttl (injected clock), and renews on reads at most once per touchAfter', async () => {
      const { engine, jar, clock } = make({}, { ttl: DAY, touchAfter: 3600 })
      await step(engine, jar, (s) => s.set('n', 1))
      clock.advance(60)
      expect(await step(engine, jar, (s) => s.get('n'))).toBeUndefined() // read-only, too soon to renew
      clock.advance(3600)
      expect(await step(engine, jar, (s) => s.get('n'))).toMatch(/^_idx=/) // renewed
      clock.advance(DAY - 10)
      await step(engine, jar, async (s) => expect(await s.get('n')).toBe(1)) // alive thanks to the renewal
      clock.advance(DAY + 1)
      await step(engine, jar, async (s) => {
        expect(await s.get('n')).toBeUndefined()
        expect(s.isNew).toBe(true)
      })
    })

    it('keeps unicode, nested data and hostile-looking keys exactly', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.replace(RICH))
      await step(engine, jar, async (s) => {
        expect(JSON.stringify(await s.all())).toBe(JSON.stringify(RICH))
        expect(await s.get('constructor')).toBe('not a function')
      })
    })

    it(`${harness.refusesProtoKey ? 'refuses' : 'keeps'} a __proto__ key as plain data, never polluting or dropping it`, async () => {
      const { engine, jar } = make()
      const data = JSON.parse('{"__proto__":{"polluted":true},"nested":{"__proto__":{"polluted":true}}}') as SessionData
      const session = await engine.load(request())
      session.replace(data)
      const committed = engine.commit(session, new Response())
      if (harness.refusesProtoKey) {
        const error = await committed.catch((e: unknown) => e)
        expect(error).toBeInstanceOf(SessionNotSerializableError)
        expect((error as SessionNotSerializableError).key).toBe('__proto__')
      } else {
        jar.take(await committed)
        await step(engine, jar, async (s) => expect(JSON.stringify(await s.all())).toBe(JSON.stringify(data)))
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    if (harness.limit) {
      const { fits, tooLarge, bytes } = harness.limit
      it(`enforces its size limit (${bytes} bytes) before writing, keeping the old data`, async () => {
        const { engine, jar } = make({}, { storeTimeout: 60_000 }) // writing up to 25 MB may outlast the default deadline
        await step(engine, jar, (s) => s.replace(fits))
        await step(engine, jar, async (s) => expect(Object.keys(await s.all())).toEqual(Object.keys(fits)))
        const before = jar.header()
        const session = await engine.load(request(before))
        await session.load()
        session.replace(tooLarge)
        const calls = harness.backendCalls?.() ?? 0
        const error = await engine.commit(session, new Response()).catch((e: unknown) => e)
        expect(harness.backendCalls?.() ?? 0).toBe(calls) // refused before any request
        expect(error).toBeInstanceOf(SessionTooLargeError)
        expect((error as SessionTooLargeError).code).toBe('ERR_SESSION_TOO_LARGE')
        expect((error as SessionTooLargeError).limit).toBe(bytes)
        expect((error as Error).message).not.toContain(idIn(jar))
        await step(engine, jar, async (s) => expect(Object.keys(await s.all())).toEqual(Object.keys(fits)))
      })
    }

    it('gives a fresh session for hostile cookies, never asking the backend about a bad id', async () => {
      const { engine } = make()
      const keyring = new Keyring([SECRET], 'A256GCM')
      const signed = async (id: string) => encodeURIComponent(await signId(id, keyring))
      const hostile = [
        'garbage',
        '.',
        'a.b.c.d.e',
        'x'.repeat(5000),
        '%00%00',
        encodeURIComponent('<script>alert(1)</script>'),
        await signed('../../etc/passwd'),
        await signed('__proto__'),
        await signed('constructor'),
        await signed(''),
        await signed('a'.repeat(300)),
        await signed('idx with spaces and ünïcødé'),
        await signed('AAAAAAAAAAAAAAAAAAAAAAAA'), // well-formed and signed, but names nothing
        `${'AAAAAAAAAAAAAAAAAAAAAAAA'}.${'A'.repeat(43)}`, // well-formed, bad signature
      ]
      for (const value of hostile) {
        const session = await engine.load(request(`_idx=${value}`))
        const calls = harness.backendCalls?.() ?? 0
        expect(await session.all()).toEqual({})
        if (harness.backendCalls && !value.startsWith('AAAAAAAAAAAAAAAAAAAAAAAA.')) expect(harness.backendCalls()).toBe(calls)
        expect(session.isNew).toBe(true)
        session.set('fresh', true)
        const response = await engine.commit(session, new Response())
        const cookie = response.headers.get('set-cookie')!
        expect(cookie).toMatch(/^_idx=/)
        if (harness.keepsRecords) expect(cookie).toMatch(/^_idx=[\w-]{24}\./)
      }
    })

    it('concurrent writers, last-write-wins by default: each write whole, no mixing', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('base', 0))
      const cookie = jar.header()
      const keys = ['a', 'b', 'c', 'd']
      const sessions = await Promise.all(keys.map(() => engine.load(request(cookie))))
      await Promise.all(sessions.map((session) => session.get('base'))) // every writer reads before any writes
      const writers = await Promise.all(
        sessions.map((session, i) => {
          session.set(keys[i]!, keys[i])
          return engine.commit(session, new Response())
        }),
      )
      const results = new Set<string>()
      for (const response of writers) {
        const mine = new CookieJar()
        mine.take(response)
        const session = await engine.load(request(mine.header()))
        const all = await session.all()
        results.add(JSON.stringify(all))
        expect(Object.keys(all)).toHaveLength(2) // base + exactly one writer's key
        expect(all.base).toBe(0)
      }
      if (harness.keepsRecords) expect(results.size).toBe(1) // one record: the last write
    })

    if (harness.renewsInPlace) {
      it('a renewal on a read-only request never writes its stale copy over a concurrent write', async () => {
        const { engine, jar, clock } = make()
        await step(engine, jar, (s) => s.set('count', 1))
        clock.advance(2 * 60 * 60) // renewal due
        const cookie = jar.header()
        const reader = await engine.load(request(cookie))
        expect(await reader.get('count')).toBe(1)
        const writer = await engine.load(request(cookie))
        writer.set('count', ((await writer.get('count')) as number) + 1)
        await engine.commit(writer, new Response())
        const renewed = await engine.commit(reader, new Response()) // read only, renewal due
        expect(renewed.headers.get('set-cookie')).toMatch(/^_idx=/)
        expect(await (await engine.load(request(cookie))).get('count')).toBe(2)
      })

      it('a renewal never brings back a session destroyed meanwhile (a logout elsewhere)', async () => {
        const { engine, jar, clock } = make()
        await step(engine, jar, (s) => s.set('user', 'ada'))
        const id = idIn(jar)
        clock.advance(2 * 60 * 60)
        const cookie = jar.header()
        const reader = await engine.load(request(cookie))
        expect(await reader.get('user')).toBe('ada')
        const logout = await engine.load(request(cookie))
        logout.destroy()
        await engine.commit(logout, new Response())
        const renewed = await engine.commit(reader, new Response())
        expect(renewed.headers.get('set-cookie')).toBeNull()
        expect(await (await engine.load(request(cookie))).get('user')).toBeUndefined()
        if (harness.peek) expect(await harness.peek(id)).toBeUndefined()
      })
    }

    if (harness.optimistic) {
      it("concurrent writers, concurrency: 'optimistic': the loser gets ERR_SESSION_CONFLICT, the winner's data stays", async () => {
        const { engine, jar, clock } = make({ concurrency: 'optimistic' })
        await step(engine, jar, (s) => s.set('n', 0))
        const cookie = jar.header()
        const [a, b] = await Promise.all([engine.load(request(cookie)), engine.load(request(cookie))])
        await Promise.all([a!.get('n'), b!.get('n')])
        a!.set('n', 1)
        b!.set('n', 2)
        await engine.commit(a!, new Response())
        const error = await engine.commit(b!, new Response()).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(SessionConflictError)
        expect((error as SessionConflictError).code).toBe('ERR_SESSION_CONFLICT')
        await step(engine, jar, async (s) => expect(await s.get('n')).toBe(1))
        // a renewal that loses to a real write is dropped, not an error
        const reader = await engine.load(request(cookie))
        await reader.get('n')
        await step(engine, jar, (s) => s.set('n', 3))
        clock.advance(2 * 3600) // the reader is now due for renewal
        await expect(engine.save(reader)).resolves.toMatch(/^_idx=/)
        await step(engine, jar, async (s) => expect(await s.get('n')).toBe(3))
      })

      it('optimistic: a write to a session destroyed meanwhile is a conflict, so a logout is never undone', async () => {
        const { engine, jar } = make({ concurrency: 'optimistic' })
        await step(engine, jar, (s) => s.set('user', 'ada'))
        const cookie = jar.header()
        const stale = await engine.load(request(cookie))
        await stale.get('user')
        await step(engine, jar, (s) => s.destroy())
        stale.set('cart', ['book'])
        await expect(engine.commit(stale, new Response())).rejects.toBeInstanceOf(SessionConflictError)
        expect(await (await engine.load(request(cookie))).get('user')).toBeUndefined()
      })

      it('concurrent writers with merge: every one of many parallel increments counts', async () => {
        const merge = (base: SessionData, mine: SessionData, current: SessionData) => ({
          ...current,
          n: (current.n as number) + ((mine.n as number) - (base.n as number)),
        })
        const { engine, jar } = make({ merge, mergeAttempts: 20 })
        await step(engine, jar, (s) => s.set('n', 0))
        const cookie = jar.header()
        const sessions = await Promise.all(Array.from({ length: 8 }, () => engine.load(request(cookie))))
        const counts = await Promise.all(sessions.map((session) => session.get('n')))
        expect(counts).toEqual(Array(8).fill(0)) // all read before anyone writes
        await Promise.all(
          sessions.map((session) => {
            session.set('n', 1)
            return engine.commit(session, new Response())
          }),
        )
        await step(engine, jar, async (s) => expect(await s.get('n')).toBe(8))
      })
    }

    if (harness.failing) {
      const failing = harness.failing
      it('a failing backend is a store-unavailable error on read and write, never "no session"', async () => {
        const { engine: good, jar } = make()
        await step(good, jar, (s) => s.set('n', 1))
        const engine = createSessions({ secret: SECRET, store: failing() })
        const session = await engine.load(request(jar.header()))
        const error = await session.get('n').catch((e: unknown) => e)
        expect(error).toBeInstanceOf(SessionStoreUnavailableError)
        expect((error as SessionStoreUnavailableError).code).toBe('ERR_SESSION_STORE_UNAVAILABLE')
        expect((error as Error).cause).toBeDefined()
        const fresh = await engine.load(request())
        fresh.set('n', 2)
        await expect(engine.commit(fresh, new Response())).rejects.toBeInstanceOf(SessionStoreUnavailableError)
      })
    }
  })
}
