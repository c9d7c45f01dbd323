/**
 * A third-party RecordKeeper without `move()`: serverStore's fallback moves a
 * regenerated session with get, set and delete (not atomic, no forward), and
 * still refuses to move a session revoked before the move began.
 */
import { describe, expect, it } from 'vitest'
import { createSessions } from 'seshjs'
import { type RecordKeeper, serverStore, type StoredRecord } from 'seshjs/store'
import { CookieJar, manualClock, SECRET } from '../helpers.js'

function mapKeeper() {
  const records = new Map<string, StoredRecord>()
  const keeper: RecordKeeper = {
    async get(id, now) {
      const record = records.get(id)
      return record && record.expiresAt > now ? structuredClone(record) : undefined
    },
    async set(id, record, now, options) {
      if (options?.mustExist && !((records.get(id)?.expiresAt ?? 0) > now)) return false
      records.set(id, structuredClone(record))
    },
    async delete(id) {
      records.delete(id)
    },
  }
  return { keeper, records }
}

describe('serverStore: regenerate() over a keeper without move()', () => {
  const setup = () => {
    const { keeper, records } = mapKeeper()
    const clock = manualClock()
    const engine = createSessions({ secret: SECRET, store: serverStore(keeper), now: clock.now })
    const jar = new CookieJar()
    const request = () => new Request('http://localhost/', { headers: jar.cookies.size ? { cookie: jar.header() } : {} })
    return { engine, jar, records, request }
  }

  it('moves the data to a new id and deletes the old record', async () => {
    const { engine, jar, records, request } = setup()
    const first = await engine.load(request())
    first.set('user', 'ada')
    jar.take(await engine.commit(first, new Response()))
    const login = await engine.load(request())
    await login.load()
    const oldId = login.id!
    login.regenerate()
    jar.take(await engine.commit(login, new Response()))
    expect([...records.keys()]).toEqual([login.id])
    expect(records.has(oldId)).toBe(false)
    expect(await (await engine.load(request())).get('user')).toBe('ada')
  })

  it('refuses to move a session revoked since it was read: the cookie is expired, nothing is written', async () => {
    const { engine, jar, records, request } = setup()
    const first = await engine.load(request())
    first.set('user', 'ada')
    jar.take(await engine.commit(first, new Response()))
    const login = await engine.load(request())
    await login.load()
    await engine.byId.delete(login.id!)
    login.regenerate()
    const response = await engine.commit(login, new Response())
    expect(response.headers.get('set-cookie')).toMatch(/^_idx=; Max-Age=0;/)
    expect(records.size).toBe(0)
  })
})

describe('regenerateGrace', () => {
  it('takes a non-negative integer number of seconds', () => {
    expect(createSessions({ secret: SECRET }).config.regenerateGrace).toBe(60)
    expect(createSessions({ secret: SECRET, regenerateGrace: 0 }).config.regenerateGrace).toBe(0)
    expect(() => createSessions({ secret: SECRET, regenerateGrace: -1 })).toThrow(TypeError)
    expect(() => createSessions({ secret: SECRET, regenerateGrace: 1.5 })).toThrow(TypeError)
  })
})
