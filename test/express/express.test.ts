/**
 * `seshjs/express` on a real Express 5 server, over HTTP with a cookie jar:
 * the session is committed before the headers go out however the response is
 * sent, beside the app's own cookies, and failures never save half-made changes.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import cookieParser from 'cookie-parser'
import express, { type ErrorRequestHandler, type Express } from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { cookieStore, memoryStore, SessionStoreUnavailableError, SessionTooLargeError, type SessionStore } from 'seshjs'
import { type ExpressSessionOptions, getSession, sessions, type SessionRequest } from 'seshjs/express'
import { CookieJar, SECRET } from '../helpers.js'

type Data = { count: number; user?: string }

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))))
})

/** Listens on a free loopback port; closed after the test. */
async function listen(app: Express): Promise<string> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)))
  })
  servers.push(server)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The counter, plus routes that send their response in every way Express has. */
function counterApp(options: ExpressSessionOptions, before: (app: Express) => void = () => {}): Express {
  const app = express()
  before(app)
  const session = sessions<Data>({ secret: SECRET, ...options })
  app.use(session)
  const count = async (req: express.Request) => (await session.get(req).get('count')) ?? 0
  app.get('/', async (req, res) => {
    res.send(`Count ${await count(req)}`)
  })
  app.post('/count', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 1)
    res.redirect('/')
  })
  app.post('/json', async (req, res) => {
    const next = (await count(req)) + 1
    session.get(req).set('count', next)
    res.json({ count: next })
  })
  app.post('/stream', async (req, res) => {
    const next = (await count(req)) + 1
    session.get(req).set('count', next)
    res.type('text/plain')
    res.write('one ')
    await new Promise((done) => setTimeout(done, 10))
    res.write('two ')
    res.end(`three ${next}`)
  })
  app.post('/pipe', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 1)
    res.type('application/octet-stream')
    // 5 MiB in 1 KiB chunks: the first (held) write answers false, and the pipe waits for a 'drain' that a
    // small replayed write would never cause; later ones fill the socket's buffer (backpressure)
    const chunk = Buffer.alloc(1024, 7)
    Readable.from(
      (function* () {
        for (let i = 0; i < 5 * 1024; i++) yield chunk
      })(),
    ).pipe(res)
  })
  app.post('/with-cookie', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 1)
    res.cookie('theme', 'dark')
    res.json({ ok: true })
  })
  app.post('/write-head', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 1)
    res.setHeader('set-cookie', 'early=1')
    res.writeHead(201, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] })
    res.end('made')
  })
  app.post('/flush', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 1)
    res.flushHeaders()
    res.end('flushed')
  })
  app.post('/file', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 1)
    res.sendFile(fileURLToPath(new URL('../../package.json', import.meta.url)))
  })
  app.post('/reset', (req, res) => {
    session.get(req).destroy()
    res.redirect('/')
  })
  app.post('/throws', async (req) => {
    session.get(req).set('count', (await count(req)) + 100)
    throw new Error('the handler failed halfway')
  })
  app.post('/write-then-throw', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 100)
    res.write('partial')
    throw new Error('failed after the first write')
  })
  app.post('/fails-deliberately', async (req, res) => {
    session.get(req).set('count', (await count(req)) + 100)
    res.status(500).send('no')
  })
  app.get('/untouched', (_req, res) => {
    res.send('nothing read')
  })
  return app
}

const countOf = async (response: Response) => Number(/Count (\d+)/.exec(await response.text())?.[1])

for (const [storeName, makeStore] of [
  ['memory', () => memoryStore()],
  ['cookie', () => cookieStore()],
] as const) {
  describe(`Express 5 middleware on the ${storeName} store`, () => {
    it('counts through POST and redirect', async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const jar = new CookieJar()
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(0)
      expect(jar.cookies.size).toBe(0)
      for (let i = 1; i <= 3; i++) {
        const post = await jar.fetch(`${url}/count`, { method: 'POST' })
        expect(post.status).toBe(302)
        expect(post.headers.get('location')).toBe('/')
        expect(post.headers.getSetCookie().some((c) => c.startsWith('_idx='))).toBe(true)
        expect(await countOf(await jar.fetch(`${url}/`))).toBe(i)
      }
      const reset = await jar.fetch(`${url}/reset`, { method: 'POST' })
      expect(reset.headers.getSetCookie()[0]).toMatch(/^_idx=; Max-Age=0/)
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(0)
    })

    it('commits before res.json', async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const jar = new CookieJar()
      expect(await (await jar.fetch(`${url}/json`, { method: 'POST' })).json()).toEqual({ count: 1 })
      expect(await (await jar.fetch(`${url}/json`, { method: 'POST' })).json()).toEqual({ count: 2 })
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(2)
    })

    it('commits before the first res.write of a streamed response', async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const jar = new CookieJar()
      const first = await jar.fetch(`${url}/stream`, { method: 'POST' })
      expect(first.headers.getSetCookie()).toHaveLength(1)
      expect(await first.text()).toBe('one two three 1')
      expect(await (await jar.fetch(`${url}/stream`, { method: 'POST' })).text()).toBe('one two three 2')
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(2)
    })

    it('commits before a piped stream, and keeps its backpressure whole', async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const jar = new CookieJar()
      const piped = await jar.fetch(`${url}/pipe`, { method: 'POST' })
      expect(piped.headers.getSetCookie()).toHaveLength(1)
      const body = new Uint8Array(await piped.arrayBuffer())
      expect(body.byteLength).toBe(5 * 1024 * 1024)
      expect(body.every((byte) => byte === 7)).toBe(true)
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(1)
    })

    it("keeps the app's own Set-Cookie beside the session's (res.cookie, writeHead headers); flushHeaders, sendFile", async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const jar = new CookieJar()
      const withCookie = await jar.fetch(`${url}/with-cookie`, { method: 'POST' })
      const names = withCookie.headers.getSetCookie().map((c) => c.split('=')[0])
      expect(names.sort()).toEqual(['_idx', 'theme'])
      const head = await jar.fetch(`${url}/write-head`, { method: 'POST' })
      expect(head.status).toBe(201)
      expect(head.headers.get('content-type')).toBe('text/plain')
      // writeHead's headers take precedence over setHeader's, as in Node; the session's is appended
      expect(head.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['a', 'b', '_idx'])
      expect(await head.text()).toBe('made')
      await jar.fetch(`${url}/flush`, { method: 'POST' })
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(3)
      const file = await jar.fetch(`${url}/file`, { method: 'POST' })
      expect(file.headers.getSetCookie()).toHaveLength(1)
      expect((await file.json()) as object).toMatchObject({ name: 'seshjs' })
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(4)
    })

    it('saves nothing when the handler throws, nor on a 5xx it sends itself', async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const jar = new CookieJar()
      await jar.fetch(`${url}/count`, { method: 'POST' })
      const thrown = await jar.fetch(`${url}/throws`, { method: 'POST' })
      expect(thrown.status).toBe(500) // Express's own error handler (next(err))
      expect(thrown.headers.getSetCookie()).toEqual([])
      const deliberate = await jar.fetch(`${url}/fails-deliberately`, { method: 'POST' })
      expect(deliberate.status).toBe(500)
      expect(deliberate.headers.getSetCookie()).toEqual([])
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(1)
    })

    it('a handler that fails after its first write: the connection ends, as without sesh (no second response)', async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const outcome = await fetch(`${url}/write-then-throw`, { method: 'POST' }).then(
        async (response) => `${response.status} ${await response.text()}`,
        (error: Error) => error,
      )
      // Express's error handler sees the headers as sent and destroys the socket: never a 200 with an error page after it
      expect(outcome).toBeInstanceOf(Error)
    })

    it('sends no cookie when the handler never touches the session', async () => {
      const url = await listen(counterApp({ store: makeStore() }))
      const jar = new CookieJar()
      await jar.fetch(`${url}/count`, { method: 'POST' })
      const untouched = await jar.fetch(`${url}/untouched`)
      expect(untouched.headers.getSetCookie()).toEqual([])
    })

    it('reads the raw Cookie header behind cookie-parser (signed cookies) and express.json', async () => {
      const app = counterApp({ store: makeStore() }, (app) => {
        app.use(cookieParser('another secret'), express.json(), express.urlencoded({ extended: false }))
      })
      app.post('/login', (req, res) => {
        const session = getSession<Data>(req)
        session.regenerate()
        session.set('user', (req.body as { user: string }).user)
        res.cookie('pref', 'x', { signed: true })
        res.json({ cookies: req.cookies as object, signed: req.signedCookies as object })
      })
      app.get('/me', async (req, res) => {
        res.json({ user: (await getSession<Data>(req).get('user')) ?? null, signed: req.signedCookies as object })
      })
      const url = await listen(app)
      const jar = new CookieJar()
      const login = await jar.fetch(`${url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"user":"ada"}',
      })
      expect(login.status).toBe(200)
      expect(await (await jar.fetch(`${url}/me`)).json()).toEqual({ user: 'ada', signed: { pref: 'x' } })
      const form = await jar.fetch(`${url}/count`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      })
      expect(form.status).toBe(302)
      expect(await countOf(await jar.fetch(`${url}/`))).toBe(1)
    })
  })
}

describe('log-in, regenerate and log-out (memory store)', () => {
  it('gives a new id at log-in, and the old cookie stops working; log-out expires the cookie', async () => {
    const app = express()
    app.use(express.urlencoded({ extended: false }))
    app.use(sessions<Data>({ secret: SECRET, store: memoryStore() }))
    app.post('/visit', async (req, res) => {
      const { session } = req as SessionRequest<Data, typeof req> // req.session, typed
      session.set('count', ((await session.get('count')) ?? 0) + 1)
      res.end()
    })
    app.post('/login', async (req, res) => {
      const session = getSession<Data>(req)
      await session.load()
      session.regenerate()
      session.set('user', 'ada')
      res.redirect('/')
    })
    app.post('/logout', (req, res) => {
      getSession(req).destroy()
      res.redirect('/')
    })
    app.get('/me', async (req, res) => {
      const session = getSession<Data>(req)
      res.json({ user: (await session.get('user')) ?? null, count: (await session.get('count')) ?? 0 })
    })
    const url = await listen(app)
    const jar = new CookieJar()
    await jar.fetch(`${url}/visit`, { method: 'POST' })
    const before = jar.cookies.get('_idx')!
    await jar.fetch(`${url}/login`, { method: 'POST' })
    const after = jar.cookies.get('_idx')!
    expect(after).not.toBe(before)
    expect(after.split('.')[0]).not.toBe(before.split('.')[0])
    expect(await (await jar.fetch(`${url}/me`)).json()).toEqual({ user: 'ada', count: 1 })
    // the pre-login cookie names no session any more
    const stale = await fetch(`${url}/me`, { headers: { cookie: `_idx=${before}` } })
    expect(await stale.json()).toEqual({ user: null, count: 0 })
    const logout = await jar.fetch(`${url}/logout`, { method: 'POST' })
    expect(logout.headers.getSetCookie()[0]).toMatch(/^_idx=; Max-Age=0/)
    expect(jar.cookies.size).toBe(0)
    const replay = await fetch(`${url}/me`, { headers: { cookie: `_idx=${after}` } })
    expect(await replay.json()).toEqual({ user: null, count: 0 })
  })
})

/** A memory store whose reads, or writes, fail as an unreachable backend does. */
function failingStore(fail: { read?: boolean; write?: boolean }): SessionStore {
  const inner = memoryStore()
  const down = () => new SessionStoreUnavailableError('store down', { cause: new Error('connect ECONNREFUSED 127.0.0.1:6379') })
  return {
    ...inner,
    read: async (value, ctx) => {
      if (fail.read) throw down()
      return inner.read(value, ctx)
    },
    write: async (record, ctx, options) => {
      if (fail.write) throw down()
      return inner.write(record, ctx, options)
    },
  }
}

describe('a failing store', () => {
  const expectOutage = async (response: Response) => {
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('5')
    expect(response.headers.get('x-powered-by')).toBeNull() // the dropped response's headers do not leak
    expect(response.headers.getSetCookie()).toEqual([])
    const body = await response.text()
    expect(body).toMatch(/^Service Unavailable/)
    expect(body).not.toMatch(/ at |ECONNREFUSED|store down/)
  }

  it('answers 503 with Retry-After when a read fails in the handler (never 500 with a stack)', async () => {
    const fail = { read: false }
    const url = await listen(counterApp({ store: failingStore(fail) }))
    const jar = new CookieJar()
    await jar.fetch(`${url}/count`, { method: 'POST' })
    fail.read = true
    await expectOutage(await jar.fetch(`${url}/`))
    await expectOutage(await jar.fetch(`${url}/stream`, { method: 'POST' }))
    fail.read = false
    expect(await countOf(await jar.fetch(`${url}/`))).toBe(1)
  })

  it('answers 503 when the save fails, and sends nothing of the response it held', async () => {
    const fail = { write: true }
    const url = await listen(counterApp({ store: failingStore(fail) }))
    const jar = new CookieJar()
    await expectOutage(await jar.fetch(`${url}/count`, { method: 'POST' }))
    await expectOutage(await jar.fetch(`${url}/stream`, { method: 'POST' }))
    await expectOutage(await jar.fetch(`${url}/pipe`, { method: 'POST' }))
    fail.write = false
    await jar.fetch(`${url}/count`, { method: 'POST' })
    expect(await countOf(await jar.fetch(`${url}/`))).toBe(1)
  })

  it('answers what onStoreError makes', async () => {
    const url = await listen(
      counterApp({
        store: failingStore({ write: true }),
        onStoreError: (error, req) =>
          new Response(`down: ${error.code} for ${req.method}`, { status: 503, headers: { 'retry-after': '30' } }),
      }),
    )
    const response = await fetch(`${url}/json`, { method: 'POST' })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('30')
    expect(await response.text()).toBe('down: ERR_SESSION_STORE_UNAVAILABLE for POST')
  })
})

describe('errors of the save', () => {
  it('go to next(err): the error handler answers, nothing of the held response is sent', async () => {
    const app = express()
    app.use(sessions<{ big: string }>({ secret: SECRET, store: cookieStore() }))
    app.post('/big', (req, res) => {
      getSession<{ big: string }>(req).set('big', 'x'.repeat(10_000))
      res.setHeader('x-held', 'yes')
      res.json({ saved: true })
    })
    const seen: unknown[] = []
    const handler: ErrorRequestHandler = (error, _req, res, _next) => {
      seen.push(error)
      res.status(500).json({ error: (error as { code?: string }).code })
    }
    app.use(handler)
    const url = await listen(app)
    const response = await fetch(`${url}/big`, { method: 'POST' })
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: 'ERR_SESSION_TOO_LARGE' })
    expect(response.headers.get('x-held')).toBeNull()
    expect(response.headers.getSetCookie()).toEqual([])
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(SessionTooLargeError)
  })
})

describe('a handover (any Handover, here a stand-in)', () => {
  const handoverApp = (data: Record<string, unknown>) => {
    const app = express()
    const seen: unknown[] = []
    app.use(
      sessions({
        secret: SECRET,
        store: memoryStore(),
        handover: {
          name: 'old',
          take: async (header) => (header.includes('old=good') ? { data, expire: ['old=; Max-Age=0'] } : undefined),
        },
      }),
    )
    app.get('/', async (req, res) => {
      res.json(await getSession(req).all())
    })
    app.use(((error, _req, res, _next) => {
      seen.push(error)
      res.status(500).end()
    }) as ErrorRequestHandler)
    return { app, seen }
  }

  it('starts the sesh session with the old data, then expires the old cookie', async () => {
    const { app } = handoverApp({ user: 'ada' })
    const url = await listen(app)
    const jar = new CookieJar()
    jar.cookies.set('old', 'good')
    const first = await jar.fetch(url)
    expect(await first.json()).toEqual({ user: 'ada' })
    expect(first.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['_idx', 'old'])
    expect([...jar.cookies.keys()]).toEqual(['_idx'])
    expect(await (await jar.fetch(url)).json()).toEqual({ user: 'ada' })
  })

  it('sends old data sesh cannot keep to next(err), keeping the old cookie', async () => {
    const { app, seen } = handoverApp({ when: new Date(0) })
    const url = await listen(app)
    const response = await fetch(url, { headers: { cookie: 'old=good' } })
    expect(response.status).toBe(500)
    expect(response.headers.getSetCookie()).toEqual([])
    expect(seen).toEqual([expect.objectContaining({ code: 'ERR_SESSION_NOT_SERIALIZABLE' })])
  })
})

describe('typing and mounting', () => {
  it('getSession() throws a TypeError without the middleware', async () => {
    const app = express()
    let thrown: unknown
    app.get('/', (req, res) => {
      try {
        getSession(req)
      } catch (error) {
        thrown = error
      }
      res.end()
    })
    const url = await listen(app)
    await fetch(url)
    expect(thrown).toBeInstanceOf(TypeError)
  })

  it('a second mount keeps the first one session', async () => {
    const first = sessions<Data>({ secret: SECRET, store: memoryStore() })
    const second = sessions<Data>({ secret: SECRET, store: memoryStore() })
    const app = express()
    app.use(first, second)
    app.post('/', async (req, res) => {
      expect(second.get(req)).toBe(first.get(req))
      first.get(req).set('count', 1)
      res.end()
    })
    const url = await listen(app)
    const jar = new CookieJar()
    const response = await jar.fetch(url, { method: 'POST' })
    expect(response.headers.getSetCookie()).toHaveLength(1)
    expect(await first.sessions.byId.load(jar.cookies.get('_idx')!.split('.')[0]!)).toBeDefined()
  })
})
