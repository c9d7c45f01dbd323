/**
 * The admin API (`seshjs/admin`) over every server store: sessions made by
 * requests through the real engine, then read, changed and revoked by id —
 * and a request in flight that must not bring a revoked session back; ids no
 * session can have are refused, and `seshjs/architect` WebSocket connection
 * records are neither listed nor counted, and hold no cookie.
 */
import { describe, expect, it } from 'vitest'
import { createSessions, type SessionData } from 'seshjs'
import { createAdmin, isSessionId, type SessionSummary } from 'seshjs/admin'
import { ws } from 'seshjs/architect'
import { CookieJar, manualClock, SECRET } from '../helpers.js'
import type { ListingHarness } from './listing-conformance.js'

const DAY = 24 * 60 * 60

/**
 * Defines the admin tests for one store.
 *
 * @param name the store's name
 * @param harness how to make it
 */
export function describeAdmin(name: string, harness: ListingHarness): void {
  describe(`${name}: admin API`, () => {
    const setup = () => {
      const clock = harness.clock ?? manualClock()
      const store = harness.make()
      const engine = createSessions({ secret: SECRET, store, now: clock.now, ttl: DAY })
      const admin = createAdmin(engine)
      const request = (cookie?: string) => new Request('http://localhost/', cookie ? { headers: { cookie } } : {})
      /** A request that writes `data`; returns the session id and the cookie to send back. */
      const mint = async (data: SessionData) => {
        const session = await engine.load(request())
        session.replace(data)
        const jar = new CookieJar()
        jar.take(await engine.commit(session, new Response()))
        return { id: decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]!, cookie: jar.header() }
      }
      /** What the next request with `cookie` sees. */
      const seen = async (cookie: string) => {
        const session = await engine.load(request(cookie))
        return { data: await session.all(), isNew: session.isNew }
      }
      return { clock, engine, admin, store, request, mint, seen }
    }
    const unique = () => Math.random().toString(36).slice(2, 10)

    it('get, patch, replace and revoke by id: the next request sees each change; nothing comes back', async () => {
      const { admin, mint, seen, clock, engine } = setup()
      const tag = unique()
      const { id, cookie } = await mint({ tag, count: 1 })
      const now = Math.floor(clock.now() / 1000)
      expect(await admin.get(id)).toEqual({ id, data: { tag, count: 1 }, issuedAt: now, expiresAt: now + DAY })
      expect(await admin.cookieValue(id)).toBe(decodeURIComponent(cookie.slice('_idx='.length)))

      clock.advance(60)
      const patched = await admin.patch(id, { count: 5, role: 'admin', tag: undefined })
      expect(patched).toMatchObject({ id, data: { count: 5, role: 'admin' }, issuedAt: now + 60 }) // a write renews, as a request's
      expect(await seen(cookie)).toEqual({ data: { count: 5, role: 'admin' }, isNew: false })
      await admin.replace(id, { count: 7 })
      expect(await seen(cookie)).toEqual({ data: { count: 7 }, isNew: false })

      const listed = (await admin.list({ limit: 1000 })).sessions.find((session) => session.id === id)
      expect(listed?.data).toEqual({ count: 7 })

      expect(await admin.revoke(id)).toBe(true)
      expect(await seen(cookie)).toEqual({ data: {}, isNew: true })
      expect(await admin.get(id)).toBeUndefined()
      expect(await admin.revoke(id)).toBe(false)
      expect(await admin.replace(id, { count: 9 })).toBeUndefined() // never brings it back
      expect(await admin.patch(id, { count: 9 })).toBeUndefined()
      expect(await engine.byId.load(id)).toBeUndefined()
    })

    it('a WebSocket connection record (seshjs/architect ws()) is no session: not listed, not counted, and holds no cookie', async () => {
      const { admin, store, clock, mint } = setup()
      const tag = unique()
      const { id, cookie } = await mint({ tag, user: `ws-${tag}` })
      const signature = decodeURIComponent(cookie.slice('_idx='.length)).split('.')[1]!
      const before = await admin.count()
      const api = { send: async () => {}, close: async () => {} }
      const socket = ws(async () => undefined, {
        store,
        secret: SECRET,
        now: clock.now,
        ttl: DAY,
        env: { ARC_ENV: 'testing' },
        api,
        onWarning: () => {},
      })
      const connectionId = `conn-${tag}=`
      expect(await socket({ requestContext: { routeKey: '$connect', connectionId }, headers: { cookie } })).toEqual({ statusCode: 200 })

      expect(await admin.count()).toBe(before)
      const listed: SessionSummary[] = []
      for await (const session of admin.sessions({ limit: 1000 })) listed.push(session)
      expect(listed.every((session) => isSessionId(session.id))).toBe(true)
      expect(listed.filter((session) => session.data.tag === tag).map((session) => session.id)).toEqual([id])
      expect(JSON.stringify(listed)).not.toContain(signature)
      expect((await admin.list({ user: `ws-${tag}` })).sessions.map((session) => session.id)).toEqual([id])

      // the record holds the session's id only, and the admin API will not touch it
      const now = Math.floor(clock.now() / 1000)
      const recordId = `ws-connection-${Buffer.from(connectionId).toString('base64url')}`
      const record = await store.records!.get(recordId, now)
      expect(record?.data).toEqual({ session: id })
      expect(JSON.stringify(record)).not.toContain(signature)
      await expect(admin.revoke(recordId)).rejects.toThrow(TypeError)
      await expect(admin.get(recordId)).rejects.toThrow(TypeError)
      expect(await store.records!.get(recordId, now)).toBeDefined()
    })

    it('refuses ids no session can have before the store sees them, and revokes only a live session', async () => {
      const { admin, store, clock, mint } = setup()
      const now = Math.floor(clock.now() / 1000)
      const keeper = store.records!
      // keys the store holds beside sessions: a config key, a user index, another application's record
      for (const key of ['config', `~user:planted-${unique()}`, `order-${unique()}`]) {
        // unique: a shared server's other tests index real users
        await keeper.set(key, { data: { keep: true }, expiresAt: now + DAY }, now)
        await expect(admin.revoke(key)).rejects.toThrow(/is not a session id/)
        await expect(admin.patch(key, { keep: false })).rejects.toThrow(TypeError)
        await expect(admin.replace(key, {})).rejects.toThrow(TypeError)
        await expect(admin.cookieValue(key)).rejects.toThrow(TypeError)
        expect((await keeper.get(key, now))?.data).toEqual({ keep: true }) // still there
      }
      for (const bad of ['', 'A'.repeat(23), 'A'.repeat(25), `${'A'.repeat(23)}.`, 42, undefined]) {
        await expect(admin.revoke(bad as string)).rejects.toThrow(TypeError)
      }
      // a message names the id without the control characters it holds
      const hostile = `\u001b]0;owned\u0007\u009b2J${'A'.repeat(10)}`
      const error = await admin.revoke(hostile).catch((caught: unknown) => caught as Error)
      expect((error as Error).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
      expect((error as Error).message).toContain('\\u009b')

      const { id } = await mint({ n: 1 })
      expect(await admin.revoke(id)).toBe(true)
      expect(await admin.revoke(id)).toBe(false)
      expect(await admin.revoke('B'.repeat(24))).toBe(false) // the shape of an id, and no session: nothing deleted, nothing to say
    })

    it("revokeUser logs one user out everywhere and leaves everyone else's sessions", async () => {
      const { admin, mint, seen } = setup()
      const [ada, bob] = [`ada-${unique()}`, `bob-${unique()}`]
      const adas = [await mint({ user: ada, device: 'laptop' }), await mint({ user: ada, device: 'phone' }), await mint({ user: ada })]
      const bobs = [await mint({ user: bob })]
      const other = await mint({ count: 3 })
      expect((await admin.list({ user: ada })).sessions.map((s) => s.id).sort()).toEqual(adas.map((s) => s.id).sort())

      const progress: number[] = []
      expect(await admin.revokeUser(ada, { onProgress: (n) => progress.push(n) })).toBe(3)
      expect(progress).toEqual([1, 2, 3])
      for (const session of adas) expect(await seen(session.cookie)).toEqual({ data: {}, isNew: true })
      expect(await seen(bobs[0]!.cookie)).toEqual({ data: { user: bob }, isNew: false })
      expect(await seen(other.cookie)).toEqual({ data: { count: 3 }, isNew: false })
      expect(await admin.revokeUser(ada)).toBe(0)
    })

    if (harness.conditionalWrites !== false) {
      it('a request mid-write when the revoke ran does not bring the session back: its cookie is expired', async () => {
        const { admin, engine, mint, seen, request } = setup()
        const ada = `ada-${unique()}`
        const { id, cookie } = await mint({ user: ada, count: 1 })
        const inFlight = await engine.load(request(cookie))
        inFlight.set('count', ((await inFlight.get('count')) as number) + 1) // read before the revoke
        expect(await admin.revokeUser(ada)).toBe(1)
        const response = await engine.commit(inFlight, new Response()) // written after it
        expect(response.headers.get('set-cookie')).toMatch(/^_idx=; Max-Age=0;/)
        expect(await seen(cookie)).toEqual({ data: {}, isNew: true })
        expect(await admin.get(id)).toBeUndefined()
        expect((await admin.list({ user: ada })).sessions).toEqual([])
      })
    } else {
      it('without conditional writes, a request mid-write can bring a revoked session back; revoking again ends it', async () => {
        const { admin, engine, mint, seen, request } = setup()
        const ada = `ada-${unique()}`
        const { id, cookie } = await mint({ user: ada, count: 1 })
        const inFlight = await engine.load(request(cookie))
        inFlight.set('count', ((await inFlight.get('count')) as number) + 1)
        expect(await admin.revokeUser(ada)).toBe(1)
        await engine.commit(inFlight, new Response())
        expect(await admin.get(id)).toMatchObject({ data: { user: ada, count: 2 } }) // documented: it came back
        expect(await admin.revokeUser(ada)).toBe(1) // the recipe: revoke again once writes in flight have landed
        expect(await seen(cookie)).toEqual({ data: {}, isNew: true })
      })
    }

    it('log out everywhere from inside a request: revoke, then destroy() and set(), and only this device stays', async () => {
      const { admin, engine, mint, seen, request } = setup()
      const ada = `ada-${unique()}`
      const here = await mint({ user: ada })
      const elsewhere = await mint({ user: ada })
      const session = await engine.load(request(here.cookie))
      expect(await session.get('user')).toBe(ada)
      expect(await admin.revokeUser(ada)).toBe(2)
      session.destroy() // a new session: regenerate() would continue the revoked one, which is refused
      session.set('user', ada)
      const jar = new CookieJar()
      jar.take(await engine.commit(session, new Response()))
      expect(await seen(jar.header())).toEqual({ data: { user: ada }, isNew: false })
      expect(await seen(here.cookie)).toEqual({ data: {}, isNew: true })
      expect(await seen(elsewhere.cookie)).toEqual({ data: {}, isNew: true })
    })
  })
}
