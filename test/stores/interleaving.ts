/**
 * Two requests of one visitor around `regenerate()`, `destroy()` and an
 * out-of-band revoke, on every server store, through the real engine and a
 * cookie jar that plays the browser: what the jar holds at the end, and what
 * the store keeps, is the test.
 */
import { describe, expect, it } from 'vitest'
import { createSessions, SessionConflictError, type SessionData, type Sessions, type SessionStore } from 'seshjs'
import { createAdmin, type SessionAdmin } from 'seshjs/admin'
import type { ConcurrencyOptions } from '../../src/stores/concurrency.js'
import { CookieJar, manualClock, SECRET } from '../helpers.js'

/** What a store brings to the interleaving tests. */
export interface InterleavingHarness {
  /** A fresh store (with concurrency options when asked). */
  make(options?: ConcurrencyOptions): SessionStore
  /** Couples the store's own clock (KV expiry) to the tests' clock. */
  clock?: { now(): number; advance(seconds: number): void }
  /** The store writes conditionally (every server store but KV). */
  conditionalWrites?: boolean
  /** The store supports `concurrency: 'optimistic'`. */
  optimistic?: boolean
}

const DAY = 24 * 60 * 60
const unique = () => Math.random().toString(36).slice(2, 10)

/**
 * Defines the interleaving tests for one server store.
 *
 * @param name the store's name
 * @param harness how to make it
 */
export function describeInterleavings(name: string, harness: InterleavingHarness): void {
  describe(`${name}: two requests of one visitor`, () => {
    const setup = (options: ConcurrencyOptions = {}, engineOptions: { regenerateGrace?: number } = {}) => {
      const clock = harness.clock ?? manualClock()
      const store = harness.make(options)
      const engine = createSessions({ secret: SECRET, store, now: clock.now, ttl: DAY, ...engineOptions })
      const admin = createAdmin(engine)
      const request = (cookie?: string) => new Request('http://localhost/', cookie ? { headers: { cookie } } : {})
      /** The browser: one jar, filled by every response in the order the responses arrive. */
      const browser = new CookieJar()
      const mint = async (data: SessionData) => {
        const session = await engine.load(request())
        session.replace(data)
        browser.take(await engine.commit(session, new Response()))
        return { id: decodeURIComponent(browser.cookies.get('_idx')!).split('.')[0]!, cookie: browser.header() }
      }
      /** A request sent now with the browser's cookie, read at once (its handler runs before the other's commit). */
      const send = async () => {
        const session = await engine.load(request(browser.header()))
        await session.load()
        return session
      }
      const seen = async (cookie: string) => {
        const session = await engine.load(request(cookie))
        return { data: await session.all(), isNew: session.isNew }
      }
      return { clock, store, engine, admin, browser, mint, send, seen, request }
    }

    type Revoke = (admin: SessionAdmin, id: string, user: string, engine: Sessions) => Promise<unknown>
    const revokes: Record<string, Revoke> = {
      'admin.revoke': async (admin, id) => expect(await admin.revoke(id)).toBe(true),
      revokeUser: async (admin, _id, user) => expect(await admin.revokeUser(user)).toBe(1),
      'byId.delete': async (_admin, id, _user, engine) => engine.byId.delete(id),
    }

    for (const [how, revoke] of Object.entries(revokes)) {
      it(`a regenerate() in flight when ${how} ran does not log the revoked user in: no live new id, the cookie expired`, async () => {
        const { engine, admin, browser, mint, send, seen } = setup()
        const user = `ada-${unique()}`
        const { id, cookie } = await mint({ user, role: 'user' })
        const login = await send() // read before the revoke
        expect(await login.get('user')).toBe(user)
        await revoke(admin, id, user, engine)
        login.regenerate()
        login.set('role', 'admin')
        const newId = login.id!
        const response = await engine.commit(login, new Response())
        expect(response.headers.get('set-cookie')).toMatch(/^_idx=; Max-Age=0;/)
        browser.take(response)
        expect(browser.cookies.size).toBe(0)
        expect(await engine.byId.load(newId)).toBeUndefined()
        expect(await admin.get(newId)).toBeUndefined()
        expect((await admin.list({ user })).sessions).toEqual([])
        expect(await seen(cookie)).toEqual({ data: {}, isNew: true })
      })
    }

    it("a login's regenerate() and a write in flight with the old cookie: the browser ends logged in, the late response sends no cookie", async () => {
      const { engine, browser, mint, send, seen } = setup()
      const { cookie: old } = await mint({ cart: ['book'] })
      const login = await send()
      const other = await send() // the same visitor's other tab, in flight
      expect(await other.get('cart')).toEqual(['book'])
      login.regenerate()
      login.set('user', 'ada')
      browser.take(await engine.commit(login, new Response()))
      const loggedIn = browser.header()
      expect(loggedIn).not.toBe(old)

      other.set('cart', ['book', 'pen'])
      const late = await engine.commit(other, new Response())
      if (harness.conditionalWrites === false) {
        // the documented limit (KV): the late write cannot be refused; it brings the old id back, never the new one
        expect(late.headers.get('set-cookie')).not.toContain(loggedIn.slice('_idx='.length))
        return
      }
      expect(late.headers.getSetCookie()).toEqual([]) // neither an expiry nor the new id
      browser.take(late)
      expect(browser.header()).toBe(loggedIn)
      // documented: the late write is dropped (it was computed from the session before the login)
      expect(await seen(loggedIn)).toEqual({ data: { cart: ['book'], user: 'ada' }, isNew: false })
      expect(await seen(old)).toEqual({ data: {}, isNew: true })
    })

    it('a request that reads the old id after the move sees an empty, read-only session and learns nothing', async () => {
      const { engine, browser, mint, send, request } = setup()
      const { cookie: old } = await mint({ cart: ['book'] })
      const login = await send()
      login.regenerate()
      login.set('user', 'ada')
      browser.take(await engine.commit(login, new Response()))
      const loggedIn = browser.header()

      const late = await engine.load(request(old)) // sent before the login's answer arrived, read after it
      expect(await late.all()).toEqual({})
      expect(late.isNew).toBe(true)
      expect(late.id).not.toBe(decodeURIComponent(loggedIn.slice('_idx='.length)).split('.')[0]) // the new id is not learnt
      late.set('theme', 'dark')
      late.regenerate()
      const response = await engine.commit(late, new Response())
      expect(response.headers.getSetCookie()).toEqual([])
      browser.take(response)
      expect(browser.header()).toBe(loggedIn)
      const session = await engine.load(request(loggedIn))
      expect(await session.all()).toEqual({ cart: ['book'], user: 'ada' })
    })

    it('a renewal in flight with the old id sends nothing after the move', async () => {
      const { engine, browser, mint, send, clock } = setup()
      await mint({ n: 1 })
      clock.advance(2 * 3600) // renewal due
      const reader = await send()
      expect(await reader.get('n')).toBe(1)
      const login = await send()
      login.regenerate()
      browser.take(await engine.commit(login, new Response()))
      const loggedIn = browser.header()
      const late = await engine.commit(reader, new Response())
      if (harness.conditionalWrites === false) {
        // the documented limit (KV, no partial update): the renewal rewrites the old id, never the new one
        expect(late.headers.get('set-cookie')).not.toContain(loggedIn.slice('_idx='.length))
        return
      }
      expect(late.headers.getSetCookie()).toEqual([])
      browser.take(late)
      expect(browser.header()).toBe(loggedIn)
    })

    it('two regenerate()s of one session (a login submitted twice): the first wins, the second sends no cookie', async () => {
      const { engine, browser, mint, send, seen } = setup()
      await mint({ n: 1 })
      const first = await send()
      const second = await send()
      first.regenerate()
      first.set('user', 'ada')
      second.regenerate()
      second.set('user', 'ada')
      browser.take(await engine.commit(first, new Response()))
      const loggedIn = browser.header()
      const late = await engine.commit(second, new Response())
      expect(late.headers.getSetCookie()).toEqual([])
      expect(await engine.byId.load(second.id!)).toBeUndefined() // nothing written under the loser's id
      browser.take(late)
      expect(browser.header()).toBe(loggedIn)
      expect(await seen(loggedIn)).toEqual({ data: { n: 1, user: 'ada' }, isNew: false })
    })

    it('after the grace window the old id is simply unknown: a write with it starts a new session', async () => {
      const { engine, browser, mint, send, clock, request } = setup({}, { regenerateGrace: 30 })
      const { cookie: old } = await mint({ n: 1 })
      const login = await send()
      login.regenerate()
      browser.take(await engine.commit(login, new Response()))
      clock.advance(31)
      const late = await engine.load(request(old))
      expect(await late.all()).toEqual({})
      expect(late.isNew).toBe(true)
      late.set('n', 2)
      const cookie = (await engine.commit(late, new Response())).headers.get('set-cookie')
      expect(cookie).toMatch(/^_idx=[\w-]{24}\./)
      expect(cookie).not.toContain(encodeURIComponent(old.slice('_idx='.length)))
    })

    if (harness.conditionalWrites !== false) {
      it('destroy() and a write in flight: the write does not bring the session back', async () => {
        const { engine, browser, mint, send, seen, admin } = setup()
        const user = `ada-${unique()}`
        const { id, cookie } = await mint({ user })
        const logout = await send()
        const other = await send()
        expect(await other.get('user')).toBe(user)
        logout.destroy()
        browser.take(await engine.commit(logout, new Response()))
        expect(browser.cookies.size).toBe(0)
        other.set('seen', true)
        const late = await engine.commit(other, new Response())
        expect(late.headers.get('set-cookie') ?? '').not.toMatch(/^_idx=[^;]+\./) // never the old id again
        browser.take(late)
        expect(browser.cookies.size).toBe(0)
        expect(await admin.get(id)).toBeUndefined()
        expect(await seen(cookie)).toEqual({ data: {}, isNew: true })
      })
    } else {
      it('destroy() and a write in flight: without conditional writes the write can bring the session back (documented)', async () => {
        const { engine, browser, mint, send, admin } = setup()
        const { id } = await mint({ user: 'ada' })
        const logout = await send()
        const other = await send()
        await other.get('user')
        logout.destroy()
        browser.take(await engine.commit(logout, new Response()))
        other.set('seen', true)
        await engine.commit(other, new Response())
        expect(await admin.get(id)).toMatchObject({ data: { user: 'ada', seen: true } }) // the limit, pinned
      })
    }

    if (harness.optimistic) {
      it("concurrency: 'optimistic': a write that lost to a move is dropped quietly, not a conflict, and sends no cookie", async () => {
        const { engine, browser, mint, send, seen } = setup({ concurrency: 'optimistic' })
        await mint({ n: 1 })
        const login = await send()
        const other = await send()
        await other.get('n')
        login.regenerate()
        login.set('user', 'ada')
        browser.take(await engine.commit(login, new Response()))
        const loggedIn = browser.header()
        other.set('n', 2)
        const late = await engine.commit(other, new Response())
        expect(late.headers.getSetCookie()).toEqual([])
        expect(await seen(loggedIn)).toEqual({ data: { n: 1, user: 'ada' }, isNew: false })
      })

      it("concurrency: 'optimistic': a regenerate() of a session changed since it was read is a conflict, and nothing moves", async () => {
        const { engine, browser, mint, send, seen } = setup({ concurrency: 'optimistic' })
        const { cookie } = await mint({ n: 1 })
        const login = await send()
        const other = await send()
        other.set('n', 2)
        browser.take(await engine.commit(other, new Response()))
        login.regenerate()
        login.set('user', 'ada')
        const error = await engine.commit(login, new Response()).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(SessionConflictError)
        expect(await engine.byId.load(login.id!)).toBeUndefined()
        expect(await seen(cookie)).toEqual({ data: { n: 2 }, isNew: false }) // the other request's write stands
      })
    }
  })
}
