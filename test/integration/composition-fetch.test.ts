/**
 * The composition matrix on `app.fetch` with the runtime's own `Request` and
 * `Response` (the Workers path): see composition.ts.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { etag, RETAINED_304_HEADERS } from 'hono/etag'
import { describe, expect, it } from 'vitest'
import { type SessionEnv, sessions } from 'seshjs'
import { CookieJar, SECRET } from '../helpers.js'
import { browserHeaders, compositionApp, formBody, journey, MIDDLEWARE, QUERY, readJson, type Send, STORES } from './composition.js'

const ORIGIN = 'https://app.example'

describe.each(STORES)('app.fetch, %s', (_store, options) => {
  describe.each(MIDDLEWARE)('under %s', (_name, outer) => {
    it('logs in, writes, logs out: the browser ends with no session', () => {
      const app = compositionApp(outer(), options())
      const send: Send = async (jar: CookieJar, step) => {
        const headers = new Headers(browserHeaders(step, ORIGIN))
        if (jar.cookies.size > 0) headers.set('cookie', jar.header())
        const response = await app.fetch(
          new Request(`${ORIGIN}${step.path}?${QUERY}`, { method: step.method, headers, body: formBody(step) }),
        )
        jar.take(response)
        return { status: response.status, body: await readJson(response.body, response.headers.get('content-encoding')) }
      }
      return journey(send)
    })
  })
})

describe('etag() answering 304, placed as docs/security.md says', () => {
  /** A logout by link, the second time with the ETag of the first (the browser's cached copy). */
  async function logoutTwice(app: Hono<SessionEnv<{ user?: string }>>): Promise<CookieJar> {
    const jar = new CookieJar()
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const response = await app.fetch(
        new Request(`${ORIGIN}${path}`, { headers: { ...headers, ...(jar.cookies.size ? { cookie: jar.header() } : {}) } }),
      )
      jar.take(response)
      return response
    }
    await get('/login')
    const tag = (await get('/logout')).headers.get('etag')!
    await get('/login')
    expect(jar.cookies.has('_idx')).toBe(true)
    expect((await get('/logout', { 'if-none-match': tag })).status).toBe(304)
    return jar
  }
  function app(outer: MiddlewareHandler[], inner: MiddlewareHandler[]) {
    const app = new Hono<SessionEnv<{ user?: string }>>()
    for (const middleware of outer) app.use(middleware)
    app.use(sessions<{ user?: string }>({ secret: SECRET }))
    for (const middleware of inner) app.use(middleware)
    app.get('/login', (c) => {
      c.get('session').set('user', 'ada')
      return c.text('welcome')
    })
    app.get('/logout', (c) => {
      c.get('session').destroy()
      return c.text('logged out')
    })
    return app
  }

  it('inside sessions(): the 304 carries the expiry', async () => {
    expect((await logoutTwice(app([], [etag()]))).cookies.has('_idx')).toBe(false)
  })

  it('outside, keeping set-cookie among its retained headers: the 304 carries the expiry', async () => {
    const kept = etag({ retainedHeaders: [...RETAINED_304_HEADERS, 'set-cookie'] })
    expect((await logoutTwice(app([kept], []))).cookies.has('_idx')).toBe(false)
  })
})
