import { describe, expect, it, vi } from 'vitest'
import { CookieJar, cookiePair, manualClock, SECRET, unavailableStore } from '../../test/helpers.js'
import { SessionNotSerializableError, SessionStoreUnavailableError, SessionTooLargeError } from '../errors.js'
import { createSessions, type Sessions } from './engine.js'
import { cookieStore } from '../stores/cookie/index.js'
import { memoryStore } from '../stores/memory/index.js'

const DAY = 24 * 60 * 60

function requestWith(cookie?: string): Request {
  return new Request('http://localhost/', cookie ? { headers: { cookie } } : {})
}

/** Runs one request through the engine: `work` gets the session; returns the Set-Cookie value. */
async function step(engine: Sessions, jar: CookieJar, work: (session: Awaited<ReturnType<typeof engine.load>>) => unknown) {
  const session = await engine.load(requestWith(jar.header() || undefined))
  await work(session)
  const response = await engine.commit(session, new Response('ok'))
  jar.take(response)
  return response.headers.get('set-cookie') ?? undefined
}

for (const [name, makeStore] of [
  ['cookie', cookieStore],
  ['memory', memoryStore],
] as const) {
  describe(`engine with the ${name} store`, () => {
    const make = (extra = {}) => {
      const clock = manualClock()
      const engine = createSessions({ secret: SECRET, store: makeStore(), now: clock.now, ...extra })
      return { clock, engine, jar: new CookieJar() }
    }

    it('sends nothing when the handler never touches the session', async () => {
      const { engine, jar } = make()
      expect(await step(engine, jar, async (s) => s.set('n', 1))).toBeDefined()
      const read = vi.spyOn(engine.options.store, 'read')
      expect(await step(engine, jar, () => {})).toBeUndefined()
      expect(read).not.toHaveBeenCalled()
    })

    it('gives a new visitor whose session stays empty no cookie', async () => {
      const { engine, jar } = make()
      expect(await step(engine, jar, async (s) => expect(await s.get('n')).toBeUndefined())).toBeUndefined()
      expect(jar.cookies.size).toBe(0)
    })

    it('round-trips data and does not re-send an unchanged session', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => {
        s.set('user', { name: 'Ada', roles: ['admin'], note: 'ünïcødé ✓ 🍪' })
      })
      const again = await step(engine, jar, async (s) => {
        expect(await s.get('user')).toEqual({ name: 'Ada', roles: ['admin'], note: 'ünïcødé ✓ 🍪' })
        expect(s.isNew).toBe(false)
        s.set('user', { name: 'Ada', roles: ['admin'], note: 'ünïcødé ✓ 🍪' }) // same value: not a change
      })
      expect(again).toBeUndefined()
    })

    it('applies writes made before the first read', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('a', 1))
      await step(engine, jar, (s) => s.set('b', 2)) // no read at all: must keep a
      await step(engine, jar, async (s) => expect(await s.all()).toEqual({ a: 1, b: 2 }))
    })

    it('persists in-place mutations of values it returned', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('list', [1]))
      await step(engine, jar, async (s) => ((await s.get('list')) as number[]).push(2))
      await step(engine, jar, async (s) => expect(await s.get('list')).toEqual([1, 2]))
    })

    it('persists in-place changes to nested values from all(), and to values set earlier in the request', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('user', { name: 'Ada', roles: ['admin'] }))
      await step(engine, jar, async (s) => ((await s.all()).user as { roles: string[] }).roles.push('editor'))
      await step(engine, jar, async (s) => {
        const tags = ['a']
        s.set('tags', tags)
        tags.push('b') // after set(), before the response
      })
      await step(engine, jar, async (s) => {
        expect(await s.get('user')).toEqual({ name: 'Ada', roles: ['admin', 'editor'] })
        expect(await s.get('tags')).toEqual(['a', 'b'])
      })
    })

    it('serialises nothing for a request that only reads plain values (no copy, no JSON to compare)', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => {
        s.set('n', 1)
        s.set('user', { name: 'Ada' })
      })
      const session = await engine.load(requestWith(jar.header()))
      const stringify = vi.spyOn(JSON, 'stringify')
      try {
        expect(await session.get('n')).toBe(1)
        expect(await engine.save(session)).toBeUndefined()
        expect(stringify).not.toHaveBeenCalled()
      } finally {
        stringify.mockRestore()
      }
    })

    it('unsets, replaces and expires the cookie when the session empties', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.replace({ a: 1, b: 2 }))
      await step(engine, jar, (s) => s.unset('a'))
      await step(engine, jar, async (s) => expect(await s.all()).toEqual({ b: 2 }))
      const cleared = await step(engine, jar, (s) => s.replace({}))
      expect(cleared).toMatch(/Max-Age=0/)
      expect(jar.cookies.size).toBe(0)
    })

    it('destroys: expired cookie, and the old cookie no longer works where the store keeps records', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('n', 1))
      const stolen = jar.header()
      const destroyed = await step(engine, jar, (s) => s.destroy())
      expect(destroyed).toMatch(/^_idx=; Max-Age=0; Path=\//)
      if (name !== 'cookie') {
        const session = await engine.load(requestWith(stolen))
        expect(await session.get('n')).toBeUndefined()
      }
    })

    it('starts a new session when written after destroy()', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('n', 1))
      let oldId: string | undefined
      await step(engine, jar, async (s) => {
        await s.load()
        oldId = s.id
        s.destroy()
        s.set('m', 2)
      })
      await step(engine, jar, async (s) => {
        expect(await s.all()).toEqual({ m: 2 })
        if (name !== 'cookie') expect(s.id).not.toBe(oldId)
      })
    })

    it('regenerates: new id, same data, old id dead', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('n', 1))
      const before = jar.header()
      const session = await engine.load(requestWith(before))
      await session.load()
      const oldId = session.id
      session.regenerate()
      jar.take(await engine.commit(session, new Response()))
      expect(jar.header()).not.toBe(before)
      await step(engine, jar, async (s) => {
        expect(await s.get('n')).toBe(1)
        if (name !== 'cookie') expect(s.id).not.toBe(oldId)
      })
      if (name !== 'cookie') {
        expect(oldId).toMatch(/^[\w-]{24}$/)
        const old = await engine.load(requestWith(before))
        expect(await old.get('n')).toBeUndefined()
      }
    })

    it('flashes a value for the next request only', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => {
        s.set('keep', true)
        s.flash('message', 'Invalid username or password')
      })
      // a request that loads the session without reading the flash leaves it (and writes nothing)
      expect(await step(engine, jar, async (s) => expect(await s.get('keep')).toBe(true))).toBeUndefined()
      expect(await step(engine, jar, async (s) => expect(await s.has('message')).toBe(true))).toBeUndefined()
      await step(engine, jar, async (s) => {
        expect(await s.get('message')).toBe('Invalid username or password')
        expect(await s.get('message')).toBe('Invalid username or password') // all through this request
        expect(await s.has('message')).toBe(true)
        expect(await s.all()).toEqual({ keep: true })
      })
      await step(engine, jar, async (s) => expect(await s.get('message')).toBeUndefined())
    })

    it('expires after the idle ttl, measured from the last write', async () => {
      const { engine, jar, clock } = make()
      await step(engine, jar, (s) => s.set('n', 1))
      clock.advance(7 * DAY - 1)
      expect(await (await engine.load(requestWith(jar.header()))).get('n')).toBe(1)
      clock.advance(2)
      const session = await engine.load(requestWith(jar.header()))
      expect(await session.get('n')).toBeUndefined()
      expect(session.isNew).toBe(true)
    })

    it('renews on read at most once per touchAfter, and lives on with use', async () => {
      const { engine, jar, clock } = make()
      await step(engine, jar, (s) => s.set('n', 1))
      clock.advance(1800)
      expect(await step(engine, jar, (s) => s.get('n'))).toBeUndefined() // 30 min: too soon
      clock.advance(1800)
      expect(await step(engine, jar, (s) => s.get('n'))).toMatch(/^_idx=/) // 1 h: renewed
      expect(await step(engine, jar, (s) => s.get('n'))).toBeUndefined()
      for (let day = 0; day < 30; day++) {
        clock.advance(6 * DAY)
        await step(engine, jar, (s) => s.get('n'))
      }
      expect(await (await engine.load(requestWith(jar.header()))).get('n')).toBe(1)
    })

    it('enforces an absolute maxAge even with continued use', async () => {
      const { engine, jar, clock } = make({ maxAge: 2 * DAY })
      await step(engine, jar, (s) => s.set('n', 1))
      clock.advance(DAY)
      await step(engine, jar, (s) => s.set('n', 2))
      clock.advance(DAY - 10)
      await step(engine, jar, (s) => s.regenerate())
      expect(await (await engine.load(requestWith(jar.header()))).get('n')).toBe(2)
      clock.advance(11)
      expect(await (await engine.load(requestWith(jar.header()))).get('n')).toBeUndefined()
    })

    it('rewrites a session opened with an older secret with the newest one', async () => {
      const clock = manualClock()
      const jar = new CookieJar()
      const store = makeStore()
      const old = createSessions({ secret: SECRET, store, now: clock.now })
      await step(old, jar, (s) => s.set('n', 1))
      const rotated = createSessions({ secrets: ['N'.repeat(40), SECRET], store, now: clock.now })
      const resealed = await step(rotated, jar, (s) => s.get('n'))
      expect(resealed).toMatch(/^_idx=/)
      const onlyNew = createSessions({ secret: 'N'.repeat(40), store, now: clock.now })
      expect(await (await onlyNew.load(requestWith(jar.header()))).get('n')).toBe(1)
    })

    it('throws a named error for unserializable values, naming the key', () => {
      const { engine } = make()
      return engine.load(requestWith()).then((s) => {
        const cycle: Record<string, unknown> = {}
        cycle.self = cycle
        for (const bad of [10n, () => 1, cycle, [1, undefined], new Date(0), NaN, new Map(), { a: undefined }, Symbol('x')]) {
          expect(() => s.set('bad', bad as never)).toThrow(SessionNotSerializableError)
        }
        try {
          s.set('cart', { items: [1n] } as never)
        } catch (error) {
          expect((error as SessionNotSerializableError).key).toBe('cart')
          expect((error as SessionNotSerializableError).code).toBe('ERR_SESSION_NOT_SERIALIZABLE')
          expect((error as Error).message).toContain('"cart"')
        }
        expect(() => s.set('iat', 1)).toThrow(TypeError)
        expect(() => s.set('', 1)).toThrow(TypeError)
      })
    })

    it('refuses a bad value mutated in place at commit time', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('list', [1]))
      const session = await engine.load(requestWith(jar.header()))
      ;((await session.get('list')) as unknown[]).push(1n)
      await expect(engine.commit(session, new Response())).rejects.toThrow(SessionNotSerializableError)
    })

    it('keeps __proto__ as plain data', async () => {
      const { engine, jar } = make()
      await step(engine, jar, (s) => s.set('__proto__', { polluted: true } as never))
      await step(engine, jar, async (s) => {
        expect(await s.get('__proto__' as never)).toEqual({ polluted: true })
        const all = await s.all()
        expect(Object.getPrototypeOf(all)).toBe(Object.prototype)
      })
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })
  })
}

describe('engine limits and faults', () => {
  it('refuses a cookie over 4096 bytes with a clear error', async () => {
    const engine = createSessions({ secret: SECRET })
    const session = await engine.load(requestWith())
    session.set('blob', 'x'.repeat(3000))
    const error = await engine.commit(session, new Response()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionTooLargeError)
    expect((error as SessionTooLargeError).code).toBe('ERR_SESSION_TOO_LARGE')
    expect((error as SessionTooLargeError).limit).toBe(4096)
    expect((error as Error).message).toMatch(/4096.*server-side store/s)
  })

  it('fits about 2.9 KB of data in a cookie', async () => {
    const engine = createSessions({ secret: SECRET })
    const session = await engine.load(requestWith())
    session.set('blob', 'x'.repeat(2850))
    const response = await engine.commit(session, new Response())
    expect(response.headers.get('set-cookie')!.length).toBeLessThanOrEqual(4096)
  })

  it('never takes a store failure for "no session", and does not write', async () => {
    const failing = unavailableStore('store down')
    const engine = createSessions({ secret: SECRET, store: failing })
    const session = await engine.load(requestWith('_idx=abc.def'))
    await expect(session.get('n')).rejects.toThrow(SessionStoreUnavailableError)
    session.set('n', 1)
    await expect(engine.commit(session, new Response())).rejects.toThrow(SessionStoreUnavailableError)
    expect(failing.write).not.toHaveBeenCalled()
  })

  it('copies the response and appends, keeping other Set-Cookie headers', async () => {
    const engine = createSessions({ secret: SECRET })
    const session = await engine.load(requestWith())
    session.set('n', 1)
    const original = new Response('body', { status: 201, headers: { 'set-cookie': 'theme=dark; Path=/' } })
    const response = await engine.commit(session, original)
    expect(response.status).toBe(201)
    expect(await response.text()).toBe('body')
    expect(response.headers.getSetCookie()).toHaveLength(2)
    expect(cookiePair(response.headers.getSetCookie()[1])).toMatch(/^_idx=ey/)
    expect(original.headers.getSetCookie()).toHaveLength(1)
  })

  it('reads id and isNew only after loading', async () => {
    const engine = createSessions({ secret: SECRET, store: memoryStore() })
    const session = await engine.load(requestWith())
    expect(() => session.id).toThrow(TypeError)
    await session.load()
    expect(session.isNew).toBe(true)
    expect(session.id).toMatch(/^[\w-]{24}$/)
  })
})
