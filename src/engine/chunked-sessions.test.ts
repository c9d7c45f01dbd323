/** Chunked cookies through the engine: load/commit, open/saveCookie, the middleware, hostile sets with real seals. */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { CookieJar, SECRET } from '../../test/helpers.js'
import { SessionTooLargeError } from '../errors.js'
import { sessions, type SessionEnv } from '../hono/middleware.js'
import { resolveConfig } from './options.js'
import { createSessions } from './engine.js'
import { cookieStore } from '../stores/cookie/index.js'
import { memoryStore } from '../stores/memory/index.js'
import { serverStore } from '../stores/server.js'
import type { SessionStore } from '../stores/contract.js'

const OTHER = 'zyxwvutsrqponmlkjihgfedcba9876543210'
type Data = { blob?: string; n?: number }

/** About `kb` KB of JSON that does not compress into anything smaller on the wire. */
function blob(kb: number): string {
  let out = ''
  for (let i = 0; out.length < kb * 1024; i++) out += ((i * 2654435761) >>> 0).toString(36)
  return out.slice(0, kb * 1024)
}

const request = (cookie?: string) => new Request('http://localhost/', cookie ? { headers: { cookie } } : {})
const pairs = (headers: readonly string[]) => headers.map((h) => h.split(';')[0]!)
const names = (headers: readonly string[]) => headers.map((h) => h.slice(0, h.indexOf('=')))

/** A jar fed by a response, as a browser would keep it. */
function jarOf(response: Response, jar = new CookieJar()): CookieJar {
  jar.take(response)
  return jar
}

describe('chunked cookies through load() and commit()', () => {
  const engine = createSessions<Data>({ secret: SECRET, store: cookieStore({ chunks: true }) })

  it('a 10 KB session round-trips over four cookies; an unchanged read sends nothing', async () => {
    const data = blob(10)
    const session = await engine.load(request())
    session.set('blob', data)
    const response = await engine.commit(session, new Response('ok'))
    const set = response.headers.getSetCookie()
    expect(names(set)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    const jar = jarOf(response)

    const again = await engine.load(request(jar.header()))
    expect(await again.get('blob')).toBe(data)
    expect(again.isNew).toBe(false)
    expect((await engine.commit(again, new Response())).headers.getSetCookie()).toEqual([])
  })

  it('shrinking the session sends one cookie and expires the chunks the request carried', async () => {
    const session = await engine.load(request())
    session.set('blob', blob(10))
    const jar = jarOf(await engine.commit(session, new Response()))

    const shrink = await engine.load(request(jar.header()))
    shrink.set('blob', 'small')
    const response = await engine.commit(shrink, new Response())
    const set = response.headers.getSetCookie()
    expect(names(set)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
    expect(set.slice(1).every((h) => /=; Max-Age=0; Path=\//.test(h))).toBe(true)
    jar.take(response)
    expect([...jar.cookies.keys()]).toEqual(['_idx'])
    expect(await (await engine.load(request(jar.header()))).get('blob')).toBe('small')
  })

  it('destroy() expires the cookie and every chunk', async () => {
    const session = await engine.load(request())
    session.set('blob', blob(4))
    const jar = jarOf(await engine.commit(session, new Response()))
    expect(jar.cookies.size).toBe(2)
    const ending = await engine.load(request(jar.header()))
    ending.destroy()
    const set = (await engine.commit(ending, new Response())).headers.getSetCookie()
    expect(pairs(set)).toEqual(['_idx=', '_idx.1='])
    expect(set.every((h) => h.includes('Max-Age=0'))).toBe(true)
  })

  it('past the maximum: the same SessionTooLargeError, before anything is sent', async () => {
    const session = await engine.load(request())
    session.set('blob', blob(11))
    const error = await engine.commit(session, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect((error as SessionTooLargeError).limit).toBe(14 * 1024)
    expect((error as Error).message).toMatch(/server-side store/)
  })

  it('maxBytes lowers the limit (e.g. behind API Gateway)', async () => {
    const small = createSessions<Data>({ secret: SECRET, store: cookieStore({ chunks: 4, maxBytes: 8000 }) })
    const session = await small.load(request())
    session.set('blob', blob(6))
    const error = await small.commit(session, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect((error as SessionTooLargeError).limit).toBe(8000)
  })

  it('without chunks, the same session is refused at 4096 bytes, as before', async () => {
    const plain = createSessions<Data>({ secret: SECRET })
    const session = await plain.load(request())
    session.set('blob', blob(6))
    const error = await plain.commit(session, new Response()).catch((e: unknown) => e)
    expect((error as SessionTooLargeError).limit).toBe(4096)
  })

  it('a small session with chunks on is one plain cookie, readable without chunks', async () => {
    const session = await engine.load(request())
    session.set('n', 1)
    const response = await engine.commit(session, new Response())
    expect(names(response.headers.getSetCookie())).toEqual(['_idx'])
    const plain = createSessions<Data>({ secret: SECRET })
    expect(await (await plain.load(request(jarOf(response).header()))).get('n')).toBe(1)
  })
})

describe('hostile chunk sets, sealed for real', () => {
  const engine = createSessions<Data>({ secret: SECRET, store: cookieStore({ chunks: 4 }) })
  const foreign = createSessions<Data>({ secret: OTHER, store: cookieStore({ chunks: 4 }) })

  async function chunksOf(sessions: typeof engine, kb: number): Promise<Map<string, string>> {
    const session = sessions.open(undefined)
    session.set('blob', blob(kb))
    return new Map(
      pairs((await sessions.saveCookie(session))!.headers).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
    )
  }
  const header = (chunks: Map<string, string>, extra = '') =>
    [...chunks].map(([n, v]) => `${n}=${v}`).join('; ') + (extra ? `; ${extra}` : '')

  /** Loads the header, reads, and checks the session is fresh and reading sends no cookie. */
  async function expectFresh(cookie: string): Promise<void> {
    const session = await engine.load(request(cookie))
    expect(await session.all()).toEqual({})
    expect(session.isNew).toBe(true)
    expect((await engine.commit(session, new Response())).headers.getSetCookie()).toEqual([])
  }

  it('the genuine set opens', async () => {
    const chunks = await chunksOf(engine, 10)
    expect(chunks.size).toBe(4)
    expect(await (await engine.load(request(header(chunks)))).get('blob')).toBe(blob(10))
  })

  it('missing, reordered, duplicated, oversized, too many, foreign: a fresh session, never a throw', async () => {
    const good = await chunksOf(engine, 10)
    const other = await chunksOf(foreign, 10)
    const missing = new Map(good)
    missing.delete('_idx.2')
    const reordered = new Map(good)
    reordered.set('_idx.1', good.get('_idx.2')!).set('_idx.2', good.get('_idx.1')!)
    const mixed = new Map(good)
    mixed.set('_idx.2', other.get('_idx.2')!)
    const oversized = new Map(good)
    oversized.set('_idx.3', 'A'.repeat(5000))
    const tooMany = new Map(good)
    tooMany.set('_idx', `9~${good.get('_idx')!.slice(2)}`)
    const fewer = new Map(good)
    fewer.set('_idx', `3~${good.get('_idx')!.slice(2)}`)
    for (const cookie of [
      header(missing),
      header(reordered),
      header(mixed),
      header(oversized),
      header(tooMany),
      header(fewer),
      header(good, `_idx.1=${other.get('_idx.1')!}`), // a tossed duplicate, sent last
      header(other), // another secret's whole set
    ]) {
      await expectFresh(cookie)
    }
  })

  it('a stray _idx.7 does not spoil the set, and the next write expires it', async () => {
    const good = await chunksOf(engine, 10)
    const session = await engine.load(request(header(good, '_idx.7=stray')))
    expect(await session.get('blob')).toBe(blob(10))
    session.set('n', 1)
    const set = (await engine.commit(session, new Response())).headers.getSetCookie()
    expect(names(set)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3', '_idx.7'])
    expect(set[4]).toMatch(/^_idx\.7=; Max-Age=0/)
  })

  it('a bad set gets a fresh session; writing to it expires the stale chunks', async () => {
    const good = await chunksOf(engine, 10)
    good.delete('_idx.1')
    const session = await engine.load(request(header(good)))
    expect(await session.all()).toEqual({})
    session.set('n', 2)
    const set = (await engine.commit(session, new Response())).headers.getSetCookie()
    expect(names(set)).toEqual(['_idx', '_idx.2', '_idx.3'])
    expect(set.slice(1).every((h) => h.includes('Max-Age=0'))).toBe(true)
  })

  it('destroying a session whose set was bad expires what the request carried', async () => {
    const good = await chunksOf(engine, 10)
    good.delete('_idx.3')
    const session = await engine.load(request(header(good)))
    session.destroy()
    expect(pairs((await engine.commit(session, new Response())).headers.getSetCookie())).toEqual(['_idx=', '_idx.1=', '_idx.2='])
  })
})

describe('the cookie-value door with chunks', () => {
  const engine = createSessions<Data>({ secret: SECRET, store: cookieStore({ chunks: 4 }) })

  it('saveCookie() gives the joined value and every header; open(value) and open({ header }) read it back', async () => {
    const session = engine.open(undefined)
    session.set('blob', blob(10))
    const saved = (await engine.saveCookie(session))!
    expect(saved.headers).toHaveLength(4)
    expect(saved.header).toBe(saved.headers[0])
    expect(saved.value).toMatch(/^eyJ[\w.-]+$/) // the whole JWE, not the first chunk
    expect(await engine.open(saved.value!).get('blob')).toBe(blob(10))
    expect(await engine.open({ header: pairs(saved.headers).join('; ') }).get('blob')).toBe(blob(10))
    expect(await engine.open({ header: null }).all()).toEqual({})
  })

  it('a session opened by value expires the chunks that value was sent as when it shrinks', async () => {
    const session = engine.open(undefined)
    session.set('blob', blob(10))
    const { value } = (await engine.saveCookie(session))!
    const shrink = engine.open(value!)
    shrink.set('blob', 'small')
    expect(names((await engine.saveCookie(shrink))!.headers)).toEqual(['_idx', '_idx.1', '_idx.2', '_idx.3'])
  })

  it('save() refuses with a TypeError naming commit() and saveCookie(); unchanged without chunks', async () => {
    const session = engine.open(undefined)
    session.set('n', 1)
    await expect(engine.save(session)).rejects.toThrow(/saveCookie\(session\)/)
    await expect(engine.save(session)).rejects.toBeInstanceOf(TypeError)
    const plain = createSessions<Data>({ secret: SECRET })
    const one = plain.open(undefined)
    one.set('n', 1)
    expect(await plain.save(one)).toMatch(/^_idx=eyJ/)
  })

  it('open() refuses what is neither a value nor { header }', () => {
    expect(() => engine.open(42 as never)).toThrow(TypeError)
    expect(() => engine.open({ header: 42 } as never)).toThrow(TypeError)
  })
})

describe('the middleware with chunks', () => {
  it('sends every chunk through Hono and reads them back', async () => {
    const app = new Hono<SessionEnv<Data>>()
    app.use(sessions({ secret: SECRET, store: cookieStore({ chunks: 4 }) }))
    app.post('/grow', (c) => {
      c.get('session').set('blob', blob(10))
      return c.text('ok')
    })
    app.get('/size', async (c) => c.text(String((await c.get('session').get('blob'))?.length ?? 0)))
    const grown = await app.request('/grow', { method: 'POST' })
    expect(grown.headers.getSetCookie()).toHaveLength(4)
    const jar = jarOf(grown)
    expect(await (await app.request('/size', { headers: { cookie: jar.header() } })).text()).toBe(String(10 * 1024))
  })
})

describe('configuration', () => {
  it('cookieStore validates chunks and maxBytes', () => {
    expect(cookieStore({ chunks: true }).chunks).toEqual({ max: 4, maxBytes: 14 * 1024 })
    expect(cookieStore({ chunks: 6, maxBytes: 20_000 }).chunks).toEqual({ max: 6, maxBytes: 20_000 })
    expect(cookieStore().chunks).toBeUndefined()
    expect(cookieStore({ chunks: 1 }).chunks).toBeUndefined()
    expect(cookieStore({ chunks: false }).chunks).toBeUndefined()
    for (const bad of [0, 51, 2.5, -1, '4', null]) expect(() => cookieStore({ chunks: bad as never })).toThrow(TypeError)
    expect(() => cookieStore({ maxBytes: 8000 })).toThrow(/set chunks/)
    for (const bad of [100, 4095, 1e4 + 0.5, '8000']) expect(() => cookieStore({ chunks: 4, maxBytes: bad as never })).toThrow(TypeError)
  })

  it('chunks with a server store is a TypeError', () => {
    expect(() => memoryStore({ chunks: 4 } as never)).toThrow(/cookie store/)
    const declared: SessionStore = {
      ...serverStore({ get: async () => undefined, set: async () => {}, delete: async () => {} }),
      chunks: { max: 4, maxBytes: 14336 },
    }
    expect(() => resolveConfig({ secret: SECRET, store: declared })).toThrow(/cookie store/)
    const malformed: SessionStore = { ...cookieStore(), chunks: { max: 99, maxBytes: 1 } }
    expect(() => resolveConfig({ secret: SECRET, store: malformed })).toThrow(TypeError)
  })
})
