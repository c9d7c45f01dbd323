/**
 * seshjs/react-router under React Router's own request handler, over real
 * HTTP: the middleware and the SessionStorage, on the cookie store and the
 * memory store; log-in (regenerate), log-out, a failed handler, a store outage.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSessions, memoryStore, type SessionStore, SessionStoreUnavailableError, cookieStore } from 'seshjs'
import { createSessionStorage, sessionMiddleware } from 'seshjs/react-router'
import { CookieJar, SECRET, unavailableStore } from '../helpers.js'
import { build, type Data, serveBuild } from './app.js'

const STORES: Array<[string, () => SessionStore | undefined]> = [
  ['cookie store', () => undefined],
  ['memory store', () => memoryStore()],
]

async function countOf(jar: CookieJar, url: string): Promise<number> {
  const page = await jar.fetch(`${url}/`)
  expect(page.status).toBe(200)
  const match = /^Count (\d+)$/.exec(await page.text())
  if (!match) throw new Error('no count on the page')
  return Number(match[1])
}

describe.each(STORES)('seshjs/react-router on the %s', (name, makeStore) => {
  let server: { url: string; close(): Promise<void> }
  const errors: unknown[] = []
  beforeAll(async () => {
    const store = makeStore()
    const options = { secret: SECRET, ...(store ? { store } : {}) }
    server = await serveBuild(build(sessionMiddleware<Data>(options), createSessionStorage<Data>(options), errors))
  })
  afterAll(async () => {
    await server.close()
  })

  it('counts: GET / shows Count N, POST /count adds one and redirects with the cookie, POST /reset ends it', async () => {
    const jar = new CookieJar()
    const first = await jar.fetch(`${server.url}/`)
    expect(await first.text()).toBe('Count 0')
    expect(first.headers.getSetCookie()).toEqual([]) // an untouched new session sends nothing
    const post = await jar.fetch(`${server.url}/count`, { method: 'POST' })
    expect(post.status).toBe(302)
    expect(post.headers.get('location')).toBe('/')
    expect(post.headers.getSetCookie()).toHaveLength(1)
    expect(post.headers.getSetCookie()[0]).toMatch(/^_idx=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/)
    expect(await countOf(jar, server.url)).toBe(1)
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    expect(await countOf(jar, server.url)).toBe(2)
    const reset = await jar.fetch(`${server.url}/reset`, { method: 'POST' })
    expect(reset.headers.getSetCookie()[0]).toMatch(/^_idx=; Max-Age=0/)
    expect(jar.cookies.size).toBe(0)
    expect(await countOf(jar, server.url)).toBe(0)
  })

  it('logs in with a new id (regenerate) and a flash message, and logs out', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const before = jar.cookies.get('_idx')!
    const login = await jar.fetch(`${server.url}/login`, { method: 'POST' })
    expect(login.status).toBe(303)
    const after = jar.cookies.get('_idx')!
    expect(after).not.toBe(before)
    expect(await (await jar.fetch(`${server.url}/whoami`)).json()).toEqual({ user: 'ada', notice: 'welcome' })
    expect(await (await jar.fetch(`${server.url}/whoami`)).json()).toEqual({ user: 'ada', notice: null }) // read once
    expect(await countOf(jar, server.url)).toBe(1) // the data came along
    if (name === 'memory store') {
      // the id before the log-in opens nothing any more
      const stale = new CookieJar()
      stale.cookies.set('_idx', before)
      expect(await (await stale.fetch(`${server.url}/whoami`)).json()).toEqual({ user: null, notice: null })
    }
    const logout = await jar.fetch(`${server.url}/logout`, { method: 'POST' })
    expect(logout.headers.getSetCookie()[0]).toMatch(/^_idx=; Max-Age=0/)
    expect(await (await jar.fetch(`${server.url}/whoami`)).json()).toEqual({ user: null, notice: null })
    if (name === 'memory store') {
      const replay = new CookieJar()
      replay.cookies.set('_idx', after)
      expect(await (await replay.fetch(`${server.url}/whoami`)).json()).toEqual({ user: null, notice: null })
    }
  })

  it('on a document route rendered by React: the loader reads the session, the action writes it', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const page = await jar.fetch(`${server.url}/page`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<p id="count">Count 1</p>')
    const post = await jar.fetch(`${server.url}/page`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: 'go=1',
    })
    expect(post.status).toBe(303)
    expect(post.headers.getSetCookie()).toHaveLength(1)
    expect(await (await jar.fetch(`${server.url}/page`)).text()).toContain('<p id="count">Count 11</p>')
    expect(await countOf(jar, server.url)).toBe(11)
  })

  it('a handler that fails (500) saves nothing', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' })
    const failed = await jar.fetch(`${server.url}/fail`, { method: 'POST' })
    expect(failed.status).toBe(500)
    expect(errors.splice(0)).toEqual([expect.objectContaining({ message: 'the handler failed' })])
    expect(failed.headers.getSetCookie()).toEqual([])
    expect(await countOf(jar, server.url)).toBe(1)
  })

  it('SessionStorage: getSession/commitSession/destroySession, in the same cookie the middleware reads', async () => {
    const jar = new CookieJar()
    await jar.fetch(`${server.url}/count`, { method: 'POST' }) // through the middleware
    const counted = await jar.fetch(`${server.url}/storage/count`, { method: 'POST' }) // through SessionStorage
    expect(counted.status).toBe(302)
    expect(counted.headers.getSetCookie()).toHaveLength(1)
    const shown = (await (await jar.fetch(`${server.url}/storage`)).json()) as Record<string, unknown>
    expect(shown).toMatchObject({ count: 2, has: true, data: { count: 2 }, notice: 'counted' })
    expect(shown.id === '').toBe(name === 'cookie store') // the cookie store keeps no id
    expect(await countOf(jar, server.url)).toBe(2) // the middleware reads what the storage wrote
    // an unchanged session is not rewritten: no cookie to send
    expect(await (await jar.fetch(`${server.url}/storage/unchanged`, { method: 'POST' })).json()).toEqual({ cookie: '' })
    const out = await jar.fetch(`${server.url}/storage/logout`, { method: 'POST' })
    expect(out.headers.getSetCookie()[0]).toMatch(/^_idx=; Max-Age=0/)
    expect(await countOf(jar, server.url)).toBe(0)
  })
})

describe('seshjs/react-router when the store fails', () => {
  it('a read that fails in a loader answers 503, and nothing is written', async () => {
    // a valid signed cookie for the server store that is down
    const memory = createSessions<Data>({ secret: SECRET, store: memoryStore() })
    const made = memory.open(undefined)
    made.set('count', 1)
    const cookie = (await memory.saveCookie(made))!.value!
    const store = unavailableStore()
    const errors: unknown[] = []
    const server = await serveBuild(
      build(sessionMiddleware<Data>({ secret: SECRET, store }), createSessionStorage<Data>({ secret: SECRET, store }), errors),
    )
    try {
      const jar = new CookieJar()
      jar.cookies.set('_idx', cookie)
      const page = await jar.fetch(`${server.url}/`)
      expect(page.status).toBe(503)
      expect(page.headers.get('retry-after')).toBe('5')
      expect(page.headers.getSetCookie()).toEqual([])
      const post = await jar.fetch(`${server.url}/count`, { method: 'POST' })
      expect(post.status).toBe(503)
      expect(store.write).not.toHaveBeenCalled()
      expect(store.delete).not.toHaveBeenCalled()
      expect(jar.cookies.get('_idx')).toBe(cookie) // not logged out
      expect(errors.map((error) => (error as Error).name)).toEqual(['SessionStoreUnavailableError', 'SessionStoreUnavailableError'])
    } finally {
      await server.close()
    }
  })

  it('a save that fails answers 503 (or onStoreError), with no cookie', async () => {
    const store: SessionStore = {
      read: async () => undefined,
      write: async () => {
        throw new SessionStoreUnavailableError('store down')
      },
      delete: async () => {},
    }
    const onStoreError = vi.fn(() => new Response('try later', { status: 503 }))
    const server = await serveBuild(
      build(sessionMiddleware<Data>({ secret: SECRET, store, onStoreError }), createSessionStorage<Data>({ secret: SECRET, store })),
    )
    try {
      const post = await fetch(`${server.url}/count`, { method: 'POST', redirect: 'manual' })
      expect(post.status).toBe(503)
      expect(await post.text()).toBe('try later')
      expect(post.headers.getSetCookie()).toEqual([])
      expect(onStoreError).toHaveBeenCalledTimes(1)
    } finally {
      await server.close()
    }
  })
})

describe('seshjs/react-router and chunked cookies', () => {
  it('createSessionStorage refuses a store that splits the cookie (one Set-Cookie per commit); the middleware sends every chunk', async () => {
    expect(() => createSessionStorage({ secret: SECRET, store: cookieStore({ chunks: true }) })).toThrow(/sessionMiddleware\(\)/)
    const big = 'x'.repeat(6000)
    const session = sessionMiddleware<{ big: string }>({ secret: SECRET, store: cookieStore({ chunks: true }) })
    const server = await serveBuild({
      ...build(sessionMiddleware<Data>({ secret: SECRET }), createSessionStorage<Data>({ secret: SECRET })),
      routes: {
        root: { id: 'root', path: '', module: { middleware: [session] } as never },
        big: {
          id: 'big',
          parentId: 'root',
          path: 'big',
          module: {
            async action({ context }: { context: never }) {
              session.get(context).set('big', big)
              return new Response(null, { status: 204 })
            },
            async loader({ context }: { context: never }) {
              return new Response(String(((await session.get(context).get('big')) ?? '').length))
            },
          } as never,
        },
      },
    })
    try {
      const jar = new CookieJar()
      const post = await jar.fetch(`${server.url}/big`, { method: 'POST' })
      expect(post.headers.getSetCookie().length).toBeGreaterThan(1)
      expect(await (await jar.fetch(`${server.url}/big`)).text()).toBe('6000')
    } finally {
      await server.close()
    }
  })
})
