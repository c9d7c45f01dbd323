/**
 * The Hono middleware on @hono/node-server reads the `Cookie` header from Node's
 * own request rather than building the Fetch `Headers` of every request, and
 * falls back to `c.req` whenever that could give a different answer.
 */
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono, type MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SessionEnv, sessions } from 'seshjs'
import { requestListener } from 'seshjs/node'
import { SECRET } from '../helpers.js'

type Env = SessionEnv<{ count: number }>

/** Counts `new Headers()` while it runs (node-server builds a request's headers with the global). */
function countingHeaders(): MiddlewareHandler {
  return async (c, next) => {
    const Original = globalThis.Headers
    let built = 0
    globalThis.Headers = class extends Original {
      constructor(init?: HeadersInit) {
        super(init)
        built++
      }
    }
    try {
      await next()
    } finally {
      globalThis.Headers = Original
    }
    c.res.headers.set('x-headers-built', String(built))
  }
}

/** GET over node:http (no Fetch `Headers` on the client side), each header line as given. */
function get(
  url: string,
  rawHeaders: [string, string][] = [],
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const { host } = new URL(url)
    // An array keeps repeated lines apart (and then Node adds no Host of its own).
    const headers = [['host', host], ...rawHeaders].flat() as unknown as Record<string, string>
    const req = httpRequest(url, { headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the middleware on @hono/node-server', () => {
  let url: string
  let close: () => void
  let cookie: string

  beforeAll(async () => {
    const app = new Hono<Env>()
    app.use('/counted/*', countingHeaders())
    // A middleware that rewrites the request's cookies before sesh sees them.
    app.use('/rewritten/*', async (c, next) => {
      c.req.raw.headers.set('cookie', c.req.header('x-cookie') ?? '')
      await next()
    })
    app.use(sessions<{ count: number }>({ secret: SECRET }))
    for (const prefix of ['', '/counted', '/rewritten']) {
      app.get(`${prefix}/read`, async (c) => c.text(String((await c.get('session').get('count')) ?? 0)))
      app.get(`${prefix}/write`, async (c) => {
        const session = c.get('session')
        const count = ((await session.get('count')) ?? 0) + 1
        session.set('count', count)
        return c.text(String(count))
      })
    }
    await new Promise<void>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        url = `http://127.0.0.1:${info.port}`
        close = () => server.close()
        resolve()
      })
    })
    const first = await get(`${url}/write`)
    cookie = String(first.headers['set-cookie']).split(';')[0]!
    expect(cookie).toMatch(/^_idx=/)
  })
  afterAll(() => close())

  it('reads a session without building the request headers', async () => {
    const read = await get(`${url}/counted/read`, [['cookie', cookie]])
    expect(read.body).toBe('1')
    expect(read.headers['x-headers-built']).toBe('0')
  })

  it('still writes the session (the response headers are built for the cookie only)', async () => {
    const write = await get(`${url}/counted/write`, [['cookie', cookie]])
    expect(write.body).toBe('2')
    expect(String(write.headers['set-cookie'])).toMatch(/^_idx=/)
  })

  it('finds the session cookie among several Cookie header lines', async () => {
    const read = await get(`${url}/read`, [
      ['cookie', 'a=1'],
      ['cookie', cookie],
      ['cookie', 'b=2'],
    ])
    expect(read.body).toBe('1')
  })

  it('sees the cookie a middleware before it put on the request, not the one Node received', async () => {
    const read = await get(`${url}/rewritten/read`, [['x-cookie', cookie]])
    expect(read.body).toBe('1')
    const dropped = await get(`${url}/rewritten/read`, [['cookie', cookie]])
    expect(dropped.body).toBe('0') // the middleware replaced it with an empty Cookie header
  })
})

describe('the middleware on @hono/node-server reads the cookie c.req reads', () => {
  let url: string
  let server: Server
  const cookies: string[] = []

  beforeAll(async () => {
    const app = new Hono<Env>()
    app.use(sessions<{ count: number }>({ secret: SECRET }))
    app.get('/write', async (c) => {
      const session = c.get('session')
      session.set('count', ((await session.get('count')) ?? 0) + 10 ** cookies.length) // 1, then 10
      return c.text('ok')
    })
    app.get('/read', async (c) => c.json({ session: (await c.get('session').get('count')) ?? 0, app: getCookie(c, '_idx') ?? null }))
    const listener = requestListener(app.fetch)
    // code in front of node-server that rewrites Node's parsed headers (node-server builds c.req from rawHeaders)
    server = createServer((req, res) => {
      if (req.headers['x-rewrite']) req.headers.cookie = String(req.headers['x-rewrite'])
      void listener(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    for (let i = 0; i < 2; i++) cookies.push(String((await get(`${url}/write`)).headers['set-cookie']).split(';')[0]!)
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it("takes the Cookie header as received, as c.req and the app's getCookie() do, not a rewrite of req.headers", async () => {
    const [first, second] = cookies as [string, string]
    const read = await get(`${url}/read`, [
      ['cookie', first],
      ['x-rewrite', second],
    ])
    expect(JSON.parse(read.body)).toEqual({ session: 1, app: first.slice('_idx='.length) })
  })
})
