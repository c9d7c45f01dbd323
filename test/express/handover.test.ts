/**
 * Switching an app from express-session + connect-redis to seshjs/express
 * without logging anyone out: the old app (real express-session, real
 * connect-redis, a real redis-server) signs a visitor in; the new app reads that
 * `connect.sid` cookie once, moves the session into sesh and expires the old cookie.
 */
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { RedisStore } from 'connect-redis'
import express, { type Express, type RequestHandler } from 'express'
import { createClient } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cookieStore, memoryStore, type SessionStore } from 'seshjs'
import { type ExpressSessionHandoverOptions, type ExpressSessionRecord, expressSessionHandover, getSession, sessions } from 'seshjs/express'
import { CookieJar, SECRET } from '../helpers.js'
import { type RedisServer, startRedis } from '../stores/redis-server.js'

/** express-session has no types installed here: the part of its API the old app uses. */
const expressSession = createRequire(import.meta.url)('express-session') as (options: {
  secret: string
  store: unknown
  resave: boolean
  saveUninitialized: boolean
}) => RequestHandler

const OLD_SECRET = 'the old express-session secret'
type Data = { user?: string; visits?: number }
type OldSession = { user?: string; visits?: number }

let redis: RedisServer
let client: ReturnType<typeof createClient>
beforeAll(async () => {
  redis = await startRedis()
  client = createClient({ url: redis.url })
  await client.connect()
})
afterAll(async () => {
  await client?.quit()
  await redis?.close()
})

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

async function listen(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)))
  })
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The app as it was: express-session over connect-redis. */
function oldApp(): Express {
  const app = express()
  app.use(expressSession({ secret: OLD_SECRET, store: new RedisStore({ client }), resave: false, saveUninitialized: false }))
  app.post('/login', (req, res) => {
    const session = (req as unknown as { session: OldSession }).session
    session.user = 'ada'
    session.visits = 41
    res.redirect('/')
  })
  return app
}

/** The app now: seshjs/express, taking over express-session's cookie. */
function newApp(store: SessionStore, handover: Partial<ExpressSessionHandoverOptions<Data>> = {}): Express {
  const app = express()
  app.use(
    sessions<Data>({
      secret: SECRET,
      store,
      handover: expressSessionHandover<Data>({
        secret: OLD_SECRET,
        load: async (id) => JSON.parse((await client.get(`sess:${id}`)) ?? 'null') as ExpressSessionRecord | null,
        map: (old) => ({ user: old.user as string, visits: old.visits as number }),
        destroy: async (id) => void (await client.del(`sess:${id}`)),
        ...handover,
      }),
    }),
  )
  app.get('/me', async (req, res) => {
    const session = getSession<Data>(req)
    const visits = ((await session.get('visits')) ?? 0) + 1
    session.set('visits', visits)
    res.json({ user: (await session.get('user')) ?? null, visits })
  })
  app.get('/peek', async (req, res) => {
    res.json({ user: (await getSession<Data>(req).get('user')) ?? null })
  })
  return app
}

for (const [storeName, makeStore] of [
  ['memory', () => memoryStore()],
  ['cookie', () => cookieStore()],
] as const) {
  describe(`from express-session + connect-redis to seshjs/express (${storeName} store)`, () => {
    it('carries a signed-in visitor over once, and expires the old cookie', async () => {
      const jar = new CookieJar()
      const old = await listen(oldApp())
      await jar.fetch(`${old}/login`, { method: 'POST' })
      const sid = jar.cookies.get('connect.sid')!
      expect(decodeURIComponent(sid)).toMatch(/^s:[\w-]+\.[A-Za-z0-9+/]{43}$/)
      const id = /^s:([^.]+)\./.exec(decodeURIComponent(sid))![1]!
      expect(JSON.parse((await client.get(`sess:${id}`))!)).toMatchObject({ user: 'ada', visits: 41 })

      const url = await listen(newApp(makeStore()))
      const first = await jar.fetch(`${url}/me`)
      expect(await first.json()).toEqual({ user: 'ada', visits: 42 })
      const setCookies = first.headers.getSetCookie()
      expect(setCookies[0]).toMatch(/^_idx=/)
      expect(setCookies[1]).toBe('connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0')
      expect(jar.cookies.has('connect.sid')).toBe(false)
      expect(await client.get(`sess:${id}`)).toBeNull() // destroy(): the old cookie cannot be handed over again

      expect(await (await jar.fetch(`${url}/me`)).json()).toEqual({ user: 'ada', visits: 43 })
      // a copy of the old cookie, replayed, gets nothing
      const replay = await fetch(`${url}/peek`, { headers: { cookie: `connect.sid=${sid}` } })
      expect(await replay.json()).toEqual({ user: null })
    })

    it('ignores the old cookie when the request has a sesh cookie, and a forged one', async () => {
      const jar = new CookieJar()
      await jar.fetch(`${await listen(oldApp())}/login`, { method: 'POST' })
      const sid = jar.cookies.get('connect.sid')!
      const url = await listen(newApp(makeStore()))
      const fresh = new CookieJar()
      await fresh.fetch(`${url}/me`) // a sesh session of its own
      const both = await fetch(`${url}/peek`, { headers: { cookie: `${fresh.header()}; connect.sid=${sid}` } })
      expect(await both.json()).toEqual({ user: null })
      expect(both.headers.getSetCookie()).toEqual([])

      const forged = sid.replace(/.(%2F|%2B|[A-Za-z0-9])$/, (m) => (m.endsWith('A') ? 'B' : 'A'))
      expect(forged).not.toBe(sid)
      const response = await fetch(`${url}/peek`, { headers: { cookie: `connect.sid=${forged}` } })
      expect(await response.json()).toEqual({ user: null })
      expect(response.headers.getSetCookie()).toEqual(['connect.sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0'])
      // the real one still works afterwards
      expect(await (await jar.fetch(`${url}/peek`)).json()).toEqual({ user: 'ada' })
    })

    it('keeps the old cookie when the old store cannot be read: the error goes to next(err), to try again', async () => {
      const jar = new CookieJar()
      await jar.fetch(`${await listen(oldApp())}/login`, { method: 'POST' })
      let down = true
      const app = newApp(makeStore(), {
        load: async (id) => {
          if (down) throw new Error('old store unreachable')
          return JSON.parse((await client.get(`sess:${id}`)) ?? 'null') as ExpressSessionRecord | null
        },
      })
      const seen: unknown[] = []
      app.use(((error, _req, res, _next) => {
        seen.push(error)
        res.status(503).send('try again')
      }) as express.ErrorRequestHandler)
      const url = await listen(app)
      const failed = await jar.fetch(`${url}/me`)
      expect(failed.status).toBe(503)
      expect(failed.headers.getSetCookie()).toEqual([])
      expect(seen).toEqual([new Error('old store unreachable')])
      down = false
      expect(await (await jar.fetch(`${url}/me`)).json()).toEqual({ user: 'ada', visits: 42 })
    })
  })
}
