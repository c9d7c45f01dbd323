/**
 * `SessionStore.newId(from?)`: the engine asks the store for ids when it has
 * the hook (the Durable Object store draws a regenerated session's new id in
 * the old id's shard), passing the old id on `regenerate()`.
 */
import { describe, expect, it } from 'vitest'
import { createSessions, memoryStore, type SessionStore } from 'seshjs'
import { serverStore } from 'seshjs/store'
import { CookieJar, SECRET } from '../helpers.js'

const idOf = (jar: CookieJar) => decodeURIComponent(jar.cookies.get('_idx')!).split('.')[0]

describe('SessionStore.newId', () => {
  it("makes the engine's ids: a new session's with no argument, a regenerate()'s with the old id", async () => {
    const asked: (string | undefined)[] = []
    let n = 0
    const newId = (from?: string) => {
      asked.push(from)
      return `${from === undefined ? 'N' : 'M'}${String(++n).padStart(23, '0')}`
    }
    const store: SessionStore = { ...memoryStore(), newId }
    const engine = createSessions({ secret: SECRET, store })
    const jar = new CookieJar()
    const first = await engine.load(new Request('http://localhost/'))
    first.set('n', 1)
    jar.take(await engine.commit(first, new Response()))
    const old = idOf(jar)
    expect(old).toBe(`N${'1'.padStart(23, '0')}`)
    const login = await engine.load(new Request('http://localhost/', { headers: { cookie: jar.header() } }))
    login.regenerate()
    jar.take(await engine.commit(login, new Response()))
    expect(asked).toEqual([undefined, old])
    expect(idOf(jar)).toBe(`M${'2'.padStart(23, '0')}`)
    expect(await engine.byId.load(idOf(jar)!)).toBeDefined()
  })

  it("serverStore() passes a keeper's newId through", () => {
    const newId = () => 'x'.repeat(24)
    const keeper = { get: async () => undefined, set: async () => undefined, delete: async () => undefined }
    expect(serverStore({ ...keeper, newId }).newId).toBe(newId)
    expect(serverStore(keeper).newId).toBeUndefined()
  })
})
