import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'
import { CookieJar, SECRET, unavailableStore } from '../../test/helpers.js'
import { SessionStoreUnavailableError } from '../errors.js'
import { type SessionEnv, sessions } from './middleware.js'
import { createSessions } from '../engine/engine.js'
import { memoryStore } from '../stores/memory/index.js'
import { storeUnavailableResponse } from '../unavailable.js'
import { sessionSocket } from './websocket.js'

type Data = { count: number }

function counterApp(options: Parameters<typeof sessions<Data>>[0]) {
  const app = new Hono<SessionEnv<Data>>()
  app.use(sessions<Data>(options))
  app.get('/static', (c) => c.text('no session here'))
  app.get('/', async (c) => c.text(String((await c.get('session').get('count')) ?? 0)))
  app.post('/count', async (c) => {
    const session = c.get('session')
    session.set('count', ((await session.get('count')) ?? 0) + 1)
    return c.redirect('/')
  })
  app.get('/cookie-too', (c) => {
    c.get('session').set('count', 42)
    c.header('set-cookie', 'theme=dark; Path=/', { append: true })
    return c.text('two cookies')
  })
  return app
}

async function call(app: Hono<SessionEnv<Data>>, jar: CookieJar, path: string, method = 'GET') {
  const response = await app.request(path, { method, headers: jar.cookies.size ? { cookie: jar.header() } : {} })
  jar.take(response)
  return response
}

describe('sessions() middleware', () => {
  it('counts across requests through c.get("session")', async () => {
    const app = counterApp({ secret: SECRET })
    const jar = new CookieJar()
    for (let i = 0; i < 3; i++) expect((await call(app, jar, '/count', 'POST')).status).toBe(302)
    expect(await (await call(app, jar, '/')).text()).toBe('3')
  })

  it('sends no Set-Cookie from a route that does not touch the session', async () => {
    const app = counterApp({ secret: SECRET })
    const jar = new CookieJar()
    await call(app, jar, '/count', 'POST')
    const response = await call(app, jar, '/static')
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it("keeps the handler's own Set-Cookie beside the session cookie", async () => {
    const app = counterApp({ secret: SECRET })
    const response = await call(app, new CookieJar(), '/cookie-too')
    const cookies = response.headers.getSetCookie()
    expect(cookies).toHaveLength(2)
    expect(cookies.some((c) => c.startsWith('theme=dark'))).toBe(true)
    expect(cookies.some((c) => c.startsWith('_idx='))).toBe(true)
  })

  it('answers 503 in plain text, with no internals, when the store fails', async () => {
    const down = unavailableStore('DynamoDB is unreachable')
    const app = counterApp({ secret: SECRET, store: down })
    const response = await app.request('/count', { method: 'POST', headers: { cookie: '_idx=abc.def' } })
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(response.headers.get('set-cookie')).toBeNull()
    const body = await response.text()
    expect(body).not.toMatch(/ECONNREFUSED|DynamoDB|at .*\.ts/)
    expect(down.write).not.toHaveBeenCalled()
  })

  it("with Hono's default error handler, a store outage is the 503 with Retry-After, logged by nobody", async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const expected = await storeUnavailableResponse(new Error('down'), new Request('http://localhost/'))
      const expectedBody = await expected.text()
      // with the middleware (the error reaches Hono's onError first, then the middleware)
      const app = counterApp({ secret: SECRET, store: unavailableStore() })
      // and without it: sesh's engine called from a handler, the error left to Hono alone
      const engine = createSessions<Data>({ secret: SECRET, store: unavailableStore() })
      const bare = new Hono().get('/', async (c) => c.text(String(await (await engine.load(c.req.raw)).get('count'))))
      for (const response of [
        await app.request('/count', { method: 'POST', headers: { cookie: '_idx=abc.def' } }),
        await bare.request('/', { headers: { cookie: '_idx=abc.def' } }),
      ]) {
        expect(response.status).toBe(503)
        expect([...response.headers]).toEqual([...expected.headers])
        expect(await response.text()).toBe(expectedBody)
      }
      expect(logged).not.toHaveBeenCalled()
    } finally {
      logged.mockRestore()
    }
  })

  it("an app's own onError sees the outage; the documented one-liner keeps it out of the log", async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const seen: unknown[] = []
      const app = counterApp({ secret: SECRET, store: unavailableStore() })
      app.onError((err, c) => {
        seen.push(err)
        if (err instanceof SessionStoreUnavailableError) return err.getResponse()
        console.error(err)
        return c.text('Internal Server Error', 500)
      })
      const response = await app.request('/', { headers: { cookie: '_idx=abc.def' } })
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('5')
      expect(seen).toHaveLength(1)
      expect(seen[0]).toBeInstanceOf(SessionStoreUnavailableError)
      expect(logged).not.toHaveBeenCalled()
    } finally {
      logged.mockRestore()
    }
  })

  it('does not save the session of a handler that threw', async () => {
    const app = counterApp({ secret: SECRET })
    app.post('/half', async (c) => {
      c.get('session').set('count', 100)
      throw new Error('boom')
    })
    // a real bug: Hono's default error handler logs it (captured here) and answers 500
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const response = await app.request('/half', { method: 'POST' })
      expect(response.status).toBe(500)
      expect(response.headers.get('set-cookie')).toBeNull()
      expect(logged).toHaveBeenCalledExactlyOnceWith(expect.objectContaining({ message: 'boom' }))
    } finally {
      logged.mockRestore()
    }
  })

  it('lets the app choose the store-failure response', async () => {
    const down = unavailableStore('down')
    const app = counterApp({ secret: SECRET, store: down, onStoreError: () => new Response('later', { status: 599 }) })
    const response = await app.request('/', { headers: { cookie: '_idx=abc.def' } })
    expect(response.status).toBe(599)
  })

  it('builds options from the bindings once per bindings object (Workers)', async () => {
    const factory = vi.fn((env: { ARC_APP_SECRET: string }) => ({ env, store: memoryStore() }))
    const app = new Hono<SessionEnv<Data, { ARC_APP_SECRET: string }>>()
    app.use(sessions<Data, { ARC_APP_SECRET: string }>(factory))
    app.get('/', async (c) => c.text(String((await c.get('session').get('count')) ?? 0)))
    const env = { ARC_APP_SECRET: SECRET }
    await app.request('/', {}, env)
    await app.request('/', {}, env)
    expect(factory).toHaveBeenCalledTimes(1)
    await app.request('/', {}, { ARC_APP_SECRET: SECRET })
    expect(factory).toHaveBeenCalledTimes(2)
  })

  it('saves every attempt of a request that only claims to be an upgrade (Upgrade: websocket, answered 2xx)', async () => {
    // a second factor that locks after three wrong codes
    const app = new Hono<SessionEnv<{ wrong?: number }>>()
    app.use(sessions<{ wrong?: number }>({ secret: SECRET }))
    app.post('/2fa', async (c) => {
      const session = c.get('session')
      const wrong = (await session.get('wrong')) ?? 0
      if (wrong >= 3) return c.text('locked', 423)
      if ((await c.req.parseBody()).code === '424242') return c.text('welcome')
      session.set('wrong', wrong + 1)
      return c.text('wrong code') // a 200, as a form page with an error is
    })
    const jar = new CookieJar()
    const attempt = async (code: string) => {
      const response = await app.request('/2fa', {
        method: 'POST',
        headers: {
          upgrade: 'websocket',
          connection: 'upgrade',
          'content-type': 'application/x-www-form-urlencoded',
          ...(jar.cookies.size ? { cookie: jar.header() } : {}),
        },
        body: new URLSearchParams({ code }),
      })
      jar.take(response)
      return response.status
    }
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push(await attempt('000000'))
    expect(statuses).toEqual([200, 200, 200, 423])
    expect(await attempt('424242')).toBe(423)
  })

  it('passes an upgrade sessionSocket() took through untouched, and nothing else that asks for one', async () => {
    const app = new Hono<SessionEnv<Data>>()
    app.use(sessions<Data>({ secret: SECRET }))
    app.use('/ws*', async (c, next) => {
      c.get('session').set('count', 1) // a change before the upgrade
      await next()
    })
    // as @hono/node-ws and Bun's helper do: the events, then a 200 that nobody sends (the handshake is answered elsewhere)
    app.get('/ws', (c) => {
      sessionSocket(c, {})
      return new Response(null)
    })
    app.get('/ws-like', (c) => c.body(null)) // no WebSocket helper
    const ask = { upgrade: 'websocket', connection: 'upgrade' }
    expect((await app.request('/ws', { headers: ask })).headers.get('set-cookie')).toBeNull()
    // the same route asked without the header (the helper would fall through): saved
    expect((await app.request('/ws')).headers.get('set-cookie')).toMatch(/^_idx=/)
    // the header on a route no WebSocket helper answered: saved
    expect((await app.request('/ws-like', { headers: ask })).headers.get('set-cookie')).toMatch(/^_idx=/)
  })
})
