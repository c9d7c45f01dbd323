import { describe, expect, it } from 'vitest'
import { CookieJar, manualClock, SECRET } from '../../test/helpers.js'
import { createSessions, type Sessions } from './engine.js'
import { cookieStore } from '../stores/cookie/index.js'
import { memoryStore } from '../stores/memory/index.js'

type Loaded = Awaited<ReturnType<Sessions['load']>>

async function step(engine: Sessions, jar: CookieJar, work: (session: Loaded) => unknown, ua = 'Firefox'): Promise<string | undefined> {
  const cookie = jar.header()
  const session = await engine.load(
    new Request('http://localhost/', { headers: cookie ? { cookie, 'user-agent': ua } : { 'user-agent': ua } }),
  )
  await work(session)
  const response = await engine.commit(session, new Response('ok'))
  jar.take(response)
  return response.headers.get('set-cookie') ?? undefined
}

for (const [name, makeStore] of [
  ['cookie', cookieStore],
  ['memory', memoryStore],
] as const) {
  describe(`lifecycle keys with the ${name} store`, () => {
    it('meta(request), a regenerate() or a lifetime alone keep no session: nothing is written for a visitor with no data', async () => {
      const store = makeStore()
      let writes = 0
      const write = store.write.bind(store)
      store.write = (...args) => (writes++, write(...args))
      const engine = createSessions({ secret: SECRET, store, meta: (r) => ({ ua: r.headers.get('user-agent') }) })
      const jar = new CookieJar()
      expect(await step(engine, jar, async (s) => expect(await s.get('n')).toBeUndefined())).toBeUndefined()
      expect(await step(engine, jar, (s) => (s.regenerate(), s.setLifetime({ ttl: 60 })))).toBeUndefined()
      expect(writes).toBe(0)
      // once there is data, they are kept with it; a logout forgets them
      await step(engine, jar, (s) => s.set('n', 1))
      await step(engine, jar, async (s) => (await s.load(), expect(s.info.meta).toEqual({ ua: 'Firefox' })))
      await step(engine, jar, (s) => (s.destroy(), s.set('m', 1)))
      await step(engine, jar, async (s) => {
        expect(await s.all()).toEqual({ m: 1 })
        expect(s.info.authenticatedAt).toBeUndefined()
      })
    })

    it('setLifetime() checks its argument', async () => {
      const engine = createSessions({ secret: SECRET, store: makeStore() })
      const session = engine.open(undefined)
      expect(() => session.setLifetime({ ttl: 0 })).toThrow(TypeError)
      expect(() => session.setLifetime({ maxAge: 1.5 })).toThrow(TypeError)
      expect(() => session.setLifetime({ persistent: 'no' as never })).toThrow(TypeError)
      expect(() => session.setLifetime(null as never)).toThrow(TypeError)
      expect(() => session.isFresh(-1)).toThrow(TypeError)
    })

    it('isFresh() counts from the last regenerate(), on the engine clock, across requests', async () => {
      const clock = manualClock()
      const engine = createSessions({ secret: SECRET, store: makeStore(), now: clock.now })
      const jar = new CookieJar()
      await step(engine, jar, (s) => (s.set('user', 'ada'), s.regenerate()))
      clock.advance(300)
      await step(engine, jar, async (s) => {
        await s.load()
        expect(s.isFresh(300)).toBe(true)
        expect(s.isFresh(299)).toBe(false)
      })
    })
  })
}

describe('options', () => {
  it('maxSessionsPerUser needs userKey; userKey and meta are checked', () => {
    expect(() => createSessions({ secret: SECRET, maxSessionsPerUser: 2 })).toThrow(/userKey/)
    expect(() => createSessions({ secret: SECRET, userKey: '' })).toThrow(TypeError)
    expect(() => createSessions({ secret: SECRET, meta: 'ua' as never })).toThrow(TypeError)
    expect(() => createSessions({ secret: SECRET, userKey: 'user', maxSessionsPerUser: 0 })).toThrow(TypeError)
  })
})

describe('meta(request) through the request doors', () => {
  it('the Hono middleware and open({ header, request }) record it; open(value) records nothing new', async () => {
    const { Hono } = await import('hono')
    const { sessions } = await import('../hono/middleware.js')
    const meta = (request: Request) => ({ ua: request.headers.get('user-agent') ?? '' })
    const store = memoryStore()
    const app = new Hono<{ Variables: { session: Loaded } }>()
    app.use(sessions({ secret: SECRET, store, meta }))
    app.get('/', async (c) => {
      const session = c.get('session')
      session.set('n', (((await session.get('n')) as number | undefined) ?? 0) + 1)
      return c.text(JSON.stringify(session.info.meta ?? null))
    })
    const first = await app.request('/', { headers: { 'user-agent': 'Firefox' } })
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!
    expect(await first.text()).toBe('null') // recorded with the write
    const second = await app.request('/', { headers: { 'user-agent': 'Chromium', cookie } })
    expect(await second.text()).toBe('{"ua":"Firefox"}')
    const engine = createSessions({ secret: SECRET, store, meta })
    const viaHeader = engine.open({ header: cookie, request: new Request('http://localhost/', { headers: { 'user-agent': 'Safari' } }) })
    viaHeader.set('n', 9)
    await engine.saveCookie(viaHeader)
    const byValue = engine.open(decodeURIComponent(cookie.split('=')[1]!))
    byValue.set('n', 10)
    await engine.saveCookie(byValue)
    const again = engine.open(decodeURIComponent(cookie.split('=')[1]!))
    await again.load()
    expect(again.info.meta).toEqual({ ua: 'Safari' })
  })
})
