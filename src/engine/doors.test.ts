/** The engine's doors: by Request, by cookie value, by id; the record view; one resolver. */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { manualClock, SECRET } from '../../test/helpers.js'
import { SessionServerStoreRequiredError } from '../errors.js'
import { resolveConfig } from './options.js'
import { createSessions } from './engine.js'
import { cookieStore } from '../stores/cookie/index.js'
import { memoryStore } from '../stores/memory/index.js'
import { serverStore } from '../stores/server.js'
import type { RecordKeeper, SessionStore, StoredRecord } from '../stores/contract.js'

const OTHER = 'zyxwvutsrqponmlkjihgfedcba9876543210'
const HOUR = 3600

/** A keeper that honours `mustExist`, as a conditional write would. */
function conditionalKeeper(): RecordKeeper & { records: Map<string, StoredRecord> } {
  const records = new Map<string, StoredRecord>()
  return {
    records,
    async get(id, now) {
      const record = records.get(id)
      return record && record.expiresAt > now ? structuredClone(record) : undefined
    },
    async set(id, record, now, options) {
      const current = records.get(id)
      if (options?.mustExist && !(current && current.expiresAt > now)) return false
      records.set(id, structuredClone(record))
    },
    async delete(id) {
      records.delete(id)
    },
  }
}

describe('by cookie value', () => {
  for (const [name, store] of [
    ['cookie', cookieStore],
    ['memory', memoryStore],
  ] as const) {
    it(`${name} store: open() and saveCookie() round-trip without a Request or Response`, async () => {
      const engine = createSessions<{ count: number }>({ secret: SECRET, store: store() })
      const fresh = engine.open(undefined)
      fresh.set('count', 1)
      const saved = await engine.saveCookie(fresh)
      expect(saved?.value).toEqual(expect.any(String))
      expect(saved!.header.startsWith(`_idx=${encodeURIComponent(saved!.value!)};`)).toBe(true)

      const again = engine.open(saved!.value!)
      expect(await again.get('count')).toBe(1)
      // the request door sees the same session
      const viaRequest = await engine.load(new Request('http://x/', { headers: { cookie: saved!.header.split(';')[0]! } }))
      expect(await viaRequest.get('count')).toBe(1)
    })
  }

  it('a value that does not open is a fresh session, and reading it sends no cookie', async () => {
    const engine = createSessions({ secret: SECRET })
    for (const value of ['garbage', 'a.b.c.d.e', '', 'x'.repeat(5000)]) {
      const session = engine.open(value)
      expect(await session.all()).toEqual({})
      expect(session.isNew).toBe(true)
      expect(await engine.saveCookie(session)).toBeUndefined()
    }
  })

  it('a cookie sealed with an unknown secret is left alone on a read-only request, expired on destroy()', async () => {
    const other = createSessions({ secret: OTHER })
    const s = other.open(undefined)
    s.set('user', 'a')
    const foreign = (await other.saveCookie(s))!.value!

    const engine = createSessions({ secret: SECRET })
    const read = await engine.load(new Request('http://x/', { headers: { cookie: `_idx=${foreign}` } }))
    expect(await read.get('user')).toBeUndefined()
    expect(await engine.save(read)).toBeUndefined()

    const destroyed = engine.open(foreign)
    destroyed.destroy()
    const expired = expect.stringMatching(/^_idx=; .*Max-Age=0/)
    expect(await engine.saveCookie(destroyed)).toEqual({ value: null, header: expired, headers: [expired] })
  })

  it('renews through open() as through load(): an unchanged session is re-issued after touchAfter', async () => {
    const clock = manualClock()
    const engine = createSessions({ secret: SECRET, now: clock.now })
    const s = engine.open(undefined)
    s.set('n', 1)
    const first = (await engine.saveCookie(s))!.value!
    const soon = engine.open(first)
    await soon.load()
    expect(await engine.saveCookie(soon)).toBeUndefined()
    clock.advance(2 * HOUR)
    const later = engine.open(first)
    await later.load()
    const renewed = await engine.saveCookie(later)
    expect(renewed?.value).toEqual(expect.any(String))
    expect(renewed!.value).not.toBe(first)
  })
})

describe('by id', () => {
  it('loads, saves and deletes a server-store session by id; the user sees it through the signed cookie', async () => {
    const engine = createSessions<{ user?: string; count?: number }>({ secret: SECRET, store: memoryStore() })
    const s = engine.open(undefined)
    s.set('user', 'ada')
    const cookie = (await engine.saveCookie(s))!.value!
    const id = s.id!
    expect(cookie.startsWith(`${id}.`)).toBe(true)
    expect(await engine.byId.cookieValue(id)).toBe(cookie)

    const byId = await engine.byId.load(id)
    expect(byId?.id).toBe(id)
    expect(await byId!.get('user')).toBe('ada')
    byId!.set('count', 7)
    await engine.byId.save(byId!)

    const seen = engine.open(cookie)
    expect(await seen.all()).toEqual({ user: 'ada', count: 7 })

    await engine.byId.delete(id)
    expect(await engine.byId.load(id)).toBeUndefined()
    const after = engine.open(cookie)
    expect(await after.all()).toEqual({})
    expect(after.isNew).toBe(true)
  })

  it('an unknown, expired or malformed id is undefined', async () => {
    const clock = manualClock()
    const engine = createSessions({ secret: SECRET, store: memoryStore(), ttl: HOUR, now: clock.now })
    expect(await engine.byId.load('AAAAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined()
    expect(await engine.byId.load('not an id!')).toBeUndefined()
    const s = engine.open(undefined)
    s.set('n', 1)
    await engine.save(s)
    expect(await engine.byId.load(s.id!)).toBeDefined()
    clock.advance(HOUR + 1)
    expect(await engine.byId.load(s.id!)).toBeUndefined()
    await expect(engine.byId.load('' as string)).rejects.toThrow(TypeError)
  })

  it('the request path still verifies signatures: a bare id or a wrong signature is a fresh session', async () => {
    const engine = createSessions({ secret: SECRET, store: memoryStore() })
    const s = engine.open(undefined)
    s.set('user', 'admin')
    await engine.save(s)
    const id = s.id!
    for (const value of [id, `${id}.AAAA`, `${id}.${(await engine.byId.cookieValue(id)).split('.')[1]}x`]) {
      expect(await engine.open(value).get('user')).toBeUndefined()
    }
    const foreign = createSessions({ secret: OTHER, store: memoryStore() })
    expect(await engine.open(await foreign.byId.cookieValue(id).catch(() => id)).get('user')).toBeUndefined()
  })

  it('with the cookie store every by-id call is a SessionServerStoreRequiredError', async () => {
    const engine = createSessions({ secret: SECRET })
    const session = engine.open(undefined)
    for (const call of [
      () => engine.byId.load('AAAAAAAAAAAAAAAAAAAAAAAA'),
      () => engine.byId.save(session),
      () => engine.byId.delete('AAAAAAAAAAAAAAAAAAAAAAAA'),
      () => engine.byId.cookieValue('AAAAAAAAAAAAAAAAAAAAAAAA'),
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(SessionServerStoreRequiredError)
      expect((error as SessionServerStoreRequiredError).code).toBe('ERR_SESSION_SERVER_STORE_REQUIRED')
      expect((error as Error).message).toMatch(/server-side store/)
    }
  })

  it('reload() sees a change made by id meanwhile (what a WebSocket needs)', async () => {
    const engine = createSessions<{ count: number }>({ secret: SECRET, store: memoryStore() })
    const s = engine.open(undefined)
    s.set('count', 1)
    const cookie = (await engine.saveCookie(s))!.value!
    const socket = engine.open(cookie)
    expect(await socket.get('count')).toBe(1)
    const admin = (await engine.byId.load(s.id!))!
    admin.set('count', 5)
    await engine.byId.save(admin)
    expect(await socket.get('count')).toBe(1)
    await socket.reload()
    expect(await socket.get('count')).toBe(5)
    await engine.byId.delete(s.id!)
    await socket.reload()
    expect(socket.isNew).toBe(true)
  })

  it('a request in flight does not bring back a session deleted meanwhile (store with conditional writes)', async () => {
    const keeper = conditionalKeeper()
    const engine = createSessions<{ count: number }>({ secret: SECRET, store: serverStore(keeper) })
    const s = engine.open(undefined)
    s.set('count', 1)
    const cookie = (await engine.saveCookie(s))!.value!

    const inFlight = engine.open(cookie)
    inFlight.set('count', ((await inFlight.get('count')) ?? 0) + 1)
    await engine.byId.delete(s.id!) // revoked while the request runs
    const expired = expect.stringMatching(/Max-Age=0/)
    expect(await engine.saveCookie(inFlight)).toEqual({ value: null, header: expired, headers: [expired] })
    expect(keeper.records.size).toBe(0)

    // a new session (no record read) is written unconditionally
    const fresh = engine.open(undefined)
    fresh.set('count', 1)
    expect((await engine.saveCookie(fresh))?.value).toEqual(expect.any(String))
    expect(keeper.records.size).toBe(1)
  })
})

describe('the record view', () => {
  it('gives id, issued-at, idle and absolute expiry, and whether an older key opened it', async () => {
    const clock = manualClock()
    const now = () => Math.floor(clock.now() / 1000)
    const old = createSessions({ secrets: [OTHER], store: memoryStore(), now: clock.now })
    const store = memoryStore()
    const engine = createSessions({ secrets: [SECRET, OTHER], store, ttl: 10 * HOUR, maxAge: 100 * HOUR, now: clock.now })

    const s = engine.open(undefined)
    await s.load()
    expect(s.info).toEqual({
      id: s.id,
      isNew: true,
      issuedAt: undefined,
      expiresAt: undefined,
      absoluteExpiresAt: undefined,
      olderKey: false,
      extra: undefined,
    })
    expect(() => engine.open(undefined).info).toThrow(TypeError)
    s.set('n', 1)
    const issued = now()
    const cookie = (await engine.saveCookie(s))!.value!
    clock.advance(60)
    const again = engine.open(cookie)
    await again.load()
    expect(again.info).toEqual({
      id: s.id,
      isNew: false,
      issuedAt: issued,
      expiresAt: issued + 10 * HOUR,
      absoluteExpiresAt: issued + 100 * HOUR,
      olderKey: false,
      extra: again.info.extra,
    })
    expect(Object.isFrozen(again.info)).toBe(true)

    // the same id signed with the older secret
    const olderCookie = await old.byId.cookieValue(s.id!)
    const rotated = engine.open(olderCookie)
    await rotated.load()
    expect(rotated.info.olderKey).toBe(true)
    expect((await engine.saveCookie(rotated))?.value).toBe(cookie) // re-signed with the newest
  })
})

it("the record view shows the store's own attributes, read-only (DynamoDB's _secret)", async () => {
  const clock = manualClock()
  const keeper = memoryStore()
  const store: SessionStore = {
    ...keeper,
    read: async (value, context) => {
      const found = await keeper.read(value, context)
      return found && { ...found, record: { ...found.record, extra: { _secret: 'per-session' } } }
    },
  }
  const engine = createSessions({ secret: SECRET, store, now: clock.now })
  const s = engine.open(undefined)
  s.set('n', 1)
  const cookie = (await engine.saveCookie(s))!.value!
  const again = engine.open(cookie)
  await again.load()
  expect(again.info.extra).toEqual({ _secret: 'per-session' })
  expect(Object.isFrozen(again.info.extra)).toBe(true)
})

describe('one resolver', () => {
  it('createSessions(config) uses the resolved configuration as is', () => {
    const env = { ARC_ENV: 'production', ARC_SESSION_SAME_SITE: 'strict' }
    const config = resolveConfig({ secrets: [SECRET, OTHER], env, cookie: { hostPrefix: false } }) // decided: no tossing warning
    const engine = createSessions(config)
    expect(engine.config).toBe(config)
    expect(config.production).toBe(true)
    expect(config.cookieAttributes).toMatchObject({ secure: true, sameSite: 'strict' })
    expect(config.csrfSecrets).toEqual([SECRET, OTHER])
  })

  it('signs ids and CSRF with ARC_APP_NAME only when asked (Architect), and never in production', async () => {
    const env = { ARC_APP_NAME: 'my-app', ARC_ENV: 'testing' }
    expect(resolveConfig({ env, onWarning: () => {} }).csrfSecrets).not.toContain('my-app')
    expect(resolveConfig({ env, appNameFallback: true, onWarning: () => {} }).csrfSecrets).toEqual(['my-app'])
    expect(resolveConfig({ env: { ARC_ENV: 'testing' }, appNameFallback: true, onWarning: () => {} }).csrfSecrets).toEqual(['fallback'])
    expect(resolveConfig({ env, appNameFallback: true, secret: SECRET }).csrfSecrets).toEqual([SECRET])
    expect(() => resolveConfig({ env: { ...env, ARC_ENV: 'production' }, appNameFallback: true })).toThrow(/production/)
  })
})

describe('typed data', () => {
  it('accepts an interface as the data type', async () => {
    interface Data {
      count: number
      user?: { name: string }
    }
    const engine = createSessions<Data>({ secret: SECRET })
    const s = engine.open(undefined)
    s.set('count', 1)
    expectTypeOf(await s.get('count')).toEqualTypeOf<number | undefined>()
    // @ts-expect-error not a key of Data
    s.set('other', 1)
    // @ts-expect-error wrong value type
    s.set('count', 'one')
    const untyped = createSessions({ secret: SECRET }).open(undefined)
    untyped.set('anything', { a: 1 })
    expectTypeOf(await untyped.get('anything')).toEqualTypeOf<unknown>()
  })
})
