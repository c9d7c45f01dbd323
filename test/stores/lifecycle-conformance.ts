/**
 * The session lifecycle on every store, through the real engine: a session's
 * own lifetime (`setLifetime()`) kept across writes and renewals, record
 * metadata, a user's other sessions, freshness and the per-user cap.
 */
import { describe, expect, it } from 'vitest'
import { createSessions, SessionServerStoreRequiredError, type SessionStore, type Sessions } from 'seshjs'
import { createAdmin } from 'seshjs/admin'
import { CookieJar, manualClock, SECRET } from '../helpers.js'

/** What a store brings to the suite. */
export interface LifecycleHarness {
  /** A fresh store; a server store lists a user's sessions under the session key `user`. */
  make(): SessionStore
  /** Every store but the cookie store. */
  keepsRecords: boolean
  /** Couples the store's own clock (KV expiry) to the suite's clock. */
  clock?: { now(): number; advance(seconds: number): void }
}

const DAY = 24 * 60 * 60
type Loaded = Awaited<ReturnType<Sessions['load']>>

async function step(
  engine: Sessions,
  jar: CookieJar,
  work: (session: Loaded) => unknown,
  headers: Record<string, string> = {},
): Promise<string | undefined> {
  const cookie = jar.header()
  const session = await engine.load(new Request('http://localhost/', { headers: cookie ? { ...headers, cookie } : headers }))
  await work(session)
  const response = await engine.commit(session, new Response('ok'))
  jar.take(response)
  return response.headers.get('set-cookie') ?? undefined
}

const uniqueUser = () => `user-${Math.random().toString(36).slice(2)}`

/**
 * Defines the lifecycle tests for one store.
 *
 * @param name the store's name
 * @param harness how to make it
 */
export function describeLifecycle(name: string, harness: LifecycleHarness): void {
  describe(`${name} store: session lifecycle`, () => {
    const make = (extra: Record<string, unknown> = {}) => {
      const clock = harness.clock ?? manualClock()
      const engine = createSessions({ secret: SECRET, store: harness.make(), now: clock.now, ttl: DAY, ...extra })
      return { clock, engine }
    }

    it('setLifetime({ ttl }): the cookie and the record follow it, across a later write and a renewal', async () => {
      const { clock, engine } = make()
      const jar = new CookieJar()
      expect(await step(engine, jar, (s) => (s.set('n', 1), s.setLifetime({ ttl: 120 })))).toMatch(/; Max-Age=120;/)
      clock.advance(10)
      // a later write of other data keeps the choice
      expect(await step(engine, jar, (s) => s.set('m', 2))).toMatch(/; Max-Age=120;/)
      clock.advance(70)
      // a read-only request past half the session's ttl renews it, with the same Max-Age
      let info: Loaded['info'] | undefined
      expect(await step(engine, jar, async (s) => (await s.load(), (info = s.info)))).toMatch(/; Max-Age=120;/)
      expect(info!.lifetime).toEqual({ ttl: 120 })
      expect(info!.expiresAt! - info!.issuedAt!).toBe(120)
      clock.advance(110)
      expect(await step(engine, jar, async (s) => expect(await s.get('m')).toBe(2))).toMatch(/; Max-Age=120;/)
      // idle longer than the session's ttl (far less than the engine's day): gone
      clock.advance(121)
      await step(engine, jar, async (s) => {
        expect(await s.get('n')).toBeUndefined()
        expect(s.isNew).toBe(true)
      })
      // the session key is refused like any reserved key
      await step(engine, new CookieJar(), (s) => expect(() => s.set('__life' as never, 1 as never)).toThrow(TypeError))
    })

    it('setLifetime({ persistent: false }): a browser-session cookie, every time, while the record keeps its expiry', async () => {
      const { clock, engine } = make()
      const jar = new CookieJar()
      const first = await step(engine, jar, (s) => (s.set('n', 1), s.setLifetime({ persistent: false })))
      expect(first).toBeDefined()
      expect(first).not.toMatch(/Max-Age|Expires/i)
      clock.advance(10)
      const second = await step(engine, jar, (s) => s.set('n', 2))
      expect(second).toBeDefined()
      expect(second).not.toMatch(/Max-Age|Expires/i)
      clock.advance(DAY / 2 + 10) // renewal due (the engine's touchAfter)
      const renewal = await step(engine, jar, async (s) => expect(await s.get('n')).toBe(2))
      expect(renewal).toBeDefined()
      expect(renewal).not.toMatch(/Max-Age|Expires/i)
      // the server-side expiry still holds: idle past the engine's ttl, the session is gone
      clock.advance(DAY + 1)
      await step(engine, jar, async (s) => expect(await s.get('n')).toBeUndefined())
      // back to the engine's lifetime
      const other = new CookieJar()
      await step(engine, other, (s) => (s.set('n', 1), s.setLifetime({ persistent: false })))
      expect(await step(engine, other, (s) => (s.set('n', 3), s.setLifetime({})))).toMatch(new RegExp(`; Max-Age=${DAY};`))
    })

    it('setLifetime({ maxAge }): the session ends that long after its creation, whatever the activity', async () => {
      const { clock, engine } = make()
      const jar = new CookieJar()
      expect(await step(engine, jar, (s) => (s.set('n', 1), s.setLifetime({ maxAge: 300 })))).toMatch(/; Max-Age=300;/)
      for (let i = 0; i < 4; i++) {
        clock.advance(70)
        await step(engine, jar, (s) => s.set('n', i))
      }
      clock.advance(30) // 310 s after creation, 30 s after the last write
      await step(engine, jar, async (s) => expect(await s.get('n')).toBeUndefined())
    })

    it('session.info: createdAt, lastSeenAt (moved by writes and renewals only), authenticatedAt (regenerate) and meta(request)', async () => {
      const userAgent = (request: Request) => ({ ua: request.headers.get('user-agent') ?? 'unknown' })
      const { clock, engine } = make({ userKey: 'user', meta: userAgent, touchAfter: 600 })
      const jar = new CookieJar()
      const created = Math.floor(clock.now() / 1000)
      await step(engine, jar, (s) => s.set('n', 1), { 'user-agent': 'Firefox' })
      clock.advance(60)
      await step(
        engine,
        jar,
        async (s) => {
          await s.load()
          expect(s.info.createdAt).toBe(created)
          expect(s.info.lastSeenAt).toBe(created) // a read before touchAfter moves nothing
          expect(s.info.authenticatedAt).toBeUndefined()
          expect(s.info.meta).toEqual({ ua: 'Firefox' })
          expect(s.isFresh(3600)).toBe(false) // never authenticated
          s.regenerate()
          s.set('user', 'ada')
          expect(s.isFresh(0)).toBe(true)
        },
        { 'user-agent': 'Firefox' },
      )
      const login = created + 60
      clock.advance(601)
      // a renewal from another browser records its meta and moves lastSeenAt
      await step(engine, jar, async (s) => expect(await s.get('n')).toBe(1), { 'user-agent': 'Chromium' })
      await step(engine, jar, async (s) => {
        await s.load()
        expect(s.info.createdAt).toBe(created)
        expect(s.info.lastSeenAt).toBe(login + 601)
        expect(s.info.authenticatedAt).toBe(login)
        expect(s.info.meta).toEqual({ ua: 'Chromium' })
        expect(s.isFresh(600)).toBe(false)
        expect(s.isFresh(601)).toBe(true)
      })
      // a request door without a request (open) records nothing new
      const cookie = jar.header().split('=').slice(1).join('=')
      const opened = engine.open(decodeURIComponent(cookie))
      await opened.load()
      expect(opened.info.meta).toEqual({ ua: 'Chromium' })
    })

    if (!harness.keepsRecords) {
      it("others(), revokeOthers() and revokeOther() reject with SessionServerStoreRequiredError: a cookie lists no user's sessions", async () => {
        const { engine } = make({ userKey: 'user' })
        await step(engine, new CookieJar(), async (s) => {
          s.set('user', 'ada')
          await expect(s.others()).rejects.toThrow(SessionServerStoreRequiredError)
          await expect(s.revokeOthers()).rejects.toThrow(SessionServerStoreRequiredError)
          await expect(s.revokeOther('VDplXe5Jmc-mMyOIn3DQae6v')).rejects.toThrow(SessionServerStoreRequiredError)
        })
      })
      return
    }

    /** Logs `user` in on a new jar (a device) and returns the jar and its session id. */
    async function login(engine: Sessions, user: string, ua: string): Promise<{ jar: CookieJar; id: string }> {
      const jar = new CookieJar()
      let id = ''
      await step(engine, jar, (s) => (s.set('cart', 1), s.regenerate(), s.set('user', user)), { 'user-agent': ua })
      await step(engine, jar, async (s) => (await s.load(), (id = s.id!)))
      return { jar, id }
    }

    it("others() lists the user's other live sessions, revokeOther() ends one of them only, revokeOthers() the rest", async () => {
      const { clock, engine } = make({ userKey: 'user', meta: (r: Request) => ({ ua: r.headers.get('user-agent') }) })
      const ada = uniqueUser()
      const laptop = await login(engine, ada, 'laptop')
      clock.advance(5)
      const phone = await login(engine, ada, 'phone')
      clock.advance(5)
      const tablet = await login(engine, ada, 'tablet')
      const stranger = await login(engine, uniqueUser(), 'stranger')

      let others: Awaited<ReturnType<Loaded['others']>> = []
      await step(engine, laptop.jar, async (s) => (others = await s.others()))
      expect(others.map((o) => o.id).sort()).toEqual([phone.id, tablet.id].sort())
      const phoneEntry = others.find((o) => o.id === phone.id)!
      expect(phoneEntry.meta).toEqual({ ua: 'phone' })
      expect(typeof phoneEntry.createdAt).toBe('number')
      expect(typeof phoneEntry.lastSeenAt).toBe('number')
      expect(phoneEntry.authenticatedAt).toBe(phoneEntry.createdAt)
      expect(JSON.stringify(others)).not.toContain('.') // no cookie value (<id>.<signature>)

      // not another user's session, not itself
      await step(engine, laptop.jar, async (s) => {
        expect(await s.revokeOther(stranger.id)).toBe(false)
        expect(await s.revokeOther(laptop.id)).toBe(false)
        expect(await s.revokeOther(phone.id)).toBe(true)
      })
      await step(engine, phone.jar, async (s) => expect(await s.get('user')).toBeUndefined())
      await step(engine, laptop.jar, async (s) => expect(await s.revokeOthers()).toBe(1))
      await step(engine, tablet.jar, async (s) => expect(await s.get('user')).toBeUndefined())
      await step(engine, stranger.jar, async (s) => expect(await s.get('cart')).toBe(1))
      await step(engine, laptop.jar, async (s) => {
        expect(await s.get('user')).toBe(ada)
        expect(await s.others()).toEqual([])
      })
      // a session naming no user has no others
      await step(engine, new CookieJar(), async (s) => (s.set('n', 1), expect(await s.others()).toEqual([])))
    })

    it("the admin API shows a session's data without sesh's own keys, its times by its own lifetime, and keeps that lifetime", async () => {
      const { clock, engine } = make({ userKey: 'user' })
      const admin = createAdmin(engine, { userKey: 'user' })
      const ada = uniqueUser()
      const jar = new CookieJar()
      await step(engine, jar, (s) => (s.regenerate(), s.set('user', ada), s.setLifetime({ ttl: 600 })))
      const [listed] = (await admin.list({ user: ada })).sessions
      expect(listed!.data).toEqual({ user: ada })
      expect(listed!.expiresAt - listed!.issuedAt).toBe(600)
      await admin.patch(listed!.id, { note: 'x' } as never)
      clock.advance(10)
      expect(await step(engine, jar, (s) => s.set('n', 1))).toMatch(/; Max-Age=600;/)
    })

    it('maxSessionsPerUser: a login beyond the cap ends the least recently seen session', async () => {
      const { clock, engine } = make({ userKey: 'user', maxSessionsPerUser: 2, touchAfter: 0 })
      const ada = uniqueUser()
      const first = await login(engine, ada, 'a')
      clock.advance(10)
      const second = await login(engine, ada, 'b')
      clock.advance(10)
      await step(engine, first.jar, async (s) => expect(await s.get('user')).toBe(ada)) // seen again: now the most recent
      clock.advance(10)
      const third = await login(engine, ada, 'c')
      await step(engine, second.jar, async (s) => expect(await s.get('user')).toBeUndefined())
      await step(engine, first.jar, async (s) => expect(await s.get('user')).toBe(ada))
      await step(engine, third.jar, async (s) => {
        expect(await s.get('user')).toBe(ada)
        expect((await s.others()).map((o) => o.id)).toEqual([first.id])
      })
    })
  })
}
