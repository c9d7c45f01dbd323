/**
 * The composition matrix (issue 20, item 10): sesh under Hono's own middleware,
 * each placed outside `app.use(sessions())`, as apps place them. Each runtime's
 * test file (composition-*.test.ts) drives the same journey through its own
 * door — `seshjs/node` over real HTTP, `app.fetch` (the Workers path),
 * `seshjs/lambda` with API Gateway v2 events — and asserts what the browser's
 * cookie jar holds at the end. Each runtime has a file of its own: node-server
 * replaces the global `Response` with its own for the whole process.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import { cors } from 'hono/cors'
import { csrf } from 'hono/csrf'
import { etag } from 'hono/etag'
import { prettyJSON } from 'hono/pretty-json'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { timing } from 'hono/timing'
import { expect } from 'vitest'
import { memoryStore, type SessionEnv, type SessionMiddlewareOptions, sessions } from 'seshjs'
import { CookieJar, SECRET } from '../helpers.js'

type Data = { user?: string; count?: number }

/** Outer middleware, one row each; every row also runs with each store. */
export const MIDDLEWARE: [name: string, make: () => MiddlewareHandler[]][] = [
  ['nothing', () => []],
  ['compress', () => [compress()]],
  ['etag', () => [etag()]],
  ['prettyJSON', () => [prettyJSON()]],
  ['secureHeaders', () => [secureHeaders()]],
  // an origin that is not '*' makes cors() append `Vary: Origin` with c.header() after the handler
  ['cors', () => [cors({ origin: (origin) => origin })]],
  ['csrf', () => [csrf()]],
  ['timing', () => [timing()]],
  ['requestId', () => [requestId()]],
  ['bodyLimit', () => [bodyLimit({ maxSize: 64 * 1024 })]],
  ['an outer c.header()', () => [outerHeader()]],
  [
    'all of them',
    () => [
      requestId(),
      timing(),
      secureHeaders(),
      cors({ origin: (origin) => origin }),
      csrf(),
      bodyLimit({ maxSize: 64 * 1024 }),
      compress(),
      etag(),
      prettyJSON(),
      outerHeader(),
    ],
  ],
]

export const STORES: [name: string, options: () => SessionMiddlewareOptions][] = [
  ['cookie store', () => ({ secret: SECRET })],
  ['memory store', () => ({ secret: SECRET, store: memoryStore() })],
]

/** A middleware of the app's own that sets a header once the handler has answered. */
function outerHeader(): MiddlewareHandler {
  return async function outerHeader(c, next) {
    await next()
    c.header('x-served-by', 'app')
  }
}

/** Over compress()'s 1 KB threshold, as pages are. */
const PAD = 'x'.repeat(2048)

/** The app: the row's middleware outside sesh, then login, a counter (GET and POST), logout and a read. */
export function compositionApp(outer: MiddlewareHandler[], options: SessionMiddlewareOptions): Hono<SessionEnv<Data>> {
  const app = new Hono<SessionEnv<Data>>()
  for (const middleware of outer) app.use(middleware)
  app.use(sessions<Data>(options))
  app.post('/login', async (c) => {
    const form = await c.req.parseBody()
    const session = c.get('session')
    session.regenerate()
    session.set('user', String(form.user))
    return c.json({ ok: true, pad: PAD })
  })
  const count = async (c: Context<SessionEnv<Data>>) => {
    const session = c.get('session')
    const next = ((await session.get('count')) ?? 0) + 1
    session.set('count', next)
    return c.json({ count: next, pad: PAD })
  }
  app.get('/count', (c) => count(c))
  app.post('/count', (c) => count(c))
  const logout = (c: Context<SessionEnv<Data>>) => {
    c.get('session').destroy()
    return c.json({ ok: true, pad: PAD })
  }
  app.get('/logout', (c) => logout(c)) // a link
  app.post('/logout', (c) => logout(c)) // a form
  app.get('/me', async (c) => {
    const session = c.get('session')
    return c.json({ user: (await session.get('user')) ?? null, count: (await session.get('count')) ?? null, pad: PAD })
  })
  return app
}

/** What a browser sends: a form or nothing, with the headers a browser adds. */
export interface Step {
  method: 'GET' | 'POST'
  path: string
  form?: Record<string, string>
}

/** A runtime's door: sends a step with the jar's cookies, keeps what the response sets, returns the JSON body. */
export type Send = (jar: CookieJar, step: Step) => Promise<{ status: number; body: { user?: string | null; count?: number | null } }>

/** Every request's query: prettyJSON() acts on `?pretty`. */
export const QUERY = 'pretty'

/** The headers a browser sends with a step (`origin`: the app's own, for csrf() and cors()). */
export function browserHeaders(step: Step, origin: string): Record<string, string> {
  return {
    'accept-encoding': 'gzip, deflate',
    ...(step.method === 'GET' ? {} : { origin }),
    ...(step.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
  }
}

/** A step's body. */
export function formBody(step: Step): string | undefined {
  return step.form ? new URLSearchParams(step.form).toString() : undefined
}

/** The JSON of a response body, gunzipped when compress() compressed it. */
export async function readJson(body: ReadableStream<Uint8Array> | null, encoding: string | null): Promise<never> {
  if (!body) return {} as never
  const stream =
    encoding === 'gzip' || encoding === 'deflate'
      ? body.pipeThrough(new DecompressionStream(encoding) as ReadableWritablePair<Uint8Array, Uint8Array>)
      : body
  return (await new Response(stream).json()) as never
}

/**
 * Login, a write by link and by form, logout by form; login again, logout by
 * link. After each logout the browser holds no session cookie and the app sees
 * nobody.
 */
export async function journey(send: Send): Promise<void> {
  const jar = new CookieJar()
  const me = async () => (await send(jar, { method: 'GET', path: '/me' })).body

  for (const logout of ['POST', 'GET'] as const) {
    const login = await send(jar, { method: 'POST', path: '/login', form: { user: 'ada' } })
    expect(login.status).toBe(200)
    expect(jar.cookies.has('_idx'), 'the login set a session cookie').toBe(true)
    expect(await me()).toMatchObject({ user: 'ada', count: null })

    expect((await send(jar, { method: 'GET', path: '/count' })).body).toMatchObject({ count: 1 })
    expect((await send(jar, { method: 'POST', path: '/count', form: {} })).body).toMatchObject({ count: 2 })
    expect(await me(), 'both writes were kept').toMatchObject({ user: 'ada', count: 2 })

    expect((await send(jar, { method: logout, path: '/logout', ...(logout === 'POST' ? { form: {} } : {}) })).status).toBe(200)
    expect([...jar.cookies.keys()], `after logout by ${logout}, the browser holds no session cookie`).not.toContain('_idx')
    expect(await me(), `after logout by ${logout}, nobody is logged in`).toMatchObject({ user: null, count: null })
  }
}
