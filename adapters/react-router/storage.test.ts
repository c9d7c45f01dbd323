import { createSession, isSession } from 'react-router'
import { describe, expect, it } from 'vitest'
import { createSessions, memoryStore, SessionStoreUnavailableError } from '../../src/index.js'
import { cookiePair, SECRET, unavailableStore } from '../../test/helpers.js'
import { createSessionStorage } from './storage.js'

type Data = { count: number; user: string; notice: string }

describe('createSessionStorage', () => {
  it('gives a loaded session: synchronous get, has, data; set and unset show at once', async () => {
    const storage = createSessionStorage<Data>({ secret: SECRET })
    const session = await storage.getSession(null)
    expect(isSession(session)).toBe(true)
    expect(session.id).toBe('') // the cookie store keeps no id
    expect(session.has('count')).toBe(false)
    session.set('count', 2)
    session.set('user', 'ada')
    session.unset('user')
    expect(session.get('count')).toBe(2)
    expect(session.data).toEqual({ count: 2 })
    const cookie = cookiePair(await storage.commitSession(session))
    const again = await storage.getSession(cookie)
    expect(again.get('count')).toBe(2)
    expect(again.has('user')).toBe(false)
    expect(await storage.commitSession(again)).toBe('') // unchanged: not rewritten, no cookie
  })

  it('flash is sesh’s: readable once, on the next request, through session.sesh', async () => {
    const storage = createSessionStorage<Data>({ secret: SECRET, store: memoryStore() })
    const session = await storage.getSession(undefined)
    session.flash('notice', 'saved')
    const cookie = cookiePair(await storage.commitSession(session))
    const next = await storage.getSession(cookie)
    expect(next.id).toMatch(/./) // a server store's id
    expect(next.get('notice')).toBeUndefined() // the synchronous get sees stored values only
    expect(await next.sesh.get('notice')).toBe('saved')
    await storage.commitSession(next)
    expect(await (await storage.getSession(cookie)).sesh.get('notice')).toBeUndefined()
  })

  it('refuses a session it did not make, and values sesh cannot keep', async () => {
    const storage = createSessionStorage<Data>({ secret: SECRET })
    await expect(storage.commitSession(createSession<Data>())).rejects.toThrow(TypeError)
    const session = await storage.getSession('')
    expect(() => session.set('_idx' as 'user', 'x')).toThrow()
    expect(session.has('_idx' as 'user')).toBe(false)
  })

  it('destroySession expires the cookie', async () => {
    const storage = createSessionStorage<Data>({ secret: SECRET })
    const session = await storage.getSession()
    session.set('count', 1)
    const cookie = cookiePair(await storage.commitSession(session))
    expect(await storage.destroySession(await storage.getSession(cookie))).toMatch(/^_idx=; Max-Age=0/)
  })

  it('a store outage rejects getSession with SessionStoreUnavailableError (its getResponse() is a 503)', async () => {
    const memory = createSessions<Data>({ secret: SECRET, store: memoryStore() })
    const made = memory.open(undefined)
    made.set('count', 1)
    const cookie = `_idx=${(await memory.saveCookie(made))!.value}`
    const store = unavailableStore()
    const storage = createSessionStorage<Data>({ secret: SECRET, store })
    const error = await storage.getSession(cookie).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionStoreUnavailableError)
    expect((error as SessionStoreUnavailableError).getResponse().status).toBe(503)
    expect(store.write).not.toHaveBeenCalled()
  })
})
